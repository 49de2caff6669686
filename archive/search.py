"""Search: the one module the admin, the public site and the API call.

Matching works on text folded by ``archive.folding`` (so Ərdəbil finds
Ardabil, Obali finds Obalı, ي finds ی) and stored in ``SearchEntry``:

- every query word matches any word that starts with it, in a record's names
  (primary and other names) or its text (descriptions, statement texts,
  slogans, source titles);
- web-search syntax: ``"quoted phrases"``, ``OR`` between alternatives,
  ``-word`` or ``-"phrase"`` to exclude;
- on PostgreSQL the match runs on a stored, GIN-indexed tsvector (names
  weighted above text) and, for plain queries, also on trigram word
  similarity of names (the indexed ``%>`` operator), so close
  transliterations match; SQLite runs the same word-prefix semantics on the
  folded columns;
- ranking: exact name or alias first, then names above text; on SQLite then
  the most recent; on PostgreSQL tier by tier (exact, names, anywhere, close
  spellings of names) the most recent, so no query scores every match.

The index is kept current by ``connect_signals`` (every save, delete and
relation change, raw fixture loads included) and by ``reindex_many`` for
bulk paths; ``manage.py rebuild_search_index`` rebuilds it from scratch.
"""

from __future__ import annotations

import contextlib
import contextvars
import html
import re
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import TrigramWordSimilarity
from django.core.exceptions import ObjectDoesNotExist
from django.db import connection
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from archive import models
from archive.folding import clean, fold
from archive.public import detainee_label

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
MAX_RESULTS = 100


class SearchQueryError(ValueError):
    """The query cannot be run; the message says why, for the person who typed it."""


@dataclass
class Clause:
    """Alternatives joined by OR; each alternative is a list of folded words (a phrase)."""

    alternatives: list[list[str]]


@dataclass
class ParsedQuery:
    raw: str
    clauses: list[Clause] = field(default_factory=list)
    exclusions: list[list[str]] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.clauses

    @property
    def is_plain(self) -> bool:
        """No operators: a candidate for fuzzy (trigram) name matching."""
        return not self.exclusions and all(len(c.alternatives) == 1 for c in self.clauses) and '"' not in self.raw

    @property
    def words(self) -> list[str]:
        return [w for c in self.clauses for alt in c.alternatives for w in alt]

    @property
    def folded(self) -> str:
        return " ".join(self.words)


_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')


def parse(query: str) -> ParsedQuery:
    """Parse web-search syntax. Raises SearchQueryError for queries too long to run."""
    raw = clean(query or "").strip()
    if len(raw) > MAX_QUERY_LENGTH:
        raise SearchQueryError(_("The search is too long: use at most %(max)d characters.") % {"max": MAX_QUERY_LENGTH})
    parsed = ParsedQuery(raw=raw)
    pending_or = False
    term_count = 0
    for match in _TOKEN.finditer(raw):
        negated, phrase, bare = match.group(1), match.group(2), match.group(3)
        if bare is not None and bare == "OR":
            pending_or = bool(parsed.clauses)
            continue
        if bare is not None and bare.startswith("-") and len(bare) > 1:
            negated, bare = "-", bare[1:]
        words = fold(phrase if phrase is not None else bare).split()
        if not words:
            continue
        term_count += len(words)
        if term_count > MAX_TERMS:
            raise SearchQueryError(_("The search has too many words: use at most %(max)d.") % {"max": MAX_TERMS})
        if negated:
            parsed.exclusions.append(words)
        elif phrase is not None:
            _add(parsed, [words], pending_or)
        else:
            # A bare word sequence without quotes: each word is its own clause.
            for i, word in enumerate(words):
                _add(parsed, [[word]], pending_or and i == 0)
        pending_or = False
    return parsed


def _add(parsed: ParsedQuery, alternatives: list[list[str]], join_or: bool) -> None:
    if join_or and parsed.clauses:
        parsed.clauses[-1].alternatives.extend(alternatives)
    else:
        parsed.clauses.append(Clause(alternatives=alternatives))


# --- Matching -------------------------------------------------------------------------------------


def _like_q(words: list[str]) -> Q:
    """Word-prefix match of a phrase on the folded columns (portable)."""
    needle = " " + " ".join(words)
    return Q(names__contains=needle) | Q(body__contains=needle)


