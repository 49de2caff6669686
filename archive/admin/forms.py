"""The record admin's forms: a reason for every change, refusal of silent overwrites, and one text
box for a partial date in either calendar."""

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class CurationForm(forms.ModelForm):
    """Adds the version the editor loaded and an optional reason for the change."""

    loaded_version = forms.CharField(widget=forms.HiddenInput, required=False)
    change_reason = forms.CharField(
        label=gettext_lazy("Reason for this change"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("Optional; kept in the record's history."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            current = type(self.instance).objects.filter(pk=self.instance.pk).values_list("updated", flat=True).first()
            self.initial["loaded_version"] = current.isoformat() if current else ""

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            conflict = edit_conflict(self.instance, self.cleaned_data.get("loaded_version") or "")
            if conflict:
                raise ValidationError(conflict, code="edit_conflict")
        return cleaned


def edit_conflict(record, loaded_version: str) -> str:
    """A message describing changes saved since `loaded_version`, or "" if none."""
    model = type(record)
    current = model.objects.filter(pk=record.pk).values_list("updated", flat=True).first()
    loaded = parse_datetime(loaded_version) if loaded_version else None
    if current is None or loaded is None or current <= loaded:
        return ""
    changes = []
    newer = list(record.history.filter(history_date__gt=loaded).order_by("history_date"))
    for entry in newer:
        previous = entry.prev_record
        fields = []
        if previous is not None:
            fields = [str(model._meta.get_field(c.field).verbose_name) for c in entry.diff_against(previous).changes]
        who = entry.history_user or _("someone")
        when = timezone.localtime(entry.history_date).strftime("%Y-%m-%d %H:%M:%S")
        changes.append(
            _("%(who)s at %(when)s changed: %(fields)s")
            % {"who": who, "when": when, "fields": ", ".join(fields) or _("related items")}
        )
    detail = "; ".join(changes) or _("names, citations or other parts of the record")
    return _(
        "Someone saved this record after you opened it, so your changes were not saved. "
        "Changed meanwhile: %(detail)s. Reload the page, then make your changes again."
    ) % {"detail": detail}


DATE_HELP = gettext_lazy(
    "As the sources give it: 2020, 2020-10, 2020-10-18, 18.10.2020, mid-October 2020, about 18 October 2020, "
    "1990s, ranges such as 6–13 April 1993 or 2020-09-27..2020-11-10, Solar Hijri such as 14 Aban 1399 "
    "or 1399-08-14 SH, or “undated”."
)


class DatePreviewInput(forms.TextInput):
    """A date box that shows, as the archivist types, what the date will be stored as in both calendars
    (archive/admin/datepreview.py answers; the script is a file from this site, as the CSP requires)."""

    class Media:
        js = ["archive/admin-date-preview.js"]

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["data-date-preview"] = reverse("admin-date-preview")
        return context


class PartialDateField(forms.CharField):
    """One text box for a partial date, in either calendar; cleans to a PartialDateValue."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", gettext_lazy("Date"))
        kwargs.setdefault("help_text", DATE_HELP)
        kwargs.setdefault("max_length", 100)
        kwargs.setdefault("widget", DatePreviewInput)
        super().__init__(**kwargs)

    def clean(self, value):
        from archive.date_input import DateInputError, parse_partial_date

        text = super().clean(value)
        if not text and not self.required:
            return None
        try:
            return parse_partial_date(text)
        except DateInputError as error:
            raise ValidationError(str(error), code="invalid_date") from error


class PartialDateFormMixin:
    """Replaces date_start / date_end / date_precision with one text box."""

    def _init_date(self):
        from archive.date_input import format_partial_date_input

        instance = self.instance
        if instance.pk or instance.date_start:
            self.initial.setdefault(
                "date_text",
                format_partial_date_input(instance.date_start, instance.date_end, instance.date_precision),
            )

    def _apply_date(self):
        value = self.cleaned_data.get("date_text")
        if value is not None:
            self.instance.date_start = value.start
            self.instance.date_end = value.end
            self.instance.date_precision = value.precision


class DatedCurationForm(PartialDateFormMixin, CurationForm):
    date_text = PartialDateField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._init_date()

    def clean(self):
        cleaned = super().clean()
        self._apply_date()
        return cleaned


class DatedInlineForm(PartialDateFormMixin, forms.ModelForm):
    date_text = PartialDateField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._init_date()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date_text") is None and not self.instance.date_start:
            from archive.date_input import parse_partial_date

            cleaned["date_text"] = parse_partial_date("undated")
        self._apply_date()
        return cleaned


def calendars_display(record) -> str:
    """The stored date in Gregorian and Solar Hijri, for the admin form; nothing before the first save (not
    "undated": the live preview under the date box says what a save will store)."""
    if record is None or record.pk is None:
        return ""
    return calendars_of(record.date_start, record.date_end, record.date_precision)


def calendars_of(start, end, precision) -> str:
    """A partial date in Gregorian and Solar Hijri (transliterated and in Persian)."""
    from archive import dates
    from archive.date_input import format_jalali

    if start is None:
        return _("undated")
    solar = format_jalali(start, precision, lang="en", end=end)
    persian = format_jalali(start, precision, lang="fa", end=end)
    return f"{dates.render(start, end, precision)} · {solar} · {persian}"


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Public reason for withdrawal"), widget=forms.Textarea, max_length=2000)
