"""What public reads take from the read model alone: search results' titles and dates, a record's document
(`readmodel.one`), the list page's rows, and its option labels and map, which must read as before while doing
less."""

import datetime as dt
import re
from decimal import Decimal
from importlib import import_module
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.template.defaultfilters import floatformat
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from archive import changes, pages, readmodel, registry, search, translations, views
from archive.apps import _derive_public_documents
from archive.charts.dotmap import MapPoint
from archive.charts.places import within
from archive.dates import DatePrecision
from archive.filters import filterset_for
from archive.models import Place, PlaceName, Protest, ProtestSizeClaim, PublicDocument, Status
from archive.registry import Claims, Kind
from archive.templatetags.archive_tags import solar_hijri
from tests import factories

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "az", "fa", "tr"]
RECORD_TABLES = {t.model._meta.db_table for t in registry.TYPES}


@pytest.fixture
def tabriz(db):
    place = factories.PlaceFactory(name="Tabriz", public_id="tabriz")
    for tag, name in (("fa", "تبریز"), ("az-Latn", "Təbriz"), ("tr", "Tebriz")):
        language = factories.LanguageFactory(code=tag, name=tag)
        PlaceName.objects.create(owner=place, name=name, language=language, kind="native")
    rally = factories.ProtestFactory(title="Rally in Tabriz", public_id="rally", date_start=dt.date(2020, 10, 3))
    rally.places.add(place)
    search.rebuild()
    return place


@pytest.mark.parametrize("language", LANGUAGES)
def test_search_results_are_titled_and_dated_as_the_records_read_in_each_language(tabriz, language):
    with translation.override(language):
        found = {result.public_id: result for result in search.search("Tabriz")}
        for result in found.values():
            record_type = registry.get(result.record_type)
            records = record_type.model.objects
            records = records.prefetch_related("other_names") if record_type.named else records
            record = records.get(pk=result.object_id)
            assert result.title == translations.title_in(record)
            assert result.date == (record.date_display if registry.get(result.record_type).dated else "")
    assert set(found) == {"tabriz", "rally"}
    expected = {"en": "Tabriz", "az": "Təbriz", "fa": "تبریز", "tr": "Tebriz"}[language]
    assert found["tabriz"].title == expected


@pytest.mark.parametrize(
    ("tag", "prefix", "title"),
    [("en", "en", "Tabriz"), ("az-Latn", "az", "Təbriz"), ("fa", "fa", "تبریز"), ("tr", "tr", "Tebriz")],
)
def test_the_search_api_answers_in_the_language_lang_asks_for_as_record_endpoints_do(
    tabriz, client, tag, prefix, title
):
    body = client.get("/api/v1/search/", {"q": "Tabriz", "lang": tag}, HTTP_ACCEPT_LANGUAGE="en").json()
    place = next(r for r in body["results"] if r["id"] == "tabriz")
    assert place["title"] == title and place["html_url"].endswith(f"/{prefix}/places/tabriz/")
    rally = next(r for r in body["results"] if r["id"] == "rally")
    with translation.override(prefix):
        assert rally["date"] == Protest.objects.get(public_id="rally").date_display


def test_the_search_api_refuses_a_language_it_does_not_have(tabriz, client):
    response = client.get("/api/v1/search/", {"q": "Tabriz", "lang": "zz"})
    assert response.status_code == 400
    assert [(e["parameter"], e["code"]) for e in response.json()["errors"]] == [("lang", "unknown_language")]


def test_search_reads_no_record_beyond_the_public_gates_check_of_its_ids(tabriz, client):
    """Titles and dates come from the read model; a record table is asked only which ids pass the gate, inside
    the one query that reads the results of every type."""
    with CaptureQueriesContext(connection) as queries:
        results = search.search("Tabriz")
    assert {r.public_id for r in results} == {"tabriz", "rally"}
    read = [q["sql"] for q in queries if any(f'"{table}"' in q["sql"] for table in RECORD_TABLES)]
    assert len(read) == 1 and read[0].startswith('SELECT "archive_publicdocument"."record_type"')
    assert '"archive_place"' in read[0] and '"archive_protest"' in read[0]
    page = client.get("/fa/search/", {"q": "Tabriz"}).content.decode()
    assert 'href="/fa/places/tabriz/"' in page and "تبریز" in page


