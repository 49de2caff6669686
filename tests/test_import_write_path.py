"""Imports go through the one write path (archive.changes): what it refuses is an error on the row, with
nothing written, and a dry run derives nothing, even inside a request's changeset."""

import pytest
from django.contrib.auth.models import Permission, User

from archive import cache, changes, models, search
from archive.resources import base, fields
from tests import factories

pytest.register_assert_rewrite("tests.import_export_helpers")  # its checks assert; it is imported before collection
from tests.import_export_helpers import row_counts, run  # noqa: E402

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.import_export_helpers"]  # the world and archivist fixtures


def user_with(*codenames: str) -> User:
    user = User.objects.create_user(username="importer", password="pw-12345!x", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="archive", codename__in=codenames))
    return User.objects.get(pk=user.pk)  # fresh, so permission caches are empty


def test_a_row_the_write_path_refuses_is_an_error_on_its_row_and_nothing_is_written(world):
    """A user who may import and change people but not add them: the new row is refused, by row."""
    user = user_with("import_person", "change_person", "view_person")
    models.Person.objects.create(public_id="draft-one", name="Draft One")
    models.Person.objects.create(public_id="draft-two", name="Draft Two")
    rows = [
        {"public_id": "draft-one", "name": "Renamed One"},
        {"public_id": "", "name": "Someone New"},
        {"public_id": "draft-two", "name": "Renamed Two"},
    ]
    before = row_counts()
    report = run(models.Person, rows, user=user)
    assert [(issue.row, issue.column) for issue in report.issues] == [(2, None)]
    assert "You may not change person records" in report.issues[0].message
    assert str(report.issues[0]).startswith("Row 2 (sheet row 3")
    assert row_counts() == before
    assert models.Person.objects.get(public_id="draft-one").name == "Draft One"


def test_a_refused_row_is_reported_as_invalid_not_as_written(world):
    user = user_with("import_person", "view_person")
    report = run(models.Person, [{"name": "Someone New"}], user=user)
    assert not report.ok and report.new == 0
    assert report.summary() == "Nothing was imported: 1 error."


def test_an_archivists_row_lifting_at_risk_is_refused_by_the_write_path_too(world, archivist, monkeypatch):
    """Even were the column to let it through, the write path refuses an archivist lifting at-risk."""
    monkeypatch.setattr(fields.RaiseOnlyColumn, "apply", fields.Column.apply)
    factories.PersonFactory(public_id="hidden", name="Hidden", status=models.Status.DRAFT, at_risk=True)
    before = row_counts()
    report = run(models.Person, [{"public_id": "hidden", "at_risk": "0"}], user=archivist)
    assert [(issue.row, issue.column) for issue in report.issues] == [(1, "at_risk")]
    assert "Only an editor may lift the protection" in report.issues[0].message
    assert row_counts() == before
    assert models.Person.objects.get(public_id="hidden").at_risk


def test_an_archivists_row_changing_a_published_record_is_refused_by_the_write_path_too(world, archivist, monkeypatch):
    """Even were the resource not to check, the write path refuses an archivist's change to a published record."""
    monkeypatch.setattr(base, "LOCKED", frozenset())
    before = row_counts()
    report = run(models.Protest, [{"public_id": "protest-tabriz", "title": "Renamed"}], user=archivist)
    assert [(issue.row, issue.column) for issue in report.issues] == [(1, "public_id")]
    assert "changed by an editor" in report.issues[0].message
    assert row_counts() == before
    assert models.Protest.objects.get(public_id="protest-tabriz").title == "Rally in Tabriz"


def test_a_dry_run_in_a_requests_changeset_derives_nothing(world, archivist):
    """The admin's preview runs inside the request's changeset (archive.middleware.WriteMiddleware)."""
    person = models.Person.objects.create(public_id="draft-person", name="Draft Person")
    updated = models.Person.objects.get(pk=person.pk).updated
    generation, stale = cache.generation(), models.ArchiveState.last_public_change()
    with changes.recording(user=archivist):
        report = run(models.Person, [{"public_id": "draft-person", "name": "Renamed"}], user=archivist, dry_run=True)
        assert report.ok, report.messages
    assert models.Person.objects.get(pk=person.pk).updated == updated
    assert search.matching_ids(models.Person, "Renamed") == []
    assert search.matching_ids(models.Person, "Draft") == [person.pk]
    assert (cache.generation(), models.ArchiveState.last_public_change()) == (generation, stale)


def test_an_import_the_write_path_refuses_inside_a_request_leaves_nothing(world):
    user = user_with("import_person", "view_person")
    before = row_counts()
    with changes.recording(user=user):
        report = run(models.Person, [{"name": "Someone New"}], user=user)
    assert not report.ok
    assert row_counts() == before


def test_a_record_published_while_the_import_ran_is_refused_not_overwritten(world, archivist, monkeypatch):
    """The write path judges a row by the record as the database has it when the row is written."""
    from archive.resources import batch

    models.Person.objects.create(public_id="racing", name="Racing", status=models.Status.DRAFT)
    flush = batch.BatchWriter.flush

    def publish_first(self):
        models.Person.objects.filter(public_id="racing").update(status=models.Status.PUBLISHED)
        flush(self)

    monkeypatch.setattr(batch.BatchWriter, "flush", publish_first)
    report = run(models.Person, [{"public_id": "racing", "name": "Renamed"}], user=archivist)
    assert [(issue.row, issue.column) for issue in report.issues] == [(1, "public_id")]
    assert "changed by an editor" in report.issues[0].message
    person = models.Person.objects.get(public_id="racing")
    assert (person.name, person.status) == ("Racing", models.Status.DRAFT)  # the test's own update rolled back too
