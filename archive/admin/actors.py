from django.contrib import admin

from archive.admin.common import RECORD_FIELDSET, CitationInline, NameInline, RecordAdmin
from archive.admin.curation import DatedInlineForm, MergeMixin
from archive.admin.filters import place_within_filter
from archive.models import Affiliation, Organization, OrganizationName, Person, PersonName


class PersonNameInline(NameInline):
    model = PersonName


class OrganizationNameInline(NameInline):
    model = OrganizationName


class AffiliationInline(admin.TabularInline):
    model = Affiliation
    form = DatedInlineForm
    extra = 0
    autocomplete_fields = ["organization"]
    fields = ["role", "organization", "date_text", "date_note"]


@admin.register(Person)
class PersonAdmin(MergeMixin, RecordAdmin):
    actions = [*RecordAdmin.actions, *MergeMixin.actions]
    list_display = ["name", "at_risk", "status", "restricted", "updated"]
    list_filter = ["at_risk", "status", "restricted"]
    search_fields = ["name", "other_names__name", "public_id"]
    autocomplete_fields = ["name_language"]
    inlines = [PersonNameInline, AffiliationInline, CitationInline]
    fieldsets = [(None, {"fields": ("name", "name_language", "description", "at_risk")}), RECORD_FIELDSET]


@admin.register(Organization)
class OrganizationAdmin(MergeMixin, RecordAdmin):
    actions = [*RecordAdmin.actions, *MergeMixin.actions]
    list_display = ["name", "kind", "country", "based_in", "founded_year", "status", "updated"]
    list_filter = ["kind", place_within_filter("based_in", "country"), "status", "restricted"]
    list_select_related = ["country", "based_in"]
    search_fields = ["name", "other_names__name", "public_id"]
    autocomplete_fields = ["name_language", "country", "based_in", "parent"]
    inlines = [OrganizationNameInline, CitationInline]
    fieldsets = [
        (
            None,
            {
                "fields": (
                    "name",
                    "name_language",
                    "kind",
                    "country",
                    "based_in",
                    "parent",
                    "founded_year",
                    "dissolved_year",
                    "description",
                )
            },
        ),
        RECORD_FIELDSET,
    ]
