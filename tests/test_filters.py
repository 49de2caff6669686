"""Every filter of every public type, once matching and once not (through the API)."""

import datetime as dt

import pytest

from archive import changes
from archive.models import Affiliation, Language, StatementText
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    with changes.recording():
        az = Language.objects.create(code="az-Latn", name="Azerbaijani (Latin)")
        iran = factories.PlaceFactory(public_id="iran", kind="country")
        province = factories.PlaceFactory(public_id="ardabil-province", kind="province", parent=iran)
        city = factories.PlaceFactory(public_id="ardabil", parent=province, latitude="38.25", longitude="48.29")
        gamac = factories.OrganizationFactory(public_id="gamac", kind="political", based_in=city)
        factories.OrganizationFactory(public_id="gamac-branch", kind="student", parent=gamac)
        police = factories.OrganizationFactory(public_id="police", kind="military")
        obali = factories.PersonFactory(public_id="obali")
        Affiliation.objects.create(
            person=obali, organization=gamac, role="member", date_start=dt.date(2020, 1, 1), date_precision="year"
        )
        protest = factories.ProtestFactory(public_id="rally")
        arrest = factories.ArrestFactory(
            public_id="arrest", place=city, authority=police, person=obali, protest=protest, outcome="released"
        )
        statement = factories.StatementFactory(public_id="statement", place=city, form="letter")
        statement.speaker_organizations.add(gamac)
        statement.speaker_people.add(obali)
        statement.about_protests.add(protest)
        StatementText.objects.create(statement=statement, language=az, text="Biz Azərbaycanıq", is_original=True)
        outlet = factories.MediaOutletFactory(
            public_id="gunaz", kind="tv", affiliation="diaspora", base="abroad", country=iran
        )
        outlet.languages.add(az)
        factories.SourceFactory(public_id="source", kind="web_page", language=az, outlet=outlet)
    return arrest


CASES = [
    # endpoint, matching query, non-matching query, expected id
    ("arrests", "place=iran", "place=nowhere", "arrest"),
    ("arrests", "organization=police", "organization=gamac", "arrest"),
    ("arrests", "person=obali", "person=nobody", "arrest"),
    ("arrests", "protest=rally", "protest=nothing", "arrest"),
    ("arrests", "outcome=released", "outcome=sentenced", "arrest"),
    ("arrests", "date_from=2020-09-01", "date_to=2020-09-01", "arrest"),
    ("statements", "place=ardabil-province", "place=nowhere", "statement"),
    ("statements", "organization=gamac", "organization=police", "statement"),
    ("statements", "person=obali", "person=nobody", "statement"),
    ("statements", "form=letter", "form=sermon", "statement"),
    ("statements", "language=az-Latn", "language=fa", "statement"),
    ("statements", "protest=rally", "protest=nothing", "statement"),
    ("statements", "search=Azərbaycanıq", "search=zzzz", "statement"),
    ("organizations", "place=iran", "place=nowhere", "gamac"),
    ("organizations", "kind=political", "kind=clergy", "gamac"),
    ("organizations", "parent=gamac", "parent=police", "gamac-branch"),
    ("media-outlets", "kind=tv", "kind=radio", "gunaz"),
    ("media-outlets", "affiliation=diaspora", "affiliation=state", "gunaz"),
    ("media-outlets", "base=abroad", "base=inside", "gunaz"),
    ("media-outlets", "language=az-Latn", "language=fa", "gunaz"),
    ("media-outlets", "place=iran", "place=nowhere", "gunaz"),
    ("people", "organization=gamac", "organization=police", "obali"),
    ("places", "kind=province", "kind=site", "ardabil-province"),
    ("places", "within=iran", "within=nowhere", "ardabil"),
    ("places", "has_coordinates=true", "has_coordinates=false", "ardabil"),
    ("sources", "kind=web_page", "kind=book", "source"),
    ("sources", "language=az-Latn", "language=fa", "source"),
    ("sources", "outlet=gunaz", "outlet=nothing", "source"),
    ("sources", "date_from=2020-10-01&date_to=2020-10-31", "date_from=2021-01-01", "source"),
]


def found(client, endpoint, query) -> list[str]:
    response = client.get(f"/api/v1/{endpoint}/?{query}")
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


@pytest.mark.parametrize(("endpoint", "match", "miss", "expected"), CASES, ids=[f"{c[0]}:{c[1]}" for c in CASES])
def test_filter_matches_and_misses(client, world, endpoint, match, miss, expected):
    assert expected in found(client, endpoint, match)
    assert expected not in found(client, endpoint, miss)
