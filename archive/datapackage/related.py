"""Tables that tie records together or hold their parts, derived from the registry.

- a link table per many-to-many field of a type's spec (`RecordType.link_tables` names it and its
  two columns), each row with both ends public;
- slogans of the types that have them;
- parts (`RecordType.parts`): other names, count claims, statement texts, roles;
- citations of every type, and the languages the other tables' codes point to.

Rows of a hidden record's parts are left out, and so is any row that would name a hidden record: a
speaker who is not public leaves no row, and a role held at a hidden organization leaves none
either. `record_type` columns hold registry keys.
"""

from collections.abc import Iterator
from dataclasses import replace
from functools import partial

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, F, Q, Value
from django.utils.text import capfirst, format_lazy

from archive import models as m
from archive import registry
from archive.datapackage.columns import (
    CHUNK,
    Column,
    Table,
    column,
    date_columns,
    id_column_name,
    link,
    passes,
    public_id_of,
    singular,
    table_name,
)
from archive.registry import Claims, Kind, Names, RecordType, Roles, Texts


def plural(record_type: RecordType):
    return capfirst(record_type.verbose_name_plural)


def owner_link(record_type: RecordType, source: str) -> Column:
    """The public record a row belongs to."""
    key = record_type.key
    described = format_lazy("The {}: id in {}.csv.", record_type.verbose_name, key)
    return Column(
        id_column_name(record_type.model), description=described, source=source, required=True, ref=(key, "id")
    )


# --- Link tables ------------------------------------------------------------------------------------


def link_spec(record_type: RecordType, field) -> tuple[str, str, str]:
    """(table, left column, right column) of a many-to-many field: as the registry names them, else
    `<type>_<field>` with `<type>_id` and `<target>_id` (a language: `language`)."""
    declared = record_type.link_tables.get(field.name)
    if declared:
        return declared
    left = id_column_name(record_type.model)
    right = "language" if field.target is m.Language else id_column_name(field.target)
    return f"{singular(record_type.model)}_{field.name}", left, right if right != left else f"{field.name}_id"


def link_rows(model, attr: str) -> Iterator:
    """(a, b) public ids of a many-to-many relation, both ends public; b is a code for languages."""
    relation = model._meta.get_field(attr)
    left, right = relation.m2m_field_name(), relation.m2m_reverse_field_name()
    target = relation.related_model
    rows = relation.remote_field.through.objects.filter(passes(model, f"{left}_id"))
    if registry.is_record(target):
        rows = rows.filter(passes(target, f"{right}_id")).annotate(b=F(f"{right}__public_id"))
    else:
        rows = rows.annotate(b=F(f"{right}__pk"))
    rows = rows.annotate(a=F(f"{left}__public_id")).order_by("a", "b")
    return rows.values_list("a", "b", named=True).iterator(chunk_size=CHUNK)


def link_table(record_type: RecordType, field) -> Table:
    name, left, right = link_spec(record_type, field)
    resource, key = ("languages", "code") if field.target is m.Language else (table_name(field.target), "id")
    columns = (
        Column(
            left, description=f"Id in {record_type.key}.csv.", source="a", required=True, ref=(record_type.key, "id")
        ),
        Column(
            right, description=f"{capfirst(key)} in {resource}.csv.", source="b", required=True, ref=(resource, key)
        ),
    )
    title = format_lazy("{}: {}", plural(record_type), field.label)
    rows = partial(link_rows, record_type.model, field.name)
    return Table(name, title, columns, rows, (left, right), description=field.help_text)


def slogan_rows(model, attr: str) -> Iterator:
    relation = model._meta.get_field(attr)
    left, right = relation.m2m_field_name(), relation.m2m_reverse_field_name()
    links = relation.remote_field.through.objects.filter(passes(model, f"{left}_id"))
    links = links.annotate(
        r=F(f"{left}__public_id"),
        s_text=F(f"{right}__text"),
        s_language=F(f"{right}__language_id"),
        s_translation=F(f"{right}__translation"),
    )
    links = links.order_by("r", "s_text", "s_language")
    return links.values_list("r", "s_text", "s_language", "s_translation", named=True).iterator(chunk_size=CHUNK)


