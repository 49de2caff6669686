"""Admin registrations: the record types' admins derived from the registry (records.py), parts with
pages of their own (parts.py), languages and tombstones (reference.py)."""

from archive.admin import parts, records, reference  # noqa: F401
