import pytest

from archive import models
from tests import factories

pytestmark = pytest.mark.django_db


def test_root_redirects_to_a_language(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/en/"


@pytest.mark.parametrize(("lang", "direction"), [("en", "ltr"), ("az", "ltr"), ("fa", "rtl"), ("tr", "ltr")])
def test_home_page_renders_in_each_language(client, lang, direction):
    response = client.get(f"/{lang}/")
    assert response.status_code == 200
    assert f'lang="{lang}" dir="{direction}"' in response.content.decode()


def test_home_counts_only_public_records(client, django_assert_max_num_queries):
    factories.ProtestFactory.create_batch(3)
    factories.ProtestFactory(status=models.Status.DRAFT)
    factories.ProtestFactory(restricted=True)
    # The event types' counts are the timeline's; the cities' bars and the map read the same place keys' count.
    with django_assert_max_num_queries(15):
        response = client.get("/en/")
    counts = dict(response.context["counts"])
    assert counts["protests"] == 3


def test_a_large_archive_can_keep_the_home_pictures_for_a_while(client, settings):
    from django.core.management import call_command

    from tests.factories import ProtestFactory

    settings.ARCHIVE_HOME_STATS_SECONDS = 600
    settings.ARCHIVE_CACHE_SECONDS = 0
    ProtestFactory()
    call_command("refresh_home_stats", verbosity=0)
    first = client.get("/en/")
    assert b"Counts and charts as of" in first.content
    ProtestFactory()
    assert client.get("/en/").context["counts"][0][1] == first.context["counts"][0][1]
    call_command("refresh_home_stats", verbosity=0)
    assert client.get("/en/").context["counts"][0][1] == first.context["counts"][0][1] + 1


def test_refresh_home_stats_refuses_when_the_home_page_draws_its_own(settings):
    import pytest
    from django.core.management import CommandError, call_command

    settings.ARCHIVE_HOME_STATS_SECONDS = 0
    with pytest.raises(CommandError):
        call_command("refresh_home_stats")


def test_kept_pictures_never_keep_a_withdrawn_title_in_recently_added(client, settings):
    """The pictures may be minutes old; "Recently added" names records, so it is read afresh on every visit."""
    from django.core.management import call_command

    from archive import models, workflow
    from tests.factories import CitationFactory, ProtestFactory, user_in_role

    settings.ARCHIVE_HOME_STATS_SECONDS = 600
    settings.ARCHIVE_CACHE_SECONDS = 0
    protest = ProtestFactory(title="Vigil for the withdrawn")
    CitationFactory(record=protest)
    call_command("refresh_home_stats", verbosity=0)
    for language in ("en", "fa"):
        assert "Vigil for the withdrawn" in client.get(f"/{language}/").content.decode()
    workflow.record_withdraw(record=protest, user=user_in_role("Editor"), reason="Misdated")
    assert models.Protest.objects.get(pk=protest.pk).status == models.Status.WITHDRAWN
    for language in ("en", "fa"):
        page = client.get(f"/{language}/")
        assert page.context["stats_cached"]  # the pictures are still the kept ones
        assert "Vigil for the withdrawn" not in page.content.decode()


def test_recently_added_comes_from_the_read_model_in_the_readers_language(client, django_assert_num_queries):
    """Its titles are the stored ones in the reader's language; a record hidden by a write that bypassed the write
    path (bulk SQL) is left out before `rebuild_public` removes its rows, and the next newest take its place; an
    arrest's title, read through its detainee, is worked out afresh (a person marked at risk by bulk SQL)."""
    from archive import charts, models
    from tests.factories import ArrestFactory, PersonFactory, ProtestFactory, StatementFactory

    protests = [
        ProtestFactory(title=f"Rally {n}", translations={"title": {"fa": {"text": f"تجمع {n}", "by": "archive"}}})
        for n in range(11)
    ]
    detainee = PersonFactory(name="Named Detainee")
    arrest = ArrestFactory(person=detainee)
    statement = StatementFactory(title="Newest statement")
    with django_assert_num_queries(3):  # the newest rows, the public gate asked of them, the arrest's detainee
        assert [r.title for r in charts.recently_updated()][:2] == ["Newest statement", "Named Detainee"]

    # Bulk SQL: the newest protest hidden, the detainee come to be at risk. Their stored rows still say otherwise.
    models.Protest.objects.filter(pk=protests[-1].pk).update(status=models.Status.DRAFT)
    models.Person.objects.filter(pk=detainee.pk).update(at_risk=True)
    recent = charts.recently_updated()

    titles = [r.title for r in recent]
    assert titles == ["Newest statement", "a detainee, name withheld", *[f"Rally {n}" for n in range(9, 1, -1)]]
    assert [r.url for r in recent[:2]] == [
        f"/en/statements/{statement.public_id}/",
        f"/en/arrests/{arrest.public_id}/",
    ]
    persian = client.get("/fa/").content.decode()
    assert "تجمع 9" in persian and "تجمع 10" not in persian and "Named Detainee" not in persian


def test_recently_added_finds_the_newest_public_records_behind_many_hidden_ones(django_assert_max_num_queries):
    """Rows of records hidden by bulk SQL are skipped in widening windows: a few queries, no record twice."""
    from archive import charts, models
    from tests.factories import ProtestFactory

    protests = [ProtestFactory(title=f"Rally {n}") for n in range(45)]
    models.Protest.objects.filter(pk__in=[p.pk for p in protests[5:]]).update(status=models.Status.DRAFT)

    with django_assert_max_num_queries(8):  # windows of 10, 20 and 40 rows, each with its gate
        recent = charts.recently_updated()

    assert [r.title for r in recent] == [f"Rally {n}" for n in range(4, -1, -1)]
