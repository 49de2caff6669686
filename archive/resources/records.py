"""The import/export resource of each record type, one named class per type.

Each names its registry type and nothing else: its columns (in file order), parts and export
prefetch are derived from the type's definition (archive.resources.columns), so a field added to a
type's spec is a column of its file with no edit here.
"""

from archive import registry
from archive.resources.base import RecordResource


class ProtestResource(RecordResource):
    record_type = registry.get("protests")


class ArrestResource(RecordResource):
    record_type = registry.get("arrests")


class StatementResource(RecordResource):
    record_type = registry.get("statements")


class OrganizationResource(RecordResource):
    record_type = registry.get("organizations")


class MediaOutletResource(RecordResource):
    record_type = registry.get("media-outlets")


class PersonResource(RecordResource):
    record_type = registry.get("people")


class PlaceResource(RecordResource):
    record_type = registry.get("places")


class SourceResource(RecordResource):
    record_type = registry.get("sources")
