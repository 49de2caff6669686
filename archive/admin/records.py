"""One admin per record type, each derived from its type in the registry (see RecordAdmin)."""

from django.contrib import admin

from archive import models, registry
from archive.admin.common import RecordAdmin


class ArrestInline(admin.TabularInline):
    """A protest's arrests, to read and open; each is edited on its own page."""

    model = models.Arrest
    extra = 0
    fields = ["public_id", "person", "group_description", "date_start", "date_precision", "outcome", "status"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(models.Protest)
class ProtestAdmin(RecordAdmin):
    record_type = registry.get("protests")
    extra_inlines = [ArrestInline]


@admin.register(models.Arrest)
class ArrestAdmin(RecordAdmin):
    record_type = registry.get("arrests")


@admin.register(models.Statement)
class StatementAdmin(RecordAdmin):
    record_type = registry.get("statements")


@admin.register(models.Organization)
class OrganizationAdmin(RecordAdmin):
    record_type = registry.get("organizations")


@admin.register(models.MediaOutlet)
class MediaOutletAdmin(RecordAdmin):
    record_type = registry.get("media-outlets")


@admin.register(models.Person)
class PersonAdmin(RecordAdmin):
    record_type = registry.get("people")


@admin.register(models.Place)
class PlaceAdmin(RecordAdmin):
    record_type = registry.get("places")


@admin.register(models.Source)
class SourceAdmin(RecordAdmin):
    record_type = registry.get("sources")
