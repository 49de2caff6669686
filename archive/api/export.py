"""Streaming exports of whole filtered results: cell helpers shared with the CSV (csv_export.py), GeoJSON, and
the `Accept` types that ask a list for them."""

import json
from collections.abc import Iterable, Iterator

from rest_framework import renderers

# Several values in one CSV cell (places, speakers, citations…) are joined by this.
LIST_SEPARATOR = " | "


def claim_text(words: str, low: int | None, high: int | None, claimant: str) -> str:
    """A count claim in one cell: “hundreds (200–?, activists)”."""

    def figure(value):
        return "?" if value is None else str(value)

    who = f", {claimant}" if claimant else ""
    return f"{words} ({figure(low)}–{figure(high)}{who})"


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


class StreamRequest(renderers.BaseRenderer):
    """Lets a list's `Accept` header choose a streamed format. The view streams that format itself; an
    answer that is not a stream (an error) is rendered as JSON."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return renderers.JSONRenderer().render(data, "application/json", renderer_context)


class CsvRequest(StreamRequest):
    media_type = "text/csv"
    format = "csv"


class GeoJsonRequest(StreamRequest):
    media_type = "application/geo+json"
    format = "geojson"


STREAM_REQUESTS = {"csv": CsvRequest, "geojson": GeoJsonRequest}
