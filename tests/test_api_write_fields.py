"""Every editable field of a type's spec is writable through the API, named as in its API records."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from archive import registry
from archive.api.views import VIEWSETS
from archive.models import MediaOutlet, Protest, Slogan, Source, Statement, Status
from archive.registry import Kind
from tests import factories
from tests.factories import user_in_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def archivist_api(db) -> APIClient:
    client = APIClient()
    user = user_in_role("Archivist", "archie")
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.fixture
def languages(db):
    return factories.LanguageFactory(code="az-Latn", name="Azerbaijani"), factories.LanguageFactory()


def _write_names(record_type) -> set[str]:
    names = set()
    for spec in record_type.fields:
        names |= {"date", "date_note"} if spec.kind == Kind.DATE else {spec.name}
    return names


@pytest.mark.parametrize("key", registry.KEYS)
def test_every_editable_spec_field_is_writable(key):
    record_type = registry.get(key)
    serializer = VIEWSETS[key].write_serializer_class()
    writable = {name for name, field in serializer.fields.items() if not field.read_only}
    assert _write_names(record_type) <= writable, _write_names(record_type) - writable


@pytest.mark.parametrize("key", registry.KEYS)
def test_what_is_written_is_read_back_under_the_same_name_or_its_api_name(key):
    record_type = registry.get(key)
    read = set(VIEWSETS[key].serializer_class().fields)
    write = set(VIEWSETS[key].write_serializer_class().fields) - {"status", "private_note", "date_note"}
    hidden = {spec.name for spec in record_type.fields if not spec.public}
    grouped = {name for names in record_type.api_groups.values() for name in names}
    renamed = {spec.name: spec.api_name for spec in record_type.fields if spec.api_name}
    assert {renamed.get(name, name) for name in write - hidden - grouped} <= read


def test_a_protests_slogans_are_found_or_created(archivist_api, languages):
    azeri, _english = languages
    existing = Slogan.objects.create(text="Qarabağ bizimdir", language=azeri, translation="Karabakh is ours")
    protest = factories.ProtestFactory(public_id="draft-one", status=Status.DRAFT)
    slogans = [
        {"text": "Qarabağ bizimdir", "language": "az-Latn"},
        {"text": "Azadlıq", "language": "az-Latn", "translation": "Freedom"},
        {"text": "Azadlıq", "language": "az-Latn"},
    ]
    response = archivist_api.patch("/api/v1/protests/draft-one/", {"slogans": slogans}, format="json")
    assert response.status_code == 200, response.json()
    assert sorted(s["text"] for s in response.json()["slogans"]) == ["Azadlıq", "Qarabağ bizimdir"]
    assert set(protest.slogans.all()) == set(Slogan.objects.all()) and Slogan.objects.count() == 2
    existing.refresh_from_db()
    assert existing.translation == "Karabakh is ours"
    assert Slogan.objects.get(text="Azadlıq").translation == "Freedom"


@pytest.mark.parametrize(
    "slogans",
    [
        [{"text": "Azadlıq", "language": "xx-Nope"}],
        [{"language": "az-Latn"}],
        [{"text": "x" * 501, "language": "az-Latn"}],
        "Azadlıq",
        [["Azadlıq", "az-Latn"]],
    ],
    ids=["unknown-language", "no-text", "too-long", "not-a-list", "not-objects"],
)
def test_bad_slogans_are_a_400_naming_the_field_and_write_nothing(archivist_api, languages, slogans):
    factories.ProtestFactory(public_id="draft-one", status=Status.DRAFT)
    response = archivist_api.patch("/api/v1/protests/draft-one/", {"slogans": slogans}, format="json")
    assert response.status_code == 400 and "slogans" in response.json()
    assert not Slogan.objects.exists()


def test_a_statements_about_arrests_and_statements_are_writable(archivist_api):
    arrest = factories.ArrestFactory(public_id="arrest-one")
    answered = factories.StatementFactory(public_id="answered")
    factories.StatementFactory(public_id="draft-one", status=Status.DRAFT)
    change = {"about_arrests": ["arrest-one"], "about_statements": ["answered"]}
    assert archivist_api.patch("/api/v1/statements/draft-one/", change, format="json").status_code == 200
    statement = Statement.objects.get(public_id="draft-one")
    assert (list(statement.about_arrests.all()), list(statement.about_statements.all())) == ([arrest], [answered])


def test_an_outlets_owner_is_writable(archivist_api):
    owner = factories.OrganizationFactory(public_id="owner-org")
    new = {"name": "Radio", "kind": "radio", "owner": "owner-org", "url": "https://radio.example/"}
    response = archivist_api.post("/api/v1/media-outlets/", new, format="json")
    assert response.status_code == 201, response.json()
    outlet = MediaOutlet.objects.get(name="Radio")
    assert (outlet.owner, outlet.url) == (owner, "https://radio.example/")


def test_a_sources_author_people_are_writable(archivist_api):
    author = factories.PersonFactory(public_id="author")
    new = {"kind": "book", "title": "A book", "date": "2013", "author_people": ["author"]}
    assert archivist_api.post("/api/v1/sources/", new, format="json").status_code == 201
    assert list(Source.objects.get(title="A book").author_people.all()) == [author]


def test_an_unknown_linked_record_is_a_400_naming_the_field(archivist_api):
    new = {"kind": "book", "title": "A book", "date": "2013", "author_people": ["nobody"]}
    response = archivist_api.post("/api/v1/sources/", new, format="json")
    assert response.status_code == 400 and "author_people" in response.json()
    assert not Source.objects.exists()


def test_a_country_must_be_a_country(archivist_api):
    factories.PlaceFactory(public_id="tabriz")
    response = archivist_api.post(
        "/api/v1/organizations/", {"name": "Front", "kind": "political", "country": "tabriz"}, format="json"
    )
    assert response.status_code == 400 and "country" in response.json()


def test_a_new_protest_with_every_relation(archivist_api, languages):
    factories.PlaceFactory(public_id="tabriz")
    factories.OrganizationFactory(public_id="gamac")
    new = {
        "id": "protest-new",
        "title": "Rally",
        "kind": "rally",
        "date": "October 2020",
        "date_note": "the month the article gives",
        "places": ["tabriz"],
        "organizers": ["gamac"],
        "slogans": [{"text": "Azadlıq", "language": "az-Latn"}],
    }
    response = archivist_api.post("/api/v1/protests/", new, format="json")
    assert response.status_code == 201, response.json()
    protest = Protest.objects.get(public_id="protest-new")
    assert (protest.date_display, protest.date_note) == ("October 2020", "the month the article gives")
    assert [s.text for s in protest.slogans.all()] == ["Azadlıq"]
    assert response.json()["date"] == "2020-10"  # as the admin writes it
