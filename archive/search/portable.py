"""Matching on any database: word prefixes as LIKEs on the folded columns (SQLite's way)."""

from django.db.models import Case, IntegerField, Q, Value, When

from archive.search.query import ParsedQuery


def like_q(words: list[str]) -> Q:
    """Word-prefix match of a phrase on the folded columns."""
    needle = " " + " ".join(words)
    return Q(names__contains=needle) | Q(body__contains=needle)


def exact_names_q(parsed: ParsedQuery) -> Q:
    return Q(names__contains=f"| {parsed.folded} |")


def match(queryset, parsed: ParsedQuery):
    """Filter and rank a SearchEntry queryset: exact name or alias first, then names, then newest."""
    condition = Q()
    for clause in parsed.clauses:
        alternatives = Q()
        for words in clause.alternatives:
            alternatives |= like_q(words)
        condition &= alternatives
    for words in parsed.exclusions:
        condition &= ~like_q(words)
    in_names = Q()
    for word in parsed.words:
        in_names |= Q(names__contains=" " + word)
    exact = Case(When(exact_names_q(parsed), then=Value(1)), default=Value(0), output_field=IntegerField())
    name_hit = Case(When(in_names, then=Value(1)), default=Value(0), output_field=IntegerField())
    return queryset.filter(condition).annotate(exact=exact, rank=name_hit).order_by("-exact", "-rank", "-date", "pk")


def ranked(entries, parsed: ParsedQuery, limit: int) -> list:
    return list(match(entries, parsed)[:limit])
