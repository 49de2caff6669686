"""Matching on any database: word prefixes as LIKEs on the folded columns (SQLite's way)."""

from django.db.models import Case, IntegerField, Q, Value, When

from archive.folding import loose
from archive.search.query import ParsedQuery


def in_names_q(words: list[str]) -> Q:
    """Word-prefix match of a phrase in the names, in its loose form (names are indexed in both)."""
    return Q(names__contains=" " + loose(" ".join(words)))


def like_q(words: list[str]) -> Q:
    """Word-prefix match of a phrase on the folded columns: names loosely, text as folded."""
    return in_names_q(words) | Q(body__contains=" " + " ".join(words))


def clauses_q(parsed: ParsedQuery, phrase_q) -> Q:
    """Every clause matches (one of its alternatives, each phrase by `phrase_q`), no exclusion anywhere."""
    condition = Q()
    for clause in parsed.clauses:
        alternatives = Q()
        for words in clause.alternatives:
            alternatives |= phrase_q(words)
        condition &= alternatives
    for words in parsed.exclusions:
        condition &= ~like_q(words)
    return condition


def names_q(parsed: ParsedQuery) -> Q:
    """Every clause matches word by word in a name (loosely), no exclusion anywhere."""
    return clauses_q(parsed, in_names_q)


def exact_names_q(parsed: ParsedQuery) -> Q:
    return Q(names__contains=f"| {parsed.loose} |")


def match(queryset, parsed: ParsedQuery):
    """Filter and rank a SearchEntry queryset: exact name or alias first, then names, then newest."""
    condition = clauses_q(parsed, like_q)
    in_names = Q()
    for word in parsed.words:
        in_names |= in_names_q([word])
    exact = Case(When(exact_names_q(parsed), then=Value(1)), default=Value(0), output_field=IntegerField())
    name_hit = Case(When(in_names, then=Value(1)), default=Value(0), output_field=IntegerField())
    return queryset.filter(condition).annotate(exact=exact, rank=name_hit).order_by("-exact", "-rank", "-date", "pk")


def ranked(entries, parsed: ParsedQuery, limit: int) -> list:
    return list(match(entries, parsed)[:limit])
