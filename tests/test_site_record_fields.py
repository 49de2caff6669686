"""A record page shows its type's public field spec: every public field that has a value, by its kind,
with no per-field line in the template — so a field added to a type's spec shows with no template edit."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils.html import escape
from django.utils.text import capfirst

from archive import models, registry
from archive.registry import Field, Kind
from archive.templatetags.archive_tags import plain_number, record_url
from tests import factories

pytestmark = pytest.mark.django_db

KEYS = [record_type.key for record_type in registry.TYPES]
FACTORIES = {
    models.Protest: factories.ProtestFactory,
    models.Arrest: factories.ArrestFactory,
    models.Statement: factories.StatementFactory,
    models.Organization: factories.OrganizationFactory,
    models.MediaOutlet: factories.MediaOutletFactory,
    models.Person: factories.PersonFactory,
    models.Place: factories.PlaceFactory,
    models.Source: factories.SourceFactory,
}
DAY = dt.date(2020, 10, 1)


def expected(record, spec) -> list[str]:
    """What the page must contain for one field (nothing for an empty field or a hidden linked record)."""
    if spec.kind == Kind.DATE:
        return [escape(record.date_display)] + ([escape(record.date_note)] if record.date_note else [])
    value = getattr(record, spec.name)
    if spec.kind == Kind.CHOICE:
        return [escape(getattr(record, f"get_{spec.name}_display")())] if value else []
    if spec.kind == Kind.RECORD:
        return [record_url(value)] if value is not None and value.is_public else []
    if spec.kind == Kind.RECORDS:
        return [record_url(related) for related in value.published()]
    if spec.kind == Kind.LANGUAGE:
        return [value.code] if value is not None else []
    if spec.kind == Kind.LANGUAGES:
        return list(value.values_list("code", flat=True))
    if spec.kind == Kind.SLOGANS:
        return [escape(slogan.text) for slogan in value.all()]
    if spec.kind == Kind.DAY:
        return [value.isoformat()] if value else []
    if spec.kind == Kind.BOOLEAN:
        return ["yes" if value else "no"]
    if spec.kind == Kind.NUMBER and value is not None:
        return [plain_number(value)]  # as data: 38.08, not 38.080000
    if value is None or value == "":
        return []
    return [escape(line) for line in str(value).splitlines() if line.strip()]


def assert_shows_its_fields(client, record) -> None:
    record_type = registry.of(record)
    page = client.get(record_url(record)).content.decode()
    for spec in record_type.public_fields:
        wanted = expected(record, spec)
        for text in wanted:
            assert text in page, (record_type.key, record.public_id, spec.name, text)
        if wanted and spec.name != record_type.label_field and spec.kind not in Kind.RELATIONS:
            assert str(escape(capfirst(spec.label))) in page, (record_type.key, spec.name, "label")


@pytest.mark.parametrize("key", KEYS)
def test_every_public_field_of_the_articles_records_shows_on_their_pages(client, article, key):
    for record in registry.get(key).model.objects.published():
        assert_shows_its_fields(client, record)


def make(model, **values):
    return FACTORIES[model](**values)


def fill(record, spec: Field) -> None:
    """Give one field a value by its kind (relations to new public records)."""
    kind, name = spec.kind, spec.name
    if kind == Kind.DATE:
        record.date_start, record.date_end, record.date_precision = DAY, None, "day"
        record.date_note = "Known from the filled-in note"
    elif kind == Kind.CHOICE:
        setattr(record, name, spec.model_field.choices[-1][0])
    elif kind == Kind.INTEGER:
        setattr(record, name, 1999)
    elif kind == Kind.NUMBER:
        setattr(record, name, Decimal("12.5"))
    elif kind == Kind.DAY:
        setattr(record, name, DAY)
    elif kind == Kind.BOOLEAN:
        setattr(record, name, True)
    elif kind == Kind.LANGUAGE:
        setattr(record, name, factories.LanguageFactory())
    elif kind == Kind.RECORD:
        setattr(record, name, make(spec.target, **spec.limit))
    elif kind == Kind.TEXT:
        text = "https://example.org/filled" if spec.model_field.get_internal_type() == "URLField" else f"Filled {name}"
        setattr(record, name, text)


def fill_many(record, spec: Field) -> None:
    if spec.kind == Kind.RECORDS:
        getattr(record, spec.name).set([make(spec.target)])
    elif spec.kind == Kind.LANGUAGES:
        getattr(record, spec.name).set([factories.LanguageFactory(code="fa", name="Persian")])
    elif spec.kind == Kind.SLOGANS:
        slogan = models.Slogan.objects.create(text="Filled slogan", language=factories.LanguageFactory())
        getattr(record, spec.name).set([slogan])


@pytest.mark.parametrize("key", KEYS)
def test_a_record_with_every_public_field_filled_shows_them_all(client, key):
    record_type = registry.get(key)
    record = make(record_type.model)
    for spec in record_type.public_fields:
        fill(record, spec)
    record.save()
    for spec in record_type.public_fields:
        fill_many(record, spec)
    record = record_type.model.objects.get(pk=record.pk)
    assert all(expected(record, spec) for spec in record_type.public_fields)
    assert_shows_its_fields(client, record)


def test_a_field_added_to_a_types_spec_shows_on_its_page_with_no_template_edit(client, monkeypatch):
    protests = registry.get("protests")
    protest = factories.ProtestFactory(title="Rally")
    page = client.get(record_url(protest)).content.decode()
    assert "Created" not in page
    added = Field("created").bind(models.Protest)  # a day, for the test's sake
    monkeypatch.setattr(protests, "fields", (*protests.fields, added))
    monkeypatch.setattr(protests, "public_fields", (*protests.public_fields, added))
    cache.clear()  # the spec changed, not the archive: drop the page cached above
    page = client.get(record_url(protest)).content.decode()
    assert "<dt>Created</dt>" in page and protest.created.date().isoformat() in page


def test_a_field_dropped_from_the_spec_leaves_the_page(client, monkeypatch):
    protests = registry.get("protests")
    protest = factories.ProtestFactory(title="Rally", event_status=models.EventStatus.HELD)
    assert "<dt>Event status</dt>" in client.get(record_url(protest)).content.decode()
    kept = tuple(f for f in protests.public_fields if f.name != "event_status")
    monkeypatch.setattr(protests, "public_fields", kept)
    cache.clear()
    assert "<dt>Event status</dt>" not in client.get(record_url(protest)).content.decode()


def test_a_hidden_linked_record_leaves_no_row(client):
    draft = factories.PlaceFactory(name="Secret Country", kind="country", status=models.Status.DRAFT)
    organization = factories.OrganizationFactory(country=draft)
    page = client.get(record_url(organization)).content.decode()
    assert "Secret Country" not in page and draft.public_id not in page
    assert "<dt>Country</dt>" not in page


def test_a_role_at_a_hidden_organization_is_left_out_with_its_text(client):
    person = factories.PersonFactory()
    public = factories.OrganizationFactory(name="Open Union")
    hidden = factories.OrganizationFactory(name="Closed Cell", restricted=True)
    models.Affiliation.objects.create(person=person, organization=public, role="Spokesman", date_precision="undated")
    models.Affiliation.objects.create(person=person, organization=hidden, role="Treasurer", date_precision="undated")
    models.Affiliation.objects.create(person=person, role="Poet", date_precision="undated")
    page = client.get(record_url(person)).content.decode()
    assert "Spokesman" in page and record_url(public) in page and "Poet" in page
    assert "Treasurer" not in page and "Closed Cell" not in page and hidden.public_id not in page


def test_only_web_addresses_become_links_and_languages_show_as_codes(client):
    outlet = factories.MediaOutletFactory(url="https://example.org/paper")
    outlet.languages.set([factories.LanguageFactory(code="az-Arab", name="Azerbaijani (Arabic script)")])
    page = client.get(record_url(outlet)).content.decode()
    assert 'href="https://example.org/paper"' in page
    assert '<bdi dir="ltr">az-Arab</bdi>' in page


@pytest.mark.parametrize("lang", ["az", "fa", "tr"])
def test_field_labels_are_translated(client, lang):
    from django.utils import translation

    protest = factories.ProtestFactory(event_status=models.EventStatus.HELD)
    page = client.get(f"/{lang}/protests/{protest.public_id}/").content.decode()
    with translation.override(lang):
        label = str(capfirst(models.Protest._meta.get_field("event_status").verbose_name))
    assert label != "Event status" and f"<dt>{escape(label)}</dt>" in page
