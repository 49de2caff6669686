"""The base of every record admin: a subclass names its record type and gets the rest from the registry."""

import dataclasses

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from archive import changes, public_ids, search
from archive.admin import derive
from archive.admin import translations as translation_admin
from archive.admin.curation import CurationMixin
from archive.admin.forms import CurationForm, DatedCurationForm, calendars_display
from archive.admin.importexport import RecordImportExportMixin
from archive.admin.merging import MergeMixin

# How many of a search's best matches keep their rank in the admin (autocompletes show 20 a page).
RANKED_RESULTS = 100


class RecordAdmin(CurationMixin, MergeMixin, RecordImportExportMixin, SimpleHistoryAdmin):
    """Base for every record type. A subclass sets `record_type = registry.get(...)`; each option it does
    not set itself — fieldsets, autocomplete fields, list columns, filters and related lookups, inlines,
    date hierarchy, form, actions — is derived from that type (archive/admin/derive.py)."""

    record_type = None
    extra_inlines = ()  # inlines beyond the type's parts (shown before citations)
    readonly_fields = ["created", "updated"]
    # The search box searches through archive.search (get_search_results); a field here turns it on.
    search_fields = ["public_id"]
    list_per_page = 50

    class Media:
        css = {"all": ["archive/admin-forms.css"]}  # lists and forms fit 1366 px

    # The list's toolbar: import-export's (import, export, add) plus “Recover deleted” (CurationMixin).
    import_export_change_list_template = "admin/archive/record_change_list.html"
    show_full_result_count = False
    # Web addresses typed without a scheme are taken as https (Django 6's default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        record_type = cls.record_type
        if record_type is None:
            return
        derived = {
            "fieldsets": derive.fieldsets(record_type),
            "autocomplete_fields": derive.autocomplete_fields(record_type),
            "list_display": derive.list_display(record_type),
            "list_select_related": derive.list_select_related(record_type),
            "list_filter": (*derive.list_filter(record_type), translation_admin.MissingTranslationFilter),
            "inlines": derive.inlines(record_type, extra=cls.extra_inlines),
            "actions": derive.actions(record_type, CurationMixin.actions),
        }
        derived["form"] = translation_admin.form_for(CurationForm, record_type)
        if record_type.dated:
            derived.update(form=translation_admin.form_for(DatedCurationForm, record_type), date_hierarchy="date_start")
        for name, value in derived.items():
            if name not in cls.__dict__:
                setattr(cls, name, value)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related(*derive.list_prefetch(self.record_type))

    def get_fieldsets(self, request, obj=None):
        """The type's fieldsets, then its translations: a fieldset per language other than the texts' own."""
        fieldsets = list(super().get_fieldsets(request, obj))
        if not self.record_type:
            return fieldsets
        original = (obj.original_language if obj is not None else "") or "en"
        change = [entry for entry in fieldsets if "change_reason" in (entry[1].get("fields") or ())]
        own = [entry for entry in fieldsets if entry not in change]
        if obj is not None and not self.has_change_permission(request, obj):  # read only: what it has, as text
            return [*own, (_("Translations"), {"fields": ("original_language", "translations_shown")}), *change]
        return [*own, *translation_admin.fieldsets(self.record_type, original=original), *change]

    @admin.display(description=_("translations"))
    def translations_shown(self, obj):
        return translation_admin.shown(obj)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)  # a class made for this request
        form.translator = request.user.get_username()  # noted on the archive's translations this save changes
        return form

    def get_readonly_fields(self, request, obj=None):
        dated = ["date_calendars"] if self.record_type.dated else []
        # A published record's address is cited: its id is shown, not offered for editing (archive.public_ids).
        permanent = ["public_id"] if obj is not None and public_ids.was_published(obj) else []
        shown = ["translations_shown"]  # (a read-only page lists the translations instead of their boxes)
        return [
            *super().get_readonly_fields(request, obj),
            *dated,
            *permanent,
            *shown,
            *self.protected_fields(request, obj),
        ]

    def protected_fields(self, request, obj) -> dict[str, str]:
        """Protective flags set on `obj` that the user may not lift (an archivist and a person's at-risk
        flag), each with the reason: they are shown read-only."""
        if obj is None or obj.pk is None:
            return {}
        found = {}
        before = changes.state_of(obj)
        stated = {f.name for f in dataclasses.fields(before)}
        for name in derive.protective_fields(self.record_type):
            if name not in stated or not getattr(obj, name):
                continue
            lifted = dataclasses.replace(before, **{name: False})
            reason = changes.refusal(self.model, before, lifted, request.user, "change")
            if reason:
                found[name] = reason
        return found

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """A POST that sends a flag the user sees read-only was not sent by this form: refused."""
        if request.method == "POST" and object_id is not None:
            protected = self.protected_fields(request, self.get_object(request, unquote(object_id)))
            forged = [reason for name, reason in protected.items() if name in request.POST]
            if forged:
                raise PermissionDenied(forged[0])
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_search_results(self, request, queryset, search_term):
        """Search names, aliases and text through the search module (folding, scripts, syntax)."""
        if not search_term.strip():
            return queryset, False
        try:
            ids = search.matching_ids(self.model, search_term)
        except search.SearchQueryError as error:
            self.message_user(request, str(error), level="error")
            return queryset.none(), False
        # In the search's order (exact name or alias first): autocompletes keep it; the list applies its own sort.
        ranked = ids[:RANKED_RESULTS]
        order = Case(
            *(When(pk=pk, then=Value(position)) for position, pk in enumerate(ranked)),
            default=Value(len(ranked)),
            output_field=IntegerField(),
        )
        return queryset.filter(pk__in=ids).order_by(order, "pk"), False

    @admin.display(description=_("stored as (Gregorian · Solar Hijri)"))
    def date_calendars(self, obj) -> str:
        return calendars_display(obj)

    @admin.display(description=_("date"), ordering="date_start")
    def date_display(self, obj) -> str:
        return obj.date_display
