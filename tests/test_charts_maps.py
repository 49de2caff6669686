"""The dot map's base map: Natural Earth's borders, drawn in the projection the dots use, in every language.

The committed `archive/charts/basemap.json` is built by `manage.py build_basemap` (archive/charts/build_basemap.py);
these tests read it as the map does, build a small topology of their own, and look at the rendered page.
"""

import json
import re

import pytest
from django.core.management import CommandError, call_command

from archive import changes
from archive.charts import build_basemap, dotmap, mapframe
from tests import chart_helpers, factories

# The article's places with coordinates, and the country (ISO 3166-1 numeric) each lies in.
CITIES = {
    "place-tabriz": "364",
    "place-urmia": "364",
    "place-ardabil": "364",
    "place-tehran": "364",
    "place-julfa-iran": "364",
    "place-baku": "031",
    "place-ganja": "031",
    "place-yerevan": "051",
    "place-ankara": "792",
}
MAIN_COUNTRIES = {
    "364": "Iran",
    "031": "Azerbaijan",
    "051": "Armenia",
    "792": "Turkey",
    "368": "Iraq",
    "268": "Georgia",
}


def countries_by_code() -> dict[str, mapframe.Country]:
    return {c.code: c for c in mapframe.basemap()["countries"]}


def test_the_base_map_file_is_small_valid_and_drawn_in_the_maps_frame():
    raw = mapframe.BASEMAP_FILE.read_bytes()
    assert len(raw) < 60_000
    data = json.loads(raw)
    assert data["frame"] == mapframe.frame_description()  # else: rebuild it (see build_basemap's docstring)
    assert data["source"]["licence"] == "public domain"
    assert "Natural Earth" in data["source"]["data"]
    assert "world-atlas@2.0.2" in data["source"]["package"]
    by_code = {c["code"]: c["name"] for c in data["countries"]}
    assert {code: by_code.get(code) for code in MAIN_COUNTRIES} == MAIN_COUNTRIES
    for country in data["countries"]:
        assert re.fullmatch(r"(M-?\d+\.\d,-?\d+\.\d( -?\d+\.\d,-?\d+\.\d){2,}Z)+", country["d"]), country["name"]
        points = [p for ring in chart_helpers.path_rings(country["d"]) for p in ring]
        xs, ys = [x for x, _y in points], [y for _x, y in points]
        assert country["bbox"] == [min(xs), min(ys), max(xs), max(ys)]
        margin = build_basemap.CLIP_MARGIN + 0.1
        assert -margin <= min(xs) and max(xs) <= mapframe.FRAME_WIDTH + margin
        assert -margin <= min(ys) and max(ys) <= mapframe.FRAME_HEIGHT + margin


@pytest.mark.parametrize(("public_id", "code"), CITIES.items())
def test_each_city_lies_inside_its_country_in_the_shared_projection(article, public_id, code):
    from archive.models import Place

    place = Place.objects.get(public_id=public_id)
    point = mapframe.world_xy(float(place.latitude), float(place.longitude))
    country = countries_by_code()[code]
    assert chart_helpers.inside(point, chart_helpers.path_rings(country.d)), (public_id, country.name)
    others = [c for c in countries_by_code().values() if c.code != code]
    assert not any(chart_helpers.inside(point, chart_helpers.path_rings(c.d)) for c in others)


# Two countries side by side, sharing a bent border (arc 1), quantized as world-atlas is (the positions are
# deltas); the eastern one reaches far beyond the frame.
TOPOLOGY = {
    "type": "Topology",
    "transform": {"scale": [0.01, 0.01], "translate": [40.0, 36.0]},
    "objects": {
        "countries": {
            "type": "GeometryCollection",
            "geometries": [
                {"type": "Polygon", "id": "001", "properties": {"name": "West"}, "arcs": [[0, 1]]},
                {"type": "MultiPolygon", "id": "002", "properties": {"name": "East"}, "arcs": [[[~1, 2]]]},
                {"type": "Polygon", "id": "003", "properties": {"name": "Speck"}, "arcs": [[3]]},
                {"type": None, "id": "004", "properties": {"name": "Nowhere"}},
            ],
        }
    },
    "arcs": [
        [[200, 0], [-200, 0], [0, 200], [200, 0]],  # (42,36) → (40,36) → (40,38) → (42,38)
        [[200, 200], [50, -100], [-50, -100]],  # the border: (42,38) → (42.5,37) → (42,36)
        [[200, 200], [9000, 0], [0, -200], [-9000, 0]],  # (42,38) → (132,38) → (132,36) → (42,36)
        [[500, 100], [1, 0], [0, 1], [-1, 0], [0, -1]],  # a speck near (45,37): too small to draw
    ],
}
BORDER = [(38, 42), (37, 42.5), (36, 42)]  # (latitude, longitude)


