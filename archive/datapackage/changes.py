"""What changed between two releases of the data package, record by record.

While a build writes its tables, every row is credited to the record it belongs to: a record table's
row to that record; any other row to the first record it names (a text to its statement, a role to its
person, a citation to the cited record, a link row to the record on its left), never to the records it
merely points at — so adding a protest does not change the place it happened in. A record's digest
sums the hashes of its rows (a multiset hash: the order rows are written in does not matter). The
digests are kept with each release (`records.csv`); `changes.csv` compares a build's digests with the
previous release's: records added, changed (any of their rows differ) and removed (with the reason a
tombstone gives: withdrawn, restricted, unpublished, deleted, renamed, merged).
"""

import csv
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from archive import registry
from archive.models import Tombstone

CHANGES = "changes.csv"
RECORDS = "records.csv"  # a release's record digests: kept beside it, not served
MODULUS = 1 << 128
KINDS = ("added", "changed", "removed")
CHUNK = 500


def owner_columns(table) -> tuple[tuple[int, str], ...]:
    """(column index, record type) of the columns that may name the record a row of `table` belongs to,
    in order; a row belongs to the first that is not empty."""
    if table.name in registry.BY_KEY:
        return ((0, table.name),)  # a record table: the row is the record (its first column is `id`)
    return tuple((i, c.ref[0]) for i, c in enumerate(table.columns) if c.ref and c.ref[0] in registry.BY_KEY)


class Digests:
    """Each record's digest, summed from the hashes of the rows credited to it."""

    def __init__(self):
        self.sums: dict[tuple[str, str], int] = defaultdict(int)

    def add(self, table_name: str, owners, cells: list[str]) -> None:
        for index, record_type in owners:
            if cells[index]:
                text = "\x1e".join([table_name, *cells]).encode("utf-8")
                row = int.from_bytes(hashlib.blake2b(text, digest_size=16).digest(), "big")
                key = (record_type, cells[index])
                self.sums[key] = (self.sums[key] + row) % MODULUS
                return

    def as_dict(self) -> dict[tuple[str, str], str]:
        return {key: f"{value:032x}" for key, value in self.sums.items()}


def write_digests(digests: dict[tuple[str, str], str], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["record_type", "id", "digest"])
        writer.writerows((*key, digest) for key, digest in sorted(digests.items()))


def read_digests(path: Path) -> dict[tuple[str, str], str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {(row["record_type"], row["id"]): row["digest"] for row in csv.DictReader(handle)}


@dataclass(frozen=True, order=True)
class Change:
    record_type: str
    id: str
    change: str
    removal: str = ""  # why a removed record went, from its tombstone
    merged_into: str = ""


def compare(previous: dict, current: dict) -> list[Change]:
    """Records added, changed and removed from `previous` to `current` (digests by (type, id))."""
    changes = [Change(*key, "added") for key in current.keys() - previous.keys()]
    changes += [Change(*key, "changed") for key in current.keys() & previous.keys() if current[key] != previous[key]]
    removed = previous.keys() - current.keys()
    reasons = tombstones(removed)
    changes += [Change(*key, "removed", *reasons.get(key, ("", ""))) for key in removed]
    return sorted(changes)


def tombstones(keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], tuple[str, str]]:
    """(status, merged into) of the tombstones of the records `keys` name."""
    by_type = defaultdict(list)
    for record_type, public_id in keys:
        by_type[record_type].append(public_id)
    found = {}
    for record_type, ids in by_type.items():
        for start in range(0, len(ids), CHUNK):
            rows = Tombstone.objects.filter(record_type=record_type, public_id__in=ids[start : start + CHUNK])
            for row in rows.values_list("public_id", "status", "merged_into"):
                found[(record_type, row[0])] = (row[1], row[2])
    return found


def write_changes(changes: list[Change], path: Path) -> dict[str, int]:
    """changes.csv; returns how many records were added, changed and removed."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([field["name"] for field in FIELDS])
        writer.writerows((c.change, c.record_type, c.id, c.removal, c.merged_into) for c in changes)
    return {kind: sum(c.change == kind for c in changes) for kind in KINDS}


FIELDS = [
    {
        "name": "change",
        "type": "string",
        "description": "added: not in the previous release; changed: a row of the record, or of another table "
        "that belongs to it (its other names, claims, texts, roles, citations, links), differs; removed: no longer "
        "in the package.",
        "constraints": {"required": True, "enum": list(KINDS)},
    },
    {
        "name": "record_type",
        "type": "string",
        "description": "Which table the record is (or was) in.",
        "constraints": {"required": True, "enum": list(registry.KEYS)},
    },
    {"name": "id", "type": "string", "description": "The record's public id.", "constraints": {"required": True}},
    {
        "name": "removal",
        "type": "string",
        "description": "For a removed record, why it went (its tombstone): withdrawn, restricted, unpublished, "
        "deleted, renamed or merged; empty if the archive does not say.",
    },
    {
        "name": "merged_into",
        "type": "string",
        "description": "For a merged record, the public id of the record it was merged into.",
    },
]


def resource(previous: dict | None) -> dict:
    """The changes table's resource descriptor (its bytes and hash are added once it is written)."""
    since = (
        f"the previous release ({previous['date']}, version {previous['version']})"
        if previous
        else "the previous release; this is the first, so it is empty"
    )
    return {
        "name": "changes",
        "title": "Changes since the previous release",
        "description": f"Records added, changed or removed since {since}, by record type and public id.",
        "path": CHANGES,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": {"fields": FIELDS, "missingValues": [""], "primaryKey": ["record_type", "id"]},
    }
