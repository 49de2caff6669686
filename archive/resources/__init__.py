"""django-import-export resources for every record type.

`resource_for(model)` is the one entry point; the columns of each type are in
`archive.resources.records`, the shared import rules in `.base`.
"""

from archive.resources.base import RecordResource
from archive.resources.records import RESOURCES


def resource_for(model) -> type[RecordResource]:
    """The import/export resource of a record type."""
    try:
        return RESOURCES[model]
    except KeyError:
        raise LookupError(f"{model.__name__} is not a record type with an import/export resource") from None


__all__ = ["RESOURCES", "RecordResource", "resource_for"]
