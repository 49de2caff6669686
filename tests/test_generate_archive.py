"""generate_archive: realistic, deterministic synthetic archives for benchmarks (run here at XS)."""

import hashlib
import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection

from archive import models, registry, search
from archive.dates import DatePrecision
from archive.synthetic import runner
from archive.synthetic.places import real_places
from archive.synthetic.scales import SCALES
from archive.synthetic.schema import build_tables
from tests import factories

pytestmark = pytest.mark.django_db

XS = SCALES["XS"]
RECORD_TYPES = {
    "protests": models.Protest,
    "arrests": models.Arrest,
    "statements": models.Statement,
    "organizations": models.Organization,
    "media-outlets": models.MediaOutlet,
    "people": models.Person,
    "places": models.Place,
    "sources": models.Source,
}


def generate(seed: int = 1, **kwargs) -> runner.Report:
    return runner.generate(XS, seed, log=lambda line: None, **kwargs)


def checksum() -> str:
    """A digest of every generated table's contents, row by row in id order. Search entries are
    derived by the write path when the load ends: their content counts, not their ids or write times."""
    digest = hashlib.sha256()
    for table in build_tables().values():
        fields = [f.attname for f in table.model._meta.concrete_fields]
        rows = table.model._default_manager.order_by("pk")
        if table.model is models.SearchEntry:
            fields = [name for name in fields if name not in ("id", "updated")]
            rows = rows.order_by("content_type", "object_id")
        for row in rows.values_list(*fields):
            digest.update(repr(row).encode())
    return digest.hexdigest()


@pytest.fixture
def generated():
    return generate()


def test_the_same_seed_gives_identical_rows_and_another_seed_does_not():
    generate(seed=7)
    first = checksum()
    first_ids = list(models.Protest.objects.order_by("pk").values_list("public_id", flat=True))
    generate(seed=7, force=True)
    assert checksum() == first
    assert list(models.Protest.objects.order_by("pk").values_list("public_id", flat=True)) == first_ids
    generate(seed=8, force=True)
    assert checksum() != first
    assert models.Protest.objects.order_by("pk").values_list("public_id", flat=True)[0] != first_ids[0]


def test_counts_follow_the_scale(generated):
    assert models.Protest.objects.count() == XS.protests
    assert models.Arrest.objects.count() == XS.arrests
    assert models.Statement.objects.count() == XS.statements
    assert models.Person.objects.count() == XS.people
    assert models.Organization.objects.count() == XS.organizations
    assert models.MediaOutlet.objects.count() == XS.outlets
    assert models.Source.objects.count() == XS.sources
    assert models.Place.objects.count() == len(real_places()) + XS.places
    indexed = sum(model.objects.count() for model in RECORD_TYPES.values())
    assert models.SearchEntry.objects.count() == indexed
    assert generated.counts["protest"] == XS.protests
    assert generated.counts["searchentry"] == indexed
    # Rows were written without save(): no history row, no per-row signal work.
    assert not any(model.objects.exists() for model in runner.history_models())


def test_every_generated_row_passes_model_validation(generated):
    # Constraints and uniqueness the database already enforced while loading; this checks the
    # field validators (public ids, URLs, language tags) and each model's clean().
    for table in build_tables().values():
        for record in table.model._default_manager.all():
            record.full_clean(validate_unique=False, validate_constraints=False)


def test_records_are_mostly_published_with_every_editorial_state(generated):
    statuses = set(models.Protest.objects.values_list("status", flat=True)) | set(
        models.Source.objects.values_list("status", flat=True)
    )
    assert statuses == set(models.Status.values)
    total = sum(model.objects.count() for model in RECORD_TYPES.values())
    public = sum(model.objects.published().count() for model in RECORD_TYPES.values())
    assert 0.75 < public / total < 0.92
    assert models.Person.objects.filter(at_risk=True).exists()
    assert models.Tombstone.objects.filter(status="withdrawn").exists()
    withdrawn = models.Protest.objects.withdrawn().first()
    assert withdrawn.withdrawn_reason
    assert models.Tombstone.objects.filter(record_type="protests", public_id=withdrawn.public_id).exists()


def test_tombstones_speak_as_the_write_path_does(generated):
    # The registry's public keys, and only what the public may know: a restriction or an at-risk
    # person reads "unpublished" (archive.changes.State.tombstone_status).
    tombstones = set(models.Tombstone.objects.values_list("record_type", "status"))
    assert {key for key, _ in tombstones} <= set(registry.KEYS)
    assert {status for _, status in tombstones} == {"withdrawn", "unpublished"}
    at_risk = models.Person.objects.filter(at_risk=True, status="published", restricted=False)
    buried = models.Tombstone.objects.filter(record_type="people", public_id__in=at_risk.values("public_id"))
    assert buried.exists() and set(buried.values_list("status", flat=True)) == {"unpublished"}


