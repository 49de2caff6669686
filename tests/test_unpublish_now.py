"""Unpublishing takes effect at once (issue #8), response cache and all.

Public pages and API answers are cached for anonymous visitors (archive/cache.py). These tests
first warm every URL that shows a published record — its page in two languages, the list with
its facet and option counts, home with its counts and charts, search, the API detail and list in
every format, the sitemap, the data package — and check it is there; then withdraw it, restrict
it, or (for a person) mark them at risk, and check that the very next request of each URL no
longer shows it. The data package is a file built by `manage.py build_datapackage`: until the next
build it is refused (503), since it may still hold the record.
"""

import pytest
from django.core.management import call_command
from django.test import Client

from archive import workflow
from archive.registry import MODELS as SLUGS
from tests.canary import body_bytes
from tests.canary_world import seeded_world

pytestmark = pytest.mark.django_db

ACTIONS = ["withdraw", "restrict"]
SEARCHABLE = {"statements": "summary", "sources": "reference_text"}  # else "description"
EVENTS = {"protests", "arrests", "statements"}  # the types the home page's charts and recent list show


@pytest.fixture(scope="module")
def _world_module(django_db_setup, django_db_blocker, tmp_path_factory):
    with seeded_world(django_db_blocker, tmp_path_factory.mktemp("datapackage")) as world:
        yield world


@pytest.fixture
def world(_world_module, db):
    return _world_module


def surfaces(slug: str, public_id: str, word: str) -> dict[str, bool]:
    """Every URL that may show the record: True where a published record must appear."""
    urls = {
        f"/en/{slug}/{public_id}/": True,
        f"/fa/{slug}/{public_id}/": True,
        f"/en/{slug}/": True,
        f"/fa/{slug}/": True,
        "/en/": slug in EVENTS,  # recently added
        f"/en/search/?q={word}": True,
        f"/api/v1/{slug}/{public_id}/": True,
        f"/api/v1/{slug}/": True,
        f"/api/v1/{slug}/?format=csv": True,
        f"/api/v1/search/?q={word}": True,
        "/sitemap.xml": True,
        f"/data/{slug}.csv": True,
        "/data/datapackage.zip": False,  # compressed: checked through the CSV above
    }
    if slug in {"protests", "places"}:
        urls[f"/api/v1/{slug}/?format=geojson"] = False  # only records with coordinates
    return urls


def text_of(response) -> str:
    return body_bytes(response).decode("utf-8", "replace")


def counts(client: Client, slug: str) -> tuple:
    """What the home page and the list page say there is: the type's count, its chart total and its facets."""
    home = client.get("/en/").context
    assert home is not None, "home came from the cache, made before the change"
    plural = str(SLUGS[slug]._meta.verbose_name_plural)
    total = {str(label): n for label, n in home["counts"]}[plural]
    key = slug.removesuffix("s")
    charted = home["timeline_all"].totals[key] + home["timeline_all"].undated[key] if slug in EVENTS else None
    listing = client.get(f"/en/{slug}/").context
    assert listing is not None, "the list came from the cache, made before the change"
    facets = [sum(n for _value, _text, n in options) for _label, options in listing["facets"]]
    return total, charted, facets


def unpublish(world, record, action: str) -> None:
    editor = world.users["Editor"]
    if action == "withdraw":
        workflow.record_withdraw(record=record, user=editor, reason="Withdrawn: it could not be verified.")
    elif action == "restrict":
        workflow.record_set_restricted(record=record, user=editor, restricted=True)
    else:  # "at risk": the person's name is withheld from then on
        record.at_risk = True
        record._history_user = editor
        record.save()


def warm(client: Client, urls: dict[str, bool], public_id: str) -> None:
    """Visit each URL twice (the second answer comes from the cache) and check the record shows."""
    for url, must_show in urls.items():
        first, second = client.get(url), client.get(url)
        assert first.status_code == second.status_code == 200, (url, first.status_code)
        if must_show:
            assert public_id in text_of(first) and public_id in text_of(second), f"{url} does not show {public_id}"
    assert client.get(f"/en/{next(iter(urls)).split('/')[2]}/").context is None, "pages are not being cached"


