"""Streaming CSV and GeoJSON for whole filtered results, with bounded memory."""

import csv
import io
import json
from collections.abc import Iterable, Iterator

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Nested values flattened into CSV columns: summaries by their public id, lists joined.
LIST_SEPARATOR = " | "


def escape_formula(value: str) -> str:
    """Stop spreadsheets from executing a cell as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        return str(value.get("id") or value.get("name") or value.get("display") or value.get("text") or "")
    if isinstance(value, list):
        return LIST_SEPARATOR.join(_cell(item) for item in value)
    return str(value)


def _claim(claim: dict) -> str:
    def figure(value):
        return "?" if value is None else str(value)

    who = f", {claim['claimant']}" if claim["claimant"] else ""
    return f"{claim['words']} ({figure(claim['low'])}–{figure(claim['high'])}{who})"


def flatten(row: dict) -> dict:
    """One CSV row: dates and other small objects become dotted columns."""
    flat = {}
    for key, value in row.items():
        if key == "date" and isinstance(value, dict):
            for part, part_value in value.items():
                flat[f"date_{part}"] = _cell(part_value)
        elif key == "citations":
            flat["citations"] = LIST_SEPARATOR.join(
                f"{c['source']['id'] if c['source'] else ''}" + (f" fn.{c['footnote']}" if c["footnote"] else "")
                for c in value
            )
        elif isinstance(value, list) and value and isinstance(value[0], dict) and "words" in value[0]:
            flat[key] = LIST_SEPARATOR.join(_claim(c) for c in value)
        else:
            flat[key] = _cell(value)
    return {key: escape_formula(value) for key, value in flat.items()}


def csv_lines(rows: Iterable[dict]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = None
    for row in rows:
        flat = flatten(row)
        if writer is None:
            writer = csv.DictWriter(buffer, fieldnames=list(flat), extrasaction="ignore")
            writer.writeheader()
        writer.writerow(flat)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if writer is None:
        yield ""


def _coordinates(row: dict) -> list[list[float]]:
    if row.get("latitude") is not None and row.get("longitude") is not None:
        return [[float(row["longitude"]), float(row["latitude"])]]
    return []


def geojson_chunks(rows: Iterable[dict]) -> Iterator[str]:
    """A FeatureCollection, one feature per record that has coordinates."""
    yield '{"type": "FeatureCollection", "features": ['
    first = True
    for row in rows:
        points = _coordinates(row) or [
            place["coordinates"] for place in row.get("places", []) if place.get("coordinates")
        ]
        if not points:
            continue
        geometry = (
            {"type": "Point", "coordinates": points[0]}
            if len(points) == 1
            else {"type": "MultiPoint", "coordinates": points}
        )
        feature = {"type": "Feature", "id": row["id"], "geometry": geometry, "properties": row}
        yield ("" if first else ",") + json.dumps(feature, default=str, ensure_ascii=False)
        first = False
    yield "]}"
