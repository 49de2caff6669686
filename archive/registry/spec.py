"""The building blocks of a record type's definition: fields, parts, sections, search document."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property

from django.db import models as dj
from django.utils.functional import Promise

from archive import models as m


class Kind:
    """What a field holds, as every surface (form, API, import, data package, page) treats it."""

    TEXT = "text"
    CHOICE = "choice"
    INTEGER = "integer"
    NUMBER = "number"
    DAY = "day"
    BOOLEAN = "boolean"
    DATE = "date"  # the partial date: date_start, date_end, date_precision and date_note
    RECORD = "record"  # a foreign key to another record
    RECORDS = "records"  # a many-to-many relation to records
    LANGUAGE = "language"
    LANGUAGES = "languages"
    SLOGANS = "slogans"  # slogans are shared by the protests that chant them

    RELATIONS = frozenset({RECORD, RECORDS})
    MANY = frozenset({RECORDS, LANGUAGES, SLOGANS})


DATE_FIELDS = ("date_start", "date_end", "date_precision", "date_note")


def _is_record(model) -> bool:
    return model is not None and issubclass(model, m.Record)


@dataclass(frozen=True)
class Field:
    """One editable field of a record type.

    `public=False` keeps it off every public surface (a person's at-risk flag). `translatable=True`: a
    text the record may also hold in other languages (archive.translations); `written_in` names the
    field giving its original's language when that is not the record's `original_language` (a source's
    title is in the source's language), `english` the field holding its English translation. `protective=True`
    marks a flag whose lifting (True → False) is an editor's act (archive.changes refuses it to
    anyone else) and that an import may only raise. `api_name` renames it in API records, where its
    own name would clash with a record's standard keys (a source's `url` is its `web_address`).
    """

    name: str
    public: bool = True
    translatable: bool = False
    written_in: str | None = None  # a translatable text whose original's language another field gives
    english: str | None = None  # …and whose English translation another field holds (a source's title)
    protective: bool = False
    api_name: str | None = None
    model: type | None = None

    def bind(self, model) -> Field:
        return replace(self, model=model)

    @cached_property
    def model_field(self):
        return self.model._meta.get_field("date_start" if self.name == "date" else self.name)

    @cached_property
    def kind(self) -> str:
        if self.name == "date":
            return Kind.DATE
        f = self.model_field
        target = f.related_model
        if f.many_to_many:
            if target is m.Language:
                return Kind.LANGUAGES
            return Kind.SLOGANS if target is m.Slogan else Kind.RECORDS
        if f.many_to_one:
            return Kind.LANGUAGE if target is m.Language else Kind.RECORD
        if isinstance(f, dj.BooleanField):
            return Kind.BOOLEAN
        if f.choices:
            return Kind.CHOICE
        if isinstance(f, dj.IntegerField):
            return Kind.INTEGER
        if isinstance(f, dj.DecimalField):
            return Kind.NUMBER
        if isinstance(f, dj.DateField):
            return Kind.DAY
        return Kind.TEXT

    @property
    def target(self):
        """The related model of a relation field, else None."""
        return None if self.name == "date" else self.model_field.related_model

    @property
    def label(self):
        return self.model_field.verbose_name

    @property
    def help_text(self):
        return self.model_field.help_text

    @property
    def required(self) -> bool:
        """Whether a new record must have a value (a date may be “undated”, but must be given)."""
        return self.name == "date" or not self.model_field.blank

    @property
    def limit(self) -> dict:
        """What a related record must be, e.g. a country for an organization's `country`."""
        return dict(self.model_field.remote_field.limit_choices_to or {}) if self.target else {}

    @property
    def public_name(self) -> str:
        return self.api_name or self.name

    @property
    def model_fields(self) -> tuple[str, ...]:
        """The model's own fields this spec field writes."""
        return DATE_FIELDS if self.name == "date" else (self.name,)


@dataclass(frozen=True)
class Part:
    """A kind of row that belongs to one record and changes with it (an other name, a claim…)."""

    accessor: str  # on the owning record: other_names, size_claims, texts, affiliations

    def model(self, owner):
        return owner._meta.get_field(self.accessor).related_model

    def owner_field(self, owner) -> str:
        """The part's foreign key to its record."""
        return owner._meta.get_field(self.accessor).field.name

    def record_links(self, owner) -> tuple[str, ...]:
        """The part's foreign keys to other records (a claim's source), as paths from the owner."""
        part = self.model(owner)
        return tuple(
            f"{self.accessor}__{f.name}"
            for f in part._meta.concrete_fields
            if f.many_to_one and _is_record(f.related_model) and f.related_model is not owner
        )


@dataclass(frozen=True)
class Names(Part):
    """Other names in any language and script."""

    accessor: str = "other_names"


@dataclass(frozen=True)
class Claims(Part):
    """Count claims. `prefix` names their import columns (`size_as_written`…); `what` is the claim
    type in the data package; `group` says the claims describe who signed (statements); `label`
    heads them on the record page (“Size”)."""

    prefix: str = ""
    what: str = ""
    group: bool = False
    label: Promise | str = ""


@dataclass(frozen=True)
class Texts(Part):
    """A statement's words: the original and translations."""

    accessor: str = "texts"


@dataclass(frozen=True)
class Roles(Part):
    """A person's roles over time, in organizations or in public life."""

    accessor: str = "affiliations"


