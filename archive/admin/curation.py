"""What makes the record admin safe to live in: workflow actions, roles,
a reason for every change, and refusal of silent overwrites."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from archive import workflow
from archive.models import Status

WORKFLOW_READONLY = ["status", "withdrawn_reason", "restricted"]
# What reverting to an old version leaves as it is now: workflow decisions, the withholding of an
# at-risk person's name, and the public id. A revert restores content; it never republishes.
KEPT_ON_REVERT = [*WORKFLOW_READONLY, "at_risk", "public_id"]


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


class PartialDateField(forms.CharField):
    """One text box for a partial date, in either calendar; cleans to a PartialDateValue."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", gettext_lazy("Date"))
        kwargs.setdefault("help_text", DATE_HELP)
        kwargs.setdefault("max_length", 100)
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
    """The stored date in Gregorian and Solar Hijri, for the admin form."""
    from archive.date_input import format_jalali

    if record is None or record.date_start is None:
        return _("undated")
    solar = format_jalali(record.date_start, record.date_precision, lang="en", end=record.date_end)
    persian = format_jalali(record.date_start, record.date_precision, lang="fa", end=record.date_end)
    return f"{record.date_display} · {solar} · {persian}"


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Public reason for withdrawal"), widget=forms.Textarea, max_length=2000)


class CurationMixin:
    """Mixed into every record admin (see archive/admin/common.py)."""

    form = CurationForm
    actions = ["submit_for_review", "publish", "return_to_draft", "withdraw", "restrict", "unrestrict"]

    def get_urls(self):
        from django.urls import path

        opts = self.model._meta
        extra = [
            path(
                "recover/",
                self.admin_site.admin_view(self.recover_list_view),
                name=f"{opts.app_label}_{opts.model_name}_recoverlist",
            ),
            path(
                "recover/<int:history_id>/",
                self.admin_site.admin_view(self.recover_view),
                name=f"{opts.app_label}_{opts.model_name}_recover",
            ),
        ]
        return extra + super().get_urls()

    def recover_list_view(self, request):
        from archive.recovery import deleted_versions

        if not self.has_change_history_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": _("Recover deleted %(name)s") % {"name": self.model._meta.verbose_name_plural},
            "versions": deleted_versions(self.model)[:200],
            "opts": self.model._meta,
        }
        return render(request, "admin/archive/recover_list.html", context)

    def recover_view(self, request, history_id):
        from django.shortcuts import redirect

        from archive.recovery import RecoveryError, record_recover

        if not self.has_change_history_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return redirect(f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_recoverlist")
        try:
            record = record_recover(model=self.model, history_id=history_id, user=request.user)
        except RecoveryError as error:
            self.message_user(request, str(error), messages.ERROR)
            return redirect(f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_recoverlist")
        self.message_user(request, _("Recovered %(record)s.") % {"record": record}, messages.SUCCESS)
        return redirect(f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_change", record.pk)

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), *WORKFLOW_READONLY]

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if not any("change_reason" in (opts.get("fields") or ()) for _name, opts in fieldsets):
            fieldsets.append((_("Change"), {"fields": ("change_reason", "loaded_version")}))
        return fieldsets

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if allowed and obj is not None and obj.status in {Status.PUBLISHED, Status.WITHDRAWN}:
            # Archivists edit drafts; published records change only through an editor.
            return workflow.can_publish(request.user, obj)
        return allowed

    def get_actions(self, request):
        actions = super().get_actions(request)
        opts = self.model._meta
        if not request.user.has_perm(f"{opts.app_label}.publish_{opts.model_name}"):
            for name in ["publish", "return_to_draft", "withdraw", "restrict", "unrestrict"]:
                actions.pop(name, None)
        if not request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}"):
            actions.pop("submit_for_review", None)
        return actions

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """Reading a version needs the history view permission; reverting to it (a POST) is an edit,
        so it also needs the permission to change history and to change this record as it is now."""
        if request.method == "POST":
            current = self.get_object(request, object_id)
            allowed = current is not None and self.has_change_permission(request, current)
            if not (allowed and self.has_change_history_permission(request, current)):
                raise PermissionDenied
            request.archive_reverting = True
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request, obj, form, change):
        obj._change_reason = form.cleaned_data.get("change_reason", "")
        with transaction.atomic():
            if change:
                # Re-check under a row lock so two saves cannot both pass the form's check.
                current = type(obj).objects.select_for_update().filter(pk=obj.pk).first()
                if getattr(request, "archive_reverting", False) and current is not None:
                    for name in KEPT_ON_REVERT:
                        if hasattr(current, name):
                            setattr(obj, name, getattr(current, name))
                conflict = edit_conflict(obj, form.cleaned_data.get("loaded_version") or "")
                if conflict:
                    raise ValidationError(conflict)
            super().save_model(request, obj, form, change)

    def _run(self, request, queryset, service, success, **kwargs):
        done = 0
        for record in queryset:
            try:
                service(record=record, user=request.user, **kwargs)
                done += 1
            except workflow.WorkflowError as error:
                self.message_user(request, f"{record}: {error}", messages.ERROR)
        if done:
            self.message_user(request, success % {"count": done}, messages.SUCCESS)

    @admin.action(description=gettext_lazy("Submit selected for review"))
    def submit_for_review(self, request, queryset):
        self._run(request, queryset, workflow.record_submit, _("%(count)d submitted for review."))

    @admin.action(description=gettext_lazy("Publish selected"))
    def publish(self, request, queryset):
        self._run(request, queryset, workflow.record_publish, _("%(count)d published."))

    @admin.action(description=gettext_lazy("Return selected to draft"))
    def return_to_draft(self, request, queryset):
        self._run(request, queryset, workflow.record_return_to_draft, _("%(count)d returned to draft."))

    @admin.action(description=gettext_lazy("Restrict selected (never public)"))
    def restrict(self, request, queryset):
        self._run(request, queryset, workflow.record_set_restricted, _("%(count)d restricted."), restricted=True)

    @admin.action(description=gettext_lazy("Lift restriction on selected"))
    def unrestrict(self, request, queryset):
        self._run(request, queryset, workflow.record_set_restricted, _("%(count)d unrestricted."), restricted=False)

    @admin.action(description=gettext_lazy("Withdraw selected (with a public reason)"))
    def withdraw(self, request, queryset):
        form = WithdrawForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            self._run(
                request,
                queryset,
                workflow.record_withdraw,
                _("%(count)d withdrawn."),
                reason=form.cleaned_data["reason"],
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Withdraw records"),
            "form": form,
            "queryset": queryset,
            "action": "withdraw",
            "opts": self.model._meta,
        }
        return render(request, "admin/archive/action_form.html", context)


