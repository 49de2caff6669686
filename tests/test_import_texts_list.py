"""The `texts` column: every text of a statement (language, words, original or translation, translator) as a
JSON list, authoritative on import; the flat `text`, `text_language` and `text_en` columns work as before."""

import json

import pytest

from archive import models
from archive.admin.history import part_changes
from archive.imports import export_records, import_records
from tests import factories

pytest.register_assert_rewrite("tests.import_export_helpers")  # its checks assert; it is imported before collection
from tests.import_export_helpers import FORMATS, make_file, row_counts  # noqa: E402

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.import_export_helpers"]  # the world and archivist fixtures

AUTHOR = "the article’s author"


@pytest.fixture
def letter(world):
    """A draft statement: the Azerbaijani original, the author's English and a Russian and a Persian translation."""
    factories.LanguageFactory(code="ru", name="Russian")
    statement = factories.StatementFactory(public_id="statement-letter", title="Letter", status=models.Status.DRAFT)
    texts = statement.texts
    original = texts.create(language_id="az-Latn", text="Qarabağ Azərbaycandır", is_original=True)
    english = texts.create(language_id="en", text="Karabakh is Azerbaijan", translator=AUTHOR)
    russian = texts.create(language_id="ru", text="Карабах — это Азербайджан", translator="news.am")
    persian = texts.create(language_id="fa", text="قره‌باغ آذربایجان است", translator="")
    return statement, original, english, russian, persian


def text(language, words, is_original=False, translator="") -> dict:
    return {"language": language, "text": words, "is_original": is_original, "translator": translator}


def texts_of(statement) -> list[tuple]:
    return sorted((t.language_id, t.text, t.is_original, t.translator) for t in statement.texts.all())


def import_row(row, fmt="csv", **kwargs):
    return import_records(models.Statement, make_file([row], fmt), file_name=f"texts.{fmt}", fmt=fmt, **kwargs)


def test_an_export_lists_every_text_with_every_field(letter):
    statement, *_ = letter
    row = json.loads(export_records(models.Statement.objects.filter(pk=statement.pk), "json"))[0]
    assert json.loads(row["texts"]) == [  # as the admin lists them: the original first, then by language
        text("az-Latn", "Qarabağ Azərbaycandır", is_original=True),
        text("en", "Karabakh is Azerbaijan", translator=AUTHOR),
        text("fa", "قره‌باغ آذربایجان است"),
        text("ru", "Карабах — это Азербайджан", translator="news.am"),
    ]
    flat = (row["text"], row["text_language"], row["text_en"])
    assert flat == ("Qarabağ Azərbaycandır", "az-Latn", "Karabakh is Azerbaijan")  # for spreadsheets, as before
    bare = factories.StatementFactory(status=models.Status.DRAFT)
    assert json.loads(export_records(models.Statement.objects.filter(pk=bare.pk), "json"))[0]["texts"] == ""


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_then_import_gives_every_text_and_translator_back(letter, fmt):
    statement, *_ = letter
    texts = texts_of(statement)
    data = export_records(models.Statement.objects.filter(pk=statement.pk), fmt)
    statement.delete()

    report = import_records(models.Statement, data, file_name=f"export.{fmt}", fmt=fmt)

    assert report.ok and report.new == 1, report.messages
    assert len(texts) == 4 and texts_of(models.Statement.objects.get(public_id="statement-letter")) == texts
    before = row_counts()
    again = import_records(models.Statement, data, file_name=f"export.{fmt}", fmt=fmt)
    assert again.ok and again.unchanged == 1 and row_counts() == before  # nothing twice


def test_the_list_is_authoritative_texts_kept_updated_added_and_removed(letter, archivist):
    statement, original, english, russian, persian = letter
    cell = [
        text("az-Latn", "Qarabağ Azərbaycandır", is_original=True),  # unchanged
        text("en", "Karabakh is Azerbaijan!", translator="Erk"),  # new words and translator
        {"language": "TR", "text": "Karabağ Azerbaycan'dır", "translator": "Erk"},  # new; no is_original: a translation
        text("ru", "Карабах — это Азербайджан", translator="news.am"),  # unchanged
    ]
    factories.LanguageFactory(code="tr", name="Turkish")
    report = import_row({"public_id": "statement-letter", "texts": json.dumps(cell)}, user=archivist)

    assert report.ok and report.updated == 1, report.messages
    assert texts_of(statement) == [
        ("az-Latn", "Qarabağ Azərbaycandır", True, ""),
        ("en", "Karabakh is Azerbaijan!", False, "Erk"),
        ("ru", "Карабах — это Азербайджан", False, "news.am"),
        ("tr", "Karabağ Azerbaycan'dır", False, "Erk"),
    ]
    kept = {t.pk for t in statement.texts.all()}
    assert kept >= {original.pk, english.pk, russian.pk} and persian.pk not in kept
    history = models.StatementText.history.filter(
        history_user=archivist, history_change_reason="Imported from texts.csv"
    )
    assert sorted((h.language_id, h.history_type) for h in history) == [("en", "~"), ("fa", "-"), ("tr", "+")]