def test_a_record_without_a_row_in_the_read_model_is_not_a_result(tabriz):
    """The read model is search's last gate: a record whose rows are gone (hidden by a write the index has not
    seen yet) is left out, whatever its search entry says."""
    PublicDocument.objects.filter(record_type="protests").delete()
    assert [r.public_id for r in search.search("Tabriz")] == ["tabriz"]


def test_a_record_hidden_behind_the_write_paths_back_is_not_a_result_before_the_rebuild(tabriz):
    Protest.objects.filter(public_id="rally").update(status=Status.DRAFT)  # its rows and search entry remain
    assert PublicDocument.objects.filter(record_type="protests").exists()
    assert [r.public_id for r in search.search("Tabriz")] == ["tabriz"]


def test_the_migration_empties_the_read_model_and_migrating_derives_it_again_with_titles(tabriz):
    forget_documents = import_module("archive.migrations.0020_search_titles_in_read_model").forget_documents
    forget_documents(django_apps, SimpleNamespace(connection=connection))
    assert not PublicDocument.objects.exists()
    _derive_public_documents(using="default")
    assert readmodel.differences() == []
    titles = dict(PublicDocument.objects.filter(language="fa").values_list("public_id", "title"))
    assert titles == {"tabriz": "تبریز", "rally": "Rally in Tabriz"}


# --- a list page's rows ---------------------------------------------------------------------------------


@pytest.fixture
def listed(tabriz):
    """Protests whose rows show every part of a row: places (one hidden, one in two), kinds, a claim in words and
    one in figures only, citations of public sources (one cited twice) and of a hidden one; and an undated one."""
    hidden_place = factories.PlaceFactory(name="Secret village", public_id="secret", status=Status.DRAFT)
    urmia = factories.PlaceFactory(name="Urmia", public_id="urmia")
    public_source, hidden_source = factories.SourceFactory(), factories.SourceFactory(status=Status.DRAFT)
    with changes.recording():
        march = factories.ProtestFactory(
            title="March", public_id="march", kind="march", date_start=dt.date(2020, 10, 18), date_end=None
        )
        march.places.add(tabriz, hidden_place, urmia)
        ProtestSizeClaim.objects.create(protest=march, low=200, high=300)
        ProtestSizeClaim.objects.create(protest=march, words="thousands")
        for source in (public_source, public_source, hidden_source):
            factories.CitationFactory(record=march, source=source)
        undated = factories.ProtestFactory(
            title="Undated", public_id="undated", date_start=None, date_precision=DatePrecision.UNDATED
        )
        undated.places.add(hidden_place)
        ProtestSizeClaim.objects.create(protest=undated, words="hundreds", low=100, high=900)
    return Protest.objects.order_by("pk")


def expected_row(record, place_paths: tuple[str, ...]) -> pages.ListRow:
    """A list row as the record itself reads in the active language, through the public gate."""
    record_type = registry.of(record)
    pages.with_names([record])  # its name in the reader's language, if it has one
    places = []
    for path in place_paths:
        value = getattr(record, path)
        linked = list(value.published()) if hasattr(value, "published") else [value]
        public = pages.with_names([place for place in linked if place is not None and place.is_public])
        places += [translations.title_in(place) for place in public]
    choice = next(iter(record_type.fields_of(Kind.CHOICE, public=True)), None)
    claims = record_type.part(Claims)
    claim = getattr(record, claims.accessor).order_by("pk").first() if claims else None
    sources = record.citations.filter(source__status=Status.PUBLISHED, source__restricted=False)
    dated = record_type.dated and record.date_start is not None
    return pages.ListRow(
        url=record.get_absolute_url(),
        title=translations.title_in(record),
        date=record.date_display if record_type.dated else "",
        solar_hijri=solar_hijri(record) if dated and translation.get_language() == "fa" else "",
        places=list(dict.fromkeys(places)),
        kind=getattr(record, f"get_{choice.name}_display")() if choice else "",
        size=(claim.words or claim.range_display) if claim else "",
        sources=sources.values("source").distinct().count(),
    )


