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
