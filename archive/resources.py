"""django-import-export resources for every record type."""

from import_export.resources import modelresource_factory


def resource_for(model):
    """The import/export resource of a record type."""
    return modelresource_factory(model)
