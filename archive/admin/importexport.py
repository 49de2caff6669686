"""Import and export in the admin: CSV, XLSX and JSON only, behind their own permissions."""

from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, JSON, XLSX

from archive.resources import resource_for


class RecordImportExportMixin(ImportExportMixin):
    formats = [CSV, XLSX, JSON]

    def get_resource_classes(self, request=None):
        return [resource_for(self.model)]
