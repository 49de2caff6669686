"""Records in the reader's language: translated titles, descriptions and notes with their provenance, names in
the reader's script, and the same translations in search, the API, the admin, the import file and the exports.

Runs on SQLite and PostgreSQL alike (CI runs both)."""

import csv
import io
import json
import re

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import override_settings

from archive import models, search, workflow
from archive.imports import export_records, import_records
from tests import factories
from tests.factories import user_in_role
from tests.record_pages import heading, page

pytest.register_assert_rewrite("tests.import_export_helpers")
from tests.import_export_helpers import make_file  # noqa: E402

pytestmark = pytest.mark.django_db

READERS = {"az": "az-Latn", "fa": "fa", "tr": "tr"}


def translated(**texts) -> dict:
    """{"title": {"fa": {...}}} from title_fa="…" keyword arguments (language tags with _ for -)."""
    value: dict = {}
    for key, text in texts.items():
        field, tag = key.rsplit("__", 1)
        value.setdefault(field, {})[tag.replace("_", "-")] = {"text": text, "by": "archive"}
    return value


def test_an_untranslated_record_shows_its_original_with_a_note(client, db):
    protest = factories.ProtestFactory(
        title="Vigil at the bazaar", description="Candles were lit.", translations=translated(title__fa="شب‌زنده‌داری")
    )
    text = page(client, protest, "fa")
    attrs, shown = heading(text)
    assert shown == "شب‌زنده‌داری" and 'lang="fa"' in attrs and 'dir="rtl"' in attrs
    # The description has no Persian yet: the English, marked as English, and the note.
    assert re.search(r'<p class="description" lang="en" dir="ltr">Candles were lit.</p>', text)
    assert 'class="untranslated text-note"' in text
    attrs, shown = heading(page(client, protest, "tr"))
    assert shown == "Vigil at the bazaar" and 'lang="en"' in attrs
    assert 'class="untranslated text-note"' in page(client, protest, "tr")
    assert 'class="untranslated' not in page(client, protest, "en")
    # The Persian title says who translated it ("the archive's translation from English").
    assert '<small class="translated text-note">ترجمهٔ آرشیو از انگلیسی</small>' in text


def test_a_translation_a_source_published_links_to_it(client, vigil):
    text = page(client, vigil, "tr")
    assert heading(text)[1] == "Nöbet"
    note = re.search(r'<small class="translated text-note">([^<]*)<a href="([^"]+)">', text)
    assert note and note.group(2) == "/tr/sources/source-aztv/"


# --- search ------------------------------------------------------------------------------------------------

QUERIES = {"fa": "گردهمایی‌نمادین", "az-Latn": "Şamçıraqlı", "tr": "Mumluyürüyüş"}


@pytest.mark.parametrize("tag", list(QUERIES))
def test_a_record_is_found_only_through_its_translated_title(db, tag):
    protest = factories.ProtestFactory(
        title="Evening gathering", translations={"title": {tag: {"text": f"{QUERIES[tag]} 2020", "by": "archive"}}}
    )
    found = [result.public_id for result in search.search(QUERIES[tag])]
    assert found == [protest.public_id]
    protest.translations = {}
    protest.save()
    assert [result.public_id for result in search.search(QUERIES[tag])] == []


def test_list_search_and_api_search_find_the_translated_title(client, db):
    protest = factories.ProtestFactory(title="Evening gathering", translations=translated(title__fa="گردهمایی‌نمادین"))
    listed = client.get("/api/v1/protests/", {"search": "گردهمایی‌نمادین"}).json()["results"]
    assert [r["id"] for r in listed] == [protest.public_id]
    found = client.get("/api/v1/search/", {"q": "گردهمایی‌نمادین"}).json()["results"]
    assert [r["id"] for r in found] == [protest.public_id]


# --- the API -----------------------------------------------------------------------------------------------


@pytest.fixture
def source(db):
    return factories.SourceFactory(public_id="source-aztv")


@pytest.fixture
def vigil(db, source):
    value = translated(title__fa="شب‌زنده‌داری", title__tr="Nöbet")
    value["title"]["tr"] = {"text": "Nöbet", "by": "source", "source": "source-aztv"}
    value["title"]["fa"]["translator"] = "leyla"
    return factories.ProtestFactory(public_id="protest-vigil", title="Vigil", translations=value)


