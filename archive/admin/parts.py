"""Parts of records with pages of their own: citations and slogans (a slogan belongs to every protest
that chants it). Read-only to whoever may not change a record they belong to (owners.py)."""

from django.contrib import admin

from archive.admin.owners import OwnedPartAdmin
from archive.models import Citation, Slogan


@admin.register(Citation)
class CitationAdmin(OwnedPartAdmin, admin.ModelAdmin):
    list_display = ["__str__", "content_type", "object_id", "footnote", "cited_in"]
    list_filter = ["content_type", "footnote"]
    list_select_related = ["source", "cited_in", "content_type"]
    search_fields = ["quote", "source__title", "note"]
    autocomplete_fields = ["source", "cited_in"]


@admin.register(Slogan)
class SloganAdmin(OwnedPartAdmin, admin.ModelAdmin):
    list_display = ["text", "language", "translation"]
    list_filter = ["language"]
    search_fields = ["text", "translation"]
    autocomplete_fields = ["language"]
