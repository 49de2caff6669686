"""The article's records in each reader's language: every published record's title and description translated
by the archive into az-Latn, fa and tr, each page headed in the reader's language, places in the reader's script.

Runs on SQLite and PostgreSQL alike (CI runs both)."""

import re

import pytest

from archive import models, registry, translations
from tests.record_pages import heading, page

pytestmark = pytest.mark.django_db

READERS = {"az": "az-Latn", "fa": "fa", "tr": "tr"}


# --- the article's records, in each reader's language --------------------------------------------------


@pytest.mark.parametrize("language", ["az", "fa", "tr"])
def test_every_fixture_record_page_heads_in_the_readers_language(client, article, language):
    tag = READERS[language]
    for record_type in registry.TYPES:
        for record in record_type.model.objects.published().prefetch_related(
            *(["other_names"] if record_type.named else [])
        ):
            attrs, shown = heading(page(client, record, language))
            field = record_type.label_field
            if record_type.named:
                kinds = translations.NAME_KINDS_FIRST
                names = [n.name for n in record.other_names.all() if n.language_id == tag and n.kind in kinds]
                if record.name_language_id == tag:
                    assert shown == record.name
                elif names:  # a name in the reader's language or script is the heading
                    assert shown in names, (language, record.public_id, shown)
                    assert shown == record.name or f'lang="{tag}"' in attrs  # (an other name spelled as the name)
                else:
                    assert shown == record.name
            elif field in record_type.translatable:
                if record_type.key == "sources" and record.language_id == tag:
                    wanted = record.title  # the title is in the reader's language already
                else:
                    wanted = record.translations[field][tag]["text"]
                assert shown == wanted, (language, record.public_id)
                assert f'lang="{tag}"' in attrs and f'dir="{translations.direction(tag)}"' in attrs


@pytest.mark.parametrize("language", ["az", "fa", "tr"])
def test_every_fixture_text_was_translated_by_the_archive(article, language):
    """Every published record of the article has its title and description (a statement: its summary) in each
    reading language, marked as the archive's translation."""
    tag = READERS[language]
    for record_type in registry.TYPES:
        for record in record_type.model.objects.published():
            for field in record_type.translatable:
                if field in {"date_note", "public_note", "withdrawn_reason"} or not getattr(record, field):
                    continue
                if record_type.key == "sources" and record.language_id == tag:
                    continue
                entry = record.translations.get(field, {}).get(tag)
                assert entry and entry["text"].strip() and entry["by"] == "archive", (record.public_id, field, tag)


def test_places_are_named_in_the_readers_script(client, article):
    tabriz = models.Place.objects.get(public_id="place-tabriz")
    expected = {"fa": "تبریز", "az": "Təbriz", "tr": "Tebriz"}
    for language, name in expected.items():
        _attrs, shown = heading(page(client, tabriz, language))
        assert shown == name
        assert re.search(r'class="original-title">[^<]*<bdi lang="en">Tabriz</bdi>', page(client, tabriz, language))
    assert heading(page(client, tabriz, "en"))[1] == "Tabriz"
    assert 'class="original-title"' not in page(client, tabriz, "en")
    # A protest's places on its page and in its list, in Persian script.
    protest = models.Protest.objects.published().filter(places=tabriz).first()
    assert "تبریز" in page(client, protest, "fa")
    listed = client.get("/fa/protests/").content.decode()
    assert re.search(r'href="/fa/protests/\?place=place-tabriz"><bdi>تبریز</bdi>', listed)  # the place option too
    assert re.search(
        r'href="/en/protests/\?place=place-tabriz"><bdi>Tabriz</bdi>', client.get("/en/protests/").content.decode()
    )