def _tsquery_phrase(words: list[str], weight: str = "") -> str:
    # Folded words hold only letters and digits, so they are safe inside a tsquery.
    return " <-> ".join([*(f"{w}:{weight}" if weight else w for w in words[:-1]), f"{words[-1]}:*{weight}"])


def _tsquery(parsed: ParsedQuery, weight: str = "") -> str:
    """The query as a tsquery; with weight "A", its words must match in names."""
    clauses = [
        "(" + " | ".join(f"({_tsquery_phrase(a, weight)})" for a in c.alternatives) + ")" for c in parsed.clauses
    ]
    exclusions = [f"!({_tsquery_phrase(words)})" for words in parsed.exclusions]
    return " & ".join(clauses + exclusions)


def _exact_names_q(parsed: ParsedQuery) -> Q:
    return Q(names__contains=f"| {parsed.folded} |")


def match(queryset, parsed: ParsedQuery):
    """Filter and rank a SearchEntry queryset by the parsed query."""
    exact = Case(When(_exact_names_q(parsed), then=Value(1)), default=Value(0), output_field=IntegerField())
    if connection.vendor == "postgresql":
        tsquery = _tsquery(parsed)
        matched = RawSQL("vector @@ to_tsquery('simple', %s)", [tsquery])
        condition = Q(fts_match=True)
        if parsed.is_plain and len(parsed.folded) >= 3:
            condition |= Q(names__trigram_word_similar=parsed.folded)
        return (
            queryset.alias(fts_match=matched)
            .filter(condition)
            .annotate(
                exact=exact,
                rank=RawSQL("ts_rank(vector, to_tsquery('simple', %s))", [tsquery]),
            )
            .order_by("-exact", "-rank", "-date", "pk")
        )
    condition = Q()
    for clause in parsed.clauses:
        alternatives = Q()
        for words in clause.alternatives:
            alternatives |= _like_q(words)
        condition &= alternatives
    for words in parsed.exclusions:
        condition &= ~_like_q(words)
    in_names = Q()
    for word in parsed.words:
        in_names |= Q(names__contains=" " + word)
    name_hit = Case(When(in_names, then=Value(1)), default=Value(0), output_field=IntegerField())
    return queryset.filter(condition).annotate(exact=exact, rank=name_hit).order_by("-exact", "-rank", "-date", "pk")


# --- Running a search -----------------------------------------------------------------------------


@dataclass
class Result:
    record_type: str
    record: object
    title: str
    snippet: str
    exact: bool


def search(query: str, *, types: list[str] | None = None, limit: int = 50) -> list[Result]:
    """Public search: only records that pass the public gate, best first."""
    parsed = parse(query)
    if parsed.is_empty:
        return []
    unknown = set(types or []) - set(PUBLIC_TYPES)
    if unknown:
        raise SearchQueryError(
            _("Unknown record type: %(types)s. Use one of: %(allowed)s.")
            % {"types": ", ".join(sorted(unknown)), "allowed": ", ".join(PUBLIC_TYPES)}
        )
    entries = models.SearchEntry.objects.filter(is_public=True)
    if types:
        entries = entries.filter(record_type__in=types)
    limit = max(1, min(limit, MAX_RESULTS))
    if connection.vendor == "postgresql":
        ranked = _ranked_in_tiers(entries, parsed, limit)
    else:
        ranked = list(match(entries, parsed)[:limit])
    records = _published_records(ranked)
    results = []
    for entry in ranked:
        record = records.get((entry.record_type, entry.object_id))
        if record is None:  # the gate has the last word, whatever the index says
            continue
        results.append(
            Result(
                record_type=entry.record_type,
                record=record,
                title=entry.title,
                snippet=snippet(entry.text, parsed),
                exact=bool(entry.exact),
            )
        )
    return results