def slogan_table(record_type: RecordType, field) -> Table:
    """`<type>_slogans`: each slogan of each public record, in full (slogans are shared by records)."""
    columns = (
        owner_link(record_type, "r"),
        column(m.Slogan, "text", source="s_text"),
        column(m.Slogan, "language", source="s_language"),
        column(m.Slogan, "translation", source="s_translation"),
    )
    title = format_lazy("{} of {}", capfirst(m.Slogan._meta.verbose_name_plural), record_type.verbose_name_plural)
    rows = partial(slogan_rows, record_type.model, field.name)
    return Table(f"{singular(record_type.model)}_{field.name}", title, columns, rows, description=field.help_text)


def link_tables() -> list[Table]:
    tables = []
    for record_type in registry.TYPES:
        for field in record_type.fields_of(*Kind.MANY, public=True):
            make = slogan_table if field.kind == Kind.SLOGANS else link_table
            tables.append(make(record_type, field))
    return tables


# --- Parts ------------------------------------------------------------------------------------------


def with_part(kind) -> list[tuple[RecordType, object]]:
    """(record type, part) for every part of this kind, in the registry's order."""
    return [(rt, part) for rt in registry.TYPES for part in rt.parts if isinstance(part, kind)]


def record_type_column(keys) -> Column:
    return Column(
        "record_type", description="Which kind of record the row belongs to.", required=True, enum=tuple(keys)
    )


def _typed_pid(key: str, row):
    return row.record_pid if row.record_type == key else None


def typed_link(record_type: RecordType, name: str = "") -> Column:
    """Holds the row's record id when the row belongs to a record of this type (see record_type)."""
    description = format_lazy("The {}, when record_type is {}.", record_type.verbose_name, record_type.key)
    return Column(
        name or id_column_name(record_type.model),
        description=description,
        source=partial(_typed_pid, record_type.key),
        ref=(record_type.key, "id"),
    )


def texts_table(record_type: RecordType, part: Texts) -> Table:
    model, owner = part.model(record_type.model), part.owner_field(record_type.model)

    def rows():
        texts = model.objects.filter(passes(record_type.model, f"{owner}_id"))
        texts = texts.annotate(r=F(f"{owner}__public_id")).order_by("r", "-is_original", "language_id")
        return texts.values_list("r", "language_id", "is_original", "text", "translator", named=True).iterator(
            chunk_size=CHUNK
        )

    columns = (
        owner_link(record_type, "r"),
        column(model, "language"),
        column(model, "is_original", as_name="original"),
        column(model, "text"),
        column(model, "translator"),
    )
    key = (columns[0].name, "language", "original")
    return Table(
        f"{singular(record_type.model)}_{part.accessor}", capfirst(model._meta.verbose_name_plural), columns, rows, key
    )


def roles_rows(record_type: RecordType, part: Roles) -> Iterator:
    """A role held at an organization the public may not see is left out whole: its text would tell."""
    model, owner = part.model(record_type.model), part.owner_field(record_type.model)
    roles = model.objects.filter(
        passes(record_type.model, f"{owner}_id"),
        Q(organization__isnull=True) | passes(m.Organization, "organization_id"),
    ).annotate(p=F(f"{owner}__public_id"), o=F("organization__public_id"))
    fields = ("p", "o", "role", "date_start", "date_end", "date_precision", "date_note")
    return roles.order_by("p", "date_start", "pk").values_list(*fields, named=True).iterator(chunk_size=CHUNK)


def roles_table(record_type: RecordType, part: Roles) -> Table:
    model = part.model(record_type.model)
    columns = (
        owner_link(record_type, "p"),
        link("organization_id", "organizations", "o", model._meta.get_field("organization").help_text),
        column(model, "role"),
        *date_columns(model),
    )
    return Table("roles", capfirst(model._meta.verbose_name_plural), columns, partial(roles_rows, record_type, part))


def other_name_rows() -> Iterator:
    for record_type, part in with_part(Names):
        model, owner = part.model(record_type.model), part.owner_field(record_type.model)
        names = model.objects.filter(passes(record_type.model, f"{owner}_id")).annotate(
            record_type=Value(record_type.key, CharField()), record_pid=F(f"{owner}__public_id")
        )
        names = names.order_by("record_pid", "language_id", "name")
        fields = ("record_type", "record_pid", "name", "language_id", "kind")
        yield from names.values_list(*fields, named=True).iterator(chunk_size=CHUNK)


