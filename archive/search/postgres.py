"""Matching on PostgreSQL: the stored, GIN-indexed tsvector (names weighted above text), the
indexed array of folded names (exact matches) and trigram word similarity of names (the indexed
``%>`` operator), so close transliterations match too."""

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.expressions import RawSQL

from archive.search.portable import exact_names_q, like_q, names_q
from archive.search.query import ParsedQuery


def _tsquery_phrase(words: list[str], weight: str = "") -> str:
    # Folded words hold only letters and digits, so they are safe inside a tsquery.
    return " <-> ".join([*(f"{w}:{weight}" if weight else w for w in words[:-1]), f"{words[-1]}:*{weight}"])


def tsquery(parsed: ParsedQuery, weight: str = "") -> str:
    """The query as a tsquery; with weight "A", its words must match in names."""
    clauses = [
        "(" + " | ".join(f"({_tsquery_phrase(a, weight)})" for a in c.alternatives) + ")" for c in parsed.clauses
    ]
    exclusions = [f"!({_tsquery_phrase(words)})" for words in parsed.exclusions]
    return " & ".join(clauses + exclusions)


def _fuzzy(parsed: ParsedQuery) -> bool:
    return parsed.is_plain and len(parsed.folded) >= 3


def match(queryset, parsed: ParsedQuery):
    """Filter and rank a SearchEntry queryset: exact name or alias first, then full-text rank, then newest."""
    query = tsquery(parsed)
    condition = Q(fts_match=True) | names_q(parsed)  # names also in their loose form (Tebriz: Tabriz)
    if _fuzzy(parsed):
        condition |= Q(names__trigram_word_similar=parsed.folded)
    exact = Case(When(exact_names_q(parsed), then=Value(1)), default=Value(0), output_field=IntegerField())
    return (
        queryset.alias(fts_match=RawSQL("vector @@ to_tsquery('simple', %s)", [query]))
        .filter(condition)
        .annotate(exact=exact, rank=RawSQL("ts_rank(vector, to_tsquery('simple', %s))", [query]))
        .order_by("-exact", "-rank", "-date", "pk")
    )


def ranked(entries, parsed: ParsedQuery, limit: int) -> list:
    """Best first without ranking every match: at a million entries a common word matches tens of
    thousands, and scoring them all takes seconds. Instead, tier by tier — exact name or alias,
    then a match in names, then anywhere, then (only if still short) a close spelling of a name —
    take the newest `limit` through the index on (date, id); each tier is one bounded query.
    """
    exact = entries.alias(exact_name=RawSQL("name_list @> ARRAY[%s]::text[]", [parsed.loose])).filter(exact_name=True)
    for words in parsed.exclusions:
        exact = exact.exclude(like_q(words))
    tiers = [exact, _in_names(entries, parsed), _fts(entries, tsquery(parsed))]
    # Exact names are few but the planner cannot know it: NULLS LAST keeps it off the date index
    # (walking a million entries for a handful), so it reads the array index and sorts.
    orders = [(F("date").desc(nulls_last=True), "pk"), ("-date", "pk"), ("-date", "pk")]
    found: list = []
    for is_exact, tier, order in zip([1, 0, 0], tiers, orders, strict=True):
        found += _take(tier.order_by(*order), found, limit, is_exact)
        if len(found) >= limit:
            return found
    if _fuzzy(parsed):
        close = entries.filter(names__trigram_word_similar=parsed.folded)
        close = close.annotate(similarity=TrigramWordSimilarity(parsed.folded, "names"))
        found += _take(close.order_by("-similarity", "-date", "pk"), found, limit, 0)
    return found


def _in_names(entries, parsed: ParsedQuery):
    """Every clause matches word by word in a name — trigram-indexed LIKEs on the folded names."""
    return entries.filter(names_q(parsed))


def _fts(entries, query: str):
    return entries.alias(fts_match=RawSQL("vector @@ to_tsquery('simple', %s)", [query])).filter(fts_match=True)


def _take(tier, found: list, limit: int, exact: int) -> list:
    seen = {entry.pk for entry in found}
    taken = list(tier.exclude(pk__in=seen)[: limit - len(found)])
    for entry in taken:
        entry.exact = exact
    return taken
