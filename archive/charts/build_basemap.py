"""Build the dot map's base map, `archive/charts/basemap.json`, from Natural Earth's country borders.

Source: Natural Earth's 1:50m Admin 0 countries (version 4.1.0), https://www.naturalearthdata.com/ —
public domain ("No permission is needed to use Natural Earth"; https://www.naturalearthdata.com/about/terms-of-use/).
They come as TopoJSON from the npm registry's `world-atlas` package, version 2.0.2 (its own code under the ISC
licence; the data is Natural Earth's), file `countries-50m.json`: each country has its ISO 3166-1 numeric code
as `id` and its English name as `properties.name`.

To rebuild (after changing the frame in `archive/charts/mapframe.py`, or to take a newer release)::

    npm install --prefix /tmp/wa world-atlas@2.0.2
    DEBUG=1 python manage.py build_basemap /tmp/wa/node_modules/world-atlas/countries-50m.json

What it does, in order: decodes the topology's shared arcs (quantized, delta-encoded) to longitude and
latitude; projects every point with `mapframe.world_xy`, the projection the map's dots use; simplifies each
arc once (Douglas–Peucker, SIMPLIFY_TOLERANCE world units), so two neighbours' common border stays one line
with no gap or overlap; joins the arcs into each country's rings; clips them to the frame (plus a little, so
the cut edges lie outside any window); drops the specks smaller than MIN_RING_AREA; and writes each country's
SVG path (world units, one decimal, never localized) with its code, name and bounding box. The same input
gives the same file, byte for byte.
"""

import hashlib
import json
from pathlib import Path

from archive.charts import mapframe

SIMPLIFY_TOLERANCE = 0.3  # world units: about 800 m; the 1:50m data is coarser, so this drops little but noise
MIN_RING_AREA = 6.0  # square world units: islands smaller than a few pixels are not drawn
CLIP_MARGIN = 4.0  # world units beyond the frame: a cut edge never shows inside a window
SOURCE = {
    "data": "Natural Earth 1:50m Admin 0 countries, version 4.1.0",
    "package": "world-atlas@2.0.2 (npm), countries-50m.json",
    "licence": "public domain",
    "url": "https://www.naturalearthdata.com/",
}


class BasemapError(ValueError):
    """The input is not a world-atlas countries topology."""


def build(topology_path: Path) -> dict:
    raw = topology_path.read_bytes()
    try:
        topology = json.loads(raw)
        arcs = decode_arcs(topology["arcs"], topology.get("transform"))
        geometries = topology["objects"]["countries"]["geometries"]
    except (ValueError, KeyError, TypeError, IndexError) as error:
        raise BasemapError(f"{topology_path} is not a world-atlas countries TopoJSON file ({error!r})") from error
    projected = [[mapframe.world_xy(lat, lon) for lon, lat in arc] for arc in arcs]
    simplified = [simplify(arc, SIMPLIFY_TOLERANCE) for arc in projected]
    countries = []
    for geometry in geometries:
        rings = [ring for polygon in polygons(geometry) for ring in clipped_polygon(polygon, simplified)]
        if rings:
            countries.append(country_entry(geometry, rings))
    countries.sort(key=lambda c: (c["code"], c["name"]))
    source = {**SOURCE, "input_sha256": hashlib.sha256(raw).hexdigest()}
    return {"frame": mapframe.frame_description(), "source": source, "countries": countries}


