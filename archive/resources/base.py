"""The import/export resource every record type shares.

Rows are read one by one through django-import-export's workflow
(`import_data` → `import_row`), customised here so that:

- a row finds its record by `public_id` (a row without one is a new record
  with a generated id); a file names a record in one row only (a second row
  with the same public id is an error naming both); `status` and `restricted`
  are never read (new rows are unrestricted drafts) and a row that would
  change a published or withdrawn record is an error;
- every error is a ValidationError keyed by the column it concerns; the
  model's own validation (`full_clean`, constraints included) runs on the
  record and on each part before anything is written;
- what a valid row writes is handed to `archive.resources.batch`, which writes
  rows a batch at a time with the importing user and “Imported from FILE” in
  their history, and reports them to the write path (archive.changes); a row the
  write path refuses (the importing user may not make that change) is an error
  on its row, like any other;
- records a window of rows names (by public id, in the public_id column and in
  reference columns) are read a thousand at a time, and lookups are cached for
  the import, so reading a row costs no query in the common case;
- rows that change nothing are skipped, so re-importing an export writes nothing.
"""

import copy
import hashlib
import secrets

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from import_export.declarative import ModelDeclarativeMetaclass
from import_export.resources import Diff, ModelResource
from import_export.results import RowResult

from archive import changes, public_ids, registry
from archive.models import Status
from archive.models.base import PUBLIC_ID_ALPHABET
from archive.resources import batch
from archive.resources.batch import BatchWriter, Entry, fold_key
from archive.resources.cells import cell_text
from archive.resources.columns import columns_of, export_prefetch, parts_of
from archive.resources.fields import PartColumn, Pending
from archive.resources.identity import Duplicates
from archive.resources.validation import model_errors

LOCKED = {Status.PUBLISHED, Status.WITHDRAWN}
IGNORED_FIELDS = {"id", "created", "updated", "status", "restricted", "withdrawn_reason"}
PREFETCH_ROWS = 1000  # rows whose records and references are read together


def quick_public_id() -> str:
    """What `new_public_id` draws (10 letters of its alphabet, from the OS's random source), in one call."""
    return "".join(PUBLIC_ID_ALPHABET[byte & 31] for byte in secrets.token_bytes(10))


def seeded_public_id(seed: str, row_number: int) -> str:
    """The public id a new row gets when the import has a seed: the admin's preview and its confirmed import
    share a random seed, so the ids the preview shows are the ids the import writes."""
    digest = hashlib.blake2b(f"{seed}:{row_number}".encode(), digest_size=10).digest()
    return "".join(PUBLIC_ID_ALPHABET[byte & 31] for byte in digest)


class _InFile:
    """Ids the file has used so far (new rows' and the ones it names), asked without copying them: an import
    asks once per new row."""

    def __init__(self, *containers):
        self.containers = containers

    def __contains__(self, public_id) -> bool:
        return any(public_id in container for container in self.containers)


class PreviewDiff(Diff):
    """The admin preview's diff of a row, taken once the row's batch is written."""

    def __init__(self, resource, instance, new):
        super().__init__(resource, instance, new)
        self.html: list = []  # import-export keeps this list as the row's diff; filled in place
        self.later = None

    def compare_with(self, resource, instance):
        if getattr(instance, "_import_entry", None) is not None:
            self.later = (resource, instance)
            instance._import_diff = self
        else:
            self.finish(resource, instance)

    def finish(self, resource=None, instance=None):
        resource, instance = (resource, instance) if resource is not None else self.later
        super().compare_with(resource, instance)
        self.html[:] = super().as_html()

    def as_html(self):
        return self.html


def change_reason(file_name: str | None) -> str:
    return (_("Imported from %(file)s") % {"file": file_name or _("a file")})[:100]


RESOURCES: dict[str, type] = {}  # public key → the resource of that record type (archive.resources.records)


class RecordResourceMetaclass(ModelDeclarativeMetaclass):
    """A resource naming its `record_type` gets the columns, parts and export prefetch derived from the
    registry (archive.resources.columns): `class ProtestResource(RecordResource)` lists nothing."""

    def __new__(mcs, name, bases, attrs):
        record_type = attrs.get("record_type")
        if record_type is not None:
            columns = columns_of(record_type)
            order = tuple(columns)
            base_meta = next(base.Meta for base in bases if hasattr(base, "Meta"))

            class Meta(base_meta):
                model = record_type.model
                fields = import_order = export_order = order

            derived = {"Meta": Meta, "parts": parts_of(record_type), "export_prefetch": export_prefetch(record_type)}
            attrs = {**columns, **derived, **attrs}
        resource = super().__new__(mcs, name, bases, attrs)
        if record_type is not None and registry.BY_KEY.get(record_type.key) is record_type:
            RESOURCES[record_type.key] = resource
        return resource