def check_gone(client: Client, urls: dict[str, bool], record, action: str, word: str) -> list[str]:
    """URLs whose very next answer still shows the record."""
    detail_status = 410 if action == "withdraw" else 404
    shown = []
    for url in urls:
        response = client.get(url)
        body = text_of(response)
        if url.endswith(f"/{record.public_id}/"):  # a 410 page names the id it answers for
            if response.status_code != detail_status or word in body:
                shown.append(f"{url} answers {response.status_code}, not {detail_status}")
        elif record.public_id in body or (word in body and "q=" not in url):  # a search echoes its query
            shown.append(f"{url} still shows it")
    return shown


def signed_in(world) -> Client:
    client = Client()
    client.force_login(world.users["member"])
    return client


def assert_package_rebuilt_without(client: Client, slug: str, public_id: str) -> None:
    """Until it is rebuilt the data package is refused (it may hold the record); rebuilt, it is served without it."""
    table = f"/data/{slug}.csv"
    refused = client.get(table)
    assert (refused.status_code, refused["Retry-After"]) == (503, "600")
    call_command("build_datapackage", verbosity=0)
    rebuilt = client.get(table)
    assert rebuilt.status_code == 200
    assert public_id not in text_of(rebuilt)


def fresh(record):
    """The record as the database has it now (each test's changes are rolled back after it)."""
    return type(record).objects.get(pk=record.pk)


def searchable(record, slug: str) -> str:
    """Give the record a word of its own, so search can be asked for it."""
    word = f"unpublishword{record.pk}x{slug.replace('-', '')}"
    setattr(record, SEARCHABLE.get(slug, "description"), word)
    record.save()
    return word


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("slug", list(SLUGS))
def test_unpublished_record_disappears_on_the_very_next_request(world, slug, action):
    record = fresh(world.public(slug))
    word = searchable(record, slug)
    call_command("build_datapackage", verbosity=0)
    client = Client()
    urls = surfaces(slug, record.public_id, word)
    warm(client, urls, record.public_id)
    before = counts(signed_in(world), slug)  # never cached: the counts as they are
    unpublish(world, record, action)
    after = counts(client, slug)
    assert check_gone(client, urls, record, action, word) == []
    assert_package_rebuilt_without(client, slug, record.public_id)
    assert after[0] == before[0] - 1
    assert after[1] is None or after[1] == before[1] - 1
    assert [b - a for b, a in zip(before[2], after[2], strict=True)] == [1] * len(after[2])


def test_a_person_marked_at_risk_disappears_on_the_very_next_request(world):
    person, arrest = fresh(world.public("people")), fresh(world.records["extra"]["second arrest"])
    arrest.person = person
    arrest.save()
    word = searchable(person, "people")
    call_command("build_datapackage", verbosity=0)
    client = Client()
    urls = surfaces("people", person.public_id, word) | {
        f"/en/arrests/{arrest.public_id}/": False,
        f"/api/v1/arrests/{arrest.public_id}/": False,
        "/api/v1/arrests/": False,
        "/data/arrests.csv": False,
    }
    warm(client, urls, person.public_id)
    found = client.get("/api/v1/search/", {"q": person.name}).json()["results"]
    assert arrest.public_id in {result["id"] for result in found}  # the arrest is found by the detainee's name
    unpublish(world, person, "at risk")
    assert check_gone(client, urls, person, "restrict", word) == []
    for url in (f"/en/arrests/{arrest.public_id}/", f"/api/v1/arrests/{arrest.public_id}/", "/data/arrests.csv"):
        assert person.name not in text_of(client.get(url)), url
    found = client.get("/api/v1/search/", {"q": person.name}).json()["results"]
    assert {person.public_id, arrest.public_id}.isdisjoint(result["id"] for result in found)


@pytest.mark.parametrize("action", ["withdraw", "restrict", "at risk"])
def test_a_tombstone_tells_only_what_the_public_may_know(world, action):
    """A withdrawal's reason is public; that a record was restricted or a person is at risk is not."""
    person = fresh(world.public("people"))
    since = person.updated.isoformat()
    unpublish(world, person, action)
    tombstones = Client().get("/api/v1/people/", {"updated_since": since}).json()["tombstones"]
    mine = [(t["status"], t["reason"]) for t in tombstones if t["id"] == person.public_id]
    expected = ("withdrawn", "Withdrawn: it could not be verified.") if action == "withdraw" else ("unpublished", "")
    assert mine == [expected]
