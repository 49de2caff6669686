"""Fold text so that spellings people type match spellings sources print.

Folding is done once, in Python, both for what is stored in the search index
and for every query, so the two always agree whatever the database. It:

- normalizes compatibility forms (NFKC), then lower-cases;
- strips diacritics (ş→s, ç→c, ğ→g, ö→o, ü→u, â→a, ё→е, Arabic harakat and hamza);
- folds letters that decomposition leaves alone: dotless ı→i, schwa ə→a (English
  transliterations write Ərdəbil as Ardabil);
- unifies Persian/Arabic letter variants (ي/ى→ی, ك→ک, ة→ه) and digits (۱۲۳, ١٢٣ → 123);
- drops zero-width (non-)joiners, tatweel, and bidirectional control characters;
- turns punctuation into spaces and collapses whitespace.

Names are matched more loosely still (`loose`): Azerbaijani, Turkish and Persian romanizations
disagree on one vowel — ə, e and a (Təbriz / Tebriz / Tabriz, Ərdəbil / Erdebil / Ardebil / Ardabil)
— so a name is indexed in its folded and its loose form, and a query matches names in its loose
form. Text is not loosened: e = a would blur English words (men, man).
"""

import re
import unicodedata
from functools import lru_cache

_LETTERS = {
    "ı": "i",
    "ə": "a",
    "ß": "ss",
    "ø": "o",
    "đ": "d",
    "ł": "l",
    "æ": "ae",
    "œ": "oe",
    "ي": "ی",
    "ى": "ی",
    "ك": "ک",
    "ة": "ه",
    "ۀ": "ه",
    "ٱ": "ا",
}
_DIGITS = {chr(0x06F0 + n): str(n) for n in range(10)} | {chr(0x0660 + n): str(n) for n in range(10)}
# Zero-width characters, tatweel, and bidi controls (LRM, RLM, embeddings, overrides, isolates).
_DROP = [0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x0640, 0x200E, 0x200F, 0x061C]
_DROP += list(range(0x202A, 0x202F)) + list(range(0x2066, 0x206A))
_TABLE = str.maketrans({**_LETTERS, **_DIGITS, **dict.fromkeys(map(chr, _DROP))})

_NON_WORD = re.compile(r"[\W_]+")
# What clean() removes from plain ASCII text.
_ASCII_UNSTORABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
# Control characters (category Cc) but tab and newline, and private-use ones (Co): both categories are
# fixed ranges that Unicode never changes. Lone surrogates (Cs) are dropped by the UTF-8 round trip.
_UNSTORABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd]")


class _Marks(dict):
    """A str.translate table that drops combining marks (category Mn), each code point looked up once."""

    def __missing__(self, code: int):
        self[code] = None if unicodedata.category(chr(code)) == "Mn" else code
        return self[code]


_MARKS = _Marks()


def clean(text: str) -> str:
    """Remove what cannot be stored or searched: NUL and control characters, lone surrogates."""
    return _UNSTORABLE.sub("", text.encode("utf-8", "ignore").decode("utf-8"))


def fold(text: str) -> str:
    """Fold `text` for matching; see the module docstring."""
    if not text:
        return ""
    if text.isascii() and not _ASCII_UNSTORABLE.search(text):
        # What the steps below come to for plain ASCII (nothing to normalize, strip or map), much faster.
        return _NON_WORD.sub(" ", text.lower()).strip()
    text = unicodedata.normalize("NFKC", clean(text)).lower().translate(_TABLE)
    stripped = unicodedata.normalize("NFD", text).translate(_MARKS)
    stripped = unicodedata.normalize("NFC", stripped).translate(_TABLE)
    return _NON_WORD.sub(" ", stripped).strip()


# The vowel equivalences of `loose`, applied after fold() (ə is already a): e → a.
_LOOSE = str.maketrans({"e": "a"})


def loose(folded: str) -> str:
    """A folded name or query in its loose form (see the module docstring): ``loose(fold(x))``."""
    return folded.translate(_LOOSE)


REMEMBERED_LENGTH = 300


@lru_cache(maxsize=100_000)
def _fold_short(text: str) -> str:
    return fold(text)


def fold_remembered(text: str) -> str:
    """fold(), remembered for short texts: indexing in bulk folds the same place names, organization
    names, slogans and titles again and again. Long texts rarely repeat and would fill the memory."""
    return _fold_short(text) if len(text) <= REMEMBERED_LENGTH else fold(text)