def test_the_import_shows_in_the_records_history_as_its_claims_do(letter, archivist):
    statement, *_ = letter
    cell = [
        text("az-Latn", "Qarabağ Azərbaycandır", is_original=True),
        text("en", "Karabakh is Azerbaijan", translator="Erk"),
        text("ru", "Карабах — это Азербайджан", translator="news.am"),
    ]
    assert import_row({"public_id": "statement-letter", "texts": json.dumps(cell)}, user=archivist).ok
    imported = [c for c in part_changes(statement) if c.reason == "Imported from texts.csv"]
    assert sorted((c.kind, c.part, c.label) for c in imported) == [
        ("changed", "Statement text", "Letter [en]"),
        ("removed", "Statement text", "Letter [fa]"),
    ]
    assert all(c.who == archivist for c in imported)
    changed = next(c for c in imported if c.kind == "changed")
    assert changed.changes == [{"field": "Translated by", "old": AUTHOR, "new": "Erk"}]


def test_the_original_keeps_its_place_when_its_language_is_corrected(letter):
    statement, original, *_ = letter
    cell = [text("az-Arab", "قاراباغ آذربایجاندیر", is_original=True), text("en", "Karabakh is Azerbaijan")]
    factories.LanguageFactory(code="az-Arab", name="Azerbaijani (Arabic script)")
    assert import_row({"public_id": "statement-letter", "texts": json.dumps(cell)}).ok
    assert texts_of(statement) == [
        ("az-Arab", "قاراباغ آذربایجاندیر", True, ""),
        ("en", "Karabakh is Azerbaijan", False, ""),
    ]
    assert statement.texts.get(is_original=True).pk == original.pk


def test_an_original_and_a_translation_can_swap_languages(letter):
    """The English becomes the original and the Azerbaijani a translation: one original at every moment."""
    statement, *_ = letter
    cell = [text("en", "Karabakh is Azerbaijan", is_original=True), text("az-Latn", "Qarabağ Azərbaycandır")]
    report = import_row({"public_id": "statement-letter", "texts": json.dumps(cell)})
    assert report.ok, report.messages
    assert texts_of(statement) == [
        ("az-Latn", "Qarabağ Azərbaycandır", False, ""),
        ("en", "Karabakh is Azerbaijan", True, ""),
    ]


def test_an_empty_list_removes_every_text_and_a_blank_cell_keeps_them(letter):
    statement, *_ = letter
    assert import_row({"public_id": "statement-letter", "texts": ""}).unchanged == 1
    assert statement.texts.count() == 4
    assert import_row({"public_id": "statement-letter", "texts": "[]"}).updated == 1
    assert not statement.texts.exists()


def test_a_file_without_the_list_sets_the_flat_texts_as_before_and_keeps_the_rest(letter):
    statement, *_ = letter
    row = {"public_id": "statement-letter", "text": "Qarabağ bizimdir", "text_language": "", "text_en": "Ours"}
    report = import_row(row)
    assert report.ok and report.updated == 1, report.messages
    assert texts_of(statement) == [
        ("az-Latn", "Qarabağ bizimdir", True, ""),
        ("en", "Ours", False, AUTHOR),
        ("fa", "قره‌باغ آذربایجان است", False, ""),
        ("ru", "Карабах — это Азербайджан", False, "news.am"),
    ]


def test_flat_columns_that_agree_with_the_list_are_accepted(letter):
    statement, *_ = letter
    cell = [text("az-Latn", "Qarabağ Azərbaycandır", is_original=True), text("en", "Karabakh", translator=AUTHOR)]
    row = {"public_id": "statement-letter", "texts": json.dumps(cell), "text": "Qarabağ Azərbaycandır"}
    row |= {"text_language": "AZ-latn", "text_en": "Karabakh"}
    report = import_row(row)
    assert report.ok, report.messages
    assert texts_of(statement) == [("az-Latn", "Qarabağ Azərbaycandır", True, ""), ("en", "Karabakh", False, AUTHOR)]


