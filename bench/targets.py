"""What the benchmark asks for, chosen from the data: a busy province, deep cursors, record ids, names to search.

    python -m bench.targets --database archive_bench_s > targets.json

Everything is read straight from PostgreSQL (the same rows the public gate shows:
published, not restricted) and chosen deterministically from a seed, so two runs
on the same data ask the same questions.
"""

# ruff: noqa: S608 - table names are constants of this module; values are bound parameters

from __future__ import annotations

import argparse
import json
from urllib.parse import urlencode

import psycopg

from archive import paging
from bench import server
from bench.common import database_url

PUBLIC = "status = 'published' AND NOT restricted"
EVENT_TABLES = {"protests": "archive_protest", "arrests": "archive_arrest", "statements": "archive_statement"}
SEARCH_LANGUAGES = ("az-Latn", "fa", "ru", "en")
DATE_FROM = "2020-09-01"
PAGE_SIZE = 50
DEEP_PAGE = 10_000


def busiest_province(conn) -> dict:
    """The public province whose places (itself and everything beneath it) hold the most public protests."""
    row = conn.execute(
        f"""
        WITH RECURSIVE tree(root, id) AS (
            SELECT id, id FROM archive_place WHERE kind = 'province' AND {PUBLIC}
            UNION ALL
            SELECT tree.root, p.id FROM archive_place p JOIN tree ON p.parent_id = tree.id
        )
        SELECT pl.public_id, pl.name, count(DISTINCT pp.protest_id) AS n
        FROM tree
        JOIN archive_protest_places pp ON pp.place_id = tree.id
        JOIN archive_protest pr ON pr.id = pp.protest_id AND pr.status = 'published' AND NOT pr.restricted
        JOIN archive_place pl ON pl.id = tree.root
        GROUP BY pl.public_id, pl.name ORDER BY n DESC, pl.public_id LIMIT 1
        """
    ).fetchone()
    if row is None:
        raise SystemExit("bench: no public province with public protests in this database")
    return {"id": row[0], "name": row[1], "protests": row[2]}


def cursor_for(position: int, secret: str | None = None) -> str:
    """The API's cursor (archive/paging.py) for the page right after the record with pk `position`, in the
    default order (by pk), sealed with the benchmark server's key (or `secret`).
    tests/test_bench_targets.py holds it to what the API itself hands out."""
    payload = json.dumps({"o": ["pk"], "p": [position]}, separators=(",", ":")).encode()
    return paging.seal_with(secret or server.SECRET_KEY, payload)


def deep_pages(conn, count: int) -> dict:
    """Cursors for `count` consecutive pages as deep as the largest event type allows (page 10,000 at L)."""
    sizes = {
        kind: conn.execute(f"SELECT count(*) FROM {t} WHERE {PUBLIC}").fetchone()[0] for kind, t in EVENT_TABLES.items()
    }
    kind = max(sizes, key=sizes.get)
    table = EVENT_TABLES[kind]
    # Pages counted from 0; page k's cursor starts after the record at offset k*50 - 1, so k >= 1.
    last_page = (sizes[kind] - 1) // PAGE_SIZE
    page = max(1, min(DEEP_PAGE, last_page - count + 1))
    offsets = [(page + i) * PAGE_SIZE - 1 for i in range(count) if page + i <= last_page]
    rows = conn.execute(
        f"""
        SELECT rn, id, public_id, next_public_id FROM (
            SELECT row_number() OVER (ORDER BY id) - 1 AS rn, id, public_id,
                   lead(public_id) OVER (ORDER BY id) AS next_public_id
            FROM {table} WHERE {PUBLIC}
        ) numbered WHERE rn = ANY(%s) ORDER BY rn
        """,
        [offsets],
    ).fetchall()
    pages = [
        {
            "path": f"/api/v1/{kind}/?{urlencode({'cursor': cursor_for(pk), 'page_size': PAGE_SIZE})}",
            "first_id": next_id,
        }
        for _, pk, _, next_id in rows
    ]
    return {"type": kind, "records": sizes[kind], "page": page, "pages": pages}


def sample_ids(conn, table: str, count: int, seed: int) -> list[str]:
    rows = conn.execute(
        f"SELECT public_id FROM {table} WHERE {PUBLIC} ORDER BY md5(public_id || %s) LIMIT %s", [str(seed), count]
    ).fetchall()
    return [r[0] for r in rows]


def search_terms(conn) -> dict:
    """For each language, a name in that language of a busy public place (falling back to people)."""
    terms = {}
    for language in SEARCH_LANGUAGES:
        row = conn.execute(
            """
            SELECT n.name FROM archive_placename n
            JOIN archive_place p ON p.id = n.owner_id AND p.status = 'published' AND NOT p.restricted
            LEFT JOIN archive_protest_places pp ON pp.place_id = p.id
            WHERE n.language_id = %s
            GROUP BY n.name ORDER BY count(pp.protest_id) DESC, n.name LIMIT 1
            """,
            [language],
        ).fetchone()
        if row is None:
            row = conn.execute(
                "SELECT n.name FROM archive_personname n JOIN archive_person p ON p.id = n.owner_id "
                "WHERE n.language_id = %s AND p.status = 'published' AND NOT p.restricted AND NOT p.at_risk "
                "ORDER BY n.name LIMIT 1",
                [language],
            ).fetchone()
        if row is not None:
            terms[language] = row[0]
    return terms


def discover(database: str, seed: int = 1, deep_count: int = 5, detail_count: int = 50) -> dict:
    with psycopg.connect(database_url(database)) as conn:
        province = busiest_province(conn)
        return {
            "province": province,
            "list_query": {"place": province["id"], "date_from": DATE_FROM, "page_size": PAGE_SIZE},
            "deep": deep_pages(conn, deep_count),
            "protest_ids": sample_ids(conn, "archive_protest", detail_count, seed),
            "search": search_terms(conn),
            "sync_type": "protests",
            "export_types": ["protests", "arrests", "statements"],
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", required=True)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(json.dumps(discover(args.database, args.seed), ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
