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

from archive.folding import clean, fold
from archive.search import TYPE_OF_MODEL

# What clean() would remove; generated text never has it, but if it did, clean it.
_UNCLEAN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ue000-\uf8ff]")


@lru_cache(maxsize=200_000)
def _fold(text: str) -> str:
    return fold(text)


def _folded(parts) -> list[str]:
    out = []
    for part in parts:
        for piece in part if isinstance(part, list) else (part,):
            if piece:
                folded = _fold(piece)
                if folded:
                    out.append(folded)
    return out


def entry(ctx, model_name: str, pk: int, title: str, names, parts, is_public: bool, date, updated) -> None:
    """Spool one SearchEntry row. ``parts`` are text pieces; a list piece is one
    paragraph made of sentences (joined by spaces, folded one by one)."""
    joined = [" ".join(p for p in part if p) if isinstance(part, list) else part for part in parts]
    text = "\n".join(p for p in joined if p)
    if _UNCLEAN.search(text):
        text = clean(text)
    ctx.search.add(
        (
            ctx.next_id("searchentry"),
            ctx.content_types[model_name],
            pk,
            TYPE_OF_MODEL[model_name],
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
