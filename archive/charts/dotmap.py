"""The dot map: places with coordinates over Natural Earth's country borders, sized by their protests.

The home page shows every public place with coordinates, each linking to its page; a filtered list shows the
places of the records it finds, each linking to the list narrowed to that place. Both count a place's records
by the place filter's rule: those there or at a public place inside it. Dots, borders and labels pass through
one projection (`mapframe`); labels are placed so that none covers another or a dot.
"""

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from archive.charts import mapframe
from archive.charts.mapframe import MAP_WIDTH
from archive.charts.places import ChartPlace, public_places
from archive.models import Place, PlaceKind, Protest
from archive.readmodel import places as place_keys
from archive.templatetags.archive_tags import local_digits, record_urls

LABEL_SIZE, COUNTRY_LABEL_SIZE = 12, 13  # picture units; charts.css sets the same sizes
HIT_RADIUS = 12  # a dot's link is at least 24 units across, however small the dot
# A dot's area grows with its count, up to the busiest place's; a place without protests is a small ring.
MIN_RADIUS, MAX_RADIUS, EMPTY_RADIUS = 4.0, 14.0, 3.5
# At most this many dots (the busiest places): beyond it a map is a blot, and its page a heavy download.
MAX_DOTS = 150
# Areas are not dots: a province's dot would stand for every protest in it, on top of its cities'.
AREA_KINDS = {PlaceKind.COUNTRY, PlaceKind.REGION, PlaceKind.PROVINCE, PlaceKind.COUNTY}

# Where a country's (or the sea's) name may go, best first: (latitude, longitude) of the label's middle. The
# first spot inside the window and clear of the dots and their labels is taken; with none, no label.
REGION_LABELS = [
    ("country", gettext_lazy("Iran"), [(33.2, 54.0), (35.0, 52.6), (34.4, 47.0), (36.4, 46.2), (35.8, 49.2)]),
    ("country", gettext_lazy("Turkey"), [(39.0, 35.0), (38.6, 39.8), (39.3, 42.0), (38.3, 43.4)]),
    ("country", gettext_lazy("Iraq"), [(33.0, 43.4), (35.2, 43.8), (36.3, 43.4), (34.2, 45.2)]),
    ("country", gettext_lazy("Azerbaijan"), [(41.1, 48.0), (40.0, 48.4), (41.35, 47.3), (39.45, 45.3), (39.2, 45.6)]),
    ("country", gettext_lazy("Armenia"), [(40.65, 44.75), (40.3, 45.2), (39.75, 45.35)]),
    ("country", gettext_lazy("Georgia"), [(42.1, 43.6), (41.95, 44.8), (42.25, 42.6)]),
    ("sea", gettext_lazy("Caspian Sea"), [(40.2, 51.6), (38.6, 51.7), (41.9, 50.8), (42.6, 49.8)]),
]


@dataclass
class MapPoint:
    name: str
    url: str
    kind: str
    latitude: float
    longitude: float
    protests: int
    x: float = 0
    y: float = 0
    r: float = 4
    hit_r: float = HIT_RADIUS
    title: str = ""
    label: bool = False
    label_x: float = 0
    label_y: float = 0
    label_anchor: str = "start"  # SVG text-anchor
    on_map: bool = True  # False: its coordinates lie beyond the base map, so it is only listed
    elsewhere: bool = False  # outside the place the list is filtered by (a record was held there too)
    count_text: str = ""  # "12 protests", as the list under the map says it (in the page's digits)

    @property
    def coordinates(self) -> str:
        """Where it is, as the list under the map writes it: "38.08° N, 46.29° E" (two decimals, rounded half up,
        in the digits every language's page shows coordinates in)."""
        return f"{_two_places(self.latitude)}° N, {_two_places(self.longitude)}° E"