def decode_arcs(arcs: list, transform: dict | None) -> list[list[tuple[float, float]]]:
    """(longitude, latitude) points of each arc; a quantized topology's positions are deltas to add up."""
    if transform is None:
        return [[(float(x), float(y)) for x, y, *_rest in arc] for arc in arcs]
    (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
    decoded = []
    for arc in arcs:
        x = y = 0
        points = []
        for dx, dy, *_rest in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        decoded.append(points)
    return decoded


def polygons(geometry: dict) -> list[list[list[int]]]:
    """A country's polygons, each a list of rings, each ring a list of arc indexes."""
    if geometry.get("type") == "Polygon":
        return [geometry["arcs"]]
    if geometry.get("type") == "MultiPolygon":
        return geometry["arcs"]
    return []  # a country without an outline (null geometry) draws nothing


def ring_points(indexes: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    """The arcs joined end to end; ~i is arc i walked backwards. Each arc starts where the last ended."""
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def clipped_polygon(polygon: list[list[int]], arcs) -> list[list[tuple[float, float]]]:
    """The polygon's rings clipped to the frame; its holes go with an outer ring that is too small to draw."""
    rings = [clip(ring_points(indexes, arcs)) for indexes in polygon]
    if not rings or abs(area(rings[0])) < MIN_RING_AREA:
        return []
    return [ring for ring in rings if abs(area(ring)) >= MIN_RING_AREA]


def simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas–Peucker: keeps both ends and every point farther than `tolerance` from the line it would leave."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        farthest, distance = 0, tolerance
        for i in range(first + 1, last):
            d = _distance_to_segment(points[i], points[first], points[last])
            if d > distance:
                farthest, distance = i, d
        if farthest:
            keep[farthest] = True
            stack += [(first, farthest), (farthest, last)]
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def _distance_to_segment(p, a, b) -> float:
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    if length2 == 0:
        return ((px - ax) ** 2 + (py - ay) ** 2) ** 0.5
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length2))
    return ((px - ax - t * dx) ** 2 + (py - ay - t * dy) ** 2) ** 0.5


def clip(ring: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Sutherland–Hodgman against the frame widened by CLIP_MARGIN (a rectangle: convex, so one pass per side)."""
    low_x, low_y = -CLIP_MARGIN, -CLIP_MARGIN
    high_x, high_y = mapframe.FRAME_WIDTH + CLIP_MARGIN, mapframe.FRAME_HEIGHT + CLIP_MARGIN
    sides = [
        (lambda p: p[0] >= low_x, lambda a, b: _at_x(a, b, low_x)),
        (lambda p: p[0] <= high_x, lambda a, b: _at_x(a, b, high_x)),
        (lambda p: p[1] >= low_y, lambda a, b: _at_y(a, b, low_y)),
        (lambda p: p[1] <= high_y, lambda a, b: _at_y(a, b, high_y)),
    ]
    for keeps, cross in sides:
        if not ring:
            break
        kept = []
        for i, current in enumerate(ring):
            previous = ring[i - 1]
            if keeps(current):
                if not keeps(previous):
                    kept.append(cross(previous, current))
                kept.append(current)
            elif keeps(previous):
                kept.append(cross(previous, current))
        ring = kept
    return ring


def _at_x(a, b, x):
    t = (x - a[0]) / (b[0] - a[0])
    return x, a[1] + t * (b[1] - a[1])


def _at_y(a, b, y):
    t = (y - a[1]) / (b[1] - a[1])
    return a[0] + t * (b[0] - a[0]), y


def area(ring: list[tuple[float, float]]) -> float:
    """Signed area (shoelace)."""
    return sum(ring[i - 1][0] * p[1] - p[0] * ring[i - 1][1] for i, p in enumerate(ring)) / 2 if ring else 0.0


def path_data(rings: list[list[tuple[float, float]]]) -> str:
    """SVG path data with one decimal (no locale involved), repeated points after rounding dropped."""
    parts = []
    for ring in rings:
        written: list[str] = []
        for x, y in ring:
            point = f"{x:.1f},{y:.1f}"
            if not written or written[-1] != point:
                written.append(point)
        if len(written) > 1 and written[0] == written[-1]:
            written.pop()
        if len(written) >= 3:
            parts.append("M" + " ".join(written) + "Z")
    return "".join(parts)


def country_entry(geometry: dict, rings) -> dict:
    xs = [x for ring in rings for x, _y in ring]
    ys = [y for ring in rings for _x, y in ring]
    return {
        "code": str(geometry.get("id", "")),
        "name": str((geometry.get("properties") or {}).get("name", "")),
        "bbox": [round(min(xs), 1), round(min(ys), 1), round(max(xs), 1), round(max(ys), 1)],
        "d": path_data(rings),
    }


def write(data: dict, target: Path = mapframe.BASEMAP_FILE) -> int:
    """Writes the file (stable key order, compact) and returns its size in bytes."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n"
    target.write_text(text, encoding="utf-8")
    return len(text.encode())