def test_dates_come_at_every_precision_clustered_on_the_war(generated):
    dated = list(models.Protest.objects.values_list("date_start", "date_precision")) + list(
        models.Statement.objects.values_list("date_start", "date_precision")
    )
    assert {precision for _, precision in dated} == set(DatePrecision.values)
    days = [day for day, _ in dated if day]
    autumn_2020 = [d for d in days if d.year == 2020 and 9 <= d.month <= 11]
    assert len(autumn_2020) > len(days) / 3
    assert min(days).year < 2010 and max(days).year >= 2021
    updated = sorted(models.Protest.objects.values_list("updated", flat=True))
    assert updated[-1].year - updated[0].year >= 3


def test_names_come_in_every_script_with_language_tags(generated):
    other = models.PersonName.objects.values_list("name", "language_id")
    languages = {language for _, language in other}
    assert {"az-Latn", "fa", "ru", "tr", "en"} <= languages | set(
        models.Person.objects.values_list("name_language_id", flat=True)
    )
    persian = [name for name, language in other if language == "fa"]
    assert persian and all(re.search("[\u0600-\u06ff]", name) for name in persian)
    assert all(re.search("[а-яА-Я]", name) for name, language in other if language == "ru")
    azerbaijani = " ".join(models.Person.objects.filter(name_language="az-Latn").values_list("name", flat=True))
    assert set("əış") <= set(azerbaijani.lower())


def test_places_form_a_hierarchy_from_country_to_village(generated):
    village = models.Place.objects.filter(kind="village").select_related("parent__parent__parent").first()
    city, province, country = village.parent, village.parent.parent, village.parent.parent.parent
    assert (city.kind, province.kind, country.kind) == ("city", "province", "country")
    assert country.name == "Iran"
    assert models.Place.objects.filter(name="Tabriz", parent__name="East Azerbaijan").exists()
    assert models.PlaceName.objects.filter(owner__name="Urmia", name="ارومیه", language="fa").exists()


def test_claims_sources_and_citations_are_there(generated):
    claim = models.ProtestSizeClaim.objects.exclude(words="").exclude(claimant="").first()
    assert claim.low is not None and claim.source_id
    assert models.ArrestCountClaim.objects.exists() and models.SignatoryClaim.objects.exists()
    assert models.Citation.objects.filter(footnote__isnull=False, cited_in__isnull=False).exists()
    assert not models.Citation.objects.filter(quote="").exists()
    for model in RECORD_TYPES.values():
        uncited = model.objects.published().filter(**{"citations__isnull": True})
        assert not uncited.exists(), f"a published {model.__name__} has no citation"
    assert models.StatementText.objects.filter(is_original=True).exists()
    assert models.StatementText.objects.filter(is_original=False).exclude(translator="").exists()


def test_the_generated_index_is_what_the_search_module_would_write(generated):
    for model in RECORD_TYPES.values():
        entries = {e.object_id: e for e in models.SearchEntry.objects.filter(record_type=registry.key_of(model))}
        for record in model.objects.all():
            expected = search.documents.entry_values(record)
            entry = entries[record.pk]
            assert {key: getattr(entry, key) for key in expected} == expected, record


def test_search_finds_generated_names_in_azerbaijani_persian_and_russian(generated):
    for language in ("az-Latn", "fa", "ru"):
        other = (
            models.PersonName.objects.filter(language=language, owner__in=models.Person.objects.published())
            .select_related("owner")
            .first()
        )
        found = [r.object_id for r in search.search(other.name, types=["people"], limit=100)]
        assert other.owner.pk in found, (language, other.name)
    person = models.Person.objects.published().filter(name__contains="ə").first()
    folded = person.name.replace("ə", "a").replace("Ə", "A").replace("ı", "i").replace("ş", "s")
    assert person.pk in [r.object_id for r in search.search(folded, types=["people"], limit=100)]


def test_search_never_shows_an_at_risk_person(generated):
    hidden = models.Person.objects.filter(at_risk=True).first()
    assert hidden.pk not in [r.object_id for r in search.search(hidden.name, limit=100)]


def _api_ids(client, kind: str) -> list[str]:
    ids, url = [], f"/api/v1/{kind}/?page_size=500"
    while url:
        body = client.get(url).json()
        ids += [item["id"] for item in body["results"]]
        url = body["next"]
    return ids


