from django.contrib import admin

from archive.admin.common import RECORD_FIELDSET, CitationInline, NameInline, RecordAdmin
from archive.admin.curation import MergeMixin
from archive.models import Language, Place, PlaceName


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "native_name", "direction"]
    search_fields = ["code", "name", "native_name"]


class PlaceNameInline(NameInline):
    model = PlaceName


@admin.register(Place)
class PlaceAdmin(MergeMixin, RecordAdmin):
    actions = [*RecordAdmin.actions, *MergeMixin.actions]
    list_display = ["name", "kind", "parent", "latitude", "longitude", "status", "updated"]
    list_filter = ["kind", "status", "restricted"]
    list_select_related = ["parent"]
    search_fields = ["name", "other_names__name", "public_id"]
    autocomplete_fields = ["parent", "name_language"]
    inlines = [PlaceNameInline, CitationInline]
    fieldsets = [
        (None, {"fields": ("name", "name_language", "kind", "parent", "latitude", "longitude", "description")}),
        RECORD_FIELDSET,
    ]
