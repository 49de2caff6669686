#!/usr/bin/env python3
"""Keep a local copy of the published archive in sync, using only the public API.

    python examples/mirror.py https://archive.example/api/v1/ mirror.json

The record types are the ones the API's root lists. The first run pulls every
record of every type; later runs ask only for what changed since the last run
(``updated_since``), add or replace those records, and delete the ones named in
``tombstones`` (withdrawn, restricted, unpublished, deleted or renamed since
then). The mirror is a JSON file:
{"since": {type: timestamp}, "records": {type: {id: record}}}.
"""

import datetime as dt
import json
import sys
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

# Ask again for a second before the newest change we saw: fetching a record twice is harmless,
# missing one that shared a timestamp is not.
OVERLAP = dt.timedelta(seconds=1)


def _parse(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def sync_type(get_json: Callable[[str], dict], base: str, kind: str, mirror: dict) -> None:
    records = mirror["records"].setdefault(kind, {})
    since = mirror["since"].get(kind)
    query = {"page_size": "500", "ordering": "updated"}
    if since:
        query["updated_since"] = (_parse(since) - OVERLAP).isoformat()
    url = f"{base}{kind}/?{urllib.parse.urlencode(query)}"
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
    if newest:
        mirror["since"][kind] = newest.isoformat()


def record_types(get_json: Callable[[str], dict], base: str) -> list[str]:
    """The types the API serves, from its root (`{"protests": "…/protests/", …}`)."""
    return list(get_json(base))


def sync(get_json: Callable[[str], dict], base: str, mirror: dict) -> dict:
    mirror.setdefault("since", {})
    mirror.setdefault("records", {})
    for kind in record_types(get_json, base):
        sync_type(get_json, base, kind, mirror)
    return mirror


def http_get_json(url: str) -> dict:
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310 - http(s) archive URL
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - the user's own archive URL
        return json.load(response)


def main() -> None:
    base, path = sys.argv[1].rstrip("/") + "/", Path(sys.argv[2])
    mirror = json.loads(path.read_text()) if path.exists() else {}
    sync(http_get_json, base, mirror)
    path.write_text(json.dumps(mirror, ensure_ascii=False, indent=1))
    counts = {kind: len(records) for kind, records in mirror["records"].items()}
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