def _ranked_in_tiers(entries, parsed: ParsedQuery, limit: int) -> list:
    """Best first without ranking every match: at a million entries a common word matches tens of
    thousands, and scoring them all takes seconds. Instead, tier by tier — exact name or alias,
    then a match in names, then anywhere, then (only if still short) a close spelling of a name —
    take the newest `limit` through the index on (date, id); each tier is one bounded query.
    """
    full = _tsquery(parsed)
    exact = entries.alias(exact_name=RawSQL("name_list @> ARRAY[%s]::text[]", [parsed.folded])).filter(exact_name=True)
    for words in parsed.exclusions:
        exact = exact.exclude(_like_q(words))
    tiers = [exact, _in_names(entries, parsed), _fts(entries, full)]
    # Exact names are few but the planner cannot know it: NULLS LAST keeps it off the date index
    # (walking a million entries for a handful), so it reads the array index and sorts.
    orders = [(F("date").desc(nulls_last=True), "pk"), ("-date", "pk"), ("-date", "pk")]
    found: list = []
    for exact, tier, order in zip([1, 0, 0], tiers, orders, strict=True):
        found += _take(tier.order_by(*order), found, limit, exact)
        if len(found) >= limit:
            return found
    if parsed.is_plain and len(parsed.folded) >= 3:
        close = entries.filter(names__trigram_word_similar=parsed.folded)
        close = close.annotate(similarity=TrigramWordSimilarity(parsed.folded, "names"))
        found += _take(close.order_by("-similarity", "-date", "pk"), found, limit, 0)
    return found


def _in_names(entries, parsed: ParsedQuery):
    """Every clause matches word by word in a name — trigram-indexed LIKEs on the folded names."""
    for clause in parsed.clauses:
        alternatives = Q()
        for words in clause.alternatives:
            alternatives |= Q(names__contains=" " + " ".join(words))
        entries = entries.filter(alternatives)
    for words in parsed.exclusions:
        entries = entries.exclude(_like_q(words))
    return entries


def _fts(entries, tsquery: str):
    return entries.alias(fts_match=RawSQL("vector @@ to_tsquery('simple', %s)", [tsquery])).filter(fts_match=True)


def _take(tier, found: list, limit: int, exact: int) -> list:
    seen = {entry.pk for entry in found}
    taken = list(tier.exclude(pk__in=seen)[: limit - len(found)])
    for entry in taken:
        entry.exact = exact
    return taken


def _published_records(entries) -> dict:
    by_type: dict[str, list[int]] = {}
    for entry in entries:
        by_type.setdefault(entry.record_type, []).append(entry.object_id)
    found = {}
    for record_type, ids in by_type.items():
        for record in PUBLIC_TYPES[record_type].objects.published().filter(pk__in=ids):
            found[(record_type, record.pk)] = record
    return found


def matching_ids(model, query: str, *, public_only: bool = False) -> list[int]:
    """Ids of the first 1000 records of `model` that match, public or not (for the admin), or only
    public ones: a public list must not let hidden matches crowd public ones out of those 1000."""
    parsed = parse(query)
    if parsed.is_empty:
        return []
    entries = models.SearchEntry.objects.filter(content_type=ContentType.objects.get_for_model(model))
    if public_only:
        entries = entries.filter(is_public=True)
    return list(match(entries, parsed).values_list("object_id", flat=True)[:1000])


_WORD = re.compile(r"\w+")