@dataclass(frozen=True)
class Section:
    """A list of related public records on a record page: `paths` are relations of the record.

    `listed_by` names the related type's list filter that finds them instead (a place's protests are
    those its list finds with `?place=` — at the place or at any public place inside it); the page
    then lists them in date order and links to that filtered list."""

    label: Promise
    paths: tuple[str, ...]
    listed_by: str | None = None


@dataclass(frozen=True)
class Identity:
    """What makes a new row (without a public id) probably a record the archive has: its naming text
    (compared folded; for a type with other names, any of them) and other fields that must be equal
    ("date" stands for the three stored date columns); `places`: the same set of places."""

    text: str
    fields: tuple[str, ...] = ()
    places: bool = False

    @property
    def columns(self) -> tuple[str, ...]:
        period = ("date_start", "date_end", "date_precision")  # the date as stored; its note is no part of it
        return tuple(column for name in self.fields for column in (period if name == "date" else (name,)))


@dataclass(frozen=True)
class Document:
    """What a record puts in the search index: names (matched first) and text.

    Each entry is a path ("title", "places__name", "slogans__text") or a function of the record
    giving a string or a list of strings. A path passes through linked records only if they are
    public: a hidden organizer's name never enters a public protest's entry.
    """

    names: tuple
    text: tuple = ()


@dataclass(frozen=True)
class Computed:
    """A public column worked out from the record rather than stored (an arrest's `detainee`)."""

    name: str
    value: Callable
    description: str


@dataclass(eq=False)
class RecordType:
    key: str
    model: type
    fields: tuple
    label: str | Callable  # the field that names a record, or a function of it
    document: Document
    filterset: str  # dotted path of the FilterSet the site's list and the API share
    admin_list: tuple[str, ...]
    title: str  # the data package table's title
    parts: tuple[Part, ...] = ()
    sections: tuple[Section, ...] = ()
    reverse: tuple[str, ...] = ()  # relations to records pointing here that API records list
    api_groups: dict = field(default_factory=dict)  # an API field joining several relations
    link_tables: dict = field(default_factory=dict)  # many-to-many field → data package table name
    computed: tuple[Computed, ...] = ()
    label_paths: tuple[str, ...] = ()  # relations a functional label reads (an arrest's detainee)
    admin_filters: tuple = ()
    mergeable: bool = False
    identity: Identity | None = None  # when an imported row probably repeats a record (archive.resources.identity)
    id_prefix: str = ""  # how a new record's readable public id begins (archive.public_ids)
    id_words: bool = True  # whether it goes on with the record's label (not an arrest's: it names the detainee)

    def __post_init__(self):
        self.fields = tuple((f if isinstance(f, Field) else Field(f)).bind(self.model) for f in self.fields)
        if not self.id_prefix:
            raise ValueError(f"record type {self.key!r} needs an id_prefix (how its new records' ids begin)")

    def __repr__(self) -> str:
        return f"<RecordType {self.key}>"

    # --- what the type is --------------------------------------------------------------------------

    @property
    def model_name(self) -> str:
        return self.model._meta.model_name

    @property
    def verbose_name(self):
        return self.model._meta.verbose_name

    @property
    def verbose_name_plural(self):
        return self.model._meta.verbose_name_plural

    @cached_property
    def dated(self) -> bool:
        return any(f.kind == Kind.DATE for f in self.fields)

    @cached_property
    def named(self) -> bool:
        """Named things (people, places…) rather than titled events and texts."""
        return self.label == "name"

    @property
    def label_field(self) -> str | None:
        return self.label if isinstance(self.label, str) else None

    def label_of(self, record) -> str:
        """What the public calls the record (an arrest: who was detained, name withheld if need be)."""
        return self.label(record) if callable(self.label) else getattr(record, self.label)

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    def fields_of(self, *kinds, public: bool | None = None) -> tuple[Field, ...]:
        return tuple(
            f for f in self.fields if (not kinds or f.kind in kinds) and (public is None or f.public == public)
        )

    @cached_property
    def public_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.public)

    @cached_property
    def ordering_fields(self) -> tuple[str, ...]:
        """What lists may be sorted by (indexed): its date or its name, and when it last changed."""
        first = "date_start" if self.dated else self.label_field
        return (first, "updated", "pk")

    def part(self, kind: type[Part]) -> Part | None:
        return next((p for p in self.parts if isinstance(p, kind)), None)

    @cached_property
    def translatable(self) -> tuple[str, ...]:
        """The texts it may hold in several languages: its spec's translatable fields, then the notes
        every record has (a dated record's date note, the public note, a withdrawal's reason)."""
        own = tuple(f.name for f in self.fields if f.translatable)
        return (*own, *(("date_note",) if self.dated else ()), "public_note", "withdrawn_reason")

    # --- what it shows of other records (the write path's dependency graph) ------------------------

    @cached_property
    def links(self) -> tuple[str, ...]:
        """Relations through which its public form shows other records: its fields, its parts' links,
        its citations' sources, its page sections and its API's reverse lists."""
        paths = [f.name for f in self.fields if f.kind in Kind.RELATIONS]
        for part in self.parts:
            paths += part.record_links(self.model)
        paths += ["citations__source", "citations__cited_in"]
        paths += [path for section in self.sections for path in section.paths]
        paths += list(self.reverse)
        return tuple(dict.fromkeys(paths))

    def target(self, path: str):
        """The model a relation path (``places``, ``size_claims__source``) arrives at."""
        model = self.model
        for name in path.split("__"):
            model = model._meta.get_field(name).related_model
        return model
