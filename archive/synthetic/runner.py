"""Generate a whole archive: check the database is empty, then, in one transaction, write every
phase's rows (COPY on PostgreSQL), rebuild what was dropped, ANALYZE, and derive the search index
from the records through the write path (``archive.changes``: the generated records, all new, are
reported to it as one change of a fresh archive), then reset sequences.

The generated rows carry their own `updated` times and tombstones: records created in a change keep
the `updated` they were written with, and a fresh archive has nothing else to touch."""

import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import translation

from archive import changes, dialect, registry
from archive import models as m
from archive.synthetic import actors, events, pgbulk, sources, statements
from archive.synthetic.context import Context
from archive.synthetic.loader import sink_for
from archive.synthetic.scales import Scale
from archive.synthetic.schema import RECORD_MODELS, build_tables

LANGUAGES_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "00_languages.yaml"
PHASES = [
    ("places", actors.generate_places),
    ("organizations", actors.generate_organizations),
    ("people", actors.generate_people),
    ("outlets", actors.generate_outlets),
    ("sources", sources.generate_sources),
    ("slogans", sources.generate_slogans),
    ("protests", events.generate_protests),
    ("arrests", events.generate_arrests),
    ("statements", statements.generate_statements),
]


class NotEmpty(Exception):
    """The database already holds archive data; the message lists it."""


@dataclass
class Report:
    counts: dict = field(default_factory=dict)
    phases: list = field(default_factory=list)
    rebuilt: list = field(default_factory=list)
    deleted: dict = field(default_factory=dict)


def history_models() -> list:
    return [model for model in apps.get_app_config("archive").get_models() if model.__name__.startswith("Historical")]


def existing_data(tables) -> dict[str, int]:
    """Rows already in the tables the generator fills, or in their history."""
    models = [t.model for t in tables.values()] + history_models()
    found = {}
    for model in models:
        if model._default_manager.exists():
            found[model._meta.label] = model._default_manager.count()
    return found


def _wipe(tables) -> None:
    """Delete what --force replaces: every generated table and the history of those records."""
    models = [t.model for t in tables.values()] + history_models()
    if dialect.is_postgres(connection):
        pgbulk.truncate(connection, [model._meta.db_table for model in models])
        return
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in reversed(models):
            cursor.execute(f"DELETE FROM {qn(model._meta.db_table)}")  # noqa: S608 - names from models


def ensure_languages() -> None:
    """The language tags names and texts use, from the archive's own fixture."""
    for entry in yaml.safe_load(LANGUAGES_FIXTURE.read_text(encoding="utf-8")):
        m.Language.objects.get_or_create(code=entry["pk"], defaults=entry["fields"])


def _context(scale: Scale, seed: int) -> Context:
    types = {model._meta.model_name: ContentType.objects.get_for_model(model).pk for model in RECORD_MODELS}
    ctx = Context(seed=seed, scale=scale, content_types=types)
    # Ids are known before the rows exist, so early rows may cite later ones.
    ctx.sources, ctx.arrests = scale.sources, scale.arrests
    return ctx


def generate(scale: Scale, seed: int, *, force: bool = False, drop_indexes: bool | None = None, log=print) -> Report:
    """Write a whole archive at `scale`, or raise NotEmpty (changing nothing) if there is one and
    not `force`. `drop_indexes` None: drop and rebuild them on PostgreSQL from scale M up."""
    tables = build_tables()
    report = Report()
    found = existing_data(tables)
    if found and not force:
        shown = [f"{label}: {n}" for label, n in sorted(found.items(), key=lambda item: -item[1])]
        more = f" and {len(shown) - 6} more tables" if len(shown) > 6 else ""
        raise NotEmpty(", ".join(shown[:6]) + more)
    ensure_languages()
    ctx = _context(scale, seed)
    postgres = dialect.is_postgres(connection)
    if drop_indexes is None:
        drop_indexes = scale.events >= 100_000
    with translation.override("en"), transaction.atomic():
        if found:
            _wipe(tables)
            report.deleted = found
        _load(ctx, tables, report, log, postgres=postgres, drop_indexes=postgres and drop_indexes)
    return report


def _load(ctx, tables, report, log, *, postgres: bool, drop_indexes: bool) -> None:
    db_tables = [t.db_table for t in tables.values()]
    records = [t.db_table for t in tables.values() if t.model is not m.SearchEntry]
    if postgres:
        pgbulk.settle_in(connection)
    freeze = postgres and pgbulk.truncate_for_freeze(connection, db_tables)
    rebuild = pgbulk.drop_secondary(connection, records, everything=True) if drop_indexes else []
    sink = sink_for(connection, freeze=freeze)
    try:
        for name, producer in PHASES:
            _timed(report, log, name, lambda producer=producer: _write_phase(ctx, sink, tables, producer))
    finally:
        sink.close()
    report.counts = dict(sink.counts)
    if rebuild:
        work = lambda: report.rebuilt.extend(pgbulk.rebuild(connection, rebuild))  # noqa: E731
        _timed(report, log, "indexes and constraints", work)
    if postgres:  # the index is read from these tables: the planner needs their statistics
        _timed(report, log, "analyze", lambda: pgbulk.analyze(connection, records))
    _timed(report, log, "search index", lambda: _write_index(report, postgres=postgres))
    pgbulk.reset_sequences(connection, [t.model for t in tables.values()])


def _write_phase(ctx, sink, tables, producer) -> None:
    for batch in producer(ctx):
        sink.write_batch([(table, batch.get(table.name)) for table in tables.values()])
    sink.flush()


def _write_index(report, *, postgres: bool) -> None:
    """Every record's search entry, public documents and period keys, derived as every write derives them. On
    PostgreSQL the entries' GIN indexes are dropped first and built again after, which is faster than growing them
    row by row."""
    table = m.SearchEntry._meta.db_table
    rebuild = pgbulk.drop_secondary(connection, [table], everything=False) if postgres else []
    with changes.recording(fresh=True):
        for record_type in registry.TYPES:
            model = record_type.model
            ids = list(model._base_manager.values_list("pk", flat=True))
            changes.records_changed(model, ids, created=True, saved=True)
    report.counts["searchentry"] = m.SearchEntry.objects.count()
    if rebuild:
        report.rebuilt = sorted([*report.rebuilt, *pgbulk.rebuild(connection, rebuild)], reverse=True)
    if postgres:  # the public read model and the dated records' period keys were written with the entries
        read_model = [m.PublicDocument._meta.db_table, m.PublicPlace._meta.db_table]
        dated = [t.model._meta.db_table for t in registry.TYPES if t.dated]
        pgbulk.analyze(connection, [table, *read_model, *dated])


def _timed(report, log, name, work) -> None:
    started = time.perf_counter()
    work()
    report.phases.append((name, time.perf_counter() - started))
    log(f"  {name}: {report.phases[-1][1]:.1f} s")
