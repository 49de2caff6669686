from django.contrib import admin

from archive.admin.common import (
    DATE_FIELDSET,
    RECORD_FIELDSET,
    CitationInline,
    DatedRecordAdmin,
    NameInline,
    RecordAdmin,
)
from archive.admin.curation import MergeMixin
from archive.models import Citation, MediaOutlet, OutletName, Source, Tombstone


class OutletNameInline(NameInline):
    model = OutletName


@admin.register(MediaOutlet)
class MediaOutletAdmin(MergeMixin, RecordAdmin):
    actions = [*RecordAdmin.actions, *MergeMixin.actions]
    list_display = ["name", "kind", "affiliation", "base", "active_from", "active_until", "status", "updated"]
    list_filter = ["kind", "affiliation", "base", "languages", "status", "restricted"]
    search_fields = ["name", "other_names__name", "public_id"]
    autocomplete_fields = ["name_language", "languages", "country", "owner"]
    inlines = [OutletNameInline, CitationInline]
    fieldsets = [
        (
            None,
            {
                "fields": (
                    "name",
                    "name_language",
                    "kind",
                    "languages",
                    "country",
                    "base",
                    "affiliation",
                    "owner",
                    "active_from",
                    "active_until",
                    "url",
                    "description",
                )
            },
        ),
        RECORD_FIELDSET,
    ]


@admin.register(Source)
class SourceAdmin(DatedRecordAdmin, RecordAdmin):
    list_display = ["title", "authors", "kind", "outlet", "date_display", "language", "status"]
    list_filter = ["kind", "language", "status", "restricted"]
    list_select_related = ["outlet", "language"]
    search_fields = ["title", "title_translation", "authors", "reference_text", "public_id"]
    autocomplete_fields = ["outlet", "language", "author_people"]
    fieldsets = [
        (
            None,
            {
                "fields": (
                    "kind",
                    "title",
                    "title_translation",
                    "authors",
                    "author_people",
                    "outlet",
                    "publisher",
                    "language",
                    "pages",
                    "url",
                    "accessed",
                    "archived_url",
                    "reference_text",
                )
            },
        ),
        DATE_FIELDSET,
        RECORD_FIELDSET,
    ]


@admin.register(Citation)
class CitationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "content_type", "object_id", "footnote", "cited_in"]
    list_filter = ["content_type", "footnote"]
    list_select_related = ["source", "cited_in", "content_type"]
    search_fields = ["quote", "source__title", "note"]
    autocomplete_fields = ["source", "cited_in"]


@admin.register(Tombstone)
class TombstoneAdmin(admin.ModelAdmin):
    """Read-only: written automatically when a public record stops being public."""

    list_display = ["record_type", "public_id", "status", "removed_at"]
    list_filter = ["record_type", "status"]
    search_fields = ["public_id"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
