"""The read API: public gate, filters, ordering, paging, formats, caching."""

import datetime as dt

import pytest
from django.utils import timezone

from archive import changes
from archive.models import ArrestCountClaim, PlaceName, Status
from tests import factories
from tests.factories import CitationFactory

pytestmark = pytest.mark.django_db

ENDPOINTS = ["protests", "arrests", "statements", "organizations", "media-outlets", "people", "places", "sources"]
FACTORY = {
    "protests": factories.ProtestFactory,
    "arrests": factories.ArrestFactory,
    "statements": factories.StatementFactory,
    "organizations": factories.OrganizationFactory,
    "media-outlets": factories.MediaOutletFactory,
    "people": factories.PersonFactory,
    "places": factories.PlaceFactory,
    "sources": factories.SourceFactory,
}


def ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_list_and_detail_show_only_public_records(client, endpoint):
    make = FACTORY[endpoint]
    public = make(public_id=f"{endpoint}-public")
    make(public_id=f"{endpoint}-draft", status=Status.DRAFT)
    make(public_id=f"{endpoint}-restricted", restricted=True)
    assert ids(client.get(f"/api/v1/{endpoint}/")) == [public.public_id]
    assert client.get(f"/api/v1/{endpoint}/{public.public_id}/").json()["id"] == public.public_id


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_restricted_and_missing_records_give_the_same_404(client, endpoint):
    FACTORY[endpoint](public_id="hidden-one", restricted=True)
    hidden = client.get(f"/api/v1/{endpoint}/hidden-one/")
    missing = client.get(f"/api/v1/{endpoint}/no-such-one/")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


def test_withdrawn_record_answers_410_with_its_reason(client):
    factories.ProtestFactory(public_id="gone", status=Status.WITHDRAWN, withdrawn_reason="Duplicate of another record")
    response = client.get("/api/v1/protests/gone/")
    assert response.status_code == 410
    assert response.json()["reason"] == "Duplicate of another record"


def test_at_risk_detainee_is_never_serialized(client):
    person = factories.PersonFactory(name="Canary Detainee", public_id="canary-person", at_risk=True)
    factories.ArrestFactory(person=person, group_description="", public_id="arrest-canary")
    body = client.get("/api/v1/arrests/arrest-canary/").content.decode()
    assert "Canary" not in body and "canary-person" not in body
    assert client.get("/api/v1/arrests/arrest-canary/").json()["detainee"] == "a detainee, name withheld"


def test_private_notes_and_restricted_flags_are_never_serialized(client):
    factories.ProtestFactory(public_id="p1", private_note="PRIVATE-CANARY")
    body = client.get("/api/v1/protests/p1/").content.decode() + client.get("/api/v1/protests/").content.decode()
    assert "PRIVATE-CANARY" not in body and "restricted" not in body and "private_note" not in body


def test_related_records_are_summaries_and_pass_the_gate(client):
    protest = factories.ProtestFactory(public_id="p1")
    protest.places.add(factories.PlaceFactory(public_id="tabriz", name="Tabriz", latitude="38.08", longitude="46.29"))
    protest.organizers.add(factories.OrganizationFactory(public_id="draft-org", status=Status.DRAFT))
    body = client.get("/api/v1/protests/p1/").json()
    assert body["places"][0]["id"] == "tabriz" and body["places"][0]["url"].endswith("/api/v1/places/tabriz/")
    assert body["organizers"] == []
    assert body["date"] == {
        "start": "2020-09-29",
        "end": None,
        "precision": "day",
        "display": "29 September 2020",
        "note": "",
    }


def test_counts_as_words_low_high_claimant(client):
    arrest = factories.ArrestFactory(public_id="a1")
    ArrestCountClaim.objects.create(arrest=arrest, words="about a hundred", low=80, high=120, claimant="Caner")
    claim = client.get("/api/v1/arrests/a1/").json()["count_claims"][0]
    assert (claim["words"], claim["low"], claim["high"], claim["claimant"]) == ("about a hundred", 80, 120, "Caner")


