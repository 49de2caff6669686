"""The search syntax people type: words, "quoted phrases", OR, -exclusions.

Every word is folded (archive.folding) the way the index is, so Ərdəbil finds Ardabil and ي finds
ی; names are matched in the words' loose form, so Tebriz finds Tabriz and Ardebil Ardabil.
Queries too long to run are refused with a message for the person who typed them.
"""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from archive.folding import clean, fold, loose

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12


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

    @property
    def loose(self) -> str:
        """The query as names are matched: names are indexed in loose form too (archive.folding)."""
        return loose(self.folded)


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
