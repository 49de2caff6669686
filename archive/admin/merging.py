"""The merge action: pick the record to keep (a page listing what each selected record has), then a preview of
everything the merge will do — every reference that moves, every alias made, citations of one passage made one,
fields filled in, protective flags kept — and only then confirm (archive.merge computes the preview with the
steps the merge takes)."""

from django import forms
from django.contrib import admin, messages
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from archive.merge import MergeError, entity_merge, merge_plan, merge_preview, protective_flags

# What the confirmation says when a selected record carries a protective flag: the kept record keeps it.
FLAG_WARNINGS = {
    "at_risk": gettext_lazy(
        "At least one of these records is marked at risk. The record you keep will be marked at risk too, "
        "so none of these names will be public."
    ),
    "restricted": gettext_lazy(
        "At least one of these records is restricted. The record you keep will be restricted too, "
        "so it will not be public."
    ),
}
FLAG_LABELS = {"at_risk": gettext_lazy("at risk"), "restricted": gettext_lazy("restricted")}
ALIAS_STEPS = {
    "add": gettext_lazy("becomes an alias of the record you keep"),
    "move": gettext_lazy("moves to the record you keep"),
    "drop": gettext_lazy("dropped: the record you keep already has it"),
}


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
    """Merge duplicate people, organizations, places or media outlets (a type's `mergeable`)."""

    @admin.action(description=gettext_lazy("Merge selected duplicates…"), permissions=["delete"])
    def merge_selected(self, request, queryset):
        if queryset.count() < 2:
            self.message_user(request, _("Select at least two records to merge."), messages.ERROR)
            return None
        submitted = "apply" in request.POST or "preview" in request.POST
        form = MergeForm(request.POST if submitted else None, queryset=queryset)
        if form.is_valid() and "apply" not in request.POST:
            return self._merge_preview(request, form, queryset)
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
        return self._merge_confirmation(request, form, queryset)

    def _merge_preview(self, request, form, queryset):
        """The chosen record to keep, and everything the merge will do to it and the others, before it is done."""
        survivor = form.cleaned_data["survivor"]
        plan = merge_plan(survivor, [r for r in queryset if r.pk != survivor.pk])
        context = {
            **self.admin_site.each_context(request),
            "title": _("Merge preview"),
            "form": form,
            "queryset": list(queryset),
            "plan": plan,
            "aliases": [(name, language, ALIAS_STEPS[step]) for step, name, language in plan.aliases],
            "flags": [(FLAG_LABELS[flag], FLAG_WARNINGS[flag], records) for flag, records in plan.flags],
            "action": "merge_selected",
            "opts": self.model._meta,
        }
        return render(request, "admin/archive/merge_preview.html", context)

    def _merge_confirmation(self, request, form, queryset):
        records = list(queryset)
        candidates = [
            {
                "record": candidate.record,
                "moves": candidate.moves,
                "flags": [FLAG_LABELS[flag] for flag in candidate.flags],
            }
            for candidate in merge_preview(records)
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Merge duplicates"),
            "form": form,
            "queryset": records,
            "candidates": candidates,
            "warnings": [FLAG_WARNINGS[flag] for flag in protective_flags(records)],
            "action": "merge_selected",
            "opts": self.model._meta,
        }
        return render(request, "admin/archive/merge_form.html", context)