@pytest.fixture
def draft(vigil):
    """The vigil as a draft: published records are edited in the admin, not by import."""
    models.Protest.objects.filter(pk=vigil.pk).update(status=models.Status.DRAFT)
    vigil.refresh_from_db()
    return vigil


def test_the_api_answers_in_the_language_asked_for_with_every_translation(client, vigil):
    url = "/api/v1/protests/protest-vigil/"
    assert client.get(url).json()["title"] == "Vigil"
    assert client.get(url, {"lang": "fa"}).json()["title"] == "شب‌زنده‌داری"
    assert client.get(url, {"lang": "az-Latn"}).json()["title"] == "Vigil"  # none in Azerbaijani: the original
    assert client.get(url, HTTP_ACCEPT_LANGUAGE="tr").json()["title"] == "Nöbet"
    data = client.get(url, {"lang": "tr"}).json()
    assert data["original_language"] == "en"
    # Provenance, but not who in the archive translated it (that is in the record's history).
    assert data["translations"] == {
        "title": {
            "fa": {"text": "شب‌زنده‌داری", "by": "archive"},
            "tr": {"text": "Nöbet", "by": "source", "source": "source-aztv"},
        }
    }
    listed = client.get("/api/v1/protests/", {"lang": "fa"}).json()["results"]
    assert [r["title"] for r in listed] == ["شب‌زنده‌داری"]


