"""What a public record page shows, derived from the registry: its fields as (label, value) rows,
its parts (other names, texts, slogans, claims, roles), its related records, its citations, and for
a source the records citing it — every linked record reached through the public gate."""

import datetime as dt
import json
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import F, TextField, URLField, prefetch_related_objects
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from archive import models, registry, translations
from archive.models.base import CountClaim
from archive.registry import Claims, Kind, Names, Roles, Texts


def title_of(record) -> str:
    """What the public calls a record (an arrest: who was detained, name withheld if need be), in the
    reader's language where the record has it (a named record's other names only if prefetched: see
    `with_names`)."""
    return translations.title_in(record)


def with_names(records) -> list:
    """Fetch the other names of the named records among `records` (one query per type), so that
    `title_of` names each in the reader's language or script."""
    records = [r for r in records if r is not None]
    by_model: dict = {}
    for record in records:
        if registry.is_record(type(record)) and registry.of(record).part(Names):
            by_model.setdefault(type(record), []).append(record)
    for found in by_model.values():
        prefetch_related_objects(
            [r for r in found if "other_names" not in getattr(r, "_prefetched_objects_cache", {})], "other_names"
        )
    return records


# --- fields ------------------------------------------------------------------------------------------


class Show:
    """How the record page shows a field's value; the template switches on these, never on a field."""

    TEXT = "text"
    PROSE = "prose"  # long text: a paragraph of its own under the field's label
    WEB = "web"  # a link if it is an http(s) address, else text
    RECORDS = "records"  # links to public records
    CODES = "codes"  # language codes
    DAY = "day"
    DATE = "date"  # the partial date (the value is the record: start, end, precision, note)
    NUMBER = "number"
    BOOLEAN = "boolean"


@dataclass(frozen=True)
class Row:
    """One field of a record as its page shows it."""

    name: str
    label: str
    show: str
    value: object


# Kinds whose value is the model field's own, shown one way.
PLAIN = {Kind.DAY: Show.DAY, Kind.INTEGER: Show.NUMBER, Kind.NUMBER: Show.NUMBER, Kind.BOOLEAN: Show.BOOLEAN}
EMPTY = (None, "", [])


def field_rows(record) -> list[Row]:
    """The record's public fields that have a value, in the order of its type's field spec.

    Left to the rest of the page: the field that names the record (its heading), relations one of
    its sections lists (they would show twice) and slogans (a part of their own). A field added to
    a type's spec shows here with no template edit.
    """
    record_type = registry.of(record)
    elsewhere = {record_type.label_field, *(path for section in record_type.sections for path in section.paths)}
    rows = []
    for spec in record_type.public_fields:
        if spec.name in elsewhere or spec.kind == Kind.SLOGANS:
            continue
        show, value = _shown(record, spec)
        if value not in EMPTY:
            rows.append(Row(spec.name, capfirst(spec.label), show, value))
    return rows


def _shown(record, spec) -> tuple[str, object]:
    """(how to show it, the value) for one field; a hidden linked record is left out, not marked."""
    kind, name = spec.kind, spec.name
    if kind == Kind.DATE:
        return Show.DATE, record if record.date_display else None
    if kind == Kind.CHOICE:
        return Show.TEXT, getattr(record, f"get_{name}_display")()
    if kind == Kind.RECORD:
        related = getattr(record, name)
        return Show.RECORDS, with_names([related]) if related is not None and related.is_public else []
    if kind == Kind.RECORDS:
        return Show.RECORDS, with_names(list(getattr(record, name).published()))
    if kind == Kind.LANGUAGE:
        code = getattr(record, spec.model_field.attname)
        return Show.CODES, [code] if code else []
    if kind == Kind.LANGUAGES:
        return Show.CODES, sorted(getattr(record, name).values_list("pk", flat=True))
    if spec.translatable:
        text = translations.text_of(record, name)
        return (Show.PROSE if isinstance(spec.model_field, TextField) else Show.TEXT), text if text.text else None
    value = getattr(record, name)
    if kind in PLAIN:
        return PLAIN[kind], value
    if isinstance(spec.model_field, URLField):
        return Show.WEB, value
    return (Show.PROSE if isinstance(spec.model_field, TextField) else Show.TEXT), value


def select_for_page(record_type) -> tuple[str, ...]:
    """Relations a record page reads through one join: the linked records its rows show and its label reads."""
    return (*(f.name for f in record_type.public_fields if f.kind == Kind.RECORD), *record_type.label_paths)


