#!/usr/bin/env python3
"""Keep a local copy of the published archive in sync, using only the public API.

    python examples/mirror.py https://archive.example/api/v1/ mirror.json

The record types are the ones the API's root lists. The first run pulls every
record of every type; later runs ask only for what changed since the last run
(``updated_since``), add or replace those records, and delete the ones named in
``tombstones`` (withdrawn, restricted, unpublished, deleted or renamed since
then). The mirror is a JSON file:
{"since": {type: timestamp}, "records": {type: {id: record}}, "resume": {type: next page URL}}.

It is saved after every page, so an interrupted run loses nothing: the next run resumes each type at the
page it had reached (``resume``), and only once a type is done does its ``since`` move on. A 429 (throttled)
or 503 (busy, or the data being rebuilt) is waited out as its ``Retry-After`` says, a few times at most.
"""

import datetime as dt
import email.utils
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

# Ask again for a second before the newest change we saw: fetching a record twice is harmless,
# missing one that shared a timestamp is not.
OVERLAP = dt.timedelta(seconds=1)


def _parse(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


# Waiting out a 429 or 503: at most this many tries, and at most this long each time.
ATTEMPTS = 5
LONGEST_WAIT = 600.0


def _no_save(mirror: dict) -> None:
    pass


def sync_type(
    get_json: Callable[[str], dict], base: str, kind: str, mirror: dict, save: Callable[[dict], None] = _no_save
) -> None:
    records = mirror["records"].setdefault(kind, {})
    resume = mirror.setdefault("resume", {})
    since = mirror["since"].get(kind)
    query = {"page_size": "500", "ordering": "updated"}
    if since:
        query["updated_since"] = (_parse(since) - OVERLAP).isoformat()
    url = resume.get(kind) or f"{base}{kind}/?{urllib.parse.urlencode(query)}"
    newest = _parse(since) if since else None
    while url:
        page = get_json(url)
        for tombstone in page.get("tombstones", []):
            records.pop(tombstone["id"], None)
            newest = max(filter(None, [newest, _parse(tombstone["removed_at"])]))
        for record in page["results"]:
            records[record["id"]] = record
            newest = max(filter(None, [newest, _parse(record["updated"])]))
        url = page.get("next")
        if url:  # `since` moves only once the type is done: an interrupted run resumes at this page
            resume[kind] = url
            save(mirror)
    resume.pop(kind, None)
    if newest:
        mirror["since"][kind] = newest.isoformat()
    save(mirror)


def record_types(get_json: Callable[[str], dict], base: str) -> list[str]:
    """The types the API serves, from its root (`{"protests": "…/protests/", …}`)."""
    return list(get_json(base))


def sync(get_json: Callable[[str], dict], base: str, mirror: dict, save: Callable[[dict], None] = _no_save) -> dict:
    mirror.setdefault("since", {})
    mirror.setdefault("records", {})
    for kind in record_types(get_json, base):
        sync_type(get_json, base, kind, mirror, save)
    return mirror


def retry_after(value: str | None, default: float = 30.0) -> float:
    """Seconds to wait from a `Retry-After` header (seconds or an HTTP date), within [0, LONGEST_WAIT]."""
    if not value:
        return default
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return default
        seconds = (when - dt.datetime.now(dt.UTC)).total_seconds()
    return min(max(seconds, 0.0), LONGEST_WAIT)


def http_get_json(url: str, *, open_url=urllib.request.urlopen, sleep=time.sleep) -> dict:
    """GET `url` as JSON, waiting out a 429 or 503 as its `Retry-After` asks (ATTEMPTS tries in all)."""
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310 - http(s) archive URL
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with open_url(request, timeout=60) as response:
                return json.load(response)
        except urllib.error.HTTPError as error:
            if error.code not in (429, 503) or attempt == ATTEMPTS:
                raise
            wait = retry_after(error.headers.get("Retry-After"))
            print(f"{error.code} from {url}: waiting {wait:.0f} s", file=sys.stderr)
            sleep(wait)
    raise AssertionError("unreachable")


def saver(path: Path) -> Callable[[dict], None]:
    """Write the mirror to `path` whole or not at all (a temporary file renamed over it)."""

    def save(mirror: dict) -> None:
        staged = path.with_name(f".{path.name}.tmp")
        staged.write_text(json.dumps(mirror, ensure_ascii=False, indent=1))
        os.replace(staged, path)

    return save


def main() -> None:
    base, path = sys.argv[1].rstrip("/") + "/", Path(sys.argv[2])
    mirror = json.loads(path.read_text()) if path.exists() else {}
    sync(http_get_json, base, mirror, saver(path))
    counts = {kind: len(records) for kind, records in mirror["records"].items()}
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
