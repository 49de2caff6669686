"""Dated releases of the data package: each build kept as /data/releases/<day>/, the last N days, with an
index and a changes file between consecutive releases; a release holding a record taken back is withheld."""

import csv
import datetime as dt
import hashlib
import io
import json

import pytest
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone

from archive import models as m
from archive import views_data
from archive.datapackage import releases
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def output(settings, tmp_path):
    settings.ARCHIVE_DATA_DIR = tmp_path / "data"
    return settings.ARCHIVE_DATA_DIR


def build_on(monkeypatch, day: str, hour: int = 12) -> None:
    when = dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=dt.UTC)
    with monkeypatch.context() as patched:
        patched.setattr(timezone, "now", lambda: when)
        call_command("build_datapackage", stdout=io.StringIO())


def tombstone(public_id: str, status: str, **more) -> None:
    defaults = {"status": status, "removed_at": timezone.now(), **more}
    m.Tombstone.objects.update_or_create(record_type="protests", public_id=public_id, defaults=defaults)


def changes_of(output, day: str) -> set[tuple]:
    with (output / "releases" / day / "changes.csv").open(encoding="utf-8", newline="") as handle:
        return {(r["change"], r["record_type"], r["id"], r["removal"]) for r in csv.DictReader(handle)}


def index(output) -> list[dict]:
    return json.loads((output / "releases" / "index.json").read_text(encoding="utf-8"))["releases"]


def test_a_build_is_kept_as_the_release_of_its_day(output, monkeypatch):
    f.ProtestFactory(public_id="p1")
    build_on(monkeypatch, "2024-05-01")
    release = output / "releases" / "2024-05-01"
    body = (release / "datapackage.zip").read_bytes()
    assert body == (output / "current" / "datapackage.zip").read_bytes()
    descriptor = json.loads((output / "current" / "datapackage.json").read_text())
    assert descriptor["created"] == "2024-05-01T12:00:00Z" and descriptor["previous_release"] is None
    (listed,) = index(output)
    assert listed["date"] == "2024-05-01" and listed["version"] == descriptor["version"] == "2024.05.01-120000"
    assert listed["sha256"] == hashlib.sha256(body).hexdigest() and listed["bytes"] == len(body)
    assert listed["previous"] is None and not listed["withheld"]
    assert changes_of(output, "2024-05-01") == set()  # the first release has nothing to compare with


def test_changes_name_records_added_changed_and_removed_with_why(output, monkeypatch):
    keep, edit, drop, merged = (f.ProtestFactory(public_id=p) for p in ("keep", "edit", "drop", "merged"))
    org = f.OrganizationFactory(public_id="org")
    f.PlaceFactory(public_id="tabriz")  # untouched: not in the changes
    build_on(monkeypatch, "2024-05-01")
    edit.title = "A new title"
    edit.save()
    m.Protest.objects.filter(pk=drop.pk).update(status=m.Status.WITHDRAWN, withdrawn_reason="Duplicate")
    tombstone("drop", "withdrawn")
    m.Protest.objects.filter(pk=merged.pk).update(status=m.Status.WITHDRAWN, withdrawn_reason="Merged")
    tombstone("merged", "merged", merged_into="keep")
    f.ProtestFactory(public_id="added")
    m.OrganizationName.objects.create(owner=org, name="GAMAC", language=f.LanguageFactory(code="en"))
    build_on(monkeypatch, "2024-05-02")
    assert changes_of(output, "2024-05-02") == {
        ("added", "protests", "added", ""),
        ("changed", "protests", "edit", ""),
        ("changed", "organizations", "org", ""),  # its other names are part of it
        ("removed", "protests", "drop", "withdrawn"),
        ("removed", "protests", "merged", "merged"),
    }
    descriptor = json.loads((output / "current" / "datapackage.json").read_text())
    assert descriptor["previous_release"]["date"] == "2024-05-01"
    assert keep.public_id not in {c[2] for c in changes_of(output, "2024-05-02")}
    newest = index(output)[0]
    assert newest["changes"] == {"added": 1, "changed": 2, "removed": 2} and newest["previous"] == "2024-05-01"


def test_a_release_holding_a_record_taken_back_is_withheld(output, monkeypatch):
    f.ProtestFactory(public_id="secret", title="Named by mistake")
    renamed = f.ProtestFactory(public_id="old-id")
    build_on(monkeypatch, "2024-05-01")
    renamed.public_id = "new-id"
    renamed.save()
    tombstone("old-id", "renamed")
    build_on(monkeypatch, "2024-05-02")
    assert not any(r["withheld"] for r in index(output))  # a rename takes nothing back
    m.Protest.objects.filter(public_id="secret").update(restricted=True)
    build_on(monkeypatch, "2024-05-03")
    withheld = {r["date"]: r["withheld"] for r in index(output)}
    assert withheld == {"2024-05-03": False, "2024-05-02": True, "2024-05-01": True}
    m.ArchiveState.objects.update(public_changed=None)  # the builds ran at a pretended time, before the changes
    for day in ("2024-05-01", "2024-05-02"):
        assert not (output / "releases" / day / "datapackage.zip").exists()
        assert (output / "releases" / day / "changes.csv").exists()  # the chain of changes stays whole
        assert get_file(day, "datapackage.zip").status_code == 404
    assert ("removed", "protests", "secret", "") in changes_of(output, "2024-05-03")


