"""Search index rows for generated records, as ``archive.search`` would write them.

The generator knows every record's names and text as it makes them, so it
builds each SearchEntry row then (spooled, loaded after the records) instead of
reading records back. The rows must equal what ``search.rebuild()`` would
produce from the same records; tests/test_generate_archive.py checks that.
Folding runs per part, cached: fold("a\\nb") is fold("a") + " " + fold("b"),
and parts (place names, slogans, sentences) repeat across thousands of records.
"""

import re
from functools import lru_cache

from archive.folding import _NON_WORD, clean, fold
from archive.synthetic.common import KEY_OF_TABLE

# What clean() would remove; generated text never has it, but if it did, clean it.
_UNCLEAN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ue000-\uf8ff]")


_ASCII_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


@lru_cache(maxsize=200_000)
def _fold(text: str) -> str:
    if text.isascii() and not _ASCII_CONTROL.search(text):
        # What fold() comes to for plain ASCII (no normalization, marks or letters to map), much faster.
        return _NON_WORD.sub(" ", text.lower()).strip()
    return fold(text)


def _folded(parts) -> list[str]:
    out = []
    for part in parts:
        for piece in part[1] if isinstance(part, tuple) else (part,):
            if piece:
                folded = _fold(piece)
                if folded:
                    out.append(folded)
    return out


def sentences(said: list[str]) -> tuple[str, list[str]]:
    """A paragraph for ``entry``: its text, and the sentences to fold one by one."""
    return " ".join(said), said


def entry(ctx, model_name: str, pk: int, title: str, names, parts, is_public: bool, date, updated) -> None:
    """Spool one SearchEntry row. ``parts`` are the record's text pieces: a string, or a
    (text, pieces) pair whose pieces, separated in the text by spaces or punctuation only,
    are folded one by one (and cached: they repeat across thousands of records)."""
    joined = [part[0] if isinstance(part, tuple) else part for part in parts]
    text = "\n".join(p for p in joined if p)
    if _UNCLEAN.search(text):
        text = clean(text)
    ctx.search.add(
        (
            ctx.next_id("searchentry"),
            ctx.content_types[model_name],
            pk,
            KEY_OF_TABLE[model_name],
            title[:1000],
            "| " + " | ".join(_folded(names)) + " |",
            " " + " ".join(_folded(parts)),
            text,
            is_public,
            date,
            updated,
        )
    )


def sorted_public(named, ids) -> list[str]:
    """Names of the public records among ids, as the ORM orders them (by name)."""
    return sorted(named.name(pk) for pk in ids if named.is_public(pk))
