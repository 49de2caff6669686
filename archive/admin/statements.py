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
from archive.models import SignatoryClaim, Statement, StatementText


class StatementTextInline(admin.StackedInline):
    model = StatementText
    extra = 0
    autocomplete_fields = ["language"]
    fields = [("language", "is_original", "translator"), "text"]


class SignatoryClaimInline(ClaimInline):
    model = SignatoryClaim
    fields = ["group", *ClaimInline.fields]


@admin.register(Statement)
class StatementAdmin(DatedRecordAdmin, RecordAdmin):
    list_display = [
        "title",
        "form",
        "date_display",
        "date_precision",
        "place",
        "signatories",
        "status",
        "restricted",
        "updated",
    ]
    list_filter = [
        "form",
        "date_precision",
        place_within_filter("place"),
        ("texts__language", admin.RelatedOnlyFieldListFilter),
        "status",
        "restricted",
    ]
    list_select_related = ["place"]
    search_fields = [
        "title",
        "summary",
        "speaker_description",
        "speaker_people__name",
        "speaker_organizations__name",
        "texts__text",
        "public_id",
    ]
    autocomplete_fields = [
        "speaker_people",
        "speaker_organizations",
        "place",
        "reported_in",
        "about_protests",
        "about_arrests",
        "about_statements",
    ]
    inlines = [StatementTextInline, SignatoryClaimInline, CitationInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("signatory_claims")

    @admin.display(description=_("signatories as written"))
    def signatories(self, obj) -> str:
        return "; ".join(str(claim) for claim in obj.signatory_claims.all())

    date_hierarchy = "date_start"
    fieldsets = [
        (
            None,
            {
                "fields": (
                    "title",
                    "form",
                    "speaker_people",
                    "speaker_organizations",
                    "speaker_description",
                    "place",
                    "summary",
                    "reported_in",
                    "about_protests",
                    "about_arrests",
                    "about_statements",
                )
            },
        ),
        DATE_FIELDSET,
        RECORD_FIELDSET,
    ]