def test_a_second_build_on_one_day_replaces_its_release_and_compares_with_the_day_before(output, monkeypatch):
    f.ProtestFactory(public_id="p1")
    build_on(monkeypatch, "2024-05-01")
    f.ProtestFactory(public_id="p2")
    build_on(monkeypatch, "2024-05-02", hour=9)
    f.ProtestFactory(public_id="p3")
    build_on(monkeypatch, "2024-05-02", hour=18)
    assert [r["date"] for r in index(output)] == ["2024-05-02", "2024-05-01"]
    assert index(output)[0]["version"] == "2024.05.02-180000"
    assert {c[2] for c in changes_of(output, "2024-05-02")} == {"p2", "p3"}
    assert len(list((output / "releases" / ".store").iterdir())) == 2  # the replaced one is gone


def test_only_the_last_n_days_are_kept(output, monkeypatch, settings):
    settings.ARCHIVE_DATA_RELEASES = 2
    for day in ("2024-05-01", "2024-05-02", "2024-05-03"):
        f.ProtestFactory(public_id=f"p-{day}")
        build_on(monkeypatch, day)
    assert releases.dates(output) == ["2024-05-03", "2024-05-02"]
    assert [r["date"] for r in index(output)] == ["2024-05-03", "2024-05-02"]
    assert len(list((output / "releases" / ".store").iterdir())) == 2
    assert get_file("2024-05-01", "datapackage.zip").status_code == 404


# --- Serving ----------------------------------------------------------------------------------------


def get_file(day: str, name: str, **headers):
    return views_data.release_file(RequestFactory().get(f"/data/releases/{day}/{name}", headers=headers), day, name)


def test_a_release_is_served_with_validators_and_unknown_days_are_404(output, monkeypatch, client):
    f.ProtestFactory(public_id="p1")
    build_on(monkeypatch, "2024-05-01")
    response = get_file("2024-05-01", "datapackage.zip")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert "karabakh-2020-response-archive-2024-05-01.zip" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == (output / "releases/2024-05-01/datapackage.zip").read_bytes()
    assert get_file("2024-05-01", "datapackage.zip", if_none_match=response["ETag"]).status_code == 304
    assert get_file("2024-05-01", "datapackage.zip", if_modified_since=response["Last-Modified"]).status_code == 304
    assert get_file("2024-05-01", "changes.csv")["Content-Type"] == "text/csv; charset=utf-8"
    assert json.loads(b"".join(get_file("2024-05-01", "release.json").streaming_content))["date"] == "2024-05-01"
    assert client.get("/data/releases/2024-05-02/datapackage.zip").status_code == 404
    assert client.get("/data/releases/2024-02-31/datapackage.zip").status_code == 404
    for path in ("2024-05-01/records.csv", "2024-05-01/../index.json", "..%2F..%2Fcurrent/datapackage.json"):
        assert client.get(f"/data/releases/{path}").status_code == 404, path
    listing = client.get("/data/releases/index.json")
    assert listing.status_code == 200 and json.loads(b"".join(listing.streaming_content))["releases"][0]["date"]
    page = client.get("/data/releases/")
    assert page.status_code == 200
    assert 'href="/data/releases/2024-05-01/datapackage.zip"' in page.content.decode()


def test_releases_are_refused_while_the_package_is_out_of_date(output, monkeypatch):
    protest = f.ProtestFactory(public_id="p1")
    build_on(monkeypatch, "2024-05-01")
    m.ArchiveState.mark_public_change(timezone.now())
    assert protest.pk and get_file("2024-05-01", "datapackage.zip").status_code == 503


def test_no_release_yet(output, client):
    assert client.get("/data/releases/index.json").status_code == 404
    assert "No release has been made yet" in client.get("/data/releases/").content.decode()


def test_a_row_belongs_to_the_first_record_it_names_not_to_those_it_points_at():
    from archive import datapackage
    from archive.datapackage import changes

    tables = {t.name: t for t in datapackage.tables()}
    citations = tables["citations"]
    names = [c.name for c in citations.columns]
    row = ["" for _ in names]
    row[names.index("record_type")], row[names.index("protest_id")] = "protests", "p1"
    row[names.index("source_id")] = "s1"
    digests = changes.Digests()
    digests.add("citations", changes.owner_columns(citations), row)
    links = tables["protest_places"]
    digests.add("protest_places", changes.owner_columns(links), ["p1", "tabriz"])
    assert set(digests.as_dict()) == {("protests", "p1")}


@pytest.mark.parametrize(("language", "direction"), [("en", "ltr"), ("az", "ltr"), ("fa", "rtl"), ("tr", "ltr")])
def test_the_releases_page_speaks_each_language(output, monkeypatch, client, language, direction):
    f.ProtestFactory(public_id="p1", status=m.Status.PUBLISHED)
    build_on(monkeypatch, "2024-05-01")
    page = client.get("/data/releases/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'lang="{language}"' in page and f'dir="{direction}"' in page
    assert 'href="/data/releases/2024-05-01/datapackage.zip"' in page
    if language != "en":
        assert "Data package releases" not in page  # the heading is translated