def snippet(text: str, parsed: ParsedQuery, width: int = 160) -> str:
    """HTML-escaped excerpt of `text` around the first match, matches in <mark>."""
    words = set(parsed.words)
    spans = [m.span() for m in _WORD.finditer(text) if any(fold(m.group()).startswith(w) for w in words if w)]
    start = max(0, spans[0][0] - width // 3) if spans else 0
    end = min(len(text), start + width)
    parts, cursor = [], start
    for s, e in spans:
        if s < start or e > end:
            continue
        parts.append(html.escape(text[cursor:s]))
        parts.append(f"<mark>{html.escape(text[s:e])}</mark>")
        cursor = e
    parts.append(html.escape(text[cursor:end]))
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return prefix + "".join(parts).strip() + suffix


# --- What each record type contributes to the index ----------------------------------------------


def _public_names(manager) -> list[str]:
    return [obj.name for obj in manager.all() if obj.is_public]


def _document(record) -> tuple[str, list[str], list[str]]:
    """(title, names, text parts) for a record. Only public facts go in."""
    kind = record._meta.model_name
    if kind in {"person", "organization", "mediaoutlet", "place"}:
        names = [record.name, *(n.name for n in record.other_names.all())]
        return record.name, names, [record.description]
    if kind == "protest":
        slogans = [t for s in record.slogans.all() for t in (s.text, s.translation)]
        places = _public_names(record.places)
        return record.title, [record.title], [record.description, *slogans, *places, *_public_names(record.organizers)]
    if kind == "arrest":
        label = detainee_label(record)
        place = [record.place.name] if record.place_id and record.place.is_public else []
        protest = [record.protest.title] if record.protest_id and record.protest.is_public else []
        return label, [label], [record.description, record.accusation, *place, *protest]
    if kind == "statement":
        texts = [t.text for t in record.texts.all()]
        speakers = _public_names(record.speaker_people) + _public_names(record.speaker_organizations)
        groups = [c.group for c in record.signatory_claims.all()]
        return record.title, [record.title], [record.summary, record.speaker_description, *texts, *speakers, *groups]
    if kind == "source":
        outlet = [record.outlet.name] if record.outlet_id and record.outlet.is_public else []
        names = [record.title, record.title_translation, record.authors]
        return record.title, names, [record.reference_text, *outlet]
    raise ValueError(f"not a searchable record: {record!r}")


def _entry_values(record) -> dict:
    title, names, parts = _document(record)
    folded_names = [fold(n) for n in names if n]
    text = "\n".join(p for p in parts if p)
    return {
        "record_type": TYPE_OF_MODEL[record._meta.model_name],
        "title": title[:1000],
        "names": "| " + " | ".join(n for n in folded_names if n) + " |",
        "body": " " + fold(text),
        "text": clean(text),
        "is_public": record.is_public,
        "date": getattr(record, "date_start", None),
    }


_deferred: contextvars.ContextVar[set | None] = contextvars.ContextVar("search_deferred", default=None)


@contextlib.contextmanager
def deferred():
    """Batch index writes: inside, reindexing only notes the record; on exit each
    noted record is reindexed once (a fixture load or import touches a record many
    times, once per name, text and relation)."""
    pending: set = set()
    token = _deferred.set(pending)
    try:
        yield
    finally:
        _deferred.reset(token)
    for model, pk in pending:
        record = model.objects.filter(pk=pk).first()
        if record is not None:
            reindex(record)


def reindex(record) -> None:
    """Write (or rewrite) the index entry of one record."""
    pending = _deferred.get()
    if pending is not None:
        pending.add((type(record), record.pk))
        return
    try:
        values = _entry_values(record)
    except ObjectDoesNotExist:
        return  # a fixture row whose relations load later; their own signals reindex it
    models.SearchEntry.objects.update_or_create(
        content_type=ContentType.objects.get_for_model(record), object_id=record.pk, defaults=values
    )


def reindex_many(queryset) -> int:
    """Reindex every record of a queryset (bulk paths call this)."""
    count = 0
    for record in queryset.iterator(chunk_size=500):
        reindex(record)
        count += 1
    return count


# What `_document` reads of each type, loaded in a few queries per thousand records by `reindex_records`.
_INDEX_RELATED = {
    "person": ((), ("other_names",)),
    "organization": ((), ("other_names",)),
    "mediaoutlet": ((), ("other_names",)),
    "place": ((), ("other_names",)),
    "protest": ((), ("slogans", "places", "organizers")),
    "arrest": (("person", "place", "protest"), ()),
    "statement": ((), ("texts", "speaker_people", "speaker_organizations", "signatory_claims")),
    "source": (("outlet",), ()),
}
# What an upsert rewrites: every column of the entry but its key.
_ENTRY_FIELDS = [
    f.name for f in models.SearchEntry._meta.concrete_fields if f.name not in {"id", "content_type", "object_id"}
]


def reindex_records(model, pks, *, dependents: bool = True) -> int:
    """Reindex records of one type by pk (and, with `dependents`, the records whose entries show
    them), a thousand at a time with one upsert each: the bulk paths' counterpart of the signals."""
    pks = sorted(set(pks))
    select, prefetch = _INDEX_RELATED[model._meta.model_name]
    for start in range(0, len(pks), 1000):
        chunk = pks[start : start + 1000]
        _write_entries(model, model.objects.filter(pk__in=chunk).select_related(*select).prefetch_related(*prefetch))
        if dependents:
            for dependent_model, ids in _dependent_ids(model, chunk).items():
                reindex_records(dependent_model, ids, dependents=False)
    return len(pks)


class _Known:
    """A record with its related objects already in hand, for `_document` to read instead of the database."""

    def __init__(self, record, related: dict[str, list]):
        self._record, self._related = record, related

    def __getattr__(self, name):
        if name in self._related:
            return _Related(self._related[name])
        return getattr(self._record, name)


class _Related(list):
    def all(self):
        return self


def entries_for_created(model, records) -> list:
    """Unsaved index entries of records a bulk path has just created, given as
    (record, {relation: [related objects]}), for it to insert.

    A new record has no relations but those it was created with, so its entry
    needs no query; a relation left out of the dict is read from the database.
    """
    return _entries(model, [_Known(record, related) for record, related in records])


def _entries(model, records) -> list:
    from django.utils import timezone

    content_type = ContentType.objects.get_for_model(model)
    now = timezone.now()
    return [
        models.SearchEntry(content_type=content_type, object_id=record.pk, updated=now, **_entry_values(record))
        for record in records
    ]


def _write_entries(model, records) -> None:
    entries = _entries(model, records)
    models.SearchEntry.objects.bulk_create(
        entries, update_conflicts=True, unique_fields=["content_type", "object_id"], update_fields=_ENTRY_FIELDS
    )


def _dependent_ids(model, pks) -> dict:
    """{model: pks} of the records `_dependents` names for these records, in one query per relation."""
    found = {}
    for accessor in _DEPENDENT_ACCESSORS.get(model._meta.model_name, ()):
        relation = model._meta.get_field(accessor)
        ids = relation.related_model.objects.filter(**{f"{relation.field.name}__in": pks}).values_list("pk", flat=True)
        found.setdefault(relation.related_model, set()).update(ids)
    return found


def remove(record) -> None:
    models.SearchEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(record), object_id=record.pk
    ).delete()


