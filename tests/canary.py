"""Canaries for the leak tests (issue #8, "Nothing restricted leaks").

A canary is a unique string planted in something the public must never see — a draft's
title, an at-risk detainee's name, a private note, a curator's e-mail, an API token. The
tests then read every public response and look for any canary in it, in every form it
could take there: HTML-escaped, percent-encoded, JSON-escaped, inside a CSV, a zip or a
pagination cursor, and folded the way search folds text (so Kənarı is found as kanari
and ۱۲۳ as 123).

This module holds what the leak tests share: making canaries and finding them, reading a
response whole, and walking the URL resolver.
"""

import base64
import contextlib
import html
import io
import json
import re
import secrets
import unicodedata
import zipfile
from unittest import mock
from urllib.parse import quote, quote_plus, unquote_plus, urlsplit

from django.conf import settings
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve
from django.utils import translation

from archive import paging
from archive.api.ratelimit import RateLimitHeadersMixin
from archive.folding import fold as archive_fold

PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
# What archive.folding.fold does, in C-speed steps (its per-character loop is too slow for
# megabytes of responses): compatibility decomposition, lower case, letter variants and
# digits, no combining marks, no zero-width or bidi controls, punctuation as spaces.
_TABLE = str.maketrans(
    {"ı": "i", "ə": "a", "ي": "ی", "ى": "ی", "ك": "ک", "ة": "ه", "ۀ": "ه", "ٱ": "ا"}
    | {chr(0x06F0 + n): str(n) for n in range(10)}
    | {chr(0x0660 + n): str(n) for n in range(10)}
    | dict.fromkeys(map(chr, [0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x0640, 0x200E, 0x200F, 0x061C]), None)
    | dict.fromkeys(map(chr, [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]), None)
)
_MARKS = re.compile(r"[\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_NON_WORD = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """Fold like the search does, so a canary is found in any spelling search would match."""
    text = _MARKS.sub("", unicodedata.normalize("NFKD", text).lower().translate(_TABLE))
    return _NON_WORD.sub(" ", text.translate(_TABLE))


TOKEN_LENGTH = 10
SCRIPTS = ("latin", "persian", "azerbaijani")


class Canaries:
    """Unique strings, each with a label saying where it was planted.

    Every canary folds to words one of which is unique to it (its token), so finding canaries
    in a text is a set intersection with the text's folded words: fast on megabytes."""

    def __init__(self):
        self.labels: dict[str, str] = {}  # token → label
        self._count = 0

    def new(self, label: str, script: str = "") -> str:
        """A fresh canary; scripts rotate so that folding and search see every kind."""
        script = script or SCRIPTS[self._count % len(SCRIPTS)]
        self._count += 1
        if script == "persian":  # with a zero-width non-joiner, as Persian is typed
            digits = "".join(secrets.choice(PERSIAN_DIGITS) for _ in range(TOKEN_LENGTH))
            value = f"قناری\u200cنام {digits}"
        elif script == "azerbaijani":
            value = f"Kənarı-Şüöğçİ-{secrets.token_hex(TOKEN_LENGTH // 2)}"
        elif script == "id":  # shaped like a public id: lower case, digits and hyphens
            value = f"canary-{secrets.token_hex(TOKEN_LENGTH // 2)}"
        else:
            value = f"CANARY-{secrets.token_hex(TOKEN_LENGTH // 2)}"
        return self.add(value, label)

    def add(self, value: str, label: str) -> str:
        """Register a secret made elsewhere (a token, a session key, an e-mail) as a canary."""
        folded = fold(value)
        assert fold(archive_fold(value)) == folded, f"the quick fold disagrees with the search's on {value!r}"
        token = max(folded.split(), key=len)
        assert len(token) >= TOKEN_LENGTH and token not in self.labels, f"{value!r} has no token of its own"
        self.labels[token] = label
        return value

    def label(self, value: str) -> str:
        return self.labels[max(fold(value).split(), key=len)]

    def found(self, text: str) -> set[str]:
        """Labels of the canaries in `text`, in whatever case, accents or digits."""
        return {self.labels[word] for word in set(fold(text).split()) & self.labels.keys()}


def decoy(value: str) -> str:
    """A string shaped exactly like a canary (same length in characters and bytes) that
    names nothing: what a visitor guessing at random would send."""
    token = value[-TOKEN_LENGTH:]
    while True:
        if token[-1] in PERSIAN_DIGITS:
            fresh = "".join(secrets.choice(PERSIAN_DIGITS) for _ in range(TOKEN_LENGTH))
        else:
            fresh = secrets.token_hex(TOKEN_LENGTH // 2)
        if fresh != token:
            return value[:-TOKEN_LENGTH] + fresh


def swap(text: str, value: str, placeholder: str = "⟨value⟩") -> str:
    """`text` with every form of `value` a page may echo (raw, escaped, percent-encoded)
    replaced, so that two answers to two different values can be compared."""
    if not value:
        return text
    for form in {value, html.escape(value), quote_plus(value), quote(value, safe=""), json.dumps(value)[1:-1]}:
        text = text.replace(form, placeholder)
    return text


# --- Reading a response whole ----------------------------------------------------------------------


def body_bytes(response) -> bytes:
    """The whole body. The test client closes a streamed response once its content is read (closing
    it again would fire request_finished and, on PostgreSQL, drop the test's transaction)."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _cursors(text: str) -> list[str]:
    """Pagination cursors are sealed (archive.paging): open them, a position could carry a value.

    Other cursors (DRF's are base64) are decoded as base64."""
    decoded = []
    for match in re.finditer(r"cursor=([A-Za-z0-9%_=\-+/]+)", text):
        raw = unquote_plus(match.group(1))
        try:
            decoded.append(paging.unseal(raw).decode("utf-8", "replace"))
            continue
        except ValueError:
            pass
        try:
            decoded.append(base64.b64decode(raw + "=" * (-len(raw) % 4)).decode("utf-8", "replace"))
        except ValueError:
            continue
    return decoded


def _texts_of(data: bytes) -> list[str]:
    if data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return [name + "\n" + "\n".join(_texts_of(archive.read(name))) for name in archive.namelist()]
    text = data.decode("utf-8", "replace")
    # A canary holds no "&", "%" or "+", so unescaping cannot hide one that is there as it is.
    texts = [unquote_plus(html.unescape(text)), *_cursors(text)]
    if "\\u" in text:  # JSON escapes
        with contextlib.suppress(ValueError):
            texts.append(json.dumps(json.loads(text), ensure_ascii=False))
    return texts


def response_text(response, data: bytes | None = None) -> str:
    """Headers, cookies and body of a response, with every encoded form decoded."""
    data = body_bytes(response) if data is None else data
    headers = "\n".join(f"{name}: {value}" for name, value in response.items())
    cookies = response.cookies.output() if response.cookies else ""
    return "\n".join([headers, unquote_plus(headers), cookies, *_texts_of(data)])


# --- The URL resolver --------------------------------------------------------------------------------


def routes(patterns=None, prefix: str = "", namespace: str = ""):
    """(route, view name) of every URL pattern the project serves; the view name is
    "namespace:name" as `resolve()` reports it, or "" for an unnamed pattern."""
    patterns = get_resolver().url_patterns if patterns is None else patterns
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace or ""])) if pattern.namespace else namespace
            yield from routes(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else (pattern.name or "")
            yield prefix + str(pattern.pattern), name


def view_name(path: str) -> str:
    """The view name a path resolves to ("" if none), in the language its prefix names."""
    first = path.strip("/").split("/")[0]
    with translation.override(first if first in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE):
        try:
            return resolve(urlsplit(path).path).view_name
        except Resolver404:
            return ""


def fill_route(route: str, values: dict, positional: list) -> str:
    """A path for `route`: named parameters from `values`, unnamed regex groups from `positional`."""
    path = re.sub(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)", lambda g: str(values[g[1] or g[2]]), route)
    rest = iter(positional)
    path = re.sub(r"\([^)]*\)", lambda g: str(next(rest)), path)
    return "/" + path.replace("^", "").replace("$", "")


# --- Crawling ------------------------------------------------------------------------------------------

LINK = re.compile(r"""(?:href=|"(?:url|next|previous)":\s*)"(?:https?://testserver)?(/[^"#\s]*)""")


@contextlib.contextmanager
def no_throttling():
    """The crawl sends thousands of requests a minute; throttling has its own tests."""
    with mock.patch.object(RateLimitHeadersMixin, "allow_request", lambda self, request, view: True):
        yield


def visitor(world, who: str) -> Client:
    """A client for an anonymous visitor, or signed in as one of the world's users."""
    client = Client(raise_request_exception=False)
    if who != "anonymous":
        client.force_login(world.users[who])
    return client


def links_in(text: str) -> set[str]:
    """Same-site links in a page or an API answer, to follow them as a visitor would."""
    return {html.unescape(link) for link in LINK.findall(text)} - {""}


def _not_to_follow(link: str) -> bool:
    static = settings.STATIC_URL if settings.STATIC_URL.startswith("/") else f"/{settings.STATIC_URL}"
    return link.startswith((static, f"/{settings.ADMIN_PATH}"))


def crawl(client: Client, book: Canaries, paths, methods=("GET",), follow: int = 0, headers=None) -> dict:
    """Visit each path with each method; return {request: canary labels found, or a server error}.
    Follows every next/previous page (cursor) link found, and with `follow` up to that many other
    new same-site links."""
    leaks, queue, seen = {}, list(paths), set(paths)
    for path in queue:
        for method in methods:
            response = client.generic(method, path, **(headers or {}))
            data = body_bytes(response)
            found = book.found(response_text(response, data)) - book.found(unquote_plus(path))  # echoes are no leak
            if response.status_code >= 500:
                found.add(f"server error {response.status_code}")
            if found:
                leaks[f"{method} {path}"] = sorted(found)
            if method == "GET":
                links = [link for link in sorted(links_in(data.decode("utf-8", "replace"))) if link not in seen]
                pages = [link for link in links if "cursor=" in link]  # a list has an end: follow them all
                others = [link for link in links if "cursor=" not in link and not _not_to_follow(link)]
                new = pages + others[: max(follow, 0)]
                follow -= len(new) - len(pages)
                seen.update(new)
                queue += new
    return leaks


def report(leaks: dict, most: int = 80) -> str:
    lines = [f"{request}: {', '.join(labels)}" for request, labels in sorted(leaks.items())]
    more = f"\n… and {len(lines) - most} more" if len(lines) > most else ""
    return "canaries leaked:\n" + "\n".join(lines[:most]) + more
