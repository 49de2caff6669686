"""Index entries: what each record contributes to search, from its registry `Document`.

`entry_values(record)` is the definition, one record at a time. `reindex_records(model, pks)` writes
the same entries in bulk, a thousand records per upsert; the write path (archive.changes) calls it with
the records a change touched, `rebuild()` and `generate_archive` with every record. It reads only the
values a type's document needs: the record's own columns in one query, one query per relation path
(through the public gate where the path reaches other records, in the order `.all()` gives), and whole
records only for a document's functions (an arrest's detainee). Folding is remembered, since place
names, slogans and sentences repeat across thousands of records. tests/test_search.py checks that the
bulk entries equal the definition's.

Only public facts go into an entry: a path through a linked record (a protest's organizers' names)
passes only records the public may see. Entries are written in the archive's own language
(settings.LANGUAGE_CODE), whoever's request made the change.
"""

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, Manager, OuterRef
from django.utils import timezone, translation

from archive import models, registry, translations
from archive.folding import clean, fold, fold_remembered, loose

CHUNK = 1000

# What an upsert rewrites: every column of the entry but its key.
ENTRY_FIELDS = [
    f.name for f in models.SearchEntry._meta.concrete_fields if f.name not in {"id", "content_type", "object_id"}
]


# --- the definition: one record ----------------------------------------------------------------------


def _values(record, path: str) -> list[str]:
    """The strings a path reaches from a record, through public records only."""
    found = [record]
    for name in path.split("__"):
        reached = []
        for obj in found:
            value = getattr(obj, name, None)
            items = list(value.all()) if isinstance(value, Manager) else [value]
            reached += [item for item in items if item is not None and getattr(item, "is_public", True)]
        found = reached
    return [value for value in found if isinstance(value, str) and value]


def _strings(record, entries) -> list[str]:
    out = []
    for entry in entries:
        if callable(entry):
            value = entry(record)
            out += [value] if isinstance(value, str) else list(value)
        else:
            out += _values(record, entry)
    return [text for text in out if text]


def names_column(names: list[str]) -> str:
    """The folded names between bars, each followed by its loose form where that differs (Tebriz:
    tebriz | tabriz), so a loose query matches any spelling's name exactly."""
    forms = dict.fromkeys(form for name in names if name for form in (name, loose(name)))
    return "| " + " | ".join(forms) + " |"


def entry_values(record) -> dict:
    """The search entry of one record (without its key): the definition the bulk path must equal."""
    record_type = registry.of(record)
    document = record_type.document
    translated_names, translated_texts = translations.searchable(record_type, record.translations)
    with translation.override(settings.LANGUAGE_CODE):
        names = [fold(name) for name in [*_strings(record, document.names), *translated_names]]
        text = "\n".join([*_strings(record, document.text), *translated_texts])
        title = str(record_type.label_of(record))
    return {
        "record_type": record_type.key,
        "title": title[:1000],
        "names": names_column(names),
        "body": " " + fold(text),
        "text": clean(text),
        "is_public": record.is_public,
        "date": getattr(record, "date_start", None),
    }


# --- in bulk: a thousand records, read as values ----------------------------------------------------


def _among(name: str, pks: list[int]) -> dict:
    """A filter for `name` being one of `pks` (sorted, distinct): a range when they are consecutive
    (a rebuild, a load), which spares the driver and the database a thousand parameters a query."""
    if pks and pks[-1] - pks[0] + 1 == len(pks):
        return {f"{name}__gte": pks[0], f"{name}__lte": pks[-1]}  # one filter(): one join on a relation
    return {f"{name}__in": pks}


def far_side(field) -> str:
    """The name by which the far model of a relation filters on the near one."""
    if field.auto_created and not field.concrete:  # a reverse relation: the far model's foreign key
        return field.field.name
    return field.related_query_name()


def _step(field, pks: list[int], columns: tuple[str, ...]) -> dict[int, list[tuple]]:
    """For each of `pks`, the `columns` of what a relation reaches from it, ordered as `.all()` orders
    them (the far model's ordering; ties by id), records only if the public may see them."""
    target = field.related_model
    queryset = target.objects.published() if registry.is_record(target) else target._base_manager.all()
    back = far_side(field)
    found = defaultdict(list)
    for start in range(0, len(pks), CHUNK):
        rows = queryset.filter(**_among(back, pks[start : start + CHUNK]))
        for source, *values in rows.order_by(*target._meta.ordering, "pk").values_list(back, *columns):
            found[source].append(values)
    return found


def _walk(model, pks: list[int], relations: tuple[str, ...], columns: tuple[str, ...]) -> dict[int, list]:
    """For each of `pks`, the `columns` of every record a chain of relations reaches, as `_values` walks
    it: one query per relation on the way."""
    reached: dict[int, list] = {pk: [[pk]] for pk in pks}
    for depth, name in enumerate(relations):
        field = model._meta.get_field(name)
        wanted = columns if depth == len(relations) - 1 else ("pk",)
        step = _step(field, sorted({row[0] for found in reached.values() for row in found}), wanted)
        reached = {owner: [far for row in found for far in step.get(row[0], ())] for owner, found in reached.items()}
        model = field.related_model
    return reached


