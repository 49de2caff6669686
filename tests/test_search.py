"""The search module on hand-made records: syntax, gate, index upkeep, bad input."""

import datetime as dt

import pytest

from archive import models, registry, search
from tests import factories

pytestmark = pytest.mark.django_db


def found(query, **kwargs) -> list[str]:
    return [r.public_id for r in search.search(query, **kwargs)]


@pytest.fixture
def records(db):
    az = factories.LanguageFactory(code="az-Latn", name="Azerbaijani (Latin)")
    tabriz = factories.PlaceFactory(name="Tabriz", public_id="tabriz")
    urmia = factories.PlaceFactory(name="Urmia", public_id="urmia")
    models.PlaceName.objects.create(owner=urmia, name="Urmu", language=az)
    protest = factories.ProtestFactory(title="Rally in Tabriz", public_id="rally", description="Crowds in the bazaar")
    protest.places.add(tabriz)
    slogan = models.Slogan.objects.create(text="Qarabağ bizimdir", language=az, translation="Karabakh is ours")
    protest.slogans.add(slogan)
    factories.ProtestFactory(title="March in Urmia", public_id="march", description="A march, no bazaar")
    return {"tabriz": tabriz, "urmia": urmia, "protest": protest, "slogan": slogan}


def test_finds_by_primary_name_and_alias(records):
    assert found("Tabriz")[0] == "tabriz"
    assert found("Urmu")[0] == "urmia"


def test_word_prefix_matches(records):
    assert "tabriz" in found("Tabr")


def test_slogan_in_original_and_translation(records):
    assert found('"Qarabag bizimdir"') == ["rally"]
    assert found('"karabakh is ours"') == ["rally"]


def test_exclusion(records):
    assert "march" in found("bazaar")
    assert "march" not in found("bazaar -march")


def test_or(records):
    assert set(found("rally OR march", types=["protests"])) == {"rally", "march"}


def test_exact_name_ranks_first(records):
    assert found("Tabriz")[0] == "tabriz"
    assert found("Tabriz")[1:] == ["rally"]


def test_narrowing_by_type(records):
    assert found("Tabriz", types=["protests"]) == ["rally"]


def test_unknown_type_is_an_error(records):
    with pytest.raises(search.SearchQueryError):
        search.search("Tabriz", types=["spaceship"])


def test_unpublished_and_restricted_records_are_not_found(records):
    factories.PlaceFactory(name="Secretville", public_id="secret-draft", status=models.Status.DRAFT)
    factories.PlaceFactory(name="Secretville Two", public_id="secret-restricted", restricted=True)
    assert found("Secretville") == []


def test_at_risk_detainee_name_never_enters_the_public_index(records):
    person = factories.PersonFactory(name="Canaryname Hidden", at_risk=True)
    factories.ArrestFactory(person=person, group_description="", public_id="arrest-1")
    assert found("Canaryname") == []
    assert not models.SearchEntry.objects.filter(names__contains="canaryname", is_public=True).exists()
    assert not models.SearchEntry.objects.filter(body__contains="canaryname", is_public=True).exists()


def test_marking_a_person_at_risk_later_scrubs_their_arrests(records):
    person = factories.PersonFactory(name="Laterhidden Person")
    factories.ArrestFactory(person=person, group_description="", public_id="arrest-2")
    assert "arrest-2" in found("Laterhidden")
    person.at_risk = True
    person.save()
    assert found("Laterhidden") == []


def test_index_follows_edits_aliases_and_deletes(records):
    urmia = records["urmia"]
    az = models.Language.objects.get(code="az-Latn")
    alias = models.PlaceName.objects.create(owner=urmia, name="Urmiya", language=az)
    assert found("Urmiya") == ["urmia"]
    alias.delete()
    assert found("Urmiya") == []
    urmia.name = "Orumiyeh"
    urmia.save()
    assert found("Orumiyeh") == ["urmia"]
    urmia.delete()
    assert found("Orumiyeh") == []


def test_unpublishing_takes_the_record_out_of_search(records):
    protest = records["protest"]
    protest.status = models.Status.WITHDRAWN
    protest.withdrawn_reason = "Duplicate"
    protest.save()
    assert "rally" not in found("Rally")


def test_snippet_highlights_the_match(records):
    result = search.search("bazaar", types=["protests"])[0]
    assert "<mark>bazaar</mark>" in result.snippet.html


