"""Curators see a label and an explanation on every field, and every model names itself."""

import pytest
from django.apps import apps
from django.db import models

CURATED = [
    m
    for m in apps.get_app_config("archive").get_models()
    if not m.__name__.startswith("Historical") and not m._meta.auto_created
]


def fields_of(model):
    for field in model._meta.get_fields():
        if field.auto_created or not getattr(field, "editable", False) or field.name in {"created"}:
            continue
        if field.is_relation and field.many_to_one is False and field.many_to_many is False:
            continue
        yield field


@pytest.mark.parametrize("model", CURATED, ids=lambda m: m.__name__)
def test_every_curator_field_has_a_label_and_help_text(model):
    missing = [f.name for f in fields_of(model) if not f.help_text or not f.verbose_name]
    assert not missing, f"{model.__name__}: {missing}"


@pytest.mark.parametrize("model", CURATED, ids=lambda m: m.__name__)
def test_every_model_has_names_and_a_str(model):
    declared = model._meta.original_attrs
    assert "verbose_name" in declared and "verbose_name_plural" in declared
    assert model.__str__ is not models.Model.__str__