def _reach(model, pks: list[int], paths) -> dict[str, dict[int, list[str]]]:
    """What `_values` gives for each of `pks` and each relation path, by path. Paths through the same
    relations ("slogans__text", "slogans__translation") are read together, in one query a relation."""
    by_relations: dict[tuple, list[str]] = defaultdict(list)
    for path in paths:
        *relations, column = path.split("__")
        by_relations[tuple(relations)].append(column)
    out = {}
    for relations, columns in by_relations.items():
        reached = _walk(model, pks, relations, tuple(columns))
        for i, column in enumerate(columns):
            strings = {
                owner: [row[i] for row in found if isinstance(row[i], str) and row[i]]
                for owner, found in reached.items()
            }
            out["__".join((*relations, column))] = strings
    return out


@dataclass(frozen=True)
class _Reader:
    """How to read the entries of one record type in bulk."""

    record_type: registry.RecordType

    @cached_property
    def entries(self) -> tuple:
        return (*self.record_type.document.names, *self.record_type.document.text)

    @cached_property
    def columns(self) -> tuple[str, ...]:
        """The record's own columns the document and title read."""
        own = [entry for entry in self.entries if isinstance(entry, str) and "__" not in entry]
        own += [self.record_type.label_field] if self.record_type.label_field else []
        own += ["date_start"] if self.record_type.dated else []
        return tuple(dict.fromkeys([*own, "translations"]))

    @cached_property
    def paths(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(entry for entry in self.entries if isinstance(entry, str) and "__" in entry))

    @cached_property
    def whole(self) -> bool:
        """Whether a function of the record (its label, a document entry) needs the record itself."""
        return self.record_type.label_field is None or any(callable(entry) for entry in self.entries)

    def read(self, pks: list[int]) -> list[dict]:
        """The entries of these records (sorted, distinct ids; those that exist), as `entry_values` gives
        them, with their ids."""
        model, among = self.record_type.model, _among("pk", pks)
        records = {}
        if self.whole:  # the records themselves, and from them what the values query would read
            found = model._base_manager.filter(**among).select_related(*self.record_type.label_paths)
            records = {record.pk: record for record in found}
            rows = {
                pk: {name: getattr(record, name) for name in ("pk", *self.columns)} for pk, record in records.items()
            }
            public = {pk for pk, record in records.items() if record.is_public}
        else:
            gate = Exists(model.objects.published().filter(pk=OuterRef("pk")))
            found = model._base_manager.filter(**among).annotate(entry_public=gate)
            rows = {row["pk"]: row for row in found.values("pk", "entry_public", *self.columns)}
            public = {pk for pk, row in rows.items() if row["entry_public"]}
        reached = _reach(model, sorted(rows), self.paths)
        return [self._entry(row, reached, records.get(pk), pk in public) for pk, row in rows.items()]

    def _strings(self, entries, row: dict, reached: dict, record) -> list[str]:
        out = []
        for entry in entries:
            if callable(entry):
                value = entry(record)
                out += [value] if isinstance(value, str) else list(value)
            elif "__" in entry:
                out += reached[entry].get(row["pk"], ())
            elif isinstance(row[entry], str):
                out.append(row[entry])
        return [text for text in out if text]

    def _entry(self, row: dict, reached: dict, record, is_public: bool) -> dict:
        record_type = self.record_type
        document = record_type.document
        translated_names, translated_texts = translations.searchable(record_type, row["translations"])
        names = [
            fold_remembered(name) for name in [*self._strings(document.names, row, reached, record), *translated_names]
        ]
        text = [*self._strings(document.text, row, reached, record), *translated_texts]
        title = row[record_type.label_field] if record_type.label_field else record_type.label_of(record)
        # fold("a\nb") is fold("a") + " " + fold("b") (tests/test_folding.py), so each piece is folded once.
        body = " ".join(folded for folded in map(fold_remembered, text) if folded)
        return {
            "object_id": row["pk"],
            "record_type": record_type.key,
            "title": str(title)[:1000],
            "names": names_column(names),
            "body": " " + body,
            "text": clean("\n".join(text)),
            "is_public": is_public,
            "date": row.get("date_start"),
        }


def reindex_records(model, pks) -> int:
    """Write (or rewrite) the entries of these records, a thousand per upsert; returns how many ids it was given."""
    pks = sorted(set(pks))
    reader = _Reader(registry.of(model))
    content_type = ContentType.objects.get_for_model(model).pk
    for start in range(0, len(pks), CHUNK):
        with translation.override(settings.LANGUAGE_CODE):
            values = reader.read(pks[start : start + CHUNK])
        now = timezone.now()
        entries = [models.SearchEntry(content_type_id=content_type, updated=now, **entry) for entry in values]
        models.SearchEntry.objects.bulk_create(
            entries, update_conflicts=True, unique_fields=["content_type", "object_id"], update_fields=ENTRY_FIELDS
        )
    return len(pks)


def remove_records(model, pks) -> None:
    content_type = ContentType.objects.get_for_model(model)
    pks = sorted(set(pks))
    for start in range(0, len(pks), CHUNK):
        models.SearchEntry.objects.filter(content_type=content_type, object_id__in=pks[start : start + CHUNK]).delete()


def rebuild() -> int:
    """Every entry afresh (after bulk SQL that bypassed the write path)."""
    models.SearchEntry.objects.all().delete()
    return sum(
        reindex_records(record_type.model, record_type.model._base_manager.values_list("pk", flat=True))
        for record_type in registry.TYPES
    )
