"""Merging duplicates moves every reference and keeps the duplicate's name."""

import pytest
from django.test import Client
from django.urls import reverse

from archive.merge import MergeError, entity_merge
from archive.models import Citation, Person, PersonName, Place, Protest
from tests import factories
from tests.factories import CitationFactory, user_in_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(db):
    return user_in_role("Editor", "edna")


@pytest.fixture
def az(db):
    return factories.LanguageFactory(code="az-Latn", name="Azerbaijani (Latin)")


def test_merging_people_moves_arrests_statements_citations_and_aliases(editor, az):
    keep = factories.PersonFactory(name="Ahmad Obali")
    dup = factories.PersonFactory(name="Əhməd Obalı", name_language=az)
    PersonName.objects.create(owner=dup, name="@AhmadObalı", language=az)
    arrest = factories.ArrestFactory(person=dup, group_description="")
    statement = factories.StatementFactory()
    statement.speaker_people.add(dup)
    CitationFactory(record=dup)
    dup_pk = dup.pk
    entity_merge(survivor=keep, duplicates=[dup], user=editor)
    assert not Person.objects.filter(pk=dup_pk).exists()
    arrest.refresh_from_db()
    assert arrest.person == keep
    assert list(statement.speaker_people.all()) == [keep]
    assert set(keep.other_names.values_list("name", flat=True)) == {"Əhməd Obalı", "@AhmadObalı"}
    assert Citation.objects.filter(object_id=keep.pk, content_type__model="person").count() == 1


def test_merge_is_recorded_in_history(editor, az):
    keep = factories.PersonFactory(name="Ahmad Obali")
    dup = factories.PersonFactory(name="Ahmed Obali", public_id="person-dup")
    arrest = factories.ArrestFactory(person=dup, group_description="")
    dup_pk = dup.pk
    entity_merge(survivor=keep, duplicates=[dup], user=editor)
    deleted = Person.history.get(id=dup_pk, history_type="-")
    assert deleted.history_user == editor and "person-dup" in deleted.history_change_reason
    assert arrest.history.first().history_user == editor


def test_merging_places_moves_children_and_protests(editor):
    keep = factories.PlaceFactory(name="Urmia")
    dup = factories.PlaceFactory(name="Urmu")
    child = factories.PlaceFactory(name="Urmia bazaar", parent=dup)
    protest = factories.ProtestFactory()
    protest.places.add(dup)
    entity_merge(survivor=keep, duplicates=[dup], user=editor)
    child.refresh_from_db()
    assert child.parent == keep
    assert list(protest.places.all()) == [keep]
    assert Place.objects.filter(name="Urmu").count() == 0


def test_merge_keeps_the_survivor_searchable_by_the_old_name(editor):
    from archive import search

    keep = factories.PlaceFactory(name="Zanjan", public_id="zanjan")
    dup = factories.PlaceFactory(name="Zanzan")
    entity_merge(survivor=keep, duplicates=[dup], user=editor)
    assert [r.public_id for r in search.search("Zanzan")] == ["zanjan"]


def test_archivist_may_not_merge(db):
    archivist = user_in_role("Archivist", "archie")
    keep, dup = factories.PersonFactory.create_batch(2)
    with pytest.raises(MergeError):
        entity_merge(survivor=keep, duplicates=[dup], user=archivist)


def test_events_cannot_be_merged(editor):
    a, b = factories.ProtestFactory.create_batch(2)
    with pytest.raises(MergeError):
        entity_merge(survivor=a, duplicates=[b], user=editor)
    assert Protest.objects.count() == 2


def test_admin_merge_action_asks_which_record_to_keep(editor):
    client = Client()
    client.force_login(editor)
    keep = factories.OrganizationFactory(name="GAMAC")
    dup = factories.OrganizationFactory(name="South Azerbaijan National Liberation Front")
    url = reverse("admin:archive_organization_changelist")
    page = client.post(url, {"action": "merge_selected", "_selected_action": [keep.pk, dup.pk]})
    assert page.status_code == 200 and "Keep this record" in page.content.decode()
    done = client.post(
        url, {"action": "merge_selected", "_selected_action": [keep.pk, dup.pk], "apply": "1", "survivor": keep.pk}
    )
    assert done.status_code == 302
    assert list(keep.other_names.values_list("name", flat=True)) == ["South Azerbaijan National Liberation Front"]