def rows_and_expected(record_type) -> tuple[list, list]:
    place_paths = views._place_paths(filterset_for(record_type.model)({}, queryset=record_type.model.objects.none()))
    records = list(record_type.model.objects.published().order_by("pk"))
    rows = pages.list_rows(record_type, [record.pk for record in records], place_paths)
    return rows, [expected_row(record, place_paths) for record in records]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_list_row_reads_as_the_record_does_in_each_language(listed, language):
    """What a row shows, from the read model, is what the record itself says in the reader's language."""
    with translation.override(language):
        rows, expected = rows_and_expected(registry.get("protests"))
    assert rows == expected
    march = rows[[record.public_id for record in listed].index("march")]
    assert march.size == "200–300" and march.sources == 1
    assert march.places == [{"en": "Tabriz", "az": "Təbriz", "fa": "تبریز", "tr": "Tebriz"}[language], "Urmia"]
    assert bool(march.solar_hijri) == (language == "fa")


@pytest.mark.parametrize(
    ("lang", "places"),
    [
        ("en", "<bdi>Tabriz</bdi>, <bdi>Urmia</bdi>"),
        ("az", "<bdi>Təbriz</bdi>, <bdi>Urmia</bdi>"),
        ("fa", "<bdi>تبریز</bdi>، <bdi>Urmia</bdi>"),  # the Persian comma
        ("tr", "<bdi>Tebriz</bdi>, <bdi>Urmia</bdi>"),
    ],
)
def test_a_rows_places_are_listed_with_the_languages_separator(listed, client, lang, places):
    assert places in client.get(f"/{lang}/protests/").content.decode()


@pytest.fixture
def every_type(tabriz):
    """A record of every type linked to places through each kind of relation (one place, a place and a country,
    a parent), claims in words and in figures, a withheld detainee and a hidden place."""
    iran = factories.PlaceFactory(name="Iran", public_id="iran", kind="country")
    hidden_place = factories.PlaceFactory(name="Secret village", public_id="secret", status=Status.DRAFT)
    at_risk = factories.PersonFactory(name="Hidden Person", at_risk=True)
    with changes.recording():
        tabriz.parent = iran
        tabriz.save()
        factories.PlaceFactory(name="Maralan", parent=tabriz)
        named = factories.ArrestFactory(person=at_risk, group_description="", place=tabriz, outcome="released")
        named.count_claims.create(low=20)
        factories.ArrestFactory(place=hidden_place, date_start=None, date_precision=DatePrecision.UNDATED)
        statement = factories.StatementFactory(place=tabriz)
        statement.signatory_claims.create(words="dozens", low=24, high=99)
        factories.CitationFactory(record=statement)
        factories.OrganizationFactory(based_in=tabriz, country=iran)
        factories.OrganizationFactory(based_in=hidden_place, kind="student")
        factories.MediaOutletFactory(country=iran)
        factories.PersonFactory(name="Public Person")
        factories.SourceFactory(title="A source")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("key", [t.key for t in registry.TYPES if t.key != "protests"])
def test_every_types_rows_read_as_its_records_do(every_type, key, language):
    with translation.override(language):
        rows, expected = rows_and_expected(registry.get(key))
    assert rows and rows == expected
    shown = " ".join(str(value) for row in rows for value in vars(row).values())
    assert "Hidden Person" not in shown and "Secret village" not in shown


def test_a_place_hidden_behind_the_write_paths_back_is_not_named_before_the_rebuild(listed):
    """The places' names come through the public gate too, as search's titles do: a place hidden by bulk SQL keeps
    its stored row (and the documents that link to it) until `rebuild_public`, but no row names it."""
    Place.objects.filter(public_id="urmia").update(status=Status.DRAFT)
    rows = pages.list_rows(registry.get("protests"), [record.pk for record in listed], ("places",))
    assert [row.places for row in rows if row.url.endswith("/march/")] == [["Tabriz"]]


