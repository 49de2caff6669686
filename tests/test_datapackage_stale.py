"""The served data package is refused (503, Retry-After) from the moment a record the public could see
changes, loses a part or stops being public, until it is built again: it may still show the alias, quote,
slogan or text that was removed. The first refused request starts that rebuild. A record newly published
changes nothing it holds."""

import io

import pytest
from django.core.management import call_command
from django.test import RequestFactory

from archive import changes, views_data, workflow
from archive import models as m
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings, tmp_path) -> dict:
    """A published protest, statement and organization with their parts, and a package built from them."""
    settings.ARCHIVE_DATA_DIR = tmp_path / "data"
    language = f.LanguageFactory(code="az-Latn")
    org = f.OrganizationFactory(name="GAMAC")
    alias = m.OrganizationName.objects.create(
        owner=org, name="Güney Azərbaycan Milli Azadlıq Cəbhəsi", language=language
    )
    protest = f.ProtestFactory(title="Rally in Tabriz")
    slogan = m.Slogan.objects.create(text="Qarabağ bizimdir", language=language)
    protest.slogans.add(slogan)
    citation = f.CitationFactory(record=protest, source=f.SourceFactory(), quote="What the source says")
    statement = f.StatementFactory(title="Statement of support")
    text = m.StatementText.objects.create(statement=statement, language=language, text="Biz sizinləyik")
    draft = f.ProtestFactory(title="Not yet", status=m.Status.DRAFT)
    f.CitationFactory(record=draft, source=f.SourceFactory())
    build()
    return {"org": org, "alias": alias, "protest": protest, "slogan": slogan, "citation": citation, "text": text}


def build() -> None:
    call_command("build_datapackage", stdout=io.StringIO())


def status(table: str = "protests.csv") -> int:
    request = RequestFactory().get(f"/data/{table}")
    response = views_data.datapackage_file(request, table)
    if response.status_code == 503:
        assert response["Retry-After"] == "600"
    return response.status_code


def served_everywhere() -> set[int]:
    request = RequestFactory().get("/data/")
    return {
        status(),
        status("other_names.csv"),
        views_data.datapackage_download(request).status_code,
        views_data.datapackage_json(request).status_code,
    }


def remove_alias(world):
    world["alias"].delete()


def remove_quote(world):
    world["citation"].quote = ""
    world["citation"].save()


def remove_slogan(world):
    world["protest"].slogans.remove(world["slogan"])


def remove_text(world):
    world["text"].delete()


@pytest.mark.parametrize("remove", [remove_alias, remove_quote, remove_slogan, remove_text])
def test_removing_a_part_of_a_published_record_refuses_the_package_until_rebuilt(world, remove):
    assert served_everywhere() == {200}
    remove(world)
    assert served_everywhere() == {503}
    build()
    assert served_everywhere() == {200}


def test_publishing_a_new_record_leaves_the_package_served(world):
    place = f.PlaceFactory()
    with changes.recording():  # one write, as the admin's form and its relations are
        f.ProtestFactory(title="Brand new").places.add(place)
    draft = m.Protest.objects.get(title="Not yet")
    workflow.record_publish(record=draft, user=f.user_in_role("Editor", "editor"))
    assert status() == 200


def test_changing_a_draft_leaves_the_package_served(world):
    draft = m.Protest.objects.get(title="Not yet")
    draft.description = "Still being written"
    draft.save()
    f.CitationFactory(record=draft, source=f.SourceFactory(), quote="Draft quote")
    assert status() == 200


def test_withdrawing_a_published_record_refuses_the_package(world):
    workflow.record_withdraw(record=world["protest"], user=f.user_in_role("Editor", "editor"), reason="Duplicate")
    assert status() == 503


def test_an_outdated_package_rebuilds_itself_and_never_serves_the_withdrawn_record(world, monkeypatch):
    monkeypatch.setattr(views_data, "start", lambda work: work())  # the rebuild, in the request
    protest = world["protest"]
    workflow.record_withdraw(record=protest, user=f.user_in_role("Editor", "editor"), reason="Duplicate")
    request = RequestFactory().get("/data/protests.csv")
    refused = views_data.datapackage_file(request, "protests.csv")
    assert refused.status_code == 503 and refused["Retry-After"] == "600"
    assert b"Rally in Tabriz" not in refused.content
    served = views_data.datapackage_file(request, "protests.csv")  # no one ran build_datapackage
    assert served.status_code == 200
    body = b"".join(served.streaming_content)
    assert protest.public_id.encode() not in body and b"Rally in Tabriz" not in body
    zipped = views_data.datapackage_download(RequestFactory().get("/data/datapackage.zip"))
    assert zipped.status_code == 200 and protest.public_id.encode() not in b"".join(zipped.streaming_content)


def test_one_rebuild_at_a_time(world, no_background_rebuilds):
    world["alias"].delete()
    assert served_everywhere() == {503}
    assert len(no_background_rebuilds) == 1  # four refused requests, one rebuild started (still running)
    views_data.rebuild()
    assert len(no_background_rebuilds) == 1
    no_background_rebuilds.pop()()  # it runs and ends: the lock is free again
    assert served_everywhere() == {200}