def test_the_builder_projects_clips_and_keeps_a_shared_border_one_line(tmp_path):
    source = tmp_path / "countries.json"
    source.write_text(json.dumps(TOPOLOGY))

    data = build_basemap.build(source)

    by_name = {c["name"]: c for c in data["countries"]}
    assert set(by_name) == {"West", "East"}
    west = set(chart_helpers.path_rings(by_name["West"]["d"])[0])
    east = set(chart_helpers.path_rings(by_name["East"]["d"])[0])
    # Both draw the border through the very same points, projected as the dots are.
    border = {tuple(round(v, 1) for v in mapframe.world_xy(lat, lon)) for lat, lon in BORDER}
    assert border <= west and border <= east
    # East is cut at the frame's edge (plus the margin), not drawn to longitude 132.
    assert max(x for x, _y in east) == pytest.approx(mapframe.FRAME_WIDTH + build_basemap.CLIP_MARGIN, abs=0.06)
    assert by_name["West"]["code"] == "001"


def test_the_build_command_writes_the_same_file_from_the_same_input(tmp_path):
    source = tmp_path / "countries.json"
    source.write_text(json.dumps(TOPOLOGY))
    first, second = tmp_path / "one.json", tmp_path / "two.json"

    call_command("build_basemap", str(source), output=first, stdout=open(tmp_path / "log", "w"))  # noqa: SIM115
    call_command("build_basemap", str(source), output=second, stdout=open(tmp_path / "log", "w"))  # noqa: SIM115

    assert first.read_bytes() == second.read_bytes()
    assert json.loads(first.read_text())["source"]["licence"] == "public domain"


@pytest.mark.parametrize("content", ["not json", '{"objects": {}}', '{"arcs": [], "objects": {"countries": 3}}'])
def test_the_build_command_refuses_a_file_that_is_no_countries_topology(tmp_path, content):
    source = tmp_path / "countries.json"
    source.write_text(content)
    with pytest.raises(CommandError, match="is not a world-atlas countries TopoJSON"):
        call_command("build_basemap", str(source), output=tmp_path / "out.json")
    assert not (tmp_path / "out.json").exists()
    with pytest.raises(CommandError, match="no such file"):
        call_command("build_basemap", str(tmp_path / "missing.json"), output=tmp_path / "out.json")


def picture_box(d: str, transform: str) -> tuple[float, float, float, float]:
    """Where a world-unit path lands in the picture, after the group's transform."""
    s, _b, _c, _d, tx, ty = (float(v) for v in re.fullmatch(r"matrix\(([^)]*)\)", transform).group(1).split())
    points = [p for ring in chart_helpers.path_rings(d) for p in ring]
    xs, ys = [x * s + tx for x, _y in points], [y * s + ty for _x, y in points]
    return min(xs), min(ys), max(xs), max(ys)


@pytest.mark.parametrize("lang", ["en", "az", "fa", "tr"])
def test_the_home_map_draws_countries_under_the_dots_in_every_language(article, client, lang):
    response = client.get(f"/{lang}/")
    html = response.content.decode()
    svg = next(s for s in chart_helpers.pictures(html) if 'id="place-map-title"' in s)
    narrow = next(s for s in chart_helpers.pictures(html) if 'id="place-map-narrow-title"' in s)
    chart_helpers.assert_all_numbers(narrow)
    assert narrow.count('class="map-country"') >= len(MAIN_COUNTRIES)
    chart_helpers.assert_all_numbers(svg)
    paths = re.findall(r'<path class="map-country" data-code="(\d*)" d="([^"]+)"/>', svg)
    assert {code for code, _d in paths} >= set(MAIN_COUNTRIES)
    transform = re.search(r'<g class="map-countries" transform="([^"]+)"', svg).group(1)
    assert svg.index('class="map-countries"') < svg.index('class="map-place')  # borders under the dots
    iran = dict(paths)["364"]
    x0, y0, x1, y1 = picture_box(iran, transform)
    tabriz = next(p for p in response.context["place_map"].points if p.url.endswith("/places/place-tabriz/"))
    # Named as the reader reads it, as search and the place's page name it.
    assert tabriz.name == {"en": "Tabriz", "az": "Təbriz", "fa": "تبریز", "tr": "Tebriz"}[lang]
    assert x0 < tabriz.x < x1 and y0 < tabriz.y < y1
    assert f'cx="{tabriz.x}" cy="{tabriz.y}"' in svg
    assert "Borders: Natural Earth (public domain)" in html or lang != "en"
    assert not re.search(r"\sstyle\s*=", html) and "<script" not in html.lower()