def test_a_list_row_reads_the_records_only_for_the_places_gate_in_two_queries_whatever_the_page_size(
    listed, django_assert_num_queries
):
    protests = registry.get("protests")
    ids = [record.pk for record in listed]
    with CaptureQueriesContext(connection) as queries:
        pages.list_rows(protests, ids, ("places",))
    assert len(queries) == 2
    documents, places = (q["sql"] for q in queries)
    assert not any(f'"{table}"' in documents for table in RECORD_TABLES)
    assert {table for table in RECORD_TABLES if f'"{table}"' in places} == {"archive_place"}
    with changes.recording():
        more = [factories.ProtestFactory().pk for _ in range(30)]
    with django_assert_num_queries(2):
        assert len(pages.list_rows(protests, ids + more, ("places",))) == len(ids) + 30


def test_a_record_without_a_document_has_no_row_and_the_page_shows_the_others(listed, client):
    """A record hidden after the page's query read it (its rows gone with the write) is left out, not shown empty."""
    PublicDocument.objects.filter(record_type="protests", public_id="march").delete()
    rows = pages.list_rows(registry.get("protests"), [record.pk for record in listed], ("places",))
    assert [row.url.rsplit("/", 2)[-2] for row in rows] == [p.public_id for p in listed if p.public_id != "march"]
    page = client.get("/fa/protests/").content.decode()
    assert 'href="/fa/protests/rally/"' in page and 'href="/fa/protests/march/"' not in page


# --- a record's document -------------------------------------------------------------------------------


def test_one_is_one_query_and_answers_only_for_what_is_public(django_assert_num_queries):
    shown, hidden = factories.ProtestFactory(public_id="shown"), factories.ProtestFactory(public_id="hidden")
    readmodel.one(Protest, "shown")  # compiled once per type, database and language
    with django_assert_num_queries(1):
        found = readmodel.one(Protest, "shown")
    assert (found.pk, found.public_id, found.updated) == (shown.pk, "shown", Protest.objects.get(pk=shown.pk).updated)
    assert found.public_document == PublicDocument.objects.get(object_id=shown.pk, language="en").document
    assert readmodel.one(Protest, "hidden", "fa").public_document != found.public_document
    Protest.objects.filter(pk=hidden.pk).update(status=Status.DRAFT)  # behind the write path: its rows remain
    assert readmodel.one(Protest, "hidden") is None
    assert readmodel.one(Protest, "no-such-id") is None


# --- the list page's options and map ---------------------------------------------------------------------


def test_options_are_the_busiest_public_ones_when_only_the_busiest_are_labelled(client, monkeypatch):
    """Labels are read a batch at a time from the busiest down, each batch ending where the count changes: the
    options are those of labelling every counted record, ties ordered by name, a hidden organization left out,
    and the visitor's choice beyond the cut keeps its count."""
    from archive import views

    monkeypatch.setattr(views, "MAX_OPTIONS", 1)
    orgs = {
        name: factories.OrganizationFactory(name=name, public_id=name.lower(), status=status)
        for name, status in (
            ("Alpha", Status.DRAFT),
            ("Charlie", Status.PUBLISHED),
            ("Bravo", Status.PUBLISHED),
            ("Delta", Status.PUBLISHED),
        )
    }
    for name, n in (("Alpha", 3), ("Bravo", 2), ("Charlie", 2), ("Delta", 1)):
        for _ in range(n):
            factories.ProtestFactory().organizers.add(orgs[name])
    options = client.get("/en/protests/").context["relation_facets"]["organization"]
    assert [(o[1], o[2]) for o in options] == [("Bravo", 2)]
    # Whatever order the counts come in, a batch takes in every record tied with its last: Charlie first here.
    counts = {orgs["Charlie"].pk: 2, orgs["Alpha"].pk: 3, orgs["Bravo"].pk: 2, orgs["Delta"].pk: 1}
    labelled = views._busiest_labelled(orgs["Alpha"].__class__, counts)
    assert sorted(label for _pk, _id, label in labelled) == ["Bravo", "Charlie"]
    chosen = client.get("/en/protests/", {"organization": "delta"}).context["relation_facets"]["organization"]
    assert [(o[1], o[2]) for o in chosen] == [("Bravo", 2), ("Delta", 1)]
    monkeypatch.setattr(views, "MAX_OPTIONS", 2)
    options = client.get("/en/protests/", {"sort": "updated"}).context["relation_facets"]["organization"]
    assert [(o[1], o[2]) for o in options] == [("Bravo", 2), ("Charlie", 2)]


