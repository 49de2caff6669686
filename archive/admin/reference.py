"""Languages, which records share, and tombstones, which the write path keeps."""

from django.contrib import admin

from archive.models import Language, Tombstone


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "native_name", "direction"]
    search_fields = ["code", "name", "native_name"]


@admin.register(Tombstone)
class TombstoneAdmin(admin.ModelAdmin):
    """Read-only: written by the write path when a public record stops being public."""

    list_display = ["record_type", "public_id", "status", "removed_at"]
    list_filter = ["record_type", "status"]
    search_fields = ["public_id"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        # A mirror that missed a tombstone keeps a record the public may no longer see.
        return False
