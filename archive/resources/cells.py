"""Reading and writing single cells: text, choices, numbers, days, languages, lists.

Every ``clean`` takes what a CSV, XLSX or JSON file holds (text, numbers,
dates, None) and returns a Python value, or raises ValueError with a message
for the archivist; every ``render`` writes the text an export puts in the cell,
in the form ``clean`` reads back unchanged.
"""

import contextlib
import contextvars
import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from import_export import widgets

from archive.date_input import DateInputError, parse_partial_date
from archive.dates import DatePrecision
from archive.models import Language

SEPARATOR = "|"
JOINER = " | "

# A cell a spreadsheet might run as a formula: it starts with = + - @ tab or CR
# (after any apostrophes we added ourselves). Plain numbers such as -5 are safe.
_FORMULA = re.compile(r"^'*[=+\-@\t\r]")
_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def _needs_escape(text: str) -> bool:
    return bool(_FORMULA.match(text)) and not _PLAIN_NUMBER.match(text)


def escape_formula(value):
    """Prefix an apostrophe to a cell a spreadsheet would run as a formula (reversible)."""
    if isinstance(value, str) and _needs_escape(value):
        return "'" + value
    return value


def unescape_formula(value):
    """Undo `escape_formula`: escape_formula then unescape_formula gives the value back."""
    if isinstance(value, str) and value.startswith("'") and _needs_escape(value[1:]):
        return value[1:]
    return value


def cell_text(value) -> str:
    """A cell as stripped text; empty for None."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value).strip()


QUOTED_LENGTH = 80  # characters of a cell an error message quotes


def as_written(text: str) -> str:
    """A cell for an error message: as the archivist wrote it, shortened if long."""
    return text if len(text) <= QUOTED_LENGTH else text[: QUOTED_LENGTH - 1] + "…"


def split_items(value) -> list[str]:
    """A multi-valued cell: items separated by |, trimmed, empty items and repeats dropped."""
    items = []
    for item in cell_text(value).split(SEPARATOR):
        item = item.strip()
        if item and item not in items:
            items.append(item)
    return items


_TAGGED = re.compile(r"^(?P<text>.*?)\s*\[(?P<lang>[^\[\]]*)\]$", re.DOTALL)


def split_tagged(item: str) -> tuple[str, str | None]:
    """“Urmu [az-Latn]” → ("Urmu", "az-Latn"); “Urmu” → ("Urmu", None)."""
    match = _TAGGED.match(item)
    if not match:
        return item, None
    return match["text"].strip(), match["lang"].strip()


class TextWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return cell_text(value)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class ChoiceWidget(widgets.Widget):
    """A choice by its stored value or its label, in any letter case; `choices` are (value, label) pairs."""

    def __init__(self, choices, **kwargs):
        super().__init__(**kwargs)
        self.choices = list(choices)
        # {casefolded value or label: value}, made on first use: a widget serves one import or export,
        # in one language (the resource's fields are copies made for it).
        self._known: dict[str, str] | None = None

    def _lookup(self) -> dict[str, str]:
        if self._known is None:
            known = {}
            for stored, label in reversed(self.choices):  # the first match wins, as it always did
                known[str(label).casefold()] = stored
                known[str(stored).casefold()] = stored
            self._known = known
        return self._known

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return ""
        found = self._lookup().get(text.casefold())
        if found is not None:
            return found
        allowed = ", ".join(str(stored) for stored, _label in self.choices)
        raise ValueError(_("“%(value)s” is not one of: %(allowed)s.") % {"value": as_written(text), "allowed": allowed})

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class IntegerWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return None
        try:
            number = Decimal(text.replace(",", "").replace(" ", ""))
        except InvalidOperation:
            number = None
        if number is None or number != number.to_integral_value():
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": as_written(text)})
        return int(number)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class DecimalWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return None
        try:
            return Decimal(text)
        except InvalidOperation:
            raise ValueError(_("“%(value)s” is not a number.") % {"value": as_written(text)}) from None

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else format(value, "f")


class BooleanWidget(widgets.Widget):
    TRUE = {"1", "true", "yes", "y", "x"}
    FALSE = {"0", "false", "no", "n"}

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value).casefold()
        if not text:
            return None
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise ValueError(_("“%(value)s” is not yes or no: write 1 or 0.") % {"value": as_written(cell_text(value))})

    def render(self, value, obj=None, **kwargs):
        return "1" if value else "0"


class DayWidget(widgets.Widget):
    """A single day, in any form the partial-date parser reads (2020-11-04, 14 Aban 1399)."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, dt.date | dt.datetime):
            return value.date() if isinstance(value, dt.datetime) else value
        text = cell_text(value)
        if not text:
            return None
        try:
            parsed = parse_partial_date(text)
        except DateInputError as error:
            raise ValueError(str(error)) from None
        if parsed.precision != DatePrecision.DAY or parsed.end is not None:
            raise ValueError(_("“%(value)s” is not a single day: write e.g. 2020-11-04.") % {"value": as_written(text)})
        return parsed.start

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


_BCP47 = re.compile(r"^(?P<lang>[A-Za-z]{2,3})(?:-(?P<script>[A-Za-z]{4}))?(?:-(?P<region>[A-Za-z]{2}))?$")


# The archive's languages by code while an import runs (see `languages_cached`), else None.
_languages: contextvars.ContextVar[dict | None] = contextvars.ContextVar("import_languages", default=None)


@contextlib.contextmanager
def languages_cached():
    """Read the (small) language table once for a whole import instead of once per cell."""
    token = _languages.set({language.code: language for language in Language.objects.all()})
    try:
        yield
    finally:
        _languages.reset(token)


def _language(tag: str) -> Language | None:
    known = _languages.get()
    return known.get(tag) if known is not None else Language.objects.filter(code=tag).first()


def language_for(code: str) -> Language:
    """The archive's Language for a BCP 47 tag, in any letter case (az-latn is az-Latn)."""
    match = _BCP47.match(code)
    if not match:
        raise ValueError(
            _("“%(code)s” is not a BCP 47 language tag such as az-Latn, fa or en.") % {"code": as_written(code)}
        )
    tag = match["lang"].lower()
    if match["script"]:
        tag += "-" + match["script"].title()
    if match["region"]:
        tag += "-" + match["region"].upper()
    language = _language(tag)
    if language is None:
        raise ValueError(
            _("The archive has no language “%(code)s”; add it under Languages first, or use one of: %(known)s.")
            % {"code": as_written(code), "known": ", ".join(Language.objects.values_list("code", flat=True)[:30])}
        )
    return language


class LanguageWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        return language_for(text) if text else None

    def render(self, value, obj=None, **kwargs):
        return value.code if value else ""