def merge_page(client, records):
    url = reverse("admin:archive_person_changelist")
    return client.post(url, {"action": "merge_selected", "_selected_action": [r.pk for r in records]})


@pytest.fixture
def editor_client(editor):
    client = Client()
    client.force_login(editor)
    return client


def test_merge_confirmation_lists_what_would_move_and_warns_of_an_at_risk_record(editor_client, az):
    keep = factories.PersonFactory(name="Ahmad Obali")
    hidden = factories.PersonFactory(name="Əhməd Obalı", at_risk=True)
    PersonName.objects.create(owner=hidden, name="@AhmadObalı", language=az)
    factories.ArrestFactory.create_batch(2, person=hidden, group_description="")
    factories.StatementFactory().speaker_people.add(hidden)
    CitationFactory(record=hidden)
    page = merge_page(editor_client, [keep, hidden])
    assert page.status_code == 200
    moves = {c["record"].pk: dict(c["moves"]) for c in page.context["candidates"]}
    assert moves[hidden.pk] == {
        "other names": 1,
        "citations": 1,
        "arrests — detainee": 2,
        "statements — speakers (people)": 1,
    }
    assert moves[keep.pk] == {}
    html = page.content.decode()
    assert "will be marked at risk too" in html and "arrests — detainee: 2" in html
    assert Person.objects.get(pk=hidden.pk).arrests.count() == 2  # nothing moved before confirmation


def test_merge_confirmation_of_public_records_has_no_warning(editor_client):
    page = merge_page(editor_client, factories.PersonFactory.create_batch(2))
    assert page.context["warnings"] == []
    assert "at risk" not in page.content.decode()


def test_merging_an_at_risk_person_into_a_public_one_keeps_the_name_hidden(editor_client, client, az):
    from archive import search
    from archive.models import Tombstone

    keep = factories.PersonFactory(name="Public Person", public_id="public-person")
    CitationFactory(record=keep)
    hidden = factories.PersonFactory(name="Secret Person", public_id="secret-person", at_risk=True)
    PersonName.objects.create(owner=hidden, name="Secret Alias", language=az)
    factories.ArrestFactory(person=hidden, group_description="", public_id="arrest-secret")
    page = merge_page(editor_client, [keep, hidden])
    assert "will be marked at risk too" in page.content.decode()
    done = editor_client.post(
        reverse("admin:archive_person_changelist"),
        {"action": "merge_selected", "_selected_action": [keep.pk, hidden.pk], "apply": "1", "survivor": keep.pk},
    )
    assert done.status_code == 302
    keep.refresh_from_db()
    assert keep.at_risk and set(keep.other_names.values_list("name", flat=True)) == {"Secret Person", "Secret Alias"}
    assert Tombstone.objects.filter(record_type="people", public_id="public-person").exists()
    names = ("Secret Person", "Secret Alias", "Public Person")
    assert client.get("/api/v1/people/public-person/").status_code == 404
    assert client.get("/en/people/public-person/").status_code == 404
    arrest = client.get("/api/v1/arrests/arrest-secret/")
    assert arrest.json()["detainee"] == "a detainee, name withheld"
    shown = [
        arrest.content.decode(),
        client.get("/api/v1/people/").content.decode(),
        client.get("/en/arrests/arrest-secret/").content.decode(),
    ]
    assert not any(name in body for name in names for body in shown)
    assert "name withheld" in shown[2]
    for name in names:
        assert search.search(name) == []
        assert "public-person" not in client.get("/api/v1/search/", {"q": name}).content.decode()
        assert "public-person" not in client.get("/en/search/", {"q": name}).content.decode()


