"""The registry of record types: one definition per type, every surface derived from it.

    from archive import registry
    registry.get("protests")            # by public key
    registry.of(Protest)                # by model
    registry.TYPES                      # all eight, in the archive's order

Each `RecordType` says once what differs per type: its public key (used verbatim in URLs, API
records' `type`, search results, tombstones, data package resources, CSV names and import type
names), its model, its field spec (`fields`: the editable fields in order, from which the admin's
fieldsets, the write API's fields, the import/export columns, the API's read fields, the record
page and the data package schema are derived), its parts (other names, claims, texts, roles), the
sections of its record page, its search document, its FilterSet and its admin list. The dependency
graph of the write path (`archive.changes`) — which records show which — is derived from the same
declarations (`RecordType.shows`).

Adding a field to a type is one edit here (its name in `fields`) plus the model field and its
migration.
"""

from archive.registry.spec import (
    Claims,
    Computed,
    Document,
    Field,
    Identity,
    Kind,
    Names,
    Part,
    RecordType,
    Roles,
    Section,
    Texts,
)
from archive.registry.types import TYPES

BY_KEY = {record_type.key: record_type for record_type in TYPES}
BY_MODEL = {record_type.model: record_type for record_type in TYPES}
KEYS = tuple(BY_KEY)
MODELS = {record_type.key: record_type.model for record_type in TYPES}  # public key → model
KEY_OF = {record_type.model: record_type.key for record_type in TYPES}  # model → public key


class UnknownType(LookupError):
    """Not a record type's public key; the message lists the keys."""


def get(key: str) -> RecordType:
    try:
        return BY_KEY[key]
    except KeyError:
        raise UnknownType(f"unknown record type {key!r}: use one of {', '.join(KEYS)}") from None


def of(model_or_record) -> RecordType:
    """The record type of a model, or of a record."""
    model = model_or_record if isinstance(model_or_record, type) else type(model_or_record)
    return BY_MODEL[model._meta.concrete_model]


def is_record(model_or_record) -> bool:
    model = model_or_record if isinstance(model_or_record, type) else type(model_or_record)
    return model._meta.concrete_model in BY_MODEL


def key_of(model_or_record) -> str:
    return of(model_or_record).key


__all__ = [
    "BY_KEY",
    "BY_MODEL",
    "KEYS",
    "KEY_OF",
    "MODELS",
    "TYPES",
    "Claims",
    "Computed",
    "Document",
    "Field",
    "Identity",
    "Kind",
    "Names",
    "Part",
    "RecordType",
    "Roles",
    "Section",
    "Texts",
    "UnknownType",
    "get",
    "is_record",
    "key_of",
    "of",
]