@pytest.mark.parametrize(
    ("size", "regions", "must_name"),
    [("wide", 5, {"Tabriz", "Urmia", "Ardabil", "Tehran"}), ("narrow", 2, {"Tabriz", "Urmia"})],
)
def test_region_names_are_drawn_where_they_fit_and_no_label_covers_another(article, size, regions, must_name):
    place_map = dotmap.place_points()
    if size == "narrow":
        place_map = place_map.narrow
        assert place_map.width == mapframe.NARROW_MAP_WIDTH

    assert len(place_map.labels) >= regions  # region names where they fit
    # (box, the dot it names): a name may cover a dot without protests only, never one with protests but its own.
    boxes = [
        (mapframe.text_box(label.x, label.y, label.text, dotmap.COUNTRY_LABEL_SIZE, "middle"), None)
        for label in place_map.labels
    ]
    boxes += [
        (mapframe.text_box(p.label_x, p.label_y, p.name, dotmap.LABEL_SIZE, p.label_anchor), p)
        for p in place_map.points
        if p.label
    ]
    busy = [p for p in place_map.points if p.protests]
    window = mapframe.Window(width=place_map.width, height=place_map.height)
    for i, (box, own) in enumerate(boxes):
        assert mapframe.inside_picture(box, window)
        assert not any(mapframe.overlaps(box, other) for other, _p in boxes[i + 1 :])
        for dot in busy:
            if dot is own:  # beside its own dot, or at a corner of the dot's square: never over the dot itself
                nearest_x = min(max(dot.x, box[0]), box[2])
                nearest_y = min(max(dot.y, box[1]), box[3])
                assert (nearest_x - dot.x) ** 2 + (nearest_y - dot.y) ** 2 >= dot.r**2
            else:
                assert not mapframe.overlaps(box, (dot.x - dot.r, dot.y - dot.r, dot.x + dot.r, dot.y + dot.r))
    assert must_name <= {p.name for p in place_map.points if p.label}


@pytest.mark.django_db
def test_a_lone_place_gets_a_window_of_its_region_not_a_street_map():
    lonely = factories.PlaceFactory(name="Lonely", latitude=38.0, longitude=46.0)

    place_map = dotmap.picture({lonely.pk: lonely}, {}, lambda place: "/", every_place=True)

    (point,) = place_map.points
    scale = float(place_map.transform.split()[0].removeprefix("matrix("))
    assert place_map.width / scale == pytest.approx(mapframe.MIN_WINDOW_WIDTH)
    assert 0 < point.x < place_map.width and 0 < point.y < place_map.height
    assert place_map.countries  # the borders around it are drawn


@pytest.mark.django_db
def test_areas_are_not_dots_and_the_busiest_place_sets_the_largest_dot(monkeypatch):
    with changes.recording():
        province = factories.PlaceFactory(name="Testprovince", kind="province", latitude=38.0, longitude=47.0)
        cities = [
            factories.PlaceFactory(name=f"Town {i}", parent=province, latitude=37 + i / 5, longitude=46 + i / 5)
            for i in range(5)
        ]
        for i, city in enumerate(cities):
            for _n in range(i * 20):  # 0, 20, 40, 60, 80 protests
                factories.ProtestFactory().places.set([city])
    monkeypatch.setattr(dotmap, "MAX_DOTS", 3)
    places = {p.pk: p for p in [province, *cities]}

    place_map = dotmap.picture(places, dotmap.protests_within(places), lambda place: "/", every_place=True)

    assert [p.name for p in place_map.points] == ["Town 4", "Town 3", "Town 2"]  # the busiest, biggest first
    assert sorted(p.name for p in place_map.crowded) == ["Town 0", "Town 1"]
    assert "Testprovince" not in {p.name for p in place_map.listed}  # its 200 protests would drown its towns
    assert place_map.points[0].r == dotmap.MAX_RADIUS
    assert dotmap.MIN_RADIUS < place_map.points[-1].r < dotmap.MAX_RADIUS
    assert "Only the 3 with the most protests are drawn." in place_map.text


