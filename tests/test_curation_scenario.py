"""The curation issue's end-to-end scenario, through the admin as people use it."""

import pytest
from django.test import Client
from django.urls import reverse

from archive import search
from archive.models import Arrest, Protest, Slogan, Status
from tests import factories
from tests.factories import user_in_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    az = factories.LanguageFactory(code="az-Latn", name="Azerbaijani (Latin)")
    tabriz = factories.PlaceFactory(name="Tabriz")
    urmia = factories.PlaceFactory(name="Urmia")
    slogan = Slogan.objects.create(
        text="Nurdüz bağlanmalıdır",
        language=az,
        translation="Nurdüz must be closed",
    )
    gunaz = factories.SourceFactory(title="Güney Azərbaycan Quzey Azərbaycana dəstək aksiyalarına çağırış edilib")
    article = factories.SourceFactory(title="Iran's Influence on Regional Processes")
    return {"tabriz": tabriz, "urmia": urmia, "slogan": slogan, "gunaz": gunaz, "article": article}


def empty(prefix: str) -> dict:
    return {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}


CITATIONS = "archive-citation-content_type-object_id"


def test_archivist_enters_the_18_october_demonstration_and_an_editor_publishes_it(world):
    archivist, editor = Client(), Client()
    archivist.force_login(user_in_role("Archivist", "archie"))
    editor.force_login(user_in_role("Editor", "edna"))

    quote = 'On October 18, the second big demonstration took place under the slogan "Come, my brother, to the square…"'
    response = archivist.post(
        reverse("admin:archive_protest_add"),
        {
            "title": "Second big demonstration: “Nurdüz must be closed”",
            "kind": "rally",
            "event_status": "held",
            "places": [world["tabriz"].pk, world["urmia"].pk],
            "slogans": [world["slogan"].pk],
            "description": "Demanded the closure of the Nurdüz customs gate.",
            "date_text": "18 October 2020",
            "date_note": "Footnote 16 (14.10.2020) announces it before it happened.",
            "public_id": "protest-2020-10-18-second-demonstration",
            "size_claims-TOTAL_FORMS": "1",
            "size_claims-INITIAL_FORMS": "0",
            "size_claims-0-words": "big",
            "size_claims-0-claimant": "the article's author",
            "size_claims-0-claimant_kind": "researcher",
            **empty("arrests"),
            f"{CITATIONS}-TOTAL_FORMS": "1",
            f"{CITATIONS}-INITIAL_FORMS": "0",
            f"{CITATIONS}-0-source": world["gunaz"].pk,
            f"{CITATIONS}-0-cited_in": world["article"].pk,
            f"{CITATIONS}-0-footnote": "16",
            f"{CITATIONS}-0-quote": quote,
            "change_reason": "Entered from the article",
        },
    )
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    protest = Protest.objects.get(public_id="protest-2020-10-18-second-demonstration")
    assert (protest.status, protest.date_display, protest.citations.get().footnote) == (
        Status.DRAFT,
        "18 October 2020",
        16,
    )
    assert not Protest.objects.published().filter(pk=protest.pk).exists()

    response = archivist.post(
        reverse("admin:archive_arrest_add"),
        {
            "group_description": "national-cultural activists",
            "protest": protest.pk,
            "outcome": "unknown",
            "date_text": "18 October 2020",
            "public_id": "arrest-2020-10-18",
            **empty("count_claims"),
            f"{CITATIONS}-TOTAL_FORMS": "1",
            f"{CITATIONS}-INITIAL_FORMS": "0",
            f"{CITATIONS}-0-source": world["article"].pk,
            f"{CITATIONS}-0-quote": "Iranian security forces responded with arrests",
        },
    )
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    arrest = Arrest.objects.get(public_id="arrest-2020-10-18")

    changelist = reverse("admin:archive_protest_changelist")
    archivist.post(changelist, {"action": "submit_for_review", "_selected_action": [protest.pk]})
    archivist.post(
        reverse("admin:archive_arrest_changelist"), {"action": "submit_for_review", "_selected_action": [arrest.pk]}
    )
    editor.post(changelist, {"action": "publish", "_selected_action": [protest.pk]})
    editor.post(reverse("admin:archive_arrest_changelist"), {"action": "publish", "_selected_action": [arrest.pk]})

    assert Protest.objects.published().filter(pk=protest.pk).exists()
    assert Arrest.objects.published().filter(pk=arrest.pk).exists()
    assert [r.public_id for r in search.search("Nurduz must be closed", types=["protests"])] == [protest.public_id]

    history = editor.get(reverse("admin:archive_protest_history", args=[protest.pk])).content.decode()
    assert "archie" in history and "edna" in history
    assert "Entered from the article" in history
    users = [h.history_user.username for h in protest.history.order_by("history_date")]
    assert users[0] == "archie" and users[-1] == "edna"
