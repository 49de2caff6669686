from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from archive.admin.common import (
    DATE_FIELDSET,
    RECORD_FIELDSET,
    CitationInline,
    ClaimInline,
    DatedRecordAdmin,
    RecordAdmin,
)
from archive.admin.filters import place_within_filter
from archive.models import Arrest, ArrestCountClaim, Protest, ProtestSizeClaim, Slogan


class ProtestSizeClaimInline(ClaimInline):
    model = ProtestSizeClaim


class ArrestCountClaimInline(ClaimInline):
    model = ArrestCountClaim


class ArrestInline(admin.TabularInline):
    model = Arrest
    extra = 0
    fields = ["public_id", "person", "group_description", "date_start", "date_precision", "outcome", "status"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Slogan)
class SloganAdmin(admin.ModelAdmin):
    list_display = ["text", "language", "translation"]
    list_filter = ["language"]
    search_fields = ["text", "translation"]
    autocomplete_fields = ["language"]


@admin.register(Protest)
class ProtestAdmin(DatedRecordAdmin, RecordAdmin):
    list_display = [
        "title",
        "date_display",
        "date_precision",
        "kind",
        "event_status",
        "place_list",
        "size_as_written",
        "status",
        "restricted",
        "updated",
    ]
    list_filter = ["kind", "event_status", "date_precision", place_within_filter("places"), "status", "restricted"]
    search_fields = ["title", "description", "places__name", "slogans__text", "slogans__translation", "public_id"]
    autocomplete_fields = ["places", "organizers", "slogans"]
    inlines = [ProtestSizeClaimInline, ArrestInline, CitationInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("places", "size_claims")

    @admin.display(description=_("places"))
    def place_list(self, obj) -> str:
        return ", ".join(place.name for place in obj.places.all())

    @admin.display(description=_("size as written"))
    def size_as_written(self, obj) -> str:
        return "; ".join(str(claim) for claim in obj.size_claims.all())

    date_hierarchy = "date_start"
    fieldsets = [
        (None, {"fields": ("title", "kind", "event_status", "places", "organizers", "slogans", "description")}),
        DATE_FIELDSET,
        RECORD_FIELDSET,
    ]


@admin.register(Arrest)
class ArrestAdmin(DatedRecordAdmin, RecordAdmin):
    list_display = [
        "__str__",
        "date_display",
        "date_precision",
        "place",
        "protest",
        "authority",
        "number_as_written",
        "outcome",
        "status",
        "restricted",
    ]
    list_filter = ["outcome", "date_precision", place_within_filter("place"), "status", "restricted"]
    list_select_related = ["person", "place", "protest", "authority"]
    search_fields = ["group_description", "person__name", "person__other_names__name", "description", "public_id"]
    autocomplete_fields = ["person", "place", "protest", "authority"]
    inlines = [ArrestCountClaimInline, CitationInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("count_claims")

    @admin.display(description=_("number as written"))
    def number_as_written(self, obj) -> str:
        return "; ".join(str(claim) for claim in obj.count_claims.all())

    date_hierarchy = "date_start"
    fieldsets = [
        (
            None,
            {
                "fields": (
                    "person",
                    "group_description",
                    "place",
                    "protest",
                    "authority",
                    "accusation",
                    "formal_charge",
                    "outcome",
                    "outcome_date",
                    "outcome_note",
                    "description",
                )
            },
        ),
        DATE_FIELDSET,
        RECORD_FIELDSET,
    ]