def test_merge_keeps_one_citation_of_the_same_passage_with_the_fuller_quote(editor):
    article = factories.SourceFactory(title="Karabakh war article")
    periodical = factories.SourceFactory(title="Periodical cited in footnote 13")
    keep = factories.PersonFactory(name="Mahmudali Chehregani")
    dup = factories.PersonFactory(name="Mahmudəli Çöhrəqanlı")
    short = "Southern Azerbaijanis support Azerbaijan"
    CitationFactory(record=keep, source=periodical, cited_in=article, footnote=13, quote=short)
    full = f"We declare that  {short} in the liberation of its lands."
    CitationFactory(record=dup, source=periodical, cited_in=article, footnote=13, quote=full, note="Open letter")
    CitationFactory(record=dup, source=periodical, cited_in=article, footnote=13, quote="Another passage entirely")
    CitationFactory(record=dup, source=periodical, cited_in=article, footnote=14, quote=short)
    entity_merge(survivor=keep, duplicates=[dup], user=editor)
    rows = Citation.objects.filter(object_id=keep.pk, content_type__model="person").order_by("footnote", "pk")
    assert [(c.footnote, c.quote, c.note) for c in rows] == [
        (13, full, "Open letter"),
        (13, "Another passage entirely", ""),
        (14, short, ""),
    ]
    page = Client().get(f"/en/people/{keep.public_id}/").content.decode()
    assert page.count("in the liberation of its lands") == 1


def test_citations_of_other_sources_or_pages_are_not_merged(editor):
    keep, dup = factories.PersonFactory.create_batch(2)
    source = factories.SourceFactory()
    CitationFactory(record=keep, source=source, footnote=None, page="12")
    CitationFactory(record=dup, source=source, footnote=None, page="13")
    CitationFactory(record=dup, footnote=None, page="12")  # another source
    entity_merge(survivor=keep, duplicates=[dup], user=editor)
    assert Citation.objects.filter(object_id=keep.pk, content_type__model="person").count() == 3


def test_merge_preview_lists_every_reference_alias_and_repeated_citation_and_the_merge_does_just_that(
    editor_client, az
):
    """The preview is computed by the merge's own steps: what it lists is what then happens."""
    keep = factories.PersonFactory(name="Ahmad Obali")
    PersonName.objects.create(owner=keep, name="Əhməd Obalı", language=az)
    dup = factories.PersonFactory(name="Ahmed Obali", at_risk=True, description="Activist in exile.")
    PersonName.objects.create(owner=dup, name="Əhməd Obalı", language=az)  # the kept record has it already
    PersonName.objects.create(owner=dup, name="@AhmadObali", language=az)
    arrests = factories.ArrestFactory.create_batch(2, person=dup, group_description="")
    statement = factories.StatementFactory()
    statement.speaker_people.add(dup)
    source = factories.SourceFactory()
    CitationFactory(record=keep, source=source, footnote=13, page="", quote="Obali spoke")
    CitationFactory(record=dup, source=source, footnote=13, page="", quote="Obali spoke at the rally")
    url = reverse("admin:archive_person_changelist")
    selected = {"action": "merge_selected", "_selected_action": [keep.pk, dup.pk], "survivor": keep.pk}
    page = editor_client.post(url, {**selected, "preview": "1"})
    assert page.status_code == 200
    plan = page.context["plan"]
    moving = {m.what: {r.pk for r in m.records} for m in plan.moving}
    assert moving["arrests — detainee"] == {a.pk for a in arrests}
    assert any(what.startswith("statements") and pks == {statement.pk} for what, pks in moving.items()), moving
    assert set(plan.aliases) == {
        ("drop", "Əhməd Obalı", "az-Latn"),
        ("move", "@AhmadObali", "az-Latn"),
        ("add", "Ahmed Obali", dup.name_language_id or keep.name_language_id or "en"),
    }
    assert len(plan.merged_citations) == 1
    assert [label for label, _value in plan.filled] == [str(Person._meta.get_field("description").verbose_name)]
    html = page.content.decode()
    assert "Ahmed Obali" in html and "@AhmadObali" in html and "at risk" in html and 'name="apply"' in html
    for language in ("az", "fa", "tr"):
        translated = editor_client.post(url, {**selected, "preview": "1"}, HTTP_ACCEPT_LANGUAGE=language)
        assert f'lang="{language}"' in translated.content.decode() and "@AhmadObali" in translated.content.decode()
    assert Person.objects.filter(pk=dup.pk).exists()  # a preview writes nothing

    done = editor_client.post(url, {**selected, "apply": "1"})
    assert done.status_code == 302
    keep.refresh_from_db()
    names = set(keep.other_names.values_list("name", flat=True))
    assert names == {"Əhməd Obalı", "@AhmadObali", "Ahmed Obali"}
    assert keep.at_risk and keep.description == "Activist in exile."
    assert set(keep.arrests.values_list("pk", flat=True)) >= {a.pk for a in arrests}
    assert Citation.objects.filter(object_id=keep.pk, content_type__model="person").count() == 1