class MergeForm(forms.Form):
    survivor = forms.ModelChoiceField(
        queryset=None,
        widget=forms.RadioSelect,
        label=gettext_lazy("Keep this record; merge the others into it"),
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), required=False, max_length=100)

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["survivor"].queryset = queryset


class MergeMixin:
    """Merge duplicate people, organizations, places or media outlets."""

    actions = ["merge_selected"]

    @admin.action(description=gettext_lazy("Merge selected duplicates…"), permissions=["delete"])
    def merge_selected(self, request, queryset):
        from archive.merge import MergeError, entity_merge

        if queryset.count() < 2:
            self.message_user(request, _("Select at least two records to merge."), messages.ERROR)
            return None
        form = MergeForm(request.POST if "apply" in request.POST else None, queryset=queryset)
        if form.is_valid():
            survivor = form.cleaned_data["survivor"]
            try:
                entity_merge(
                    survivor=survivor,
                    duplicates=[r for r in queryset if r.pk != survivor.pk],
                    user=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except MergeError as error:
                self.message_user(request, str(error), messages.ERROR)
                return None
            self.message_user(request, _("Merged into %(record)s.") % {"record": survivor}, messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Merge duplicates"),
            "form": form,
            "queryset": queryset,
            "action": "merge_selected",
            "opts": self.model._meta,
        }
        return render(request, "admin/archive/action_form.html", context)
