"""Period keys (archive.readmodel.periods): every dated record's row carries the first and last day its date may
stand for, kept by the write path whoever writes the row, compared by the date filter and the lists' timelines."""

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from archive import changes, models, readmodel
from archive.dates import DatePrecision, overlaps_q, period_of
from archive.readmodel import periods
from tests import factories

pytest.register_assert_rewrite("tests.import_export_helpers")
from tests.import_export_helpers import run  # noqa: E402

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.import_export_helpers"]  # the world and archivist fixtures
D = dt.date
DATED = [models.Protest, models.Arrest, models.Statement, models.Source]


def keys(record) -> tuple:
    return type(record)._base_manager.values_list("period_first", "period_last").get(pk=record.pk)


def all_agree() -> None:
    """Every dated record's stored keys are its date's period."""
    for model in DATED:
        for pk, start, end, precision, first, last in model._base_manager.values_list(
            "pk", "date_start", "date_end", "date_precision", "period_first", "period_last"
        ):
            assert (first, last) == period_of(start, end, precision), (model.__name__, pk)


@pytest.mark.parametrize(
    ("start", "end", "precision", "period"),
    [
        (D(2020, 10, 18), None, DatePrecision.DAY, (D(2020, 10, 18), D(2020, 10, 18))),
        (D(2020, 9, 27), D(2020, 11, 10), DatePrecision.DAY, (D(2020, 9, 27), D(2020, 11, 10))),
        (D(2020, 10, 9), None, DatePrecision.LATE_MONTH, (D(2020, 10, 1), D(2020, 10, 31))),
        (D(2020, 2, 3), D(2020, 4, 1), DatePrecision.MONTH, (D(2020, 2, 1), D(2020, 4, 30))),
        (D(2020, 6, 6), None, DatePrecision.YEAR, (D(2020, 1, 1), D(2020, 12, 31))),
        (D(1993, 4, 6), None, DatePrecision.DECADE, (D(1990, 1, 1), D(1999, 12, 31))),
        (D(2020, 10, 18), None, DatePrecision.APPROXIMATE, (D(2020, 10, 3), D(2020, 11, 2))),
        (None, None, DatePrecision.UNDATED, (None, None)),
    ],
)
def test_a_saved_record_carries_its_dates_period(start, end, precision, period):
    protest = factories.ProtestFactory(date_start=start, date_end=end, date_precision=precision)
    assert keys(protest) == period


def test_the_keys_move_with_an_edit_of_the_date_and_only_the_date_row_is_rewritten():
    protest = factories.ProtestFactory(date_start=D(2020, 10, 18), date_precision=DatePrecision.DAY)
    protest.date_precision = DatePrecision.MONTH
    protest.save()
    assert keys(protest) == (D(2020, 10, 1), D(2020, 10, 31))
    protest.title = "Renamed"
    protest.save()
    assert periods.refresh(models.Protest, [protest.pk]) == 0  # already right: nothing to write
    protest.date_start, protest.date_precision = None, DatePrecision.UNDATED
    protest.save()
    assert keys(protest) == (None, None)


def test_a_bulk_writer_that_calls_the_write_path_gets_the_keys_set():
    """The bulk writer's contract (archive.changes): rows written with an UPDATE, then records_changed."""
    made = [factories.ArrestFactory(date_start=D(2020, 10, day), date_precision=DatePrecision.DAY) for day in (1, 2)]
    ids = [arrest.pk for arrest in made]
    with changes.recording():
        changes.capture(models.Arrest, ids)
        models.Arrest.objects.filter(pk__in=ids).update(date_precision=DatePrecision.YEAR)
        changes.records_changed(models.Arrest, ids)
    assert {keys(arrest) for arrest in made} == {(D(2020, 1, 1), D(2020, 12, 31))}


def test_imported_rows_carry_their_periods_new_and_updated(world, archivist):
    report = run(models.Protest, [{"title": "Rally", "kind": "rally", "date": "October 2020"}], user=archivist)
    assert report.ok, report.issues
    protest = models.Protest.objects.get(title="Rally")
    assert keys(protest) == (D(2020, 10, 1), D(2020, 10, 31))
    report = run(models.Protest, [{"public_id": protest.public_id, "date": "1990s"}], user=archivist)
    assert report.ok, report.issues
    assert keys(protest) == (D(1990, 1, 1), D(1999, 12, 31))


def test_the_articles_fixtures_load_with_every_key_set():
    call_command("loaddata", *sorted(str(path) for path in (Path(settings.BASE_DIR) / "fixtures").glob("*.yaml")))
    assert models.Protest.objects.exclude(period_first=None).count() >= 5
    all_agree()


def test_the_date_filter_reads_the_keys_so_a_row_written_behind_the_write_path_is_named_and_mended(capsys):
    """A write by SQL that bypasses the write path leaves old keys; --check names the record, a rebuild mends it."""
    protest = factories.ProtestFactory(date_start=D(2020, 10, 18), date_precision=DatePrecision.DAY)
    models.Protest.objects.filter(pk=protest.pk).update(date_start=D(2021, 3, 1))  # no write path
    assert models.Protest.objects.filter(overlaps_q(D(2020, 10, 1), D(2020, 10, 31)), pk=protest.pk).exists()
    with pytest.raises(CommandError):
        call_command("rebuild_public", "--check")
    assert f"protests #{protest.pk}: period keys stored are not its date's period" in capsys.readouterr().out
    call_command("rebuild_public", verbosity=0)
    assert keys(protest) == (D(2021, 3, 1), D(2021, 3, 1))
    assert readmodel.differences() == []


def test_history_keeps_the_date_not_the_keys():
    """The keys follow from the date, which history keeps; a version's keys would be a change behind."""
    for model in DATED:
        names = {f.name for f in model.history.model._meta.get_fields()}
        assert "date_start" in names and not names & {"period_first", "period_last"}, model.__name__


def test_the_keys_are_not_a_form_field_an_archivist_can_set():
    for model in DATED:
        assert not model._meta.get_field("period_first").editable
        assert not model._meta.get_field("period_last").editable


def test_the_migration_fills_the_keys_of_every_dated_record():
    from importlib import import_module

    fill_keys = import_module("archive.migrations.0019_period_keys").fill_keys
    made = [
        factories.ProtestFactory(date_start=D(2020, 10, 9), date_precision=DatePrecision.MID_MONTH),
        factories.StatementFactory(
            date_start=D(2020, 10, 1), date_end=D(2020, 11, 3), date_precision=DatePrecision.DAY
        ),
        factories.SourceFactory(date_start=None, date_precision=DatePrecision.UNDATED),
    ]
    for model in DATED:
        model._base_manager.update(period_first=None, period_last=None)
    fill_keys(apps, SimpleNamespace(connection=connection))
    all_agree()
    assert keys(made[0]) == (D(2020, 10, 1), D(2020, 10, 31))
