"""The admin's live date preview: what a typed date will be stored as, in both calendars, before saving.

The date box (`PartialDateField`) carries the address of this view; a small script
(archive/static/archive/admin-date-preview.js, allowed by the CSP as a script from this site) asks it
as the archivist types. The preview parses with the same parser the form cleans with, so what it
shows is what a save stores.
"""

from django.contrib.admin.views.decorators import staff_member_required
from django.http import JsonResponse
from django.views.decorators.http import require_safe

from archive.date_input import DateInputError, parse_partial_date

MAX_LENGTH = 100


def preview(text: str) -> dict:
    """{"ok": True, "text": "mid-October 2020 · mid-Mehr 1399 · اواسط مهر ۱۳۹۹"}, or {"ok": False, "error": …}."""
    from archive.admin.forms import calendars_of

    text = text.strip()[:MAX_LENGTH]
    if not text:
        return {"ok": True, "text": ""}
    try:
        value = parse_partial_date(text)
    except DateInputError as error:
        return {"ok": False, "error": str(error)}
    return {"ok": True, "text": calendars_of(value.start, value.end, value.precision)}


@require_safe
@staff_member_required
def date_preview(request):
    response = JsonResponse(preview(request.GET.get("text", "")))
    response["Cache-Control"] = "private, no-store"
    return response