@pytest.mark.parametrize("kind", list(RECORD_TYPES))
def test_the_api_and_site_show_only_published_records(client, generated, kind):
    model = RECORD_TYPES[kind]
    published = set(model.objects.published().values_list("public_id", flat=True))
    assert published and published != set(model.objects.values_list("public_id", flat=True))
    assert set(_api_ids(client, kind)) == published
    hidden = model.objects.exclude(pk__in=model.objects.published()).exclude(status="withdrawn").first()
    assert client.get(f"/api/v1/{kind}/{hidden.public_id}/").status_code == 404
    assert client.get(f"/en/{kind}/{hidden.public_id}/").status_code == 404
    page = client.get(f"/en/{kind}/").content.decode()
    linked = set(re.findall(rf'href="/en/{kind}/([a-z0-9-]+)/"', page))
    assert linked and linked <= published


def test_restricted_fields_stay_hidden(client, generated):
    notes = set(models.Protest.objects.exclude(private_note="").values_list("private_note", flat=True))
    assert notes
    body = client.get("/api/v1/protests/?page_size=500").content.decode()
    assert not any(note in body for note in notes)
    arrest = models.Arrest.objects.published().filter(person__at_risk=True).select_related("person").first()
    assert arrest is not None
    shown = client.get(f"/api/v1/arrests/{arrest.public_id}/").content.decode()
    assert arrest.person.name not in shown
    page = client.get(f"/en/arrests/{arrest.public_id}/").content.decode()
    assert arrest.person.name not in page and "name withheld" in page


def test_ordinary_inserts_work_after_generation(generated):
    protest = factories.ProtestFactory(title="Rally after the generator")
    assert protest.pk == XS.protests + 1
    protest.places.add(models.Place.objects.first())
    models.PersonName.objects.create(owner=models.Person.objects.first(), name="Yeni ad", language_id="az-Latn")
    citation = models.Citation.objects.create(record=protest, source=models.Source.objects.first(), quote="q")
    assert citation.pk > models.Citation.objects.exclude(pk=citation.pk).order_by("-pk").first().pk
    assert search.search("generator", types=["protests"])[0].public_id == protest.public_id


def test_refuses_a_database_that_holds_records_unless_forced():
    existing = factories.ProtestFactory(title="An archivist's protest")
    with pytest.raises(CommandError, match="--force"):
        call_command("generate_archive", "--scale", "XS", stdout=io.StringIO())
    assert list(models.Protest.objects.all()) == [existing]
    assert not models.Person.objects.exists()
    out = io.StringIO()
    call_command("generate_archive", "--scale", "XS", "--force", stdout=out)
    assert not models.Protest.objects.filter(pk=existing.pk, title=existing.title).exists()
    assert "Deleted first" in out.getvalue() and "archive.Protest: 1" in out.getvalue()


def test_the_command_prints_counts_and_phase_times():
    out = io.StringIO()
    call_command("generate_archive", "--scale", "XS", "--seed", "3", stdout=out)
    text = out.getvalue()
    assert re.search(r"protest\s+100\b", text)
    assert re.search(r"protests: [0-9.]+ s", text) and "search index" in text and "Done in" in text


def test_a_failed_load_leaves_nothing_behind(monkeypatch):
    def clashing_places(ctx):
        rows = [
            (pk, f"clash{pk:06d}", "published", "", False, "", None, None, "X", "en", "city", None, None, None, "", "")
            for pk in (1, 1)
        ]
        yield {"place": rows}

    monkeypatch.setattr(runner, "PHASES", [("places", clashing_places)])
    with pytest.raises(IntegrityError):
        generate()
    assert not models.Place.objects.exists() and not models.SearchEntry.objects.exists()


def test_unknown_scale_is_refused():
    with pytest.raises(CommandError):
        call_command("generate_archive", "--scale", "XXL", stdout=io.StringIO())


def _schema() -> set:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename LIKE 'archive_%%' UNION ALL "
            "SELECT conname || pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid::regclass::text LIKE "
            "'archive_%%'"
        )
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.postgres
def test_postgres_load_rebuilds_every_index_and_constraint_it_dropped():
    before = _schema()
    report = generate(drop_indexes=True)
    assert report.rebuilt and _schema() == before
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM archive_searchentry WHERE vector IS NOT NULL")
        assert cursor.fetchone()[0] == models.SearchEntry.objects.count()


@pytest.mark.postgres
def test_postgres_trigram_search_finds_a_transliteration(generated):
    person = models.Person.objects.published().filter(name_language="en").first()
    typo = person.name[:-1] + ("x" if person.name[-1] != "x" else "y")
    assert person.pk in [r.object_id for r in search.search(typo, types=["people"], limit=100)]
