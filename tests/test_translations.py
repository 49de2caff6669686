"""The interface catalogues for Azerbaijani, Persian and Turkish are complete and compiled."""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.html import escape

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
LANGUAGES = ["az", "fa", "tr"]
HEADING = "Southern Azerbaijanis' response to Iran's stance in the 2020 Karabakh war"
PLACEHOLDER = re.compile(r"%(?:\([a-z_]+\))?[-#0 +]*\d*(?:\.\d+)?[sdfr]|%%")


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / "django.po"


def parse_po(path: Path) -> list[dict]:
    """A tiny .po reader: one dict per live entry (obsolete `#~` entries are skipped).

    Each entry has `flags` (from `#,` lines), `msgid`, `msgstr`, and `line` (where it starts);
    a plural entry also has `msgid_plural` and `plurals` (msgstr[0], msgstr[1]…).
    """
    entries: list[dict] = []
    current: dict | None = None
    field = None

    def finish():
        if current is not None and "msgid" in current:
            entries.append(current)

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#"):
            if current is not None and "msgid" in current:
                finish()
                current = None
            if current is None:
                current = {"flags": set(), "line": number}
            if line.startswith("#,"):
                current["flags"].update(flag.strip() for flag in line[2:].split(","))
            continue
        keyword, _, rest = line.partition(" ")
        if keyword.startswith("msgstr["):  # a plural form: msgstr[0], msgstr[1]…
            current.setdefault("plurals", []).append(ast.literal_eval(rest))
            current["msgstr"] = current.get("msgstr", "")
            field = "plural_form"
            continue
        if keyword in ("msgctxt", "msgid", "msgid_plural", "msgstr"):
            if (
                keyword in ("msgctxt", "msgid")
                and current is not None
                and ("msgstr" in current or "plurals" in current)
            ):
                finish()
                current = None
            if current is None:
                current = {"flags": set(), "line": number}
            field = keyword
            current[field] = ast.literal_eval(rest)
        elif line.startswith('"') and current is not None and field == "plural_form":
            current["plurals"][-1] += ast.literal_eval(line)
        elif line.startswith('"') and current is not None and field:
            current[field] += ast.literal_eval(line)
        else:
            raise AssertionError(f"{path}:{number}: cannot read {raw!r}")
    finish()
    return entries


@pytest.fixture(scope="module", params=LANGUAGES)
def catalogue(request):
    path = po_path(request.param)
    assert path.exists(), f"{path} is missing: run makemessages"
    return request.param, parse_po(path)


def test_catalogue_has_entries_and_a_header(catalogue):
    lang, entries = catalogue
    header = entries[0]
    assert header["msgid"] == ""
    assert "fuzzy" not in header["flags"]
    assert f"Language: {lang}\n" in header["msgstr"]
    assert "charset=UTF-8" in header["msgstr"]
    assert len(entries) > 100


def translations(entry: dict) -> list[str]:
    return entry.get("plurals") or [entry["msgstr"]]


def test_every_entry_is_translated_and_not_fuzzy(catalogue):
    lang, entries = catalogue
    untranslated = [
        (e["line"], e["msgid"][:60]) for e in entries[1:] if not all(text.strip() for text in translations(e))
    ]
    fuzzy = [(e["line"], e["msgid"][:60]) for e in entries[1:] if "fuzzy" in e["flags"]]
    assert untranslated == [], f"{lang}: untranslated entries"
    assert fuzzy == [], f"{lang}: fuzzy entries"


def test_translations_keep_placeholders_and_markup(catalogue):
    lang, entries = catalogue
    for entry in entries[1:]:
        sources = [entry["msgid"], entry.get("msgid_plural", entry["msgid"])]
        for index, msgstr in enumerate(translations(entry)):
            msgid = sources[min(index, 1)]
            where = f"{lang} line {entry['line']}: {msgid[:60]!r}"
            assert sorted(PLACEHOLDER.findall(msgid)) == sorted(PLACEHOLDER.findall(msgstr)), where
            for tag in ("<code>", "<a ", "</a>"):
                assert msgid.count(tag) == msgstr.count(tag), where
            assert msgid.count("\n") == msgstr.count("\n"), where


def test_persian_uses_persian_letters():
    _, entries = "fa", parse_po(po_path("fa"))
    text = "".join("".join(translations(entry)) for entry in entries[1:])
    assert "ي" not in text and "ك" not in text, "use Persian ی and ک, not the Arabic letters"
    assert "\u200c" in text, "Persian needs the zero-width non-joiner (e.g. می\u200cشود)"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_compiled_catalogue_matches_its_source(lang):
    """The committed .mo says what the .po says (file times mean nothing after a git clone)."""
    po = po_path(lang)
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: run compilemessages"
    with mo.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in parse_po(po):
        if not entry["msgid"]:
            continue
        if "plurals" in entry:
            got = compiled.ngettext(entry["msgid"], entry["msgid_plural"], 1)
            want = entry["plurals"][0]
        elif "msgctxt" in entry:
            got, want = compiled.pgettext(entry["msgctxt"], entry["msgid"]), entry["msgstr"]
        else:
            got, want = compiled.gettext(entry["msgid"]), entry["msgstr"]
        if got != want:
            stale.append(entry["msgid"][:60])
    assert not stale, f"{mo} is out of date for {len(stale)} entries (run compilemessages): {stale[:5]}"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("az", {"Search": "Axtarış", "Protests": "Etiraz aksiyaları", "name withheld": "adı açıqlanmır"}),
        ("fa", {"Search": "جست\u200cوجو", "Protests": "اعتراض\u200cها", "name withheld": "نام محفوظ"}),
        ("tr", {"Search": "Ara", "Protests": "Protestolar", "name withheld": "adı gizli tutuluyor"}),
    ],
)
def test_strings_translate_at_runtime(lang, expected):
    with translation.override(lang):
        for english, translated in expected.items():
            assert translation.gettext(english) == translated
        assert translation.gettext("Search") != "Search"
        assert translation.gettext("Persian") != "Persian"
        assert translation.gettext("%(decade)ss") % {"decade": 1990} != "1990s"
        for n in (1, 3):
            counted = translation.ngettext("%(n)s protest", "%(n)s protests", n) % {"n": n}
            assert str(n) in counted and "protests" not in counted


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "direction", "fragment"),
    [
        ("az", "ltr", "Güney azərbaycanlıların"),
        ("fa", "rtl", "واکنش آذربایجانی\u200cهای جنوبی"),
        ("tr", "ltr", "Güney Azerbaycan Türklerinin"),
    ],
)
def test_home_page_is_in_the_language(client, lang, direction, fragment):
    response = client.get(f"/{lang}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'lang="{lang}" dir="{direction}"' in html
    with translation.override(lang):
        heading = translation.gettext(HEADING)
        search = translation.gettext("Search")
    assert heading != HEADING
    assert fragment in heading
    # A literal in {% translate %} is safe, so its translation is rendered unescaped.
    assert heading in html or escape(heading) in html
    assert search in html
    assert f"<h1>{HEADING}</h1>" not in html and f"<h1>{escape(HEADING)}</h1>" not in html
