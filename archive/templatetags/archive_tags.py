from decimal import Decimal
from urllib.parse import quote

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from archive import registry, translations, validators
from archive.pages import title_of

register = template.Library()


@register.filter
def record_url(record) -> str:
    return reverse("archive:detail", args=[registry.key_of(record), record.public_id])


def record_urls(model):
    """`record_url` for many records of one type (a map's hundreds of places): the address is resolved once, and
    each public id (a slug, as the address requires) put in its place."""
    address = addresses("archive:detail", registry.key_of(model))
    return lambda record: address(record.public_id)


def addresses(view: str, *args):
    """The addresses of a view whose last argument is a public id, by public id (a list row read from the public
    read model has no record): resolved once, each id put in its place (a slug, as the address requires)."""
    head, tail = reverse(view, args=[*args, _ID_SLOT]).split(_ID_SLOT)
    return lambda public_id: f"{head}{quote(public_id, safe='')}{tail}"


_ID_SLOT = "public-id-slot"


@register.simple_tag
def record_types() -> tuple:
    """Every record type, in the archive's order (the site's menu)."""
    return registry.TYPES


@register.filter
def record_title(record) -> str:
    return title_of(record)


@register.filter
def reader_text(record, field: str):
    """The record's text `field` in the reader's language, or its original (see archive.translations.Text)."""
    return translations.text_of(record, field)


@register.simple_tag
def text_attrs(value) -> str:
    """lang and dir of a text fragment: those of a `Text` (a record's text in some language), else dir=auto."""
    if isinstance(value, translations.Text):
        return format_html('lang="{}" dir="{}"', value.language, value.dir)
    return mark_safe('dir="auto"')


@register.inclusion_tag("archive/_text_note.html")
def text_note(value):
    """The note beside a record's text: shown in its original because the reader's language has none yet,
    or translated (by the archive, or published by a source, linked)."""
    return {"text": value if isinstance(value, translations.Text) and value.note else None}


@register.filter
def type_label(record) -> str:
    return str(record._meta.verbose_name)


@register.filter
def solar_hijri(record) -> str:
    """The record's date in the Solar Hijri calendar, for Persian readers."""
    from archive.date_input import format_jalali

    if getattr(record, "date_start", None) is None:
        return ""
    lang = "fa" if (get_language() or "").startswith("fa") else "en"
    return format_jalali(record.date_start, record.date_precision, lang=lang, end=record.date_end)


@register.simple_tag(takes_context=True)
def show_solar_hijri(context) -> bool:
    return (get_language() or "").startswith("fa")


@register.filter
def plain_number(value) -> str:
    """A stored number as data, in every language: a decimal point, no grouping, no trailing zeros
    (a coordinate 38.080000 reads 38.08, not 38,080000)."""
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text
    return str(value)


_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


@register.filter
def local_digits(value) -> str:
    """A date as the page's language writes its digits. One rule for the site: on Persian pages every date is
    written in Persian digits (its Gregorian and its Solar Hijri form alike); elsewhere in Latin digits.
    Machine-readable values (ids, ISO days in citations, coordinates) keep Latin digits everywhere."""
    text = str(value)
    return text.translate(_PERSIAN_DIGITS) if (get_language() or "").startswith("fa") else text


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def is_web_address(value) -> bool:
    """Only an http(s) address becomes a link; anything else (javascript:, data: …) is shown as text."""
    return validators.is_web_address(value)