def rebuild() -> int:
    models.SearchEntry.objects.all().delete()
    return sum(reindex_many(model.objects.all()) for model in PUBLIC_TYPES.values())


PUBLIC_TYPES = {
    "protest": models.Protest,
    "arrest": models.Arrest,
    "statement": models.Statement,
    "organization": models.Organization,
    "media-outlet": models.MediaOutlet,
    "person": models.Person,
    "place": models.Place,
    "source": models.Source,
}
TYPE_OF_MODEL = {model._meta.model_name: name for name, model in PUBLIC_TYPES.items()}


# --- Keeping the index current --------------------------------------------------------------------


_DEPENDENT_ACCESSORS = {
    "person": ("arrests", "statements"),
    "organization": ("protests_organized", "statements"),
    "place": ("protests", "arrests"),
    "protest": ("arrests",),
    "mediaoutlet": ("sources",),
}


def _dependents(record) -> list:
    """Records whose index entries show something of `record` (a name, a title)."""
    accessors = _DEPENDENT_ACCESSORS.get(record._meta.model_name, ())
    return [dependent for accessor in accessors for dependent in getattr(record, accessor).all()]


def _on_record_saved(sender, instance, **kwargs):
    reindex(instance)
    if not kwargs.get("raw"):
        for dependent in _dependents(instance):
            reindex(dependent)


def _on_record_deleted(sender, instance, **kwargs):
    remove(instance)


def _on_part_changed(sender, instance, **kwargs):
    """A name, text, claim or slogan changed: reindex what it belongs to."""
    owners = [getattr(instance, attr) for attr in ("owner", "statement") if hasattr(instance, f"{attr}_id")]
    if isinstance(instance, models.Slogan) and instance.pk:
        owners += list(instance.protests.all())
    for owner in owners:
        with contextlib.suppress(ObjectDoesNotExist):
            reindex(owner)


def _on_relation_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if not reverse:
        reindex(instance)
    elif pk_set:
        reindex_many(model.objects.filter(pk__in=pk_set))
    else:  # a reverse clear: everything that pointed at `instance`
        reindex_many(model.objects.all())


def connect_signals() -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_save

    for model in PUBLIC_TYPES.values():
        post_save.connect(_on_record_saved, sender=model, dispatch_uid=f"search-save-{model.__name__}")
        post_delete.connect(_on_record_deleted, sender=model, dispatch_uid=f"search-delete-{model.__name__}")
    parts = [
        models.PersonName,
        models.OrganizationName,
        models.OutletName,
        models.PlaceName,
        models.StatementText,
        models.SignatoryClaim,
        models.Slogan,
    ]
    for model in parts:
        post_save.connect(_on_part_changed, sender=model, dispatch_uid=f"search-part-save-{model.__name__}")
        post_delete.connect(_on_part_changed, sender=model, dispatch_uid=f"search-part-delete-{model.__name__}")
    relations = [
        models.Protest.places.through,
        models.Protest.organizers.through,
        models.Protest.slogans.through,
        models.Statement.speaker_people.through,
        models.Statement.speaker_organizations.through,
    ]
    for through in relations:
        m2m_changed.connect(_on_relation_changed, sender=through, dispatch_uid=f"search-m2m-{through.__name__}")
