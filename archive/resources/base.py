"""The import/export resource every record type shares.

Rows are imported one by one through django-import-export's workflow
(`import_data` → `import_row`), customised here so that:

- a row finds its record by `public_id` (a row without one is a new record
  with a generated id); `status` and `restricted` are never read (new rows are
  unrestricted drafts) and a row that would change a published or withdrawn
  record is an error;
- every error is a ValidationError keyed by the column it concerns; the
  model's own validation (`full_clean`, constraints included) runs on the
  record and on each part before anything is written;
- records, relations and parts are saved one by one (no bulk_create) with the
  importing user and “Imported from FILE” in their history, so history and the
  search index stay current;
- rows that change nothing are skipped, so re-importing an export writes nothing.
"""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from import_export.resources import ModelResource
from import_export.results import RowResult

from archive.models import Status
from archive.resources.cells import BooleanWidget, cell_text
from archive.resources.fields import Column, ExportColumn, PartColumn, Pending
from archive.resources.validation import model_errors

LOCKED = {Status.PUBLISHED, Status.WITHDRAWN}
IGNORED_FIELDS = {"id", "created", "updated", "status", "restricted", "withdrawn_reason"}


class NoDiff:
    """Stands in for the row diff when nobody will look at it (confirmed imports, the command)."""

    def __init__(self, resource, instance, new):
        pass

    def compare_with(self, resource, instance):
        pass

    def as_html(self):
        return []


def change_reason(file_name: str | None) -> str:
    return (_("Imported from %(file)s") % {"file": file_name or _("a file")})[:100]


