"""Result snippets: an excerpt around the first match, matches marked."""

import html
import re

from archive.folding import fold
from archive.search.query import ParsedQuery

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