def test_citations_carry_footnote_and_quote(client):
    protest = factories.ProtestFactory(public_id="p1")
    CitationFactory(record=protest, footnote=16, quote="Nurdüz must be closed")
    citation = client.get("/api/v1/protests/p1/").json()["citations"][0]
    assert (citation["footnote"], citation["quote"]) == (16, "Nurdüz must be closed")


# --- filters: each once matching and once not ------------------------------------------------


@pytest.fixture
def tabriz_october(db):
    iran = factories.PlaceFactory(public_id="iran", kind="country")
    province = factories.PlaceFactory(public_id="east-azerbaijan", kind="province", parent=iran)
    tabriz = factories.PlaceFactory(public_id="tabriz", parent=province)
    urmia = factories.PlaceFactory(public_id="urmia")
    org = factories.OrganizationFactory(public_id="gamac")
    october = factories.ProtestFactory(public_id="oct", date_start=dt.date(2020, 10, 1), date_precision="month")
    october.places.add(tabriz)
    october.organizers.add(org)
    september = factories.ProtestFactory(public_id="sep", date_start=dt.date(2020, 9, 29), kind="strike")
    september.places.add(urmia)
    factories.ArrestFactory(protest=september)
    return {"tabriz": tabriz}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("date_from=2020-10-18&date_to=2020-10-20", ["oct"]),
        ("date_from=2020-11-01", []),
        ("place=iran", ["oct"]),
        ("place=east-azerbaijan", ["oct"]),
        ("place=urmia", ["sep"]),
        ("place=nowhere", []),
        ("organization=gamac", ["oct"]),
        ("organization=nobody", []),
        ("kind=strike", ["sep"]),
        ("kind=march", []),
        ("event_status=held", ["oct", "sep"]),
        ("event_status=called", []),
        ("has_arrests=true", ["sep"]),
        ("has_arrests=false", ["oct"]),
        ("search=Protest", ["oct", "sep"]),
        ("search=zzzz", []),
    ],
)
def test_protest_filters(client, tabriz_october, query, expected):
    assert sorted(ids(client.get(f"/api/v1/protests/?{query}"))) == sorted(expected)


@pytest.mark.parametrize("path", ["/api/v1/protests/", "/en/protests/"])
def test_has_arrests_yes_and_no_make_all_even_with_an_arrest_at_no_protest(client, tabriz_october, path):
    factories.ArrestFactory(protest=None)  # a NULL protest_id once made `NOT IN` match nothing
    if path.startswith("/api/"):
        assert sorted(ids(client.get(path, {"has_arrests": "false"}))) == ["oct"]
        assert sorted(ids(client.get(path, {"has_arrests": "true"}))) == ["sep"]
    else:
        page = client.get(path, {"has_arrests": "false"}).content.decode()
        assert "/en/protests/oct/" in page and "/en/protests/sep/" not in page


def test_updated_since_filter(client, tabriz_october):
    later = (timezone.now() + dt.timedelta(hours=1)).isoformat()
    earlier = (timezone.now() - dt.timedelta(hours=1)).isoformat()
    assert ids(client.get("/api/v1/protests/", {"updated_since": later})) == []
    assert len(ids(client.get("/api/v1/protests/", {"updated_since": earlier}))) == 2


def test_filtering_by_a_restricted_place_matches_nothing(client, tabriz_october):
    tabriz = tabriz_october["tabriz"]
    tabriz.restricted = True
    tabriz.save()
    assert ids(client.get("/api/v1/protests/?place=tabriz")) == []


@pytest.mark.parametrize(
    "query",
    [
        "colour=red",
        "ordering=private_note",
        "ordering=-restricted",
        "ordering=title",
        "kind=spaceship",
        "date_from=2020-13-45",
        "date_from=2020-10-20&date_to=2020-10-01",
        "page_size=abc",
        "page_size=0",
        "page_size=-5",
        "cursor=not-a-cursor",
        "format=xml",
        "updated_since=yesterday",
        "search=" + "x" * 300,
    ],
)
def test_bad_parameters_are_400_with_a_message(client, tabriz_october, query):
    response = client.get(f"/api/v1/protests/?{query}")
    assert response.status_code == 400, (query, response.status_code)
    assert response.json()


