import pytest

from archive.folding import fold

pytestmark = []


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Ərdəbil", "ardabil"),
        ("Ardabil", "ardabil"),
        ("Ahmad Obalı", "ahmad obali"),
        ("Nurdüz", "nurduz"),
        ("URMİYA", "urmiya"),
        ("Güney Azərbaycan Milli Azadlıq Cəbhəsi", "guney azarbaycan milli azadliq cabhasi"),
        ("şçğöüâ", "scgoua"),
        ("Ёлка", "елка"),
        ("علي", "علی"),
        ("كرمان", "کرمان"),
        ("مدرسة", "مدرسه"),
        ("خامنه\u200cای", "خامنهای"),
        ("آذربایجان", "اذربایجان"),
        ("تبريـــز", "تبریز"),
        ("۱۴ آبان ۱۳۹۹", "14 ابان 1399"),
        ("١٣٩٩", "1399"),
        ("Amir-Abdollahian", "amir abdollahian"),
        ("a\x00b", "ab"),
        ("x\ud800y", "xy"),
        ("\u202eevil\u202c", "evil"),
        ("100%_x", "100 x"),
        ("...!!!", ""),
        ("", ""),
    ],
)
def test_fold(text, folded):
    assert fold(text) == folded


def test_fold_is_idempotent():
    for text in ["Ərdəbil", "خامنه‌ای", "Nurdüz", "١٣٩٩"]:
        assert fold(fold(text)) == fold(text)


def _reference_clean(text: str) -> str:
    """clean() spelled out character by character: its definition."""
    import unicodedata

    text = text.encode("utf-8", "ignore").decode("utf-8")
    return "".join(ch for ch in text if ch in "\t\n" or unicodedata.category(ch) not in {"Cc", "Cs", "Co"})


def _reference_fold(text: str) -> str:
    """fold() spelled out character by character: its definition."""
    import unicodedata

    from archive.folding import _NON_WORD, _TABLE

    if not text:
        return ""
    text = unicodedata.normalize("NFKC", _reference_clean(text)).lower().translate(_TABLE)
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    stripped = unicodedata.normalize("NFC", stripped).translate(_TABLE)
    return _NON_WORD.sub(" ", stripped).strip()


def test_fast_folding_agrees_with_its_definition_on_any_text():
    """fold() and clean() use tables and a regex for speed (imports fold every record they index)."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from archive.folding import clean

    special = st.sampled_from(["Ə", "ı", "ş", "\u0301", "\u200c", "\ue000", "\ud800", "\x00", "\r", "\t", "\n", "ك"])

    @settings(max_examples=2000, deadline=None)
    @given(st.text(alphabet=st.characters(exclude_categories=()) | special, max_size=40))
    def agree(text):
        assert clean(text) == _reference_clean(text)
        assert fold(text) == _reference_fold(text)

    agree()


def test_folding_pieces_one_by_one_is_folding_them_joined_by_lines():
    """The index folds each piece of a record's text on its own (remembered, since pieces repeat) and
    joins the results with spaces; that must be what folding the whole text gives."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from archive.folding import fold_remembered

    special = st.sampled_from(["Σ", "ς", "Ə", "ı", "\u0301", "\u200c", "\ud800", "\x00", "'", ".", " ", "ي"])
    piece = st.text(alphabet=st.characters(exclude_categories=()) | special, max_size=12)

    @settings(max_examples=2000, deadline=None)
    @given(st.lists(piece, max_size=5))
    def agree(pieces):
        assert fold("\n".join(pieces)) == " ".join(folded for folded in map(fold_remembered, pieces) if folded)

    agree()


def test_remembered_folding_is_folding_for_short_and_long_text():
    from archive.folding import REMEMBERED_LENGTH, fold_remembered

    for text in ["Ərdəbil", "Ərdəbil " * REMEMBERED_LENGTH, "Plain ASCII, with punctuation!", ""]:
        assert fold_remembered(text) == fold(text)
