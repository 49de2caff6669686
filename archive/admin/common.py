"""Pieces every record admin shares: status columns, citation inline, fieldsets."""

from django.contrib import admin
from django.contrib.contenttypes.admin import GenericTabularInline
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from archive import search
from archive.admin.curation import CurationMixin, DatedCurationForm, calendars_display
from archive.admin.importexport import RecordImportExportMixin
from archive.models import Citation

RECORD_FIELDSET = (
    _("Publishing"),
    {
        "fields": (
            "public_id",
            "status",
            "withdrawn_reason",
            "restricted",
            "wikidata_qid",
            "public_note",
            "private_note",
        )
    },
)
DATE_FIELDSET = (_("Date"), {"fields": ("date_text", "date_calendars", "date_note")})


class CitationInline(GenericTabularInline):
    model = Citation
    extra = 0
    autocomplete_fields = ["source", "cited_in"]
    fields = ["source", "cited_in", "footnote", "page", "quote", "quote_translation", "note"]


class NameInline(admin.TabularInline):
    extra = 0
    autocomplete_fields = ["language"]
    fields = ["name", "language", "kind", "note"]


class ClaimInline(admin.TabularInline):
    extra = 0
    autocomplete_fields = ["source"]
    fields = ["words", "low", "high", "claimant", "claimant_kind", "source", "footnote", "note"]


class DatedRecordAdmin:
    """For record types with a partial date: one text box in either calendar."""

    form = DatedCurationForm

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "date_calendars"]


class RecordAdmin(CurationMixin, RecordImportExportMixin, SimpleHistoryAdmin):
    """Base for every record type: status filters, citations, timestamps."""

    list_filter = ["status", "restricted"]
    readonly_fields = ["created", "updated"]
    inlines = [CitationInline]
    list_per_page = 50
    show_full_result_count = False
    # Web addresses typed without a scheme are taken as https (Django 6's default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_search_results(self, request, queryset, search_term):
        """Search names, aliases and text through the search module (folding, scripts, syntax)."""
        if not search_term.strip():
            return queryset, False
        try:
            ids = search.matching_ids(self.model, search_term)
        except search.SearchQueryError as error:
            self.message_user(request, str(error), level="error")
            return queryset.none(), False
        return queryset.filter(pk__in=ids), False

    @admin.display(description=_("citations"))
    def citation_count(self, obj) -> int:
        return obj.citations.count()

    @admin.display(description=_("stored as (Gregorian · Solar Hijri)"))
    def date_calendars(self, obj) -> str:
        return calendars_display(obj)

    @admin.display(description=_("date"), ordering="date_start")
    def date_display(self, obj) -> str:
        return obj.date_display
