"""Search: the one package the admin, the public site and the API call.

- `query`: the syntax people type (words match as prefixes, "quoted phrases", OR, -exclusions),
  folded by ``archive.folding`` like the index, so Ərdəbil finds Ardabil and ي finds ی;
- `documents`: the index entries (``SearchEntry``) each record's registry `Document` gives, kept
  current by the write path (archive.changes) and rebuilt by ``manage.py rebuild_search_index``;
- matching, behind one seam (`backend()`): on PostgreSQL a stored, GIN-indexed tsvector (names
  above text), an indexed array of folded names and trigram similarity of names, searched tier by
  tier (`postgres`); on any other database the same word-prefix semantics on the folded columns
  (`portable`);
- `snippets`: the excerpt shown with each result (plain text with the matches' offsets, or HTML).

- `linked`: what a query reaches through the thing it names (a place's protests, a person's
  statements), from the registry's page sections, through the public gate.

Ranking: exact name or alias first, then the public records linked to the named things among them
(places, organizations, people, outlets; newest first), then matches in names, then anywhere, each
newest first.
"""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.translation import gettext as _

from archive import dialect, models, readmodel, registry
from archive.search import linked, portable, postgres
from archive.search.documents import rebuild, reindex_records, remove_records
from archive.search.query import MAX_QUERY_LENGTH, MAX_TERMS, ParsedQuery, SearchQueryError, parse
from archive.search.snippets import Snippet, snippet

MAX_RESULTS = 100
MAX_MATCHING_IDS = 1000
# What a result needs of its index entry (the folded text, names and title stay in the database: the title and
# date come from the read model, in the reader's language).
RESULT_COLUMNS = ("id", "record_type", "object_id", "text")


def backend():
    """The matching module for the database in use: the one place that asks which it is."""
    return postgres if dialect.is_postgres() else portable


@dataclass
class Result:
    record_type: str
    object_id: int
    public_id: str
    title: str  # what the public calls the record, in the reader's language where it has it
    snippet: Snippet  # .text with .matches, or .html
    exact: bool
    date: str = ""  # how the record's date reads ("October 2020"); "" if undated or its type has none

    @property
    def type_label(self):
        """What the record is, in the reader's language ("protest")."""
        return registry.get(self.record_type).verbose_name

    @property
    def url(self) -> str:
        """The record's page."""
        return reverse("archive:detail", args=[self.record_type, self.public_id])


def search(query: str, *, types: list[str] | None = None, limit: int = 50) -> list[Result]:
    """Public search: only records that pass the public gate, best first."""
    parsed = parse(query)
    if parsed.is_empty:
        return []
    unknown = set(types or []) - set(registry.KEYS)
    if unknown:
        raise SearchQueryError(
            _("Unknown record type: %(types)s. Use one of: %(allowed)s.")
            % {"types": ", ".join(sorted(unknown)), "allowed": ", ".join(registry.KEYS)}
        )
    entries = models.SearchEntry.objects.filter(is_public=True).only(*RESULT_COLUMNS)
    if types:
        entries = entries.filter(record_type__in=types)
    limit = max(1, min(limit, MAX_RESULTS))
    ranked = backend().ranked(entries, parsed, limit)
    ranked = _with_linked(entries, parsed, ranked, _named(parsed, ranked, types), limit)
    # Titles and dates as the public read model stores them in the reader's language, through the public gate:
    # the gate and the read model have the last word, whatever the index says.
    stored = readmodel.listed((entry.record_type, entry.object_id) for entry in ranked)
    results = []
    for entry in ranked:
        found = stored.get((entry.record_type, entry.object_id))
        if found is not None:
            text = snippet(entry.text, parsed)
            results.append(
                Result(
                    entry.record_type,
                    entry.object_id,
                    found.public_id,
                    found.title,
                    text,
                    bool(entry.exact),
                    found.date,
                )
            )
    return results


def _named(parsed: ParsedQuery, ranked: list, types: list[str] | None) -> list:
    """The named things the query names: among the results, or, when the types asked for leave some
    named types out (protests only), looked up among those too (one query)."""
    named = linked.anchors(ranked)
    left_out = [t.key for t in registry.TYPES if t.named and types and t.key not in types]
    if left_out:
        entries = models.SearchEntry.objects.filter(is_public=True, record_type__in=left_out).only(*RESULT_COLUMNS)
        named += list(entries.filter(portable.exact_names_q(parsed)).order_by("pk")[: linked.MAX_ANCHORS])
    return named[: linked.MAX_ANCHORS]


def _with_linked(entries, parsed: ParsedQuery, ranked: list, named: list, limit: int) -> list:
    """The exact matches, then what is linked to the named things among them, then the other matches."""
    if not named:
        return ranked
    exact = [entry for entry in ranked if entry.exact]
    seen = {entry.pk for entry in exact}
    reached = [entry for entry in linked.linked_entries(entries, parsed, named, limit) if entry.pk not in seen]
    seen |= {entry.pk for entry in reached}
    return (exact + reached + [entry for entry in ranked if entry.pk not in seen])[:limit]


def matching(model, query: str, *, public_only: bool = False):
    """Every match among the records of `model` — public or not, or only public ones — as a subquery of
    their ids, unranked: a list filtered with `?search=` (and its CSV) holds every match, not the first
    thousand."""
    parsed = parse(query)
    entries = models.SearchEntry.objects.filter(content_type=ContentType.objects.get_for_model(model))
    if parsed.is_empty:
        return entries.none().values("object_id")
    if public_only:
        entries = entries.filter(is_public=True)
    return backend().match(entries, parsed).order_by().values("object_id")


def matching_ids(model, query: str, *, public_only: bool = False) -> list[int]:
    """Ids of the best 1000 matches among the records of `model`, best first (the admin's search and
    pickers show them in this order)."""
    parsed = parse(query)
    if parsed.is_empty:
        return []
    entries = models.SearchEntry.objects.filter(content_type=ContentType.objects.get_for_model(model))
    if public_only:
        entries = entries.filter(is_public=True)
    return list(backend().match(entries, parsed).values_list("object_id", flat=True)[:MAX_MATCHING_IDS])


__all__ = [
    "MAX_QUERY_LENGTH",
    "MAX_RESULTS",
    "MAX_TERMS",
    "ParsedQuery",
    "Result",
    "SearchQueryError",
    "Snippet",
    "backend",
    "matching",
    "matching_ids",
    "parse",
    "rebuild",
    "reindex_records",
    "remove_records",
    "search",
    "snippet",
]
