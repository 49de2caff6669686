"""django-import-export resources for every record type.

`resource_for(model)` is the one entry point; each type's resource is a named class in
`archive.resources.records`, its columns derived from the registry by `.columns`, the shared import
rules in `.base`.
"""

from archive import registry
from archive.resources import records  # noqa: F401 - defines (and registers) each type's resource
from archive.resources.base import RESOURCES, RecordResource


def resource_for(model_or_key) -> type[RecordResource]:
    """The import/export resource of a record type, by model or public key (protests, media-outlets…)."""
    try:
        key = model_or_key if isinstance(model_or_key, str) else registry.key_of(model_or_key)
        return RESOURCES[key]
    except KeyError:
        raise LookupError(f"{model_or_key!r} is not a record type with an import/export resource") from None


__all__ = ["RESOURCES", "RecordResource", "resource_for"]