# --- parts -------------------------------------------------------------------------------------------


@dataclass
class PartList:
    """The rows of one part of a record (its other names, its claims of one kind…)."""

    kind: str  # names, texts, slogans, claims, roles: what the template switches on
    label: str
    items: list


PART_ORDER = ("names", "texts", "slogans", "claims", "roles")


def part_lists(record) -> list[PartList]:
    """The record's parts that have rows, by kind: other names, texts, slogans, claims, roles."""
    record_type = registry.of(record)
    found = [_part_list(record, part) for part in record_type.parts]
    for spec in record_type.fields_of(Kind.SLOGANS, public=True):
        found.append(PartList("slogans", capfirst(spec.label), list(getattr(record, spec.name).all())))
    found = [part for part in found if part is not None and part.items]
    return sorted(found, key=lambda part: PART_ORDER.index(part.kind))


def _part_list(record, part) -> PartList | None:
    rows = getattr(record, part.accessor)
    plural = capfirst(part.model(type(record))._meta.verbose_name_plural)
    if isinstance(part, Names):
        return PartList("names", _("Other names"), list(rows.all()))
    if isinstance(part, Texts):
        return PartList("texts", _("What was said"), list(rows.all()))
    if isinstance(part, Claims):
        return PartList("claims", part.label or plural, list(rows.select_related("source")))
    if isinstance(part, Roles):
        # A role at a hidden organization is left out entirely: its text would tell the organization exists.
        roles = rows.select_related("organization")
        return PartList("roles", plural, [r for r in roles if r.organization is None or r.organization.is_public])
    return None


# --- related records, citations ----------------------------------------------------------------------


@dataclass
class Section:
    label: str
    records: list = field(default_factory=list)
    list_url: str = ""  # the filtered list that holds all of them, when the page shows only the first
    total: int = 0


# How many records a listed section shows before it links to the filtered list.
SECTION_LIMIT = 50


def _titled(records):
    """The records with what their titles read through a relation (an arrest's detainee) joined: not a query
    per record when the page titles them."""
    return records.select_related(*registry.of(records.model).label_paths)


def _public(record, path: str) -> list:
    value = getattr(record, path)
    if hasattr(value, "published"):
        return list(_titled(value.published()))
    if hasattr(value, "all"):
        return [r for r in value.all() if r.is_public]
    return [value] if value is not None and value.is_public else []


def related_sections(record) -> list[Section]:
    """Related records linked both ways, only those the public may open."""
    sections = []
    for section in registry.of(record).sections:
        if section.listed_by:
            listed = _listed(record, section)
            if listed is not None:
                sections.append(listed)
            continue
        records = with_names([related for path in section.paths for related in _public(record, path)])
        if records:
            sections.append(Section(str(section.label), records))
    return sections


def _listed(record, section) -> Section | None:
    """The related records the related type's own list finds for this record (the same FilterSet, so the
    page and the list agree), in date order, the first SECTION_LIMIT of them."""
    from archive.filters import filterset_for  # filters import the search package, which imports pages

    (path,) = section.paths
    related = registry.of(record._meta.get_field(path).related_model)
    params = {section.listed_by: record.public_id}
    found = filterset_for(related.key)(params, queryset=related.model.objects.published()).qs
    first = F("date_start").asc(nulls_last=True) if related.dated else F(related.label_field or "pk").asc()
    order = (first, "pk")
    records = list(_titled(found.order_by(*order))[: SECTION_LIMIT + 1])
    if not records:
        return None
    total = len(records) if len(records) <= SECTION_LIMIT else found.count()
    url = reverse("archive:list", args=[related.key]) + "?" + urlencode(params)
    return Section(str(section.label), with_names(records[:SECTION_LIMIT]), list_url=url, total=total)


def public_citations(record) -> list:
    citations = record.citations.select_related("source", "cited_in")
    return [c for c in citations if c.source.is_public]


def cited_by(source) -> list:
    """Records that cite a source, for the source's page (nothing for other records): one query per type."""
    if not isinstance(source, models.Source):
        return []
    ids_by_type: dict = {}
    for content_type_id, object_id in models.Citation.objects.filter(source=source).values_list(
        "content_type_id", "object_id"
    ):
        ids_by_type.setdefault(content_type_id, set()).add(object_id)
    found = []
    for content_type_id, ids in ids_by_type.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if registry.is_record(model):
            found.extend(_titled(model.objects.published().filter(pk__in=ids)))
    return found