ADVICE = "When a row has texts, leave text, text_language and text_en empty or make them agree with it."


@pytest.mark.parametrize(
    ("flat", "column", "message"),
    [
        ({"text": "Qarabağ"}, "text", f"“Qarabağ” disagrees with texts, which gives “Qarabağ Azərbaycandır”. {ADVICE}"),
        ({"text_language": "fa"}, "text_language", "“fa” disagrees with texts, which gives “az-Latn”."),
        ({"text_language": "xx"}, "text_language", "The archive has no language “xx”"),
        ({"text_en": "Karabakh"}, "text_en", f"“Karabakh” describes a text that is not in texts. {ADVICE}"),
    ],
)
def test_flat_columns_that_disagree_with_the_list_are_an_error_in_their_column(letter, flat, column, message):
    statement, *_ = letter
    before = texts_of(statement)
    cell = [text("az-Latn", "Qarabağ Azərbaycandır", is_original=True), text("ru", "Карабах", translator="news.am")]
    report = import_row({"public_id": "statement-letter", "texts": json.dumps(cell), **flat})
    assert [(issue.row, issue.column) for issue in report.issues] == [(1, column)], report.messages
    assert message in report.issues[0].message
    assert texts_of(statement) == before


BAD_CELLS = [
    ("[{text: Salam}]", "“[{text: Salam}]” is not a JSON list of texts; write e.g. [{"),
    ('{"language": "en", "text": "Hi"}', '“{"language": "en", "text": "Hi"}” is not a JSON list of texts'),
    (
        '[{"language": "en", "text": "Hi", "original": true}]',
        'Text 1 ({"language": "en", "text": "Hi", "original": true}): write each text as an object with the keys '
        "language, text, is_original, translator.",
    ),
    ('["Salam"]', "Text 1 (Salam): write each text as an object"),
    ('[{"language": "xx", "text": "Hi"}]', 'Text 1 ({"language": "xx", "text": "Hi"}): The archive has no language'),
    ('[{"language": "English", "text": "Hi"}]', "“English” is not a BCP 47 language tag"),
    ('[{"text": "Hi"}]', "give the language of the text (“language”), e.g. az-Latn."),
    ('[{"language": "en", "text": " "}]', 'Text 1 ({"language": "en", "text": " "}): give the words (“text”).'),
    ('[{"language": "en", "text": "Hi", "translator": {"name": "Erk"}}]', "“translator” is not a text."),
    (
        '[{"language": "en", "text": "Hi", "is_original": "maybe"}]',
        "“is_original” is true (the original) or false (a translation), not “maybe”.",
    ),
    (
        '[{"language": "en", "text": "Hi", "is_original": true}, {"language": "fa", "text": "سلام", "is_original": 1}]',
        'Text 2 ({"language": "fa", "text": "سلام", "is_original": 1}): text 1 is the original already; '
        "a statement has one.",
    ),
    (
        '[{"language": "en", "text": "Hi"}, {"language": "EN", "text": "Hello"}]',
        'Text 2 ({"language": "EN", "text": "Hello"}): text 1 is already the translation into this language.',
    ),
    (f'[{{"language": "en", "text": "Hi", "translator": "{"x" * 301}"}}]', "at most 300 characters"),
]


@pytest.mark.parametrize(("cell", "message"), BAD_CELLS)
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("dry_run", [False, True], ids=["import", "preview"])
def test_a_bad_list_is_an_error_in_its_column_and_writes_nothing(letter, cell, message, fmt, dry_run):
    factories.StatementFactory(public_id="statement-other", title="Other", status=models.Status.DRAFT)
    before = row_counts()
    rows = [
        {"public_id": "statement-other", "title": "Other, renamed", "texts": "[]"},
        {"public_id": "statement-letter", "title": "Letter", "texts": cell},
    ]
    report = import_records(models.Statement, make_file(rows, fmt), file_name=f"t.{fmt}", fmt=fmt, dry_run=dry_run)
    assert [(issue.row, issue.column) for issue in report.issues] == [(2, "texts")], report.messages
    assert message in report.issues[0].message
    assert row_counts() == before  # all or nothing
    assert models.Statement.objects.get(public_id="statement-other").title == "Other"


def test_a_published_statements_texts_are_not_changed_by_a_list(letter):
    statement, *_ = letter
    models.Statement.objects.filter(pk=statement.pk).update(status=models.Status.PUBLISHED)
    report = import_row({"public_id": "statement-letter", "texts": "[]"})
    assert [issue.column for issue in report.issues] == ["public_id"]
    assert statement.texts.count() == 4
