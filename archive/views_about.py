"""The pages about the archive itself: what it is and how it is made, its codebook, robots.txt, favicon.

The codebook is generated from the registry's field specs and the models' labels and help texts —
the same words curators read in the admin — so it cannot drift from what the archive records.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from archive import registry
from archive.cache import cache_public
from archive.dates import APPROXIMATE_SLACK, DatePrecision, period_end, period_start
from archive.registry import Kind

# What a field holds, in the codebook's words; a kind missing here is shown as text.
KIND_LABELS = {
    Kind.TEXT: _("text"),
    Kind.DATE: _("partial date"),
    Kind.DAY: _("day"),
    Kind.CHOICE: _("one of"),
    Kind.BOOLEAN: _("yes / no"),
    Kind.INTEGER: _("whole number"),
    Kind.NUMBER: _("number"),
    Kind.RECORD: _("link to a record"),
    Kind.RECORDS: _("links to records"),
    Kind.LANGUAGE: _("language"),
    Kind.LANGUAGES: _("languages"),
    Kind.SLOGANS: _("slogans"),
}


@dataclass(frozen=True)
class CodebookField:
    label: str
    column: str
    kind: str
    help_text: str
    choices: tuple[str, ...]
    target: str  # the linked record type's plural name, for links


@dataclass(frozen=True)
class CodebookType:
    key: str
    name: str
    plural: str
    fields: tuple[CodebookField, ...]


def codebook_types() -> list[CodebookType]:
    """Every record type with its public fields, as the codebook lists them."""
    types = []
    for record_type in registry.TYPES:
        fields = []
        for spec in record_type.public_fields:
            model_field = spec.model_field
            choices = (
                tuple(str(label) for _value, label in model_field.choices or ()) if spec.kind == Kind.CHOICE else ()
            )
            target = spec.target
            fields.append(
                CodebookField(
                    label=str(spec.label),
                    column=spec.public_name,
                    kind=KIND_LABELS.get(spec.kind, KIND_LABELS[Kind.TEXT]),
                    help_text=str(spec.help_text),
                    choices=choices,
                    target=str(target._meta.verbose_name_plural)
                    if target is not None and registry.is_record(target)
                    else "",
                )
            )
        types.append(
            CodebookType(
                key=record_type.key,
                name=str(record_type.verbose_name),
                plural=str(record_type.verbose_name_plural),
                fields=tuple(fields),
            )
        )
    return types


def date_precisions() -> list[dict]:
    """Each date precision with the period it covers, shown on a sample day."""
    sample = dt.date(2020, 10, 18)
    rows = []
    for value, label in DatePrecision.choices:
        if value == DatePrecision.UNDATED:
            rows.append({"value": value, "label": label, "start": None, "end": None})
            continue
        rows.append(
            {"value": value, "label": label, "start": period_start(sample, value), "end": period_end(sample, value)}
        )
    return rows


@require_safe
@cache_public
def about(request):
    context = {
        "approximate_days": APPROXIMATE_SLACK.days,
        "licence_name": settings.ARCHIVE_LICENCE_NAME,
        "licence_url": settings.ARCHIVE_LICENCE_URL,
    }
    return render(request, "archive/about.html", context)


@require_safe
@cache_public
def codebook(request):
    context = {
        "codebook": codebook_types(),
        "precisions": date_precisions(),
        "approximate_days": APPROXIMATE_SLACK.days,
    }
    return render(request, "archive/codebook.html", context)


@require_safe
def robots_txt(request):
    """Everything public may be crawled; the sitemap says where it is. The admin's address is not named here."""
    lines = [
        "User-agent: *",
        "Disallow: /api/",
        "Allow: /",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says; send them to the icon the pages name."""
    return HttpResponsePermanentRedirect(static("archive/favicon.svg"))