def test_snippet_escapes_html(db):
    factories.ProtestFactory(title="Escaping", description="<script>alert(1)</script> bazaarx")
    result = search.search("bazaarx")[0]
    assert "<script>" not in result.snippet.html
    assert "&lt;script&gt;" in result.snippet.html


def _snippet_folding_every_word(text: str, parsed, width: int = 160):
    """A snippet as it was made before `_spans` stopped folding past the excerpt: every word folded."""
    from archive.folding import fold
    from archive.search.snippets import _WORD, Snippet

    words = [w for w in set(parsed.words) if w]
    spans = [m.span() for m in _WORD.finditer(text) if any(fold(m.group()).startswith(w) for w in words)]
    start = max(0, spans[0][0] - width // 3) if spans else 0
    end = min(len(text), start + width)
    excerpt = text[start:end]
    prefix, suffix = ("… " if start > 0 else ""), (" …" if end < len(text) else "")
    shift = len(prefix) - start - (len(excerpt) - len(excerpt.lstrip()))
    return Snippet(
        prefix + excerpt.strip() + suffix, tuple((a + shift, b + shift) for a, b in spans if a >= start and b <= end)
    )


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("Təbriz " * 2000, "Təbriz"),  # matches everywhere: only the excerpt's are kept
        ("word " * 3000 + "Ərdəbil bazaar " + "more words " * 3000, "Ardabil"),  # the first match far in
        ("نخستین حمایت در تبریز " * 500, "تبریز"),
        ("Rally in Tabriz, then Tabrizlilər " + "x" * 150 + " Tabriz", "tabriz"),  # one ends past the excerpt
        ("Nothing here matches " * 100, "bazaar"),
        ("bazaar", "bazaar"),
        ("", "bazaar"),
        ("Tabriz and Urmia " * 40, "Urmia OR Tabriz"),
    ],
)
def test_a_snippet_folds_only_what_its_excerpt_can_show_and_is_the_same(text, query):
    from archive.search.query import parse
    from archive.search.snippets import snippet

    parsed = parse(query)
    assert snippet(text, parsed) == _snippet_folding_every_word(text, parsed)


def test_rebuild_recreates_every_entry(records):
    before = set(models.SearchEntry.objects.values_list("record_type", "object_id", "names"))
    models.SearchEntry.objects.all().delete()
    search.rebuild()
    assert set(models.SearchEntry.objects.values_list("record_type", "object_id", "names")) == before


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "!!!",
        "%",
        "_",
        "%_%",
        ".*",
        "(a|b)+$",
        "\\",
        "'",
        '"',
        '""',
        "-",
        "--",
        "OR",
        "OR OR",
        "a\x00b",
        "x\ud800y",
        "\u202eTabriz",
        "ي",
        "&",
        "!",
        ":*",
        "<->",
        "tabriz:*",
        "a & b | !c",
    ],
)
def test_nasty_queries_never_fail(records, query):
    assert isinstance(search.search(query), list)


def test_rtl_override_is_ignored(records):
    assert found("\u202eTabriz")[0] == "tabriz"


def test_too_long_query_is_refused(records):
    with pytest.raises(search.SearchQueryError):
        search.search("a" * (search.MAX_QUERY_LENGTH + 1))


def test_too_many_terms_is_refused(records):
    with pytest.raises(search.SearchQueryError):
        search.search(" ".join(["w"] * (search.MAX_TERMS + 1)))


def test_search_uses_a_bounded_number_of_queries(records, django_assert_max_num_queries):
    # At most four tiers on PostgreSQL (one on SQLite); as "Tabriz" names a place, one short query per linked type
    # (protests, arrests, statements) for its newest keys and one for the records linked to it; then one query per
    # record type found. (+1: the other names of named results, which title them in the reader's language or script.)
    with django_assert_max_num_queries(4 + 3 + 1 + 2 + 1):
        search.search("Tabriz")
    with django_assert_max_num_queries(4 + len(registry.KEYS)):
        search.search("a")


@pytest.mark.postgres
def test_each_tier_is_newest_first_and_exact_names_lead(records):
    from django.db import connection

    newer = factories.ProtestFactory(title="Tabriz bazaar strike", date_start=dt.date(2021, 5, 1))
    older = factories.ProtestFactory(title="Tabriz bazaar strike again", date_start=dt.date(2019, 5, 1))
    titles = [r.title for r in search.search("Tabriz bazaar")]
    assert titles.index(newer.title) < titles.index(older.title)
    assert search.search("Tabriz")[0].exact
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM archive_searchentry WHERE name_list @> ARRAY['tabriz']")
        assert cursor.fetchone()[0] >= 1
