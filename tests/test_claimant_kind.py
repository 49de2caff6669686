"""A claim's kind of claimant, left unknown, is suggested from the claimant's words in any of the four languages;
a kind the archivist chose is kept, and the admin's rows ask for the suggestion as the claimant is typed."""

import pytest
from django.urls import reverse

from archive import claimants
from archive.models import ProtestSizeClaim
from tests.factories import user_in_role


@pytest.mark.parametrize(
    ("claimant", "kind"),
    [
        ("the organizers", "activists"),
        ("Təşkilatçılar", "activists"),  # az
        ("eylemciler", "activists"),  # tr
        ("برگزارکنندگان", "activists"),  # fa
        ("the article's author (Hacıyeva)", "researcher"),
        ("Mustafa Caner (Anadolu Ajansı), as reported by the article", "media"),
        ("Tasnim news agency", "state"),  # a state agency is state, not media
        ("پلیس تبریز", "state"),
        ("Amnesty International", "rights_group"),
        ("someone in the crowd", None),
        ("", None),
    ],
)
def test_the_words_suggest_a_kind(claimant, kind):
    assert claimants.suggest(claimant) == kind


@pytest.mark.django_db
def test_the_admin_asks_as_the_claimant_is_typed(client):
    url = reverse("admin-claimant-kind")
    assert client.get(url, {"text": "the organizers"}).status_code == 302  # staff only
    client.force_login(user_in_role("Archivist", "archie"))
    answer = client.get(url, {"text": "the organizers"}, HTTP_ACCEPT_LANGUAGE="en").json()
    assert answer == {"kind": "activists", "label": "activists or organizers"}
    assert client.get(url, {"text": "x" * 5000}).json() == {"kind": None, "label": None}
    page = client.get(reverse("admin:archive_protest_add")).content.decode()
    assert "admin-claimant-kind.js" in page and f'data-claimant-kind="{url}"' in page


@pytest.mark.django_db
def test_an_import_without_a_kind_gets_the_suggestion_and_an_explicit_unknown_stays():
    from archive.models import Protest
    from tests.import_export_helpers import run

    rows = [
        {"title": "Rally A", "kind": "rally", "date": "2020-10-18", "size_as_written": "hundreds",
         "size_claimed_by": "the organizers"},
        {"title": "Rally B", "kind": "rally", "date": "2020-10-19", "size_as_written": "dozens",
         "size_claimed_by": "the organizers", "size_claimant_kind": "unknown"},
    ]  # fmt: skip
    run(Protest, rows[:1], user=user_in_role("Archivist", "archie"))
    run(Protest, rows[1:], user=user_in_role("Archivist", "archi2"))
    kinds = dict(ProtestSizeClaim.objects.values_list("protest__title", "claimant_kind"))
    assert kinds == {"Rally A": "activists", "Rally B": "unknown"}
