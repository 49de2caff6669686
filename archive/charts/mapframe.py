"""The map's frame: one projection for the dots and the base map, the window a map shows, labels that do not collide.

The frame is a fixed box of longitude and latitude around the archive's places (Ankara to beyond Tehran, the
Persian Gulf's head to the Caucasus), drawn in an equirectangular projection squeezed at latitude 38°, in
"world units" 1000 wide. The base map (`basemap.json`, made by `manage.py build_basemap`) is stored projected
into this frame; each map shows the window around its own dots, so both pass through the same `world_xy`.
Changing the frame means rebuilding the base map (a test compares the two).
"""

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

# The frame, in degrees. Its height follows from the tallest shape a map may take (TALLEST), so any window fits.
FRAME_LON_MIN, FRAME_LON_MAX, FRAME_LAT_MAX = 26.0, 58.0, 45.25
REFERENCE_LATITUDE = 38.0  # where the projection keeps shapes true: the archive's places lie around it
FRAME_WIDTH = 1000.0  # world units
MAP_WIDTH, NARROW_MAP_WIDTH = 640, 360  # the picture (and the one phones show), in SVG user units; its height
# follows the dots' spread, between these shapes:
TALLEST, WIDEST = 1.6, 2.0  # width / height
FRAME_HEIGHT = FRAME_WIDTH / TALLEST

_SQUEEZE = math.cos(math.radians(REFERENCE_LATITUDE))
UNITS_PER_DEGREE = FRAME_WIDTH / ((FRAME_LON_MAX - FRAME_LON_MIN) * _SQUEEZE)  # of latitude
FRAME_LAT_MIN = FRAME_LAT_MAX - FRAME_HEIGHT / UNITS_PER_DEGREE

# A window is never narrower than this (about six degrees of longitude): one city alone still shows its region.
MIN_WINDOW_WIDTH = 200.0
# Room around the outermost dots, as a share of the dots' spread and at least about half a degree.
WINDOW_PAD_SHARE, WINDOW_PAD_MIN = 0.12, 22.0

BASEMAP_FILE = Path(__file__).with_name("basemap.json")


def world_xy(lat: float, lon: float) -> tuple[float, float]:
    """A point's place in the frame, in world units: x east from the frame's west edge, y south from its north."""
    return (lon - FRAME_LON_MIN) * _SQUEEZE * UNITS_PER_DEGREE, (FRAME_LAT_MAX - lat) * UNITS_PER_DEGREE


def in_frame(x: float, y: float) -> bool:
    return 0 <= x <= FRAME_WIDTH and 0 <= y <= FRAME_HEIGHT


def frame_description() -> dict:
    """What a base map file records about the frame it was drawn in (compared with this module's by a test)."""
    return {
        "lon_min": FRAME_LON_MIN,
        "lon_max": FRAME_LON_MAX,
        "lat_min": round(FRAME_LAT_MIN, 4),
        "lat_max": FRAME_LAT_MAX,
        "reference_latitude": REFERENCE_LATITUDE,
        "width": FRAME_WIDTH,
        "height": FRAME_HEIGHT,
    }


@dataclass
class Window:
    """The part of the frame one map shows: world (x0, y0) is the picture's top left, `scale` picture units a
    world unit."""

    x0: float = 0.0
    y0: float = 0.0
    scale: float = MAP_WIDTH / FRAME_WIDTH
    height: int = round(FRAME_HEIGHT * MAP_WIDTH / FRAME_WIDTH)  # of the picture
    width: int = MAP_WIDTH

    def view(self, x: float, y: float) -> tuple[float, float]:
        """A world point in picture units, rounded as SVG attributes write them."""
        return round((x - self.x0) * self.scale, 1), round((y - self.y0) * self.scale, 1)

    @property
    def transform(self) -> str:
        """The SVG transform that draws world-unit paths in this window; numbers never localized."""
        s = self.scale
        return f"matrix({s:.5f} 0 0 {s:.5f} {-self.x0 * s:.2f} {-self.y0 * s:.2f})"

    @property
    def world_box(self) -> tuple[float, float, float, float]:
        return self.x0, self.y0, self.x0 + self.width / self.scale, self.y0 + self.height / self.scale


def window_for(points: list[tuple[float, float]], picture_width: int = MAP_WIDTH) -> Window:
    """The window around world points: their spread with room on every side, at least MIN_WINDOW_WIDTH wide,
    between the TALLEST and WIDEST shapes, kept inside the frame (the base map ends at its edges)."""
    if not points:
        return Window(
            scale=picture_width / FRAME_WIDTH,
            height=round(FRAME_HEIGHT * picture_width / FRAME_WIDTH),
            width=picture_width,
        )
    xs, ys = [x for x, _y in points], [y for _x, y in points]
    pad = max(WINDOW_PAD_MIN, WINDOW_PAD_SHARE * max(max(xs) - min(xs), max(ys) - min(ys)))
    wide, tall = max(xs) - min(xs) + 2 * pad, max(ys) - min(ys) + 2 * pad
    width = min(max(wide, tall * TALLEST, MIN_WINDOW_WIDTH), FRAME_WIDTH)
    height = _clamp(tall, width / WIDEST, width / TALLEST)
    x0 = _clamp((min(xs) + max(xs)) / 2 - width / 2, 0, FRAME_WIDTH - width)
    y0 = _clamp((min(ys) + max(ys)) / 2 - height / 2, 0, FRAME_HEIGHT - height)
    scale = picture_width / width
    return Window(x0, y0, scale, round(height * scale), picture_width)


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(value, high))


# --- the base map ---------------------------------------------------------------------------------


@dataclass
class Country:
    code: str  # ISO 3166-1 numeric, as Natural Earth gives it ("364" is Iran)
    name: str  # English, as Natural Earth gives it
    d: str  # SVG path data in world units
    bbox: tuple[float, float, float, float]


@cache
def basemap() -> dict:
    """The committed base map: its frame, source and countries (read once per process)."""
    data = json.loads(BASEMAP_FILE.read_text(encoding="utf-8"))
    data["countries"] = [Country(c["code"], c["name"], c["d"], tuple(c["bbox"])) for c in data["countries"]]
    return data


def countries_in(window: Window) -> list[Country]:
    """The countries whose outline reaches into the window (the others would only add bytes)."""
    x0, y0, x1, y1 = window.world_box
    return [
        c for c in basemap()["countries"] if c.bbox[0] < x1 and c.bbox[2] > x0 and c.bbox[1] < y1 and c.bbox[3] > y0
    ]


# --- labels that do not collide -------------------------------------------------------------------

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in picture units


def text_box(x: float, y: float, text: str, size: float, anchor: str) -> Box:
    """Roughly where a label's text lies (a character is about 0.58 em wide, the baseline at y)."""
    width = len(text) * size * 0.58
    left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
    return left, y - size * 0.8, left + width, y + size * 0.25


def overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def inside_picture(box: Box, window: Window) -> bool:
    return box[0] >= 2 and box[1] >= 2 and box[2] <= window.width - 2 and box[3] <= window.height - 2


def free_spot(candidates, text: str, size: float, obstacles: list[Box], window: Window):
    """The first (x, y, anchor, box) whose label fits in the window's picture clear of every obstacle, else None."""
    for x, y, anchor in candidates:
        box = text_box(x, y, text, size, anchor)
        if inside_picture(box, window) and not any(overlaps(box, other) for other in obstacles):
            return x, y, anchor, box
    return None