def _two_places(value: float) -> str:
    # (+ 0: a value that rounds to zero reads "0.00", not "-0.00")
    return str(Decimal(repr(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) + 0)


@dataclass
class MapLabel:
    text: str
    kind: str  # country, sea
    x: float
    y: float


@dataclass
class PlaceMap:
    points: list[MapPoint]  # drawn, the biggest first so that a small dot is never hidden under a big one
    outside: list[MapPoint] = field(default_factory=list)  # with coordinates beyond the base map: listed only
    crowded: list[MapPoint] = field(default_factory=list)  # past the MAX_DOTS busiest: only counted under the map
    without_coordinates: int = 0
    countries: list[mapframe.Country] = field(default_factory=list)
    labels: list[MapLabel] = field(default_factory=list)
    transform: str = ""
    width: int = MAP_WIDTH
    height: int = 0
    every_place: bool = True  # the home page's map of every place, not a list's map of its records' places
    narrow: "PlaceMap | None" = None  # the same map drawn for a phone

    @property
    def elsewhere(self) -> int:
        """The pale dots: places drawn outside the place a list is filtered by."""
        return sum(1 for p in self.points if p.elsewhere)

    @property
    def listed(self) -> list[MapPoint]:
        """Every place with coordinates the map counted, drawn or not, in name order."""
        return sorted([*self.points, *self.outside, *self.crowded], key=lambda p: p.name)

    @property
    def named(self) -> list[MapPoint]:
        """The places the list under the map names, in name order — its text alternative: those drawn and those
        beyond the map. The crowded ones (past the MAX_DOTS busiest) are only counted there: at scale M they were
        2,700 list items, 440 KB of every home page and protests list, for places the picture leaves out."""
        return sorted([*self.points, *self.outside], key=lambda p: p.name)

    @property
    def text(self) -> str:
        listed = len(self.listed)
        if not listed:
            if not self.every_place:
                return _("None of these records is tied to a place with coordinates.")
            return _("No published place has coordinates yet.")
        if self.crowded:
            text = ngettext("%(n)s place with coordinates.", "%(n)s places with coordinates.", listed) % {"n": listed}
        else:
            text = ngettext(
                "%(n)s place with coordinates; the list below names it.",
                "%(n)s places with coordinates; the list below names each with its protests.",
                listed,
            ) % {"n": listed}
        if self.outside:
            text += " " + ngettext(
                "%(n)s of them lies beyond the map.", "%(n)s of them lie beyond the map.", len(self.outside)
            ) % {"n": len(self.outside)}
        if self.crowded:
            text += " " + _("Only the %(n)s with the most protests are drawn.") % {"n": len(self.points)}
            text += " " + _("The list below names those drawn and any beyond the map, with their protests.")
        return text


def protests_within(places: dict[int, ChartPlace], counted: dict[int, int] | None = None) -> dict[int, int]:
    """For each public place a map draws, how many protests (`counted` per place, as the read model's place keys
    count them; every published protest unless given) were there or at a public place inside it: what the list
    filtered by that place finds."""
    counted = place_keys.counts(Protest.objects.published()) if counted is None else counted
    return {pk: n for pk, n in counted.items() if pk in places and dotted(places[pk])}


def dotted(place: ChartPlace) -> bool:
    """Whether a map draws the place: it has coordinates and is a point (a city, a site), not an area."""
    return place.latitude is not None and place.longitude is not None and place.kind not in AREA_KINDS


def place_points(places: dict[int, ChartPlace] | None = None, counted: dict[int, int] | None = None) -> PlaceMap:
    """The home page's map: every public place with coordinates, linking to its page, sized by its protests
    (`counted` per place, as `protests_within` takes them)."""
    places = public_places() if places is None else places
    return draw(places, protests_within(places, counted), record_urls(Place), every_place=True)


def draw(places: dict[int, ChartPlace], counts: dict[int, int], url_for: Callable, **options) -> PlaceMap:
    """The map (see `picture`) and, as its `narrow`, the same map drawn for a phone's width: the same world in
    fewer picture units, so that its names and dots stay legible when the picture shrinks to the screen."""
    url_for = functools.cache(url_for)  # both pictures link each place alike
    wide = picture(places, counts, url_for, **options)
    wide.narrow = picture(places, counts, url_for, width=mapframe.NARROW_MAP_WIDTH, **options)
    return wide


def picture(
    places: dict[int, ChartPlace],
    counts: dict[int, int],
    url_for: Callable,
    *,
    every_place: bool,
    elsewhere=None,
    width: int = MAP_WIDTH,
) -> PlaceMap:
    """A map of the public places with coordinates (with `every_place`, also those counted 0), `width` picture units
    wide, the window fitted to its dots. `url_for(place)` is where a dot leads; `elsewhere(place)` marks a place
    outside the one a list is filtered by."""
    located = sorted((p for p in places.values() if dotted(p)), key=lambda p: (-counts.get(p.pk, 0), p.name))
    chosen = [p for p in located if every_place or counts.get(p.pk, 0)]
    result = PlaceMap(points=[], without_coordinates=len(places) - len(located), every_place=every_place, width=width)
    world = {}
    # A dot's words in the reader's language, looked up once per count (a map has thousands of places, few counts).
    titled = functools.cache(lambda n: ngettext("%(name)s: %(n)s protest", "%(name)s: %(n)s protests", n))
    counted = functools.cache(lambda n: local_digits(ngettext("%(n)s protest", "%(n)s protests", n) % {"n": n}))
    for place in chosen:
        n = counts.get(place.pk, 0)
        point = MapPoint(place.name, url_for(place), place.kind, float(place.latitude), float(place.longitude), n)
        point.title = titled(n) % {"name": place.name, "n": n}
        point.count_text = counted(n)
        world[id(point)] = mapframe.world_xy(point.latitude, point.longitude)
        point.on_map = mapframe.in_frame(*world[id(point)])
        point.elsewhere = bool(elsewhere and elsewhere(place))
        if not point.on_map:
            result.outside.append(point)
        else:
            (result.points if len(result.points) < MAX_DOTS else result.crowded).append(point)
    if not result.points:
        return result
    window = mapframe.window_for([world[id(p)] for p in result.points], width)
    result.transform, result.height = window.transform, window.height
    result.countries = mapframe.countries_in(window)
    top = max(p.protests for p in result.points) or 1
    # A narrow picture's dots shrink with it (on a phone they come out about as large as on a wide screen): its
    # places crowd, and their names need the room.
    shrink = width / MAP_WIDTH
    for point in result.points:
        point.x, point.y = window.view(*world[id(point)])
        share = math.sqrt(point.protests / top)
        radius = MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) * share if point.protests else EMPTY_RADIUS
        point.r = round(radius * shrink, 1)
        point.hit_r = max(HIT_RADIUS, point.r)
    result.points.sort(key=lambda p: (-p.r, p.name))
    result.labels = _place_labels(result.points, window)
    return result