def state_before(instance) -> changes.State:
    """What the write path knows of a record as the import read it."""
    original = instance._import_original
    return changes.State(
        original["public_id"],
        original["status"],
        original["restricted"],
        original.get("at_risk", False),
        original["withdrawn_reason"],
    )


class RecordResource(ModelResource, metaclass=RecordResourceMetaclass):
    #: The registry's definition of the type, from which the columns are derived.
    record_type: registry.RecordType | None = None
    #: Parts read from several columns of a row (claims, other names, texts).
    parts: tuple = ()

    class Meta:
        import_id_fields = ["public_id"]
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_bulk = True  # no savepoint per row: rows are written in batches (archive.resources.batch)
        use_transactions = True
        fields = ()

    def __init__(self, progress=None, preview=False, batch_size=None, create_duplicates=False, id_seed=None, **kwargs):
        super().__init__(**kwargs)
        self.progress = progress
        self.id_seed = id_seed
        self.create_duplicates = create_duplicates
        self.duplicates = Duplicates(self._meta.model)
        self.duplicate_rows: list[tuple[int, str]] = []  # (row number, public id of the record it repeats)
        self._row_number = 0
        self.batch_size = batch_size or batch.BATCH_SIZE
        self._meta = copy.copy(self._meta)
        # Only the admin's preview shows a diff of each row (it costs a deep copy of each record).
        self._meta.skip_diff = not preview
        self.total_rows = 0
        self.writer: BatchWriter | None = None
        self._dataset = None
        self._instances: dict = {}
        self._first_rows: dict[str, int] = {}  # public id → the number of the first row naming it
        self._new_ids: set[str] = set()  # ids given to new rows so far
        self._fmt = "csv"
        self._entry: Entry | None = None
        self._self_refs = []
        self._import_fields = None
        self._columns = None
        for f in self.fields.values():
            if hasattr(f.widget, "cache"):
                f.widget.cache = {}  # lookups cached for the length of one import
                if getattr(f.widget, "model", None) is self._meta.model:
                    f.widget.guard = self._before_self_reference
                    self._self_refs.append(f.widget)

    def get_diff_class(self):
        return PreviewDiff

    # --- columns -------------------------------------------------------------------------------

    def get_export_order(self):
        return tuple(
            name for name in super().get_export_order() if not getattr(self.fields[name], "import_only", False)
        )

    def get_import_fields(self):
        if self._import_fields is None:  # read for every row: worked out once
            self._import_fields = super().get_import_fields()
        return self._import_fields

    def importable_columns(self) -> list[str]:
        """The columns an import reads, in file order."""
        return [f.column_name for f in self.get_import_fields() if hasattr(f, "apply") or isinstance(f, PartColumn)]

    def known_columns(self) -> set[str]:
        return {f.column_name for f in self.fields.values()}

    def column_for(self, model_field: str) -> str:
        """The column that holds a model field (errors on the field are reported there)."""
        if self._columns is None:  # asked for every relation of every row: worked out once
            self._columns = {NON_FIELD_ERRORS: "public_id"}
            for f in reversed(self.fields.values()):  # the first column holding a field wins
                self._columns.update(dict.fromkeys(getattr(f, "model_fields", ()), f.column_name))
        return self._columns.get(model_field, model_field)

    # --- finding the record --------------------------------------------------------------------

    def _check_import_id_fields(self, headers):
        """A file may leave out public_id: every row is then a new record."""

    def get_instance(self, instance_loader, row):
        public_id = cell_text(row.get("public_id"))
        if not public_id:
            return None
        if self.writer is not None and self.writer.holds(public_id):
            self.writer.flush()  # an earlier row changes this record: read what it wrote
        instance = self._instances.pop(public_id, None)
        if instance is None:
            instance = self._records().filter(public_id=public_id).first()
        if instance is not None:
            instance._import_original = {f.name: f.value_from_object(instance) for f in instance._meta.concrete_fields}
        return instance

    def _records(self):
        return self._meta.model.objects.prefetch_related(*self.export_prefetch)

    def before_import_row(self, row, row_number=None, **kwargs):
        self._entry = None
        self._row_number = row_number or 0
        if row_number is not None and (row_number - 1) % PREFETCH_ROWS == 0:
            self._prefetch(row_number - 1)

    def _prefetch(self, start: int) -> None:
        """Read the records and references of the next rows by public id, a thousand per query."""
        headers, rows = self._dataset.headers, self._dataset[start : start + PREFETCH_ROWS]
        self._instances = {}
        if "public_id" in headers:
            column = headers.index("public_id")
            ids = sorted({cell_text(r[column]) for r in rows} - {""})
            self._instances = {obj.public_id: obj for obj in self._records().filter(public_id__in=ids)}
        for f in self.get_import_fields():
            if hasattr(f.widget, "prefetch") and f.column_name in headers:
                column = headers.index(f.column_name)
                f.widget.prefetch([text for r in rows for text in f.widget.items(r[column])])

    def _before_self_reference(self, text: str) -> None:
        """A row names a record of the type being imported: first write earlier rows that may add or rename it."""
        if self.writer is not None and self.writer.may_name(text):
            self.writer.flush()

    def init_instance(self, row=None):
        # An unrestricted draft with a generated public id (the model's default, drawn faster; or from the seed).
        if self.id_seed:
            return self._meta.model(public_id=seeded_public_id(self.id_seed, self._row_number))
        return self._meta.model(public_id=quick_public_id())

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
        repeated = self._repeated_public_id(row, kwargs.get("row_number"))
        if repeated:
            errors["public_id"] = [repeated]
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
        if instance.pk is None and not cell_text(row.get("public_id")):
            # A new record gets a readable id, as in the admin: the same for the preview and the import that
            # follows (same rows, same archive), never one an earlier row of the file took.
            instance.public_id = public_ids.readable(instance, also_taken=_InFile(self._new_ids, self._first_rows))
            self._new_ids.add(instance.public_id)

    def _repeated_public_id(self, row, row_number) -> str | None:
        """An error if an earlier row of the file has this row's public id: the later row would silently
        overwrite the earlier one, so the archivist chooses (the later row's error names both)."""
        public_id = cell_text(row.get("public_id"))
        if not public_id or row_number is None:
            return None
        first = self._first_rows.setdefault(public_id, row_number)
        if first == row_number:
            return None
        values = {"id": public_id, "row": first, "line": first + 1}
        if self._fmt == "json":
            return (
                _(
                    "%(id)s is also in row %(row)s (object %(row)s of the JSON list): "
                    "a file may give each record only one row."
                )
                % values
            )
        return (
            _("%(id)s is also in row %(row)s (sheet row %(line)s): a file may give each record only one row.") % values
        )

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors:
            return False
        if instance._state.adding:
            return self._probable_duplicate(instance, row)
        if not self._changes(instance):
            return True
        status = instance._import_original["status"]
        if status in LOCKED:
            raise ValidationError(
                {
                    "public_id": _("%(id)s is %(status)s: published records are edited in the admin, not by import.")
                    % {"id": instance.public_id, "status": Status(status).label}
                }
            )
        return False

    def _probable_duplicate(self, instance, row) -> bool:
        """A new row without a public id that repeats a record (archive.resources.identity) is skipped
        and reported, unless the archivist asked to create duplicates."""
        if self.create_duplicates or cell_text(row.get("public_id")):
            return False
        original = self.duplicates.find(instance, instance._import_pending)
        if original is None or not self._valid(instance):
            return False  # a row with a bad cell is reported as such, never skipped quietly as a repeat
        self.duplicate_rows.append((self._row_number, original))
        return True

    @staticmethod
    def _valid(instance) -> bool:
        try:
            instance.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError:
            return False
        return True

    def _changes(self, instance) -> bool:
        original = instance._import_original
        for f in instance._meta.concrete_fields:
            if f.name in {"updated", "created"}:
                continue
            if f.value_from_object(instance) != original[f.name]:
                return True
        pending = getattr(instance, "_import_pending", Pending())
        for attribute, wanted in pending.relations.items():
            if any(obj.pk is None for obj in wanted):
                return True
            if {obj.pk for obj in getattr(instance, attribute).all()} != {obj.pk for obj in wanted}:
                return True
        return any(part.changed for part in pending.parts)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors: dict[str, list[str]] = {}
        for column, messages in (import_validation_errors or {}).items():
            errors.setdefault(column, []).extend(ValidationError(messages).messages)
        exclude = {name for f in self.fields.values() if f.column_name in errors for name in f.model_fields}
        present = getattr(instance, "_import_columns", set())
        found = model_errors(instance, self.column_for, exclude, present, unique_known={"public_id"})
        for column, messages in found.items():
            errors.setdefault(column, []).extend(messages)
        pending = getattr(instance, "_import_pending", Pending())
        for attribute, objs in pending.relations.items():
            column = self.column_for(attribute)
            for obj in objs:
                if obj.pk is None and column not in errors:  # a slogan new to the archive, checked once
                    if not hasattr(obj, "_import_errors"):
                        obj._import_errors = [m for ms in model_errors(obj, lambda _name: "").values() for m in ms]
                    if obj._import_errors:
                        errors.setdefault(column, []).extend(obj._import_errors)
        for part in pending.parts:
            if part.changed and not any(column in errors for column in part.columns.values()):
                for column, messages in part.validate(present).items():
                    errors.setdefault(column, []).extend(messages)
        if errors:
            raise ValidationError(errors)

    # --- writing -------------------------------------------------------------------------------

    def save_instance(self, instance, is_create, row, **kwargs):
        """Hand the row's writes to the batch writer (relations and parts included)."""
        before = None if is_create else state_before(instance)
        pending = getattr(instance, "_import_pending", Pending())
        entry = Entry(instance, is_create, pending, kwargs.get("row_number", 0), row, before=before)
        if self._self_refs:
            entry.keys = self._names(instance, pending)
        instance._import_entry = entry
        self.writer.add(entry)
        self._entry = entry

    def _names(self, instance, pending) -> set[str]:
        """What a reference to this record may say, before and after the row (folded)."""
        names = [getattr(instance, self._name_field(), "") or ""]
        if not instance._state.adding:
            names.append(instance._import_original.get(self._name_field()) or "")
            if hasattr(instance, "other_names"):
                names += [n.name for n in instance.other_names.all()]
        names += [part.obj.name for part in pending.parts if hasattr(part.obj, "name")]
        return {key for name in names if name for key in fold_key(name)}

    def _name_field(self) -> str:
        return registry.of(self._meta.model).label_field or "public_id"

    def save_m2m(self, instance, row, **kwargs):
        """Written with the record by the batch writer."""

    def _flushed(self, entries) -> None:
        for widget in self._self_refs:
            widget.forget()  # records of this type may have changed
        for entry in entries:
            instance = entry.instance
            instance._import_entry = None
            instance.__dict__.pop("_prefetched_objects_cache", None)  # relations and parts were rewritten
            if entry.result is not None:
                entry.result.add_instance_info(instance)
            diff = getattr(instance, "_import_diff", None)
            if diff is not None and instance.pk is not None:
                diff.finish()

    # --- progress, batches and errors ----------------------------------------------------------

    def before_import(self, dataset, **kwargs):
        self.total_rows = len(dataset)
        self._dataset = dataset
        self._first_rows = {}
        self._new_ids = set()
        self._fmt = kwargs.get("fmt") or "csv"
        self.writer = BatchWriter(
            self._meta.model,
            user=kwargs.get("user"),
            reason=change_reason(kwargs.get("file_name")),
            size=self.batch_size,
            on_flush=self._flushed,
        )

    def after_import_row(self, row, row_result, **kwargs):
        if self._entry is not None:
            self._entry.result = row_result
            self._entry = None
            if self.writer.full:
                self.writer.flush()
        if self.progress is not None:
            self.progress(kwargs.get("row_number", 0), self.total_rows)

    def after_import(self, dataset, result, **kwargs):
        self.writer.flush()
        for entry, error in self.writer.failed:
            if isinstance(error, PermissionDenied):
                self._refused(entry, error, result)
                continue
            failure = self.get_error_result_class()(error, row=entry.row, number=entry.number)
            if entry.result is not None:
                entry.result.import_type = RowResult.IMPORT_TYPE_ERROR
                entry.result.errors.append(failure)
            result.append_error_row(entry.number, entry.row, [failure])

    def _refused(self, entry, error: PermissionDenied, result) -> None:
        """A row the write path refused: an invalid row, its error in the column it concerns."""
        invalid = ValidationError({self._refused_column(entry): [str(error)]})
        if entry.result is not None:
            if entry.result.import_type in result.totals:  # counted as new or updated: it is neither
                result.totals[entry.result.import_type] -= 1
            entry.result.import_type = RowResult.IMPORT_TYPE_INVALID
            entry.result.validation_error = invalid
            result.increment_row_result_total(entry.result)
        result.append_invalid_row(entry.number, entry.row, invalid)

    def _refused_column(self, entry) -> str:
        """Where a row shows what the write path refused: a protective flag it lifts (at_risk), the
        public id of a published record it changes; else the row as a whole."""
        instance = entry.instance
        if entry.before is None:
            return NON_FIELD_ERRORS
        changeset = changes.current()  # what the write path judged by: the record as the database had it
        before = (changeset.before[self._meta.model].get(instance.pk) if changeset else None) or entry.before
        for field in registry.of(self._meta.model).fields:
            if field.protective and instance._import_original.get(field.name) and not getattr(instance, field.name):
                return self.column_for(field.name)
        return "public_id" if before.locked else NON_FIELD_ERRORS

    # --- export --------------------------------------------------------------------------------

    #: Relations to prefetch on export (m2m columns and parts).
    export_prefetch: tuple = ()

    def export(self, queryset=None, **kwargs):
        if queryset is None:
            queryset = self.get_queryset()
        if self.export_prefetch and hasattr(queryset, "prefetch_related"):
            queryset = queryset.prefetch_related(*self.export_prefetch)
        return super().export(queryset=queryset, **kwargs)
