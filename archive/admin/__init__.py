"""Admin registrations: the record types' admins derived from the registry (records.py), parts with
pages of their own (parts.py), languages and tombstones (reference.py)."""

from django.contrib import admin

from archive.admin import parts, records, reference  # noqa: F401

# The page's width goes to the form or the list and its filters; the menu is the home page (and the breadcrumbs).
# With the side menu, a 1366-px screen left a list 717 px between menu and filters.
admin.site.enable_nav_sidebar = False
