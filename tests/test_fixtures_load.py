"""The article's fixtures load cleanly, twice, on both databases."""

import pytest
from django.apps import apps
from django.core.management import call_command

from archive import models
from tests.conftest import article_fixture_files

pytestmark = pytest.mark.django_db

PUBLIC_TYPES = [
    models.Protest,
    models.Arrest,
    models.Statement,
    models.Organization,
    models.MediaOutlet,
    models.Person,
    models.Place,
    models.Source,
]


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_app_config("archive").get_models()}


def test_fixture_files_exist():
    assert len(article_fixture_files()) >= 5


def test_loading_the_fixtures_twice_duplicates_nothing(article):
    first = row_counts()
    public_ids = {m._meta.label: set(m.objects.values_list("public_id", flat=True)) for m in PUBLIC_TYPES}
    call_command("loaddata", *article_fixture_files(), verbosity=0)
    assert row_counts() == first
    assert public_ids == {m._meta.label: set(m.objects.values_list("public_id", flat=True)) for m in PUBLIC_TYPES}


@pytest.mark.parametrize("model", PUBLIC_TYPES, ids=lambda m: m.__name__)
def test_every_record_type_is_seeded_and_published(article, model):
    assert model.objects.published().exists()


@pytest.mark.parametrize("model", PUBLIC_TYPES, ids=lambda m: m.__name__)
def test_every_seeded_record_passes_model_validation(article, model):
    for record in model.objects.all():
        record.full_clean()


@pytest.mark.postgres
def test_fixtures_load_twice_on_postgresql_and_sequences_move_on(article):
    call_command("loaddata", *article_fixture_files(), verbosity=0)
    highest = models.Protest.objects.order_by("-pk").values_list("pk", flat=True).first()
    created = models.Protest.objects.create(title="New after fixtures", kind="rally", date_start="2020-10-01")
    assert created.pk > highest
