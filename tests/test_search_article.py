"""What people type, and what they must find, in the article's own records.

Runs on SQLite and PostgreSQL alike (CI runs both)."""

import pytest

from archive import search

pytestmark = pytest.mark.django_db


def top(query: str, k: int = 5, **kwargs) -> list[str]:
    return [result.record.public_id for result in search.search(query, **kwargs)[:k]]


def texts(query: str, **kwargs) -> list[str]:
    """Everything a result shows, to check records found by their content."""
    found = []
    for result in search.search(query, **kwargs):
        record = result.record
        parts = [result.title, getattr(record, "description", ""), getattr(record, "summary", "")]
        if hasattr(record, "slogans"):
            parts += [s.translation + " " + s.text for s in record.slogans.all()]
        if hasattr(record, "texts"):
            parts += [t.text for t in record.texts.all()]
        found.append(" ".join(p for p in parts if p))
    return found


CASES = [
    # Transliteration and diacritics
    ("Obali", {}, "person-ahmad-obali"),
    ("Obalı", {}, "person-ahmad-obali"),
    ("Əhməd Obalı", {}, "person-ahmad-obali"),
    ("ahmed obali", {}, "person-ahmad-obali"),
    ("@AhmadObalı", {}, "person-ahmad-obali"),
    ("Urmu", {}, "place-urmia"),
    ("Urmiya", {}, "place-urmia"),
    ("URMIA", {}, "place-urmia"),
    ("Zanzan", {"types": ["place"]}, "place-zanjan"),
    ("Zəncan", {"types": ["place"]}, "place-zanjan"),
    ("Nurduz", {"types": ["place"]}, "place-nurduz"),
    ("Nurdüz", {"types": ["place"]}, "place-nurduz"),
    ("Ardabil", {"types": ["place"]}, "place-ardabil"),
    ("Ərdəbil", {"types": ["place"]}, "place-ardabil"),
    ("Ardebil", {"types": ["place"]}, None),  # not a known spelling: only trigram matching (PostgreSQL) may find it
    ("Təbriz", {"types": ["place"]}, "place-tabriz"),
    ("Tabriz bazaar", {"types": ["place"]}, "place-tabriz-bazaar"),
    ("Xudafərin", {"types": ["place"]}, "place-khudafarin-bridges"),
    ("Şuşa", {"types": ["place"]}, "place-shusha"),
    # Abbreviations and full names
    ("GAMAC", {}, "org-gamac"),
    ("Güney Azərbaycan Milli Azadlıq Cəbhəsi", {}, "org-gamac"),
    ("guney azarbaycan milli azadliq cabhasi", {}, "org-gamac"),
    ("South Azerbaijan National Liberation Front", {"types": ["organization"]}, "org-gamac"),
    ("ANM", {"types": ["organization"]}, "org-anm"),
    ("AMH", {"types": ["organization"]}, "org-anm"),
    ("Azərbaycan Milli Hərəkəti", {"types": ["organization"]}, "org-anm"),
    ("Sepah", {"types": ["organization"]}, "org-irgc"),
    # Persian and Russian script, with letter variants and zero-width non-joiners
    ("ارومیه", {}, "place-urmia"),
    ("اردبیل", {"types": ["place"]}, "place-ardabil"),
    ("اردبيل", {"types": ["place"]}, "place-ardabil"),  # Arabic yeh
    ("تبریز", {"types": ["place"]}, "place-tabriz"),
    ("خامنه‌ای", {}, "person-ali-khamenei"),
    ("خامنهای", {}, "person-ali-khamenei"),
    ("ظريف", {}, "person-mohammad-javad-zarif"),  # Arabic yeh for Persian ی
    ("سپاه", {"types": ["organization"]}, "org-irgc"),
    ("Карабах", {"types": ["place"]}, "place-karabakh"),
    ("Иран", {"types": ["place"]}, "place-iran"),
    # People found through an alias only
    ("Javid Rahman", {"types": ["person"]}, "person-javaid-rehman"),
    ("Baqeri", {"types": ["person"]}, "person-mohammad-bagheri"),
    ("Afshar Salimani", {"types": ["person"]}, "person-afshar-soleimani"),
    ("Nəsim Nəsimli", {"types": ["person"]}, "person-nasib-nasibli"),
    # Outlets by their variant names
    ("Varlig", {"types": ["media-outlet"]}, "outlet-varlig"),
    ("Comhuri-ye Eslami", {"types": ["media-outlet"]}, "outlet-jomhouri-eslami"),
    ("Farazdaily", {"types": ["media-outlet"]}, "outlet-faraz"),
]


@pytest.mark.parametrize(("query", "kwargs", "expected"), CASES, ids=[c[0] for c in CASES])
def test_query_finds_record(article, query, kwargs, expected):
    found = top(query, **kwargs)
    if expected is None:
        assert isinstance(found, list)
    else:
        assert expected in found, (query, found)


@pytest.mark.parametrize(("query", "expected"), [("Obali", "person-ahmad-obali"), ("GAMAC", "org-gamac")])
def test_exact_alias_ranks_first(article, query, expected):
    assert top(query)[0] == expected


def test_quoted_slogan_phrase_finds_the_protests_that_chanted_it(article):
    found = texts('"we are Azerbaijan itself"', types=["protest"])
    assert found and all("azerbaijan itself" in t.lower() for t in found)


def test_phrase_is_not_the_same_as_its_words(article):
    words = search.search("Azerbaijan itself we are", types=["protest"])
    phrase = search.search('"itself we are Azerbaijan"', types=["protest"])
    assert len(phrase) < len(words)


def test_exclusion_removes_matches(article):
    with_zanjan = top("Ardabil Zanjan", k=100, types=["protest"])
    without = top("Ardabil -Zanjan", k=100, types=["protest"])
    assert set(without) <= set(top("Ardabil", k=100, types=["protest"]))
    assert not set(without) & set(with_zanjan) or len(without) < len(top("Ardabil", k=100, types=["protest"]))


def test_or_widens(article):
    either = set(top("Urmia OR Hamadan", k=100))
    assert set(top("Urmia", k=100)) <= either and set(top("Hamadan", k=100)) <= either


def test_types_narrow(article):
    assert all(r.record_type == "protest" for r in search.search("Tabriz", types=["protest"]))
    assert {r.record_type for r in search.search("Tabriz")} > {"protest"}


def test_statement_text_is_searchable(article):
    found = texts("Ahl al-Bayt", types=["statement"])
    assert any("Ahl al-Bayt" in t for t in found)


def test_source_titles_are_searchable(article):
    assert any(r.record_type == "source" for r in search.search("Səssiz müharibə"))


def test_persian_digits_match(article):
    assert any(r.record_type == "source" for r in search.search("۱۳۹۹")) or search.search("1399")