def test_a_dots_name_and_link_are_escaped_in_the_svg(db):
    """What a place is called, and the list's query in its dot's link, reach the map's SVG escaped."""
    from django.template.loader import render_to_string

    hostile = factories.PlaceFactory(name="Tab\"riz <b>&'x", latitude=38.08, longitude=46.29)
    factories.ProtestFactory().places.set([hostile])
    places = {hostile.pk: hostile}
    place_map = dotmap.picture(
        places, dotmap.protests_within(places), lambda place: "/en/protests/?a=1&place=x", every_place=False
    )
    svg = render_to_string("archive/_chart_map_svg.html", {"picture": place_map, "picture_id": "m", "size": "wide"})
    assert 'href="/en/protests/?a=1&amp;place=x"' in svg
    assert "Tab&quot;riz &lt;b&gt;&amp;&#x27;x" in svg
    assert "<b>" not in svg and 'Tab"riz' not in svg


def _crowded_towns(count: int = 5) -> list:
    """`count` towns with coordinates, town i with i + 1 protests (so the busiest are the last)."""
    with changes.recording():
        towns = [
            factories.PlaceFactory(name=f"Crowdtown {i}", latitude=37 + i / 5, longitude=46 + i / 5)
            for i in range(count)
        ]
        for i, town in enumerate(towns):
            for _n in range(i + 1):
                factories.ProtestFactory().places.set([town])
    return towns


def _places_listed(html: str) -> list[str]:
    listed = html[html.index('<ul class="chart-places">') :]
    return re.findall(r"<bdi>([^<]*)</bdi></a>", listed[: listed.index("</ul>")])


def _more(language: str, n: int) -> tuple[str, str]:
    """What the page says, in `language`, of `n` places left out of the list; and where every place is."""
    from django.utils import translation
    from django.utils.translation import gettext, ngettext

    from archive.templatetags.archive_tags import local_digits

    with translation.override(language):
        more = ngettext(
            "%(n)s more place, with no more protests than those drawn, is not listed here.",
            "%(n)s more places, each with no more protests than those drawn, are not listed here.",
            n,
        )
        return local_digits(more % {"n": n}), gettext("Every place has its page in the list of places.")


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "az", "fa", "tr"])
def test_the_list_under_the_map_names_the_places_drawn_and_counts_the_rest(client, monkeypatch, language):
    """At scale M the list under the map named every place with coordinates — 2,700 items, 440 KB of the home page
    and of each protests list; it now names those drawn (and any beyond the map), and says how many more there are."""
    _crowded_towns()
    with changes.recording():  # beyond the map: listed, though it has fewer protests than any crowded town
        far = factories.PlaceFactory(name="Far north", latitude=69.0, longitude=33.0)
        factories.ProtestFactory().places.set([far])
    monkeypatch.setattr(dotmap, "MAX_DOTS", 3)

    home = client.get(f"/{language}/")
    protests = client.get(f"/{language}/protests/")

    for response, place_map in (
        (home, home.context["place_map"]),
        (protests, protests.context["list_charts"].place_map),
    ):
        html = response.content.decode()
        assert len(place_map.points) == 3 and len(place_map.crowded) >= 2
        assert "Crowdtown 4" in {p.name for p in place_map.points}  # the busiest is drawn
        assert "Far north" in _places_listed(html) and "Crowdtown 0" not in _places_listed(html)
        assert _places_listed(html) == [p.name for p in place_map.named]
        assert sorted(p.name for p in place_map.named) == sorted(p.name for p in place_map.points + place_map.outside)
        assert not {p.name for p in place_map.crowded} & set(_places_listed(html))
        more, every_place = _more(language, len(place_map.crowded))
        assert more in html
        if language != "en":  # translated, not left in English
            assert "those drawn" not in more and "Every place" not in every_place
    # The home page's map is of every place, each with its page in the list of places; a list's map is of its records.
    assert f'<a href="/{language}/places/">{every_place}</a>' in home.content.decode()
    assert every_place not in protests.content.decode()


@pytest.mark.django_db
def test_a_map_with_room_for_every_place_lists_every_place(client):
    _crowded_towns(3)

    response = client.get("/en/")

    place_map = response.context["place_map"]
    html = response.content.decode()
    assert not place_map.crowded
    assert _places_listed(html) == [p.name for p in place_map.listed]
    assert {"Crowdtown 0", "Crowdtown 1", "Crowdtown 2"} <= set(_places_listed(html))
    assert "not listed here" not in html and "the list below names each with its protests" in html
