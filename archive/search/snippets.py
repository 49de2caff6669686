"""Result snippets: an excerpt around the first match, as plain text with the matches' offsets, and as HTML
with the matches in <mark>."""

import html
import re
from dataclasses import dataclass, field

from archive.folding import fold
from archive.search.query import ParsedQuery

_WORD = re.compile(r"\w+")
BEFORE, AFTER = "… ", " …"  # where the excerpt cuts the text


@dataclass(frozen=True)
class Snippet:
    """`text`, plain; `matches`, the [start, end) of each matched word in it, in characters (str indices:
    Unicode code points, so ə, ی or a zero-width non-joiner count one each)."""

    text: str = ""
    matches: tuple[tuple[int, int], ...] = field(default=())

    @property
    def html(self) -> str:
        """HTML-escaped, matches in <mark>."""
        parts, cursor = [], 0
        for start, end in self.matches:
            parts += [html.escape(self.text[cursor:start]), f"<mark>{html.escape(self.text[start:end])}</mark>"]
            cursor = end
        parts.append(html.escape(self.text[cursor:]))
        return "".join(parts)


def snippet(text: str, parsed: ParsedQuery, width: int = 160) -> Snippet:
    """An excerpt of `text` around the first match, at most `width` characters of it."""
    words = tuple(w for w in set(parsed.words) if w)
    spans = _spans(text, words, width)
    start = max(0, spans[0][0] - width // 3) if spans else 0
    end = min(len(text), start + width)
    excerpt = text[start:end]
    body = excerpt.strip()
    prefix = BEFORE if start > 0 else ""
    suffix = AFTER if end < len(text) else ""
    shift = len(prefix) - start - (len(excerpt) - len(excerpt.lstrip()))  # text index → snippet index
    matches = tuple((s + shift, e + shift) for s, e in spans if s >= start and e <= end)
    return Snippet(prefix + body + suffix, matches)


def _spans(text: str, words: tuple[str, ...], width: int) -> list[tuple[int, int]]:
    """The [start, end) of each word of `text` that matches (its folded form starts with a query word), as far as
    an excerpt around the first one can reach: words past it are not folded (a statement's text runs to pages)."""
    spans: list[tuple[int, int]] = []
    reach = len(text)
    for m in _WORD.finditer(text):
        if m.start() >= reach:
            break
        if fold(m.group()).startswith(words):
            if not spans:
                reach = max(0, m.start() - width // 3) + width
            spans.append(m.span())
    return spans