def test_within_is_the_place_and_the_public_places_beneath_it():
    def place(parent_id):
        return SimpleNamespace(parent_id=parent_id)

    # 1 ⊃ 2 ⊃ 3; 4 lies under 5, which is not public (not given); 6 and 7 are each other's parent (bad data).
    places = {1: place(None), 2: place(1), 3: place(2), 4: place(5), 6: place(7), 7: place(6)}
    assert within(1, places) == {1, 2, 3}
    assert within(2, places) == {2, 3}
    assert within(5, places) == set()
    assert within(None, places) == set()
    assert within(6, places) == {6, 7}


@pytest.mark.parametrize(
    "value", [0.0, -0.0, -0.004, 0.005, 0.015, 38.075, 46.2951, -33.865, 179.995, -179.995, 89.999999, 1e-7]
)
def test_the_map_lists_coordinates_as_the_template_filter_wrote_them(value):
    point = MapPoint("x", "/", "city", value, float(Decimal("46.29")), 1)
    assert point.coordinates == f"{floatformat(value, '2u')}° N, 46.29° E"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_maps_place_list_and_caption_write_counts_in_the_pages_digits(client, lang):
    """Persian pages write counts in Persian digits (as the map's tooltips and the list's totals already did),
    the others in Latin ones; coordinates stay Latin everywhere (machine-readable)."""
    province = factories.PlaceFactory(name="Ardabil Province", public_id="ardabil-province", kind="province")
    city = factories.PlaceFactory(name="Ardabil", public_id="ardabil", parent=province, latitude=38.25, longitude=48.29)
    tabriz = factories.PlaceFactory(name="Tabriz", public_id="tabriz", latitude=38.08, longitude=46.29)
    urmia = factories.PlaceFactory(name="Urmia", public_id="urmia", latitude=37.55, longitude=45.07)
    for _ in range(2):
        factories.ProtestFactory().places.set([city, tabriz, urmia])  # two places elsewhere: "the 2 pale dots"
    html = client.get(f"/{lang}/protests/", {"place": "ardabil-province"}).content.decode()
    listed = re.findall(
        r'<li><a href="[^"]*"><bdi>(\w+)</bdi></a> — ([^<]*) <small>\(<bdi dir="ltr">([^<]*)</bdi>', html
    )
    assert [(name, coordinates) for name, _count, coordinates in listed] == [
        ("Ardabil", "38.25° N, 48.29° E"),
        ("Tabriz", "38.08° N, 46.29° E"),
        ("Urmia", "37.55° N, 45.07° E"),
    ]
    two = "۲" if lang == "fa" else "2"
    assert all(two in count and not re.search(r"[0-9۰-۹]", count.replace(two, "")) for _n, count, _c in listed)
    caption = re.search(r"<figcaption>(.*?)</figcaption>", html, re.S).group(1)
    assert (re.search(r"[0-9]", caption) is None) == (lang == "fa")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_city_chart_bars_tooltips_write_counts_in_the_pages_digits(client, lang):
    city = factories.PlaceFactory(name="Zanjan", public_id="zanjan", kind="city")
    for _ in range(3):
        factories.ProtestFactory().places.set([city])
    titles = re.findall(r"<title>(Zanjan[^<]*)</title>", client.get(f"/{lang}/").content.decode())
    assert titles and all(("۳" in t) == (lang == "fa") and ("3" in t) == (lang != "fa") for t in titles)