class RecordResource(ModelResource):
    #: Parts read from several columns of a row (claims, other names, texts).
    parts: tuple = ()

    class Meta:
        import_id_fields = ["public_id"]
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_bulk = False
        use_transactions = True
        fields = ()

    def __init__(self, progress=None, preview=False, **kwargs):
        super().__init__(**kwargs)
        self.progress = progress
        self.preview = preview  # only the admin's preview shows a diff of each row
        self.total_rows = 0
        model = self._meta.model
        for f in self.fields.values():
            # Lookups of other record types may be cached for the length of an import;
            # rows may create records of this type, so those are looked up every time.
            if hasattr(f.widget, "cache"):
                f.widget.cache = {} if getattr(f.widget, "model", None) is not model else None

    def get_diff_class(self):
        return super().get_diff_class() if self.preview else NoDiff

    # --- columns -------------------------------------------------------------------------------

    def get_export_order(self):
        return tuple(
            name for name in super().get_export_order() if not getattr(self.fields[name], "import_only", False)
        )

    def importable_columns(self) -> list[str]:
        """The columns an import reads, in file order."""
        return [f.column_name for f in self.get_import_fields() if hasattr(f, "apply") or isinstance(f, PartColumn)]

    def known_columns(self) -> set[str]:
        return {f.column_name for f in self.fields.values()}

    def column_for(self, model_field: str) -> str:
        """The column that holds a model field (errors on the field are reported there)."""
        if model_field == NON_FIELD_ERRORS:
            return "public_id"
        for f in self.fields.values():
            if model_field in getattr(f, "model_fields", ()):
                return f.column_name
        return model_field

    # --- finding the record --------------------------------------------------------------------

    def _check_import_id_fields(self, headers):
        """A file may leave out public_id: every row is then a new record."""

    def get_instance(self, instance_loader, row):
        public_id = cell_text(row.get("public_id"))
        if not public_id:
            return None
        return self._meta.model.objects.filter(public_id=public_id).first()

    def init_instance(self, row=None):
        return self._meta.model()  # an unrestricted draft with a generated public id

    def import_row(self, row, instance_loader, **kwargs):
        if all(cell_text(value) == "" for value in row.values()):  # a blank line between records
            result = self.get_row_result_class()()
            result.import_type = RowResult.IMPORT_TYPE_SKIP
            self.after_import_row(row, result, **kwargs)
            return result
        return super().import_row(row, instance_loader, **kwargs)

    # --- reading a row -------------------------------------------------------------------------

    def import_instance(self, instance, row, **kwargs):
        """Set fields from the row and stash relations and parts; errors keyed by column."""
        errors: dict[str, list[str]] = {}
        pending = Pending()
        instance._import_pending = pending
        instance._import_columns = set(row)
        for f in self.get_import_fields():
            if not hasattr(f, "apply") or f.column_name not in row:
                continue
            if f.column_name == "public_id" and not cell_text(row[f.column_name]):
                continue  # keep the generated id
            try:
                f.apply(instance, row, pending)
            except ValidationError as error:
                errors.setdefault(f.column_name, []).extend(error.messages)
            except ValueError as error:
                errors.setdefault(f.column_name, []).append(str(error))
        for part in self.parts:
            try:
                pending.parts += part.plan(instance, row)
            except ValidationError as error:
                for column, messages in error.message_dict.items():
                    errors.setdefault(column, []).extend(messages)
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or instance._state.adding:
            return False
        if not self._changes(instance, original):
            return True
        if original.status in LOCKED:
            raise ValidationError(
                {
                    "public_id": _("%(id)s is %(status)s: published records are edited in the admin, not by import.")
                    % {"id": original.public_id, "status": original.get_status_display()}
                }
            )
        return False

    def _changes(self, instance, original) -> bool:
        for f in instance._meta.concrete_fields:
            if f.name in {"updated", "created"}:
                continue
            if f.value_from_object(instance) != f.value_from_object(original):
                return True
        pending = getattr(instance, "_import_pending", Pending())
        for attribute, wanted in pending.relations.items():
            if any(obj.pk is None for obj in wanted):
                return True
            current = set(getattr(instance, attribute).values_list("pk", flat=True))
            if current != {obj.pk for obj in wanted}:
                return True
        return any(part.changed for part in pending.parts)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors: dict[str, list[str]] = {}
        for column, messages in (import_validation_errors or {}).items():
            errors.setdefault(column, []).extend(ValidationError(messages).messages)
        exclude = {name for f in self.fields.values() if f.column_name in errors for name in f.model_fields}
        present = getattr(instance, "_import_columns", set())
        for column, messages in model_errors(instance, self.column_for, exclude, present).items():
            errors.setdefault(column, []).extend(messages)
        pending = getattr(instance, "_import_pending", Pending())
        for attribute, objs in pending.relations.items():
            column = self.column_for(attribute)
            for obj in objs:
                if obj.pk is None and column not in errors:  # a slogan new to the archive
                    for messages in model_errors(obj, lambda _name, c=column: c).values():
                        errors.setdefault(column, []).extend(messages)
        for part in pending.parts:
            if part.changed and not any(column in errors for column in part.columns.values()):
                for column, messages in part.validate(present).items():
                    errors.setdefault(column, []).extend(messages)
        if errors:
            raise ValidationError(errors)

    # --- writing -------------------------------------------------------------------------------

    def save_instance(self, instance, is_create, row, **kwargs):
        instance._history_user = kwargs.get("user")
        instance._change_reason = change_reason(kwargs.get("file_name"))
        with transaction.atomic(using=self.get_db_connection_name()):
            instance.save(force_insert=is_create)

    def save_m2m(self, instance, row, **kwargs):
        user, reason = kwargs.get("user"), change_reason(kwargs.get("file_name"))
        pending = getattr(instance, "_import_pending", Pending())
        with transaction.atomic(using=self.get_db_connection_name()):
            for attribute, objs in pending.relations.items():
                for obj in objs:
                    if obj.pk is None:  # a slogan new to the archive
                        obj._history_user, obj._change_reason = user, reason
                        obj.save()
                getattr(instance, attribute).set(objs)
            for part in pending.parts:
                if part.changed:
                    part.save(instance, user, reason)

    # --- progress and export -------------------------------------------------------------------

    def before_import(self, dataset, **kwargs):
        self.total_rows = len(dataset)

    def after_import_row(self, row, row_result, **kwargs):
        if self.progress is not None:
            self.progress(kwargs.get("row_number", 0), self.total_rows)

    #: Relations to prefetch on export (m2m columns and parts).
    export_prefetch: tuple = ()

    def export(self, queryset=None, **kwargs):
        if queryset is None:
            queryset = self.get_queryset()
        if self.export_prefetch and hasattr(queryset, "prefetch_related"):
            queryset = queryset.prefetch_related(*self.export_prefetch)
        return super().export(queryset=queryset, **kwargs)


def record_resource(model, columns: list, parts: tuple = (), prefetch: tuple = ()) -> type[RecordResource]:
    """A RecordResource for `model` with the given columns (Fields) in file order, and parts."""
    fields = {}
    for column in columns:
        fields[column.column_name] = column
    for part in parts:
        fields.update(part.column_fields())
    for common in (
        Column("wikidata_qid"),
        Column("public_note"),
        Column("private_note", import_only=True),
        ExportColumn("status"),
        ExportColumn("restricted", BooleanWidget()),
    ):
        fields[common.column_name] = common
    order = tuple(fields)
    meta = type(
        "Meta", (RecordResource.Meta,), {"model": model, "fields": order, "import_order": order, "export_order": order}
    )
    name = f"{model.__name__}Resource"
    return type(name, (RecordResource,), {**fields, "Meta": meta, "parts": parts, "export_prefetch": prefetch})
