"""What makes the record admin safe to live in: workflow actions, roles, history and recovery."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from archive import registry, workflow
from archive.admin.forms import CurationForm, WithdrawForm, edit_conflict
from archive.admin.owners import record_refusal

WORKFLOW_READONLY = ["status", "withdrawn_reason", "restricted"]
# What reverting to an old version leaves as it is now: workflow decisions, protective flags (the
# withholding of an at-risk person's name), and the public id. A revert restores content; it never
# republishes.
PROTECTIVE = sorted({f.name for record_type in registry.TYPES for f in record_type.fields if f.protective})
KEPT_ON_REVERT = [*WORKFLOW_READONLY, *PROTECTIVE, "public_id"]


class CurationMixin:
    """Mixed into every record admin (see archive/admin/common.py)."""

    form = CurationForm
    actions = ["submit_for_review", "publish", "return_to_draft", "withdraw", "restrict", "unrestrict"]
    # The record's versions and its parts' changes (names, claims, texts, roles, citations), in human words.
    object_history_template = "admin/archive/object_history.html"

    def get_historical_record_context_helper(self, request, historical_record):
        from archive.admin.history import HumanDelta

        return HumanDelta(self.model, historical_record)

    def history_view(self, request, object_id, extra_context=None):
        from django.contrib.admin.utils import unquote

        from archive.admin.history import part_changes

        record = self.get_queryset(request).filter(pk=unquote(object_id)).first() if str(object_id).isdigit() else None
        extra_context = {**(extra_context or {}), "part_changes": part_changes(record) if record is not None else []}
        return super().history_view(request, object_id, extra_context)

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

    def changelist_view(self, request, extra_context=None):
        # The list links to “Recover deleted” only for those the recovery views let in.
        extra_context = {**(extra_context or {}), "has_recover_permission": self.has_change_history_permission(request)}
        return super().changelist_view(request, extra_context)

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
            recovered = record_recover(model=self.model, history_id=history_id, user=request.user)
        except RecoveryError as error:
            self.message_user(request, str(error), messages.ERROR)
            return redirect(f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_recoverlist")
        record = recovered.record
        if recovered.merged:
            message = _(
                "Recovered %(record)s as a draft: it had been merged into another record. Review it before "
                "publishing it again. Taken back from the kept record: other names %(names)d, citations %(citations)d."
            ) % {"record": record, "names": recovered.names_taken_back, "citations": recovered.citations_moved_back}
        else:
            message = _("Recovered %(record)s.") % {"record": record}
        self.message_user(request, message, messages.SUCCESS)
        return redirect(f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_change", record.pk)

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), *WORKFLOW_READONLY]

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if not any("change_reason" in (opts.get("fields") or ()) for _name, opts in fieldsets):
            fieldsets.append((_("Change"), {"fields": ("change_reason", "loaded_version")}))
        return fieldsets

    def has_change_permission(self, request, obj=None):
        """The write path's rule, said before anyone types: archivists edit drafts; published and
        withdrawn records change only through an editor (the page is read-only to anyone else)."""
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or not record_refusal(request, type(obj), obj.pk))

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

    def save_formset(self, request, form, formset, change):
        # A part added, changed or removed with the record carries the reason given for the record's change.
        reason = form.cleaned_data.get("change_reason", "")
        for part_form in formset.forms:
            part_form.instance._change_reason = reason
        super().save_formset(request, form, formset, change)

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
