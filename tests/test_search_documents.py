"""Index entries in bulk (`reindex_records`) against their definition, one record at a time (`entry_values`)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from archive import models, registry, search
from archive.search import documents
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    """Every type, with what the public must not see among what each record shows."""
    fa = factories.LanguageFactory(code="fa", name="Persian")
    en = factories.LanguageFactory(code="en", name="English")
    tabriz = factories.PlaceFactory(name="Təbriz")
    hidden_place = factories.PlaceFactory(name="Hiddenplace", status=models.Status.DRAFT)
    models.PlaceName.objects.create(owner=tabriz, name="تبريز", language=fa)
    models.PlaceName.objects.create(owner=tabriz, name="Tabriz", language=en)
    party = factories.OrganizationFactory(name="Güney Cəbhəsi")
    secret = factories.OrganizationFactory(name="Secretorg", restricted=True)
    models.OrganizationName.objects.create(owner=party, name="GAMAC", language=en, kind="abbreviation")
    speaker = factories.PersonFactory(name="Əli Speaker")
    at_risk = factories.PersonFactory(name="Atrisk Person", at_risk=True)
    models.PersonName.objects.create(owner=at_risk, name="Hidden Alias", language=en)
    outlet = factories.MediaOutletFactory(name="Public Outlet")
    draft_outlet = factories.MediaOutletFactory(name="Draft Outlet", status=models.Status.IN_REVIEW)
    protest = factories.ProtestFactory(title="Rally in Tabriz", description="Crowds\nin the bazaar")
    protest.places.add(tabriz, hidden_place)
    protest.organizers.add(party, secret)
    chant = models.Slogan.objects.create(text="Azadlıq!", language=en, translation="Freedom!")
    other = models.Slogan.objects.create(text="Ana dili", language=en, translation="Mother tongue")
    protest.slogans.add(chant, other)
    quiet = factories.ProtestFactory(title="Draft protest", status=models.Status.DRAFT, description="")
    factories.ArrestFactory(person=at_risk, group_description="", place=tabriz, protest=protest)
    factories.ArrestFactory(person=speaker, group_description="", place=hidden_place, protest=quiet)
    factories.ArrestFactory(group_description="students", accusation="propaganda")
    statement = factories.StatementFactory(title="Statement", summary="Said", speaker_description="imams")
    statement.speaker_people.add(speaker, at_risk)
    statement.speaker_organizations.add(party, secret)
    models.StatementText.objects.create(statement=statement, language=fa, text="متن اصلی", is_original=True)
    models.StatementText.objects.create(statement=statement, language=en, text="The words.")
    models.SignatoryClaim.objects.create(statement=statement, low=3, group="writers")
    factories.StatementFactory(title="Draft statement", status=models.Status.DRAFT)
    factories.SourceFactory(title="A report", authors="A. Author", outlet=outlet, reference_text="Author, report.")
    factories.SourceFactory(title="Another", outlet=draft_outlet, title_translation="Digər")
    factories.SourceFactory(title="Untitled", outlet=None)
    return locals()


def _entries(model) -> dict[int, dict]:
    fields = ["object_id", *documents.ENTRY_FIELDS]
    entries = models.SearchEntry.objects.filter(record_type=registry.key_of(model)).values(*fields)
    return {entry.pop("object_id"): entry for entry in entries}


def test_bulk_entries_equal_the_definition_for_every_type(world):
    for record_type in registry.TYPES:
        model = record_type.model
        models.SearchEntry.objects.filter(record_type=record_type.key).delete()
        search.reindex_records(model, model._base_manager.values_list("pk", flat=True))
        written = _entries(model)
        assert set(written) == set(model._base_manager.values_list("pk", flat=True)), record_type.key
        for record in model._base_manager.all():
            expected = documents.entry_values(record)
            assert {key: written[record.pk][key] for key in expected} == expected, record


def test_bulk_entries_leave_out_what_the_public_may_not_see(world):
    search.rebuild()
    public = models.SearchEntry.objects.filter(is_public=True).values_list("title", "names", "body", "text")
    public_text = " ".join(" ".join(columns) for columns in public)
    for hidden in ("Hiddenplace", "Secretorg", "Atrisk", "Hidden Alias", "Draft Outlet", "Draft protest", "Draft st"):
        assert hidden.lower() not in public_text.lower(), hidden
    arrest = models.SearchEntry.objects.get(record_type="arrests", object_id=world["at_risk"].arrests.get().pk)
    assert arrest.title == "a detainee, name withheld"
    protest = _entries(models.Protest)[world["protest"].pk]
    assert "tabriz" in protest["body"] and "guney cabhasi" in protest["body"] and "azadliq" in protest["body"]


def test_entries_are_written_in_the_archive_language_whoever_writes(world):
    with translation.override("fa"):
        search.rebuild()
        definition = documents.entry_values(world["at_risk"].arrests.get())
    arrest = models.SearchEntry.objects.get(record_type="arrests", object_id=world["at_risk"].arrests.get().pk)
    assert arrest.title == definition["title"] == "a detainee, name withheld"


def test_bulk_indexing_reads_the_same_number_of_queries_for_one_record_or_many(world):
    def queries(model, pks) -> int:
        with CaptureQueriesContext(connection) as captured:
            search.reindex_records(model, pks)
        return len(captured)

    for model in (models.Protest, models.Statement, models.Arrest, models.Place, models.Source):
        pks = list(model._base_manager.values_list("pk", flat=True))
        assert len(pks) > 1
        assert queries(model, pks[:1]) == queries(model, pks), model


def test_reindexing_a_missing_record_writes_nothing(world):
    search.reindex_records(models.Protest, [10**9])
    assert not models.SearchEntry.objects.filter(object_id=10**9).exists()


def test_deep_paths_pass_only_public_records_at_every_step(world):
    # No document has a two-step path today; the bulk reader walks any depth the way _values does.
    protest = world["protest"]
    pks = list(models.Arrest.objects.values_list("pk", flat=True))
    bulk = documents._reach(models.Arrest, pks, ["protest__places__name"])["protest__places__name"]
    for arrest in models.Arrest.objects.all():
        assert bulk.get(arrest.pk, []) == documents._values(arrest, "protest__places__name")
    assert bulk[world["at_risk"].arrests.get().pk] == ["Təbriz"]
    assert protest.places.count() == 2