def test_an_unknown_language_is_a_400_naming_the_parameter(client, vigil):
    response = client.get("/api/v1/protests/protest-vigil/", {"lang": "xx"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["parameter"] == "lang"
    assert client.get("/api/v1/protests/", {"lang": "klingon"}).status_code == 400


def test_the_csv_has_a_column_per_language_and_the_sources(client, vigil):
    response = client.get("/api/v1/protests/", {"format": "csv"})
    body = b"".join(response.streaming_content).decode().lstrip("\ufeff")
    (row,) = list(csv.DictReader(io.StringIO(body)))
    assert row["title[fa]"] == "شب‌زنده‌داری" and row["title[tr]"] == "Nöbet" and row["title[az-Latn]"] == ""
    assert json.loads(row["translation_sources"]) == {"title[tr]": "source-aztv"}
    assert row["original_language"] == "en"


# --- checking what is stored ----------------------------------------------------------------------------------

BAD = [
    (["no"], None, "must be an object"),
    ({"kind": {"fa": {"text": "x"}}}, None, "cannot be translated"),
    ({"title": {"farsi": {"text": "x"}}}, None, "BCP 47"),
    ({"title": {"fa": {"text": "  "}}}, None, "needs a text"),
    ({"title": {"fa": {"text": "x", "by": "google"}}}, None, "“by”"),
    ({"title": {"fa": {"text": "x", "by": "source"}}}, None, "names the source"),
    ({"title": {"fa": {"text": "x", "colour": "red"}}}, None, "unknown keys"),
    ({"title": {"en": {"text": "x"}}}, None, "own language"),
    ({"title": {"fa": {"text": "x", "by": "source", "source": "source-nowhere"}}}, None, "No source"),
]


@pytest.mark.parametrize(("value", "_unused", "message"), BAD)
def test_a_bad_translation_value_is_refused_with_its_reason(db, value, _unused, message):
    protest = factories.ProtestFactory(title="Vigil")
    protest.translations = value
    with pytest.raises(ValidationError) as refused:
        protest.full_clean()
    assert message in " ".join(refused.value.message_dict["translations"])


# --- the admin --------------------------------------------------------------------------------------------


def admin_post(client, record, **changes):
    """Post a record's admin form as loaded, with `changes`."""
    url = f"/admin/archive/{record._meta.model_name}/{record.pk}/change/"
    response = client.get(url)
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        if isinstance(value, list | tuple):
            data[name] = [getattr(v, "pk", v) for v in value]
        else:
            data[name] = getattr(value, "pk", value)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = value
        for i, part in enumerate(formset.forms):
            if part.instance.pk:
                data[f"{formset.prefix}-{i}-id"] = part.instance.pk
            for name in part.fields:
                value = part.initial.get(name)
                if value is not None:
                    data[f"{formset.prefix}-{i}-{name}"] = getattr(value, "pk", value)
    data.update(changes)
    return client.post(url, data)


@pytest.fixture
def translator(db):
    return user_in_role("Archivist", username="leyla")


def test_the_admin_edits_translations_side_by_side_and_history_names_the_translator(client, translator, source):
    protest = factories.ProtestFactory(title="Vigil", description="Candles.", status=models.Status.DRAFT)
    client.force_login(translator)
    form = client.get(f"/admin/archive/protest/{protest.pk}/change/").content.decode()
    assert 'name="translation__fa__title"' in form and 'lang="fa"' in form and "Original: Vigil" in form
    response = admin_post(client, protest, translation__fa__title="شب‌زنده‌داری", translation__tr__title="Nöbet")
    assert response.status_code == 302, response.context["adminform"].form.errors
    protest.refresh_from_db()
    assert protest.translations["title"]["fa"] == {"text": "شب‌زنده‌داری", "by": "archive", "translator": "leyla"}
    # A source's translation names the source; without one it is a form error and nothing changes.
    response = admin_post(client, protest, translation__tr__by="source", translation__tr__source="")
    assert response.status_code == 200 and "Name the source" in response.content.decode()
    response = admin_post(client, protest, translation__tr__by="source", translation__tr__source="source-aztv")
    assert response.status_code == 302
    protest.refresh_from_db()
    assert protest.translations["title"]["tr"] == {"text": "Nöbet", "by": "source", "source": "source-aztv"}
    # Emptying a box removes that translation; the history keeps every step and who made it.
    assert admin_post(client, protest, translation__fa__title="").status_code == 302
    protest.refresh_from_db()
    assert "fa" not in protest.translations["title"]
    steps = list(protest.history.order_by("history_id"))
    assert [s.history_user for s in steps[1:]] == [translator] * 3
    assert steps[1].translations["title"]["fa"]["text"] == "شب‌زنده‌داری"


def test_the_admin_finds_records_missing_a_translation(client, db):
    done = factories.ProtestFactory(title="Done", translations=translated(title__fa="تمام"))
    todo = factories.ProtestFactory(title="To do")
    persian = factories.ProtestFactory(title="پارسی", original_language="fa")
    client.force_login(User.objects.create_superuser("boss", "b@example.org", "x"))
    shown = client.get("/admin/archive/protest/", {"missing_translation": "fa"}).context["cl"].result_list
    assert {p.pk for p in shown} == {todo.pk}
    shown = client.get("/admin/archive/protest/", {"missing_translation": "tr"}).context["cl"].result_list
    assert {p.pk for p in shown} == {done.pk, todo.pk, persian.pk}
    assert client.get("/admin/archive/protest/", {"missing_translation": "nonsense"}).status_code == 200


def test_a_translation_does_not_need_a_second_person_unless_the_editors_ask(db):
    editor = user_in_role("Editor", username="editor")
    protest = factories.ProtestFactory(title="Vigil", status=models.Status.IN_REVIEW)
    factories.CitationFactory(record=protest)
    protest.translations = translated(title__fa="شب‌زنده‌داری")
    protest._history_user = editor
    protest.save()
    with override_settings(ARCHIVE_TWO_PERSON_RULE=True, ARCHIVE_TRANSLATIONS_NEED_SECOND_PERSON=True):
        assert workflow.last_editor_id(protest) == editor.pk
    with override_settings(ARCHIVE_TWO_PERSON_RULE=True, ARCHIVE_TRANSLATIONS_NEED_SECOND_PERSON=False):
        assert workflow.last_editor_id(protest) != editor.pk
        workflow.record_publish(record=protest, user=editor)
    protest.refresh_from_db()
    assert protest.status == models.Status.PUBLISHED


# --- the import file ------------------------------------------------------------------------------------------


def test_export_import_round_trip_keeps_translations_and_provenance(db, draft):
    exported = export_records(models.Protest.objects.filter(pk=draft.pk), "json")
    row = json.loads(exported)[0]
    assert row["title[fa]"] == "شب‌زنده‌داری" and row["title[tr]"] == "Nöbet"
    assert json.loads(row["translation_sources"]) == {"title[tr]": "source-aztv"}
    before = draft.translations
    draft.translations = {}
    draft.save()
    result = import_records(models.Protest, exported, file_name="back.json", fmt="json")
    assert result.written, result.issues
    draft.refresh_from_db()
    assert draft.translations["title"]["tr"] == before["title"]["tr"]
    assert draft.translations["title"]["fa"]["text"] == before["title"]["fa"]["text"]


def test_import_columns_add_change_and_remove_translations(db, draft):
    row = {"public_id": "protest-vigil", "title[az-Latn]": "Gecə növbəsi", "title[tr]": ""}
    result = import_records(models.Protest, make_file([row]), file_name="t.csv", fmt="csv")
    assert result.written, result.issues
    draft.refresh_from_db()
    assert draft.translations["title"]["az-Latn"] == {"text": "Gecə növbəsi", "by": "archive"}
    assert "tr" not in draft.translations["title"]  # an empty cell removes it
    assert draft.translations["title"]["fa"]["translator"] == "leyla"  # a column not in the file changes nothing


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("{not json", "Not JSON"),
        ('["source-aztv"]', "Give an object"),
        ('{"title[az-Latn]": "source-aztv"}', "names no translation"),
        ('{"title[fa]": "source-nowhere"}', "No source"),
    ],
)
def test_a_bad_sources_cell_is_a_row_error_and_nothing_is_written(db, draft, cell, message):
    before = draft.translations
    row = {"public_id": "protest-vigil", "title[fa]": "تازه", "translation_sources": cell}
    result = import_records(models.Protest, make_file([row]), file_name="t.csv", fmt="csv")
    assert not result.written
    assert any(issue.column == "translation_sources" and message in issue.message for issue in result.issues), [
        str(issue) for issue in result.issues
    ]
    draft.refresh_from_db()
    assert draft.translations == before