def test_ordering_on_listed_fields(client, tabriz_october):
    assert ids(client.get("/api/v1/protests/?ordering=date_start")) == ["sep", "oct"]
    assert ids(client.get("/api/v1/protests/?ordering=-date_start")) == ["oct", "sep"]


def test_page_size_is_capped_at_500_and_pages_follow_by_cursor(client):
    factories.PlaceFactory.create_batch(7)
    first = client.get("/api/v1/places/?page_size=5").json()
    assert len(first["results"]) == 5
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 2 and second["next"] is None
    assert client.get("/api/v1/places/?page_size=100000").json()["page_size"] == 500


def test_list_does_not_count_the_table(client, django_assert_max_num_queries):
    factories.ProtestFactory.create_batch(5)
    with django_assert_max_num_queries(14) as captured:
        client.get("/api/v1/protests/")
    assert not any("COUNT(" in q["sql"].upper() for q in captured.captured_queries)


def test_csv_export_is_flat_and_formula_escaped(client):
    factories.ProtestFactory(public_id="p1", title="=HYPERLINK(evil)")
    response = client.get("/api/v1/protests/?format=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode()
    header, row = body.splitlines()[:2]
    assert "date_display" in header and "date_precision" in header
    assert "'=HYPERLINK(evil)" in row


def test_geojson_for_places_with_coordinates(client):
    factories.PlaceFactory(public_id="tabriz", latitude="38.08", longitude="46.29")
    factories.PlaceFactory(public_id="nowhere")
    response = client.get("/api/v1/places/?format=geojson")
    import json

    data = json.loads(b"".join(response.streaming_content))
    assert [f["id"] for f in data["features"]] == ["tabriz"]
    assert data["features"][0]["geometry"] == {"type": "Point", "coordinates": [46.29, 38.08]}


def test_geojson_is_refused_for_types_without_places(client):
    assert client.get("/api/v1/people/?format=geojson").status_code == 400


def test_conditional_get_answers_304(client):
    factories.ProtestFactory(public_id="p1")
    first = client.get("/api/v1/protests/p1/")
    assert first["ETag"] and first["Last-Modified"] and first["Cache-Control"] == "public, no-cache"
    assert client.get("/api/v1/protests/p1/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_etag_changes_when_a_record_changes(client):
    protest = factories.ProtestFactory(public_id="p1")
    first = client.get("/api/v1/protests/")
    protest.title = "Renamed"
    protest.save()
    assert client.get("/api/v1/protests/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_search_filter_uses_aliases(client):
    place = factories.PlaceFactory(public_id="urmia", name="Urmia")
    PlaceName.objects.create(owner=place, name="Urmu", language=factories.LanguageFactory())
    assert ids(client.get("/api/v1/places/?search=Urmu")) == ["urmia"]


@pytest.mark.parametrize("size", ["¹2", "٣", "1e3", "1.5", "9999999999999999999999", " 5"])
def test_odd_page_sizes_are_400(client, size):
    assert client.get("/api/v1/places/", {"page_size": size}).status_code == 400


def test_if_modified_since_answers_304(client):
    factories.ProtestFactory(public_id="p-one")
    first = client.get("/api/v1/protests/p-one/")
    assert client.get("/api/v1/protests/p-one/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    assert (
        client.get("/api/v1/protests/p-one/", HTTP_IF_MODIFIED_SINCE="Mon, 01 Jan 2001 00:00:00 GMT").status_code == 200
    )


@pytest.mark.parametrize(
    ("since", "status"),
    [
        ("0489-07-01T14:13:32+19:50", 200),
        ("0001-01-01T00:00:00+14:00", 400),
        ("2020-10-01T00:00:00+03:30", 200),
        ("9999-12-31T23:59:59-12:00", 400),
    ],
)
def test_updated_since_with_odd_offsets(client, since, status):
    factories.PlaceFactory()
    assert client.get("/api/v1/places/", {"updated_since": since}).status_code == status


# --- fields derived from the registry ---------------------------------------------------------


def _api_keys(record_type) -> set[str]:
    """The keys the registry says a type's API records have for its public spec fields."""
    grouped = {name: group for group, names in record_type.api_groups.items() for name in names}
    return {grouped.get(spec.name, spec.public_name) for spec in record_type.public_fields}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_every_public_spec_field_appears_in_the_record(client, endpoint):
    from archive import registry

    record_type = registry.get(endpoint)
    FACTORY[endpoint](public_id="the-record")
    body = client.get(f"/api/v1/{endpoint}/the-record/").json()
    assert _api_keys(record_type) <= set(body), _api_keys(record_type) - set(body)
    assert body["type"] == record_type.key
    hidden = {spec.name for spec in record_type.fields if not spec.public}
    assert not hidden & set(body)


def test_a_persons_at_risk_flag_is_not_in_the_api(client):
    factories.PersonFactory(public_id="someone")
    assert "at_risk" not in client.get("/api/v1/people/someone/").json()


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_parts_reverse_lists_and_computed_columns_appear(client, endpoint):
    from archive import registry

    record_type = registry.get(endpoint)
    FACTORY[endpoint](public_id="the-record")
    body = client.get(f"/api/v1/{endpoint}/the-record/").json()
    assert set(record_type.reverse) <= set(body)
    assert {c.name for c in record_type.computed} <= set(body)
    part_keys = {"other_names", "roles", "texts", *(part.accessor for part in record_type.parts)}
    assert len(record_type.parts) == len(set(body) & part_keys)


def test_a_source_lists_its_public_author_people(client):
    source = factories.SourceFactory(public_id="book")
    source.author_people.add(factories.PersonFactory(public_id="author", name="Ali Author"))
    source.author_people.add(factories.PersonFactory(public_id="draft-author", status=Status.DRAFT))
    authors = client.get("/api/v1/sources/book/").json()["author_people"]
    assert [a["id"] for a in authors] == ["author"]
    assert authors[0]["type"] == "people" and authors[0]["name"] == "Ali Author"


def test_linked_records_carry_the_public_type_key(client):
    outlet = factories.MediaOutletFactory(public_id="radio")
    factories.SourceFactory(public_id="s1", outlet=outlet)
    assert client.get("/api/v1/sources/s1/").json()["outlet"]["type"] == "media-outlets"


# --- hidden linked records leave no trace -----------------------------------------------------


@pytest.mark.parametrize(
    "hidden",
    [{"status": Status.DRAFT}, {"status": Status.IN_REVIEW}, {"restricted": True}, {"at_risk": True}],
    ids=["draft", "in-review", "restricted", "at-risk"],
)
def test_a_hidden_speaker_is_left_out_without_a_placeholder(client, hidden):
    statement = factories.StatementFactory(public_id="st")
    statement.speaker_people.add(factories.PersonFactory(public_id="hidden-speaker", name="Secret Speaker", **hidden))
    statement.speaker_people.add(factories.PersonFactory(public_id="open-speaker"))
    statement.speaker_organizations.add(factories.OrganizationFactory(public_id="hidden-org", status=Status.DRAFT))
    response = client.get("/api/v1/statements/st/")
    assert [s["id"] for s in response.json()["speakers"]] == ["open-speaker"]
    body = response.content.decode()
    assert "withheld" not in body and "null" not in str(response.json()["speakers"])
    assert "Secret Speaker" not in body and "hidden-speaker" not in body and "hidden-org" not in body


def test_a_role_at_a_hidden_organization_is_left_out_role_text_and_all(client):
    from archive.models import Affiliation

    person = factories.PersonFactory(public_id="someone")
    hidden = factories.OrganizationFactory(public_id="cell", name="Secret Cell", status=Status.DRAFT)
    public = factories.OrganizationFactory(public_id="front", name="Open Front")
    undated = {"date_precision": "undated"}
    Affiliation.objects.create(person=person, organization=hidden, role="Treasurer of the cell", **undated)
    Affiliation.objects.create(person=person, organization=public, role="Spokesperson", **undated)
    Affiliation.objects.create(person=person, role="Poet", **undated)
    response = client.get("/api/v1/people/someone/")
    roles = response.json()["roles"]
    assert [(r["role"], r["organization"] and r["organization"]["id"]) for r in roles] in (
        [("Spokesperson", "front"), ("Poet", None)],
        [("Poet", None), ("Spokesperson", "front")],
    )
    assert "Treasurer" not in response.content.decode() and "Secret Cell" not in response.content.decode()


def test_an_at_risk_detainee_of_a_public_arrest_keeps_the_agreed_label(client):
    person = factories.PersonFactory(public_id="hidden-person", name="Hidden Name", at_risk=True)
    arrest = factories.ArrestFactory(public_id="arrest-one", person=person, group_description="")
    protest = factories.ProtestFactory(public_id="p1")
    arrest.protest = protest
    arrest.save()
    detail = client.get("/api/v1/arrests/arrest-one/").json()
    assert (detail["detainee"], detail["person"]) == ("a detainee, name withheld", None)
    listed = client.get("/api/v1/protests/p1/").json()["arrests"]
    assert [a["name"] for a in listed] == ["a detainee, name withheld"]
    assert "Hidden Name" not in str(detail) + str(listed)


def test_a_citation_of_a_hidden_source_is_left_out(client):
    protest = factories.ProtestFactory(public_id="p1")
    CitationFactory(record=protest, source=factories.SourceFactory(status=Status.DRAFT, title="Draft Source"))
    CitationFactory(record=protest, footnote=3)
    citations = client.get("/api/v1/protests/p1/").json()["citations"]
    assert [c["footnote"] for c in citations] == [3]


# --- queries derived from the registry ---------------------------------------------------------


def _rich(endpoint: str, n: int) -> None:
    """`n` public records of a type, each linked to what its API record shows."""
    from archive.models import Affiliation, PersonName, ProtestSizeClaim, SignatoryClaim, Slogan, StatementText

    language = factories.LanguageFactory()
    with changes.recording():
        for i in range(n):
            record = FACTORY[endpoint]()
            CitationFactory(record=record)
            if endpoint == "protests":
                record.places.add(factories.PlaceFactory())
                record.organizers.add(factories.OrganizationFactory())
                record.slogans.add(Slogan.objects.create(text=f"Slogan {record.pk}", language=language))
                ProtestSizeClaim.objects.create(
                    protest=record, words="hundreds", low=200, source=factories.SourceFactory()
                )
                factories.ArrestFactory(protest=record, person=factories.PersonFactory(), group_description="")
            elif endpoint == "statements":
                record.speaker_people.add(factories.PersonFactory())
                record.about_arrests.add(factories.ArrestFactory(person=factories.PersonFactory()))
                StatementText.objects.create(statement=record, language=language, text="words", is_original=True)
                SignatoryClaim.objects.create(statement=record, words="sixty", low=60, group="musicians")
            elif endpoint == "people":
                PersonName.objects.create(owner=record, name=f"Alias {i}", language=language)
                where = factories.OrganizationFactory()
                Affiliation.objects.create(person=record, organization=where, role="member", date_precision="undated")
            elif endpoint == "sources":
                record.author_people.add(factories.PersonFactory())
                record.outlet = factories.MediaOutletFactory()
            record.save()


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_list_reads_in_as_many_queries_for_many_records_as_for_few(client, endpoint, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _rich(endpoint, 2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"/api/v1/{endpoint}/").status_code == 200
    _rich(endpoint, 6)
    with django_assert_max_num_queries(len(few)):
        assert len(ids(client.get(f"/api/v1/{endpoint}/"))) >= 8