def other_names() -> Table:
    owners = with_part(Names)
    model = owners[0][1].model(owners[0][0].model)
    columns = (
        record_type_column(rt.key for rt, _part in owners),
        *(typed_link(rt) for rt, _part in owners),
        column(model, "name"),
        column(model, "language"),
        column(model, "kind"),
    )
    return Table("other_names", "Other names, in every language and script", columns, other_name_rows)


def claim_rows() -> Iterator:
    fields = ("claim_type", "record_type", "record_pid", "group_text", "words", "low", "high", "claimant")
    fields += ("claimant_kind", "source_pid", "footnote", "note")
    for record_type, part in with_part(Claims):
        model, owner = part.model(record_type.model), part.owner_field(record_type.model)
        claims = model.objects.filter(passes(record_type.model, f"{owner}_id")).annotate(
            claim_type=Value(part.what, CharField()),
            record_type=Value(record_type.key, CharField()),
            record_pid=F(f"{owner}__public_id"),
            group_text=F("group") if part.group else Value("", CharField()),
            source_pid=public_id_of(m.Source, "source_id"),
        )
        claims = claims.order_by("record_pid", "pk")
        yield from claims.values_list(*fields, named=True).iterator(chunk_size=CHUNK)


def count_claims() -> Table:
    owners = with_part(Claims)
    model = owners[0][1].model(owners[0][0].model)
    groups = tuple(  # who signed: empty in the rows of other claims
        replace(column(part.model(rt.model), "group", as_name=part.what, source="group_text"), required=False)
        for rt, part in owners
        if part.group
    )
    columns = (
        Column("claim_type", description="What is counted.", required=True, enum=tuple(p.what for _rt, p in owners)),
        record_type_column(rt.key for rt, _part in owners),
        *(typed_link(rt) for rt, _part in owners),
        *groups,
        *(column(model, name) for name in ("words", "low", "high", "claimant", "claimant_kind")),
        link("source_id", "sources", "source_pid", model._meta.get_field("source").help_text),
        column(model, "footnote"),
        column(model, "note"),
    )
    return Table("count_claims", "Counts as claimed: crowd sizes, numbers detained, signatories", columns, claim_rows)


# --- Citations and languages ------------------------------------------------------------------------


def citation_rows() -> Iterator:
    fields = ("record_type", "record_pid", "source_pid", "cited_in_pid")
    fields += ("footnote", "page", "quote", "quote_translation")
    for record_type in registry.TYPES:
        model = record_type.model
        citations = m.Citation.objects.filter(
            passes(model, "object_id"),
            passes(m.Source, "source_id"),
            content_type=ContentType.objects.get_for_model(model),
        ).annotate(
            record_type=Value(record_type.key, CharField()),
            record_pid=public_id_of(model, "object_id"),
            source_pid=F("source__public_id"),
            cited_in_pid=public_id_of(m.Source, "cited_in_id"),
        )
        citations = citations.order_by("record_pid", "footnote", "pk")
        yield from citations.values_list(*fields, named=True).iterator(chunk_size=CHUNK)


def citations() -> Table:
    """Citations of public records by public sources; a citation's own `source_id` names the source,
    so a cited source record's id is `record_source_id`."""
    citation = m.Citation._meta
    columns = (
        record_type_column(registry.KEYS),
        *(typed_link(rt, "record_source_id" if rt.model is m.Source else "") for rt in registry.TYPES),
        link("source_id", "sources", "source_pid", citation.get_field("source").help_text),
        link("cited_in_id", "sources", "cited_in_pid", citation.get_field("cited_in").help_text),
        *(column(m.Citation, name) for name in ("footnote", "page", "quote", "quote_translation")),
    )
    return Table("citations", "Citations: which source supports which record", columns, citation_rows)


def languages() -> Table:
    columns = tuple(column(m.Language, name) for name in ("code", "name", "native_name", "direction"))
    rows = m.Language.objects.order_by("code").iterator
    return Table("languages", "Languages and scripts", columns, partial(rows, chunk_size=CHUNK), ("code",))


def part_tables() -> list[Table]:
    return [
        *(texts_table(rt, part) for rt, part in with_part(Texts)),
        *(roles_table(rt, part) for rt, part in with_part(Roles)),
        citations(),
        other_names(),
        count_claims(),
        languages(),
    ]