# --- list rows ---------------------------------------------------------------------------------------


@dataclass
class ListRow:
    """What a list shows of one record, as the public read model stores it in the reader's language."""

    url: str
    title: str
    date: str  # how its date reads ("" if undated, or for a type without dates)
    solar_hijri: str  # its date in the Solar Hijri calendar, for Persian readers ("" for others)
    places: list[str]
    kind: str  # its first choice field's label (a protest's kind, a statement's form)
    size: str  # the words of its first count claim ("hundreds"), if it has any
    sources: int  # how many public sources cite it


def list_rows(record_type, ids: list[int], place_paths: tuple[str, ...] = ()) -> list[ListRow]:
    """One row per record of a list page (its records' ids, in order), read from the public read model in two
    queries whatever the page size: the records' stored documents, titles and dates in the reader's language, and
    the names of the public places they are in (`_place_titles`). `place_paths` are the relations to places a
    row names (the list's place filter's paths). A record without a document (hidden since the page was read)
    has no row."""
    from archive import readmodel  # the read model derives its documents with the API, which reads this module
    from archive.templatetags.archive_tags import addresses  # the tags read this module

    language = readmodel.language_of()
    stored = models.PublicDocument.objects.filter(record_type=record_type.key, language=language)
    found = {
        pk: (public_id, json.loads(document), title, date)
        for pk, public_id, document, title, date in stored.filter(object_id__in=ids).values_list(
            "object_id", "public_id", "document", "title", "date"
        )
    }
    in_places = {pk: _linked_ids(found[pk][1], place_paths) for pk in found}
    place_names = _place_titles({public_id for linked in in_places.values() for public_id in linked}, language)
    choice = next(iter(record_type.fields_of(Kind.CHOICE, public=True)), None)
    choice_labels = dict(record_type.model._meta.get_field(choice.name).flatchoices) if choice else {}
    claims = record_type.part(Claims)
    url = addresses("archive:detail", record_type.key)
    rows = []
    for pk in ids:
        if pk not in found:
            continue
        public_id, document, title, date = found[pk]
        first_claim = next(iter(document.get(claims.accessor) or []), None) if claims else None
        choice_value = (document.get(choice.name) or "") if choice else ""
        rows.append(
            ListRow(
                url=url(public_id),
                title=title,
                date=date,
                solar_hijri=_solar_hijri(document.get("date")) if date else "",
                places=list(dict.fromkeys(place_names[p] for p in in_places[pk] if p in place_names)),
                kind=str(choice_labels.get(choice_value, choice_value)),  # its label, as get_FOO_display gives it
                size=(first_claim["words"] or _range(first_claim)) if first_claim else "",
                sources=len({c["source"]["id"] for c in document.get("citations") or [] if c.get("source")}),
            )
        )
    return rows


def _linked_ids(document: dict, paths: tuple[str, ...]) -> list[str]:
    """The public ids of the records a document links to through these relations, in its order."""
    linked = []
    for path in paths:
        value = document.get(path)
        for summary in value if isinstance(value, list) else [value]:
            if summary:
                linked.append(summary["id"])
    return linked


def _place_titles(public_ids: set[str], language: str) -> dict[str, str]:
    """{public id: name in the reader's language} of the public places among these ids, from their stored rows.
    Through the public gate as well, as search's titles are (`readmodel.listed`): a place hidden by a write that
    bypassed the write path (bulk SQL) is not named, even before `rebuild_public` removes its rows."""
    if not public_ids:
        return {}
    public = models.Place.objects.published().filter(public_id__in=sorted(public_ids)).values("pk")
    rows = models.PublicDocument.objects.filter(record_type=registry.key_of(models.Place), language=language)
    return dict(rows.filter(object_id__in=public).values_list("public_id", "title"))


def _solar_hijri(date: dict | None) -> str:
    """A stored document's date in the Solar Hijri calendar, for Persian readers ("" for others, or undated)."""
    from archive.date_input import format_jalali

    if not date or not date.get("start") or not (get_language() or "").startswith("fa"):
        return ""
    end = dt.date.fromisoformat(date["end"]) if date.get("end") else None
    return format_jalali(dt.date.fromisoformat(date["start"]), date["precision"], lang="fa", end=end)


def _range(claim: dict) -> str:
    """A stored count claim's low–high, as `CountClaim.range_display` writes it."""
    return CountClaim.range_of(claim.get("low"), claim.get("high"))
