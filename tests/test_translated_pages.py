"""Pages render in Azerbaijani, Persian and Turkish with no interface label left in English.

test_translations.py checks the catalogues; these check that what the pages show goes through them:
labels the record pages and lists derive from the registry, and the admin's merge confirmation.
"""

import html
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from archive import registry
from tests import factories
from tests.factories import user_in_role

LANGUAGES = ["az", "fa", "tr"]
# Interface labels: definition terms, headings, table heads, form labels. Record data sits elsewhere (<dd>, <a>…).
# A chart table's row header (class="chart-period": "2020", "May 2020") is data, not a label: left out.
LABEL = re.compile(r"(?s)<(dt|h2|th|legend|label)\b(?![^>]*chart-period)[^>]*>(.*?)</\1>")
SAME_IN_EVERY_LANGUAGE = {"Wikidata"}
# Words a language writes as English does (the catalogs translate them to themselves): the list pages' option labels.
SAME_IN = {"az": {"radio"}, "fa": set(), "tr": {"blog", "diaspora"}}
RECORDS_PER_TYPE = 3


def labels(response) -> set[str]:
    found = set()
    for match in LABEL.finditer(response.content.decode()):
        text = html.unescape(re.sub(r"<[^>]+>", "", match.group(2)))
        found.add(re.sub(r"\s+", " ", text).strip())
    return found - {""}


def public_pages() -> list[str]:
    """Every type's list and a few of its records (path after the language prefix)."""
    pages = []
    for record_type in registry.TYPES:
        pages.append(f"{record_type.key}/")
        for record in record_type.model.objects.published().order_by("pk")[:RECORDS_PER_TYPE]:
            pages.append(f"{record_type.key}/{record.public_id}/")
    return pages


@pytest.mark.parametrize("lang", LANGUAGES)
def test_lists_and_record_pages_show_no_label_left_in_english(article, client, lang):
    shusha = factories.PlaceFactory(name="Shusha")
    about = factories.ProtestFactory(about_place=shusha, public_id="protest-about-shusha")
    pages = [*public_pages(), f"protests/{about.public_id}/"]
    untranslated = {}
    for page in pages:
        english = client.get(f"/en/{page}")
        translated = client.get(f"/{lang}/{page}")
        assert english.status_code == translated.status_code == 200, page
        for label in labels(english) & labels(translated) - SAME_IN_EVERY_LANGUAGE - SAME_IN[lang]:
            untranslated.setdefault(label, page)
    assert untranslated == {}
    with translation.override(lang):
        about_label = translation.gettext("about a place")
    assert about_label != "about a place"
    assert about_label[0].upper() + about_label[1:] in labels(client.get(f"/{lang}/protests/{about.public_id}/"))


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGUAGES)
def test_merge_confirmation_is_in_the_language_of_the_editor(lang):
    client = Client(HTTP_ACCEPT_LANGUAGE=lang)
    client.force_login(user_in_role("Editor", "edna"))
    hidden = factories.PersonFactory(at_risk=True)
    restricted = factories.PersonFactory(restricted=True)
    page = client.post(
        reverse("admin:archive_person_changelist"),
        {"action": "merge_selected", "_selected_action": [hidden.pk, restricted.pk]},
    )
    assert page.status_code == 200
    shown = html.unescape(page.content.decode())
    english = [
        "At least one of these records is marked at risk. The record you keep will be marked at risk too, "
        "so none of these names will be public.",
        "At least one of these records is restricted. The record you keep will be restricted too, "
        "so it will not be public.",
        "These records, and what would move from each to the record you keep:",
        "Protection",
        "Would move",
        "at risk",
        "nothing but its name",
        "Keep this record; merge the others into it",
    ]
    with translation.override(lang):
        translated = [translation.gettext(text) for text in english]
    for text, its_translation in zip(english, translated, strict=True):
        assert its_translation != text
        assert its_translation in shown, text
    assert "will be marked at risk too" not in shown and "Would move" not in shown
