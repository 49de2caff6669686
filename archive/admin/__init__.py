"""Admin registrations, split by domain. Full curation workflow comes later."""

from archive.admin import actors, events, places, sources, statements  # noqa: F401