def _place_labels(points: list[MapPoint], window: mapframe.Window) -> list[MapLabel]:
    """Names beside the dots with protests (the busiest first), then the regions' names, none overlapping another
    or a dot with protests, and over a dot without protests only where there is no other room; a name that finds
    no room is left to the dot's tooltip and the list below the map."""
    placed: list[mapframe.Box] = []
    busy = [_box(p) for p in points if p.protests]
    empty = [_box(p) for p in points if not p.protests]
    for point in sorted((p for p in points if p.protests), key=lambda p: (-p.protests, p.name)):
        candidates = _beside(point)
        own = _box(point)  # its own dot: the candidates keep clear of it
        others = [box for box in busy if box != own]
        spot = mapframe.free_spot(candidates, point.name, LABEL_SIZE, placed + others + empty, window)
        spot = spot or mapframe.free_spot(candidates, point.name, LABEL_SIZE, placed + others, window)
        if spot:
            point.label = True
            point.label_x, point.label_y, point.label_anchor = round(spot[0], 1), round(spot[1], 1), spot[2]
            placed.append(spot[3])
    labels = []
    for kind, text, spots in REGION_LABELS:
        candidates = []
        for lat, lon in spots:
            x, y = window.view(*mapframe.world_xy(lat, lon))
            candidates.append((x, y + COUNTRY_LABEL_SIZE * 0.35, "middle"))
        spot = mapframe.free_spot(candidates, str(text), COUNTRY_LABEL_SIZE, placed + busy + empty, window)
        if spot:
            labels.append(MapLabel(str(text), kind, round(spot[0], 1), round(spot[1], 1)))
            placed.append(spot[3])
    return labels


def _box(point: MapPoint) -> mapframe.Box:
    return point.x - point.r, point.y - point.r, point.x + point.r, point.y + point.r


def _beside(point: MapPoint) -> list[tuple[float, float, str]]:
    """Where a dot's name may go, best first: right, left, above, below, then the four corners."""
    x, y, r, gap = point.x, point.y, point.r, 3
    middle, above, below = y + LABEL_SIZE * 0.35, y - r - gap, y + r + gap + LABEL_SIZE * 0.8
    corner = r * 0.7 + gap
    return [
        (x + r + gap, middle, "start"),
        (x - r - gap, middle, "end"),
        (x, above, "middle"),
        (x, below, "middle"),
        (x + corner, y - corner, "start"),
        (x + corner, y + corner + LABEL_SIZE * 0.8, "start"),
        (x - corner, y - corner, "end"),
        (x - corner, y + corner + LABEL_SIZE * 0.8, "end"),
    ]