# --- API writes -------------------------------------------------------------------------------------------


def test_an_archivist_writes_translations_through_the_api(db, source):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    archivist = user_in_role("Archivist", username="ayla")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=archivist).key}")
    protest = factories.ProtestFactory(public_id="protest-draft", title="Vigil", status=models.Status.DRAFT)
    url = "/api/v1/protests/protest-draft/"
    value = {"title": {"fa": {"text": "شب‌زنده‌داری"}, "tr": {"text": "Nöbet", "by": "source", "source": "source-aztv"}}}
    response = api.patch(url, {"translations": value}, format="json")
    assert response.status_code == 200, response.json()
    protest.refresh_from_db()
    assert protest.translations["title"]["fa"] == {"text": "شب‌زنده‌داری", "by": "archive", "translator": "ayla"}
    assert protest.translations["title"]["tr"] == {"text": "Nöbet", "by": "source", "source": "source-aztv"}
    # Bad values are a 400 naming the problem, and nothing changes.
    for bad, message in [
        ({"title": {"farsi": {"text": "x"}}}, "BCP 47"),
        ({"title": {"fa": {"text": "x", "by": "source", "source": "source-nowhere"}}}, "No source"),
        ("nonsense", "must be an object"),
    ]:
        response = api.patch(url, {"translations": bad}, format="json")
        assert response.status_code == 400 and message in json.dumps(response.json(), ensure_ascii=False), bad
    protest.refresh_from_db()
    assert protest.translations["title"]["fa"]["text"] == "شب‌زنده‌داری"


def test_the_form_offers_every_language_but_the_texts_own_and_shows_them_read_only_to_who_may_not_edit(
    client, translator
):
    english = factories.ProtestFactory(title="Vigil", status=models.Status.DRAFT)
    persian = factories.ProtestFactory(title="شب‌زنده‌داری", original_language="fa", status=models.Status.DRAFT)
    client.force_login(translator)
    form = client.get(f"/admin/archive/protest/{english.pk}/change/").content.decode()
    assert 'name="translation__fa__title"' in form and 'name="translation__en__title"' not in form
    form = client.get(f"/admin/archive/protest/{persian.pk}/change/").content.decode()
    assert 'name="translation__en__title"' in form and 'name="translation__fa__title"' not in form
    # A published record is read-only to an archivist: its translations are listed, with who made them.
    published = factories.ProtestFactory(
        title="Rally", translations={"title": {"tr": {"text": "Miting", "by": "archive", "translator": "leyla"}}}
    )
    page = client.get(f"/admin/archive/protest/{published.pk}/change/").content.decode()
    assert 'name="translation__tr__title"' not in page
    assert re.search(r'<span lang="tr" dir="ltr">Miting</span> <small>— translated by leyla</small>', page)
