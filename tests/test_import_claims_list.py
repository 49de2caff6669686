"""The `size_claims` / `number_claims` / `signatories_claims` column: every claim of a record as a JSON list,
authoritative on import; the flat `size_…` columns still add or update one claim."""

import json

import pytest

from archive import models
from archive.imports import export_records, import_records
from archive.resources.batch import BatchWriter
from tests import factories

pytest.register_assert_rewrite("tests.import_export_helpers")  # its checks assert; it is imported before collection
from tests.import_export_helpers import make_file  # noqa: E402

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.import_export_helpers"]  # the world and archivist fixtures


@pytest.fixture
def sources(db):
    return {
        "erk": factories.SourceFactory(public_id="source-erk", title="Erk report"),
        "irna": factories.SourceFactory(public_id="source-irna", title="IRNA"),
    }


@pytest.fixture
def rally(world, sources):
    """A draft protest with two disagreeing size claims."""
    protest = factories.ProtestFactory(public_id="protest-rally", title="Rally", status=models.Status.DRAFT)
    protest.places.set([world["tabriz"]])
    erk = protest.size_claims.create(
        words="hundreds", low=200, high=999, claimant="Erk", claimant_kind="media", source=sources["erk"]
    )
    irna = protest.size_claims.create(words="a few dozen", low=24, claimant="IRNA", claimant_kind="state")
    return protest, erk, irna


def claim(**fields) -> dict:
    return {"words": "", "low": None, "high": None, "claimant": "", "claimant_kind": "unknown"} | fields


def import_row(row, **kwargs):
    return import_records(models.Protest, make_file([row]), file_name="claims.csv", **kwargs)


def listed(protest) -> list[tuple]:
    return [(c.words, c.low, c.high, c.claimant, c.claimant_kind) for c in protest.size_claims.order_by("pk")]


def test_an_export_lists_every_claim_with_every_field(rally):
    protest, *_ = rally
    row = json.loads(export_records(models.Protest.objects.filter(pk=protest.pk), "json"))[0]
    assert json.loads(row["size_claims"]) == [
        {
            "words": "hundreds",
            "low": 200,
            "high": 999,
            "claimant": "Erk",
            "claimant_kind": "media",
            "source": "source-erk",
            "footnote": None,
            "note": "",
        },
        {
            "words": "a few dozen",
            "low": 24,
            "high": None,
            "claimant": "IRNA",
            "claimant_kind": "state",
            "source": None,
            "footnote": None,
            "note": "",
        },
    ]
    assert (row["size_as_written"], row["size_claimed_by"]) == ("hundreds", "Erk")  # the first, for spreadsheets


def test_a_statements_list_names_the_group_that_signed(world):
    statement = factories.StatementFactory(status=models.Status.DRAFT)
    statement.signatory_claims.create(group="musicians", words="60", low=60, high=60)
    statement.signatory_claims.create(group="universities", words="27", low=27, high=27)
    row = json.loads(export_records(models.Statement.objects.filter(pk=statement.pk), "json"))[0]
    assert [(c["group"], c["low"]) for c in json.loads(row["signatories_claims"])] == [
        ("musicians", 60),
        ("universities", 27),
    ]


def test_a_record_without_claims_exports_an_empty_list_cell(world):
    row = json.loads(export_records(models.Protest.objects.filter(public_id="protest-tabriz"), "json"))[0]
    assert row["size_claims"] == ""


def test_the_list_is_authoritative_claims_kept_updated_added_and_removed(rally, archivist):
    protest, erk, irna = rally
    cell = [
        claim(words="hundreds", low=200, high=999, claimant="Erk", claimant_kind="media", source="source-erk"),
        {"words": "thousands", "low": 1000, "claimant": "the organizers"},  # new; no kind: suggested from the words
    ]
    report = import_row({"public_id": "protest-rally", "size_claims": json.dumps(cell)}, user=archivist)

    assert report.ok and report.updated == 1, report.messages
    assert listed(protest) == [
        ("hundreds", 200, 999, "Erk", "media"),
        ("thousands", 1000, None, "the organizers", "activists"),
    ]
    assert protest.size_claims.order_by("pk").first().pk == erk.pk  # unchanged, kept
    removed = models.ProtestSizeClaim.history.get(id=irna.pk, history_type="-")
    assert (removed.words, removed.history_user, removed.history_change_reason) == (
        "a few dozen",
        archivist,
        "Imported from claims.csv",
    )
    assert not models.ProtestSizeClaim.history.filter(id=erk.pk, history_type="~").exists()


def test_a_claim_is_matched_by_its_claimant_and_updated_in_place(rally):
    protest, erk, irna = rally
    cell = [claim(words="a few dozen", low=20, high=50, claimant="irna", claimant_kind="state"), claim(words="x")]
    cell[1] |= {"words": "hundreds", "low": 200, "high": 999, "claimant": "Erk", "claimant_kind": "media"}
    assert import_row({"public_id": "protest-rally", "size_claims": json.dumps(cell)}).ok
    by_id = {c.pk: c for c in protest.size_claims.all()}
    assert set(by_id) == {erk.pk, irna.pk}
    assert (by_id[irna.pk].low, by_id[irna.pk].high, by_id[irna.pk].claimant) == (20, 50, "irna")
    assert by_id[erk.pk].source is None  # the list gives no source: the claim has none


def test_an_empty_list_removes_every_claim_and_a_blank_cell_keeps_them(rally):
    protest, *_ = rally
    assert import_row({"public_id": "protest-rally", "size_claims": ""}).unchanged == 1
    assert protest.size_claims.count() == 2
    assert import_row({"public_id": "protest-rally", "size_claims": "[]"}).updated == 1
    assert not protest.size_claims.exists()


def test_flat_columns_alone_still_update_the_claim_by_the_same_claimant(rally):
    protest, *_ = rally
    report = import_row({"public_id": "protest-rally", "size_claimed_by": "IRNA", "size_low": "30"})
    assert report.ok and report.updated == 1, report.messages
    assert listed(protest) == [("hundreds", 200, 999, "Erk", "media"), ("a few dozen", 30, None, "IRNA", "state")]
    report = import_row({"public_id": "protest-rally", "size_as_written": "50", "size_claimed_by": "Amnesty"})
    assert report.ok and protest.size_claims.count() == 3


def test_flat_columns_that_agree_with_the_list_are_accepted(rally):
    protest, *_ = rally
    cell = [claim(words="hundreds", low=200, high=999, claimant="Erk", claimant_kind="media", source="source-erk")]
    row = {"public_id": "protest-rally", "size_claims": json.dumps(cell), "size_claimed_by": "erk"}
    row |= {"size_as_written": "hundreds", "size_low": "200", "size_source": "Erk report"}
    report = import_row(row)
    assert report.ok, report.messages
    assert listed(protest) == [("hundreds", 200, 999, "Erk", "media")]


@pytest.mark.parametrize(
    ("flat", "column", "message"),
    [
        (
            {"size_low": "150"},
            "size_low",
            "“150” disagrees with size_claims, which gives “200” for this claim. When a row has size_claims, "
            "leave the size_… columns empty or make them agree with it.",
        ),
        ({"size_claimed_by": "Amnesty", "size_low": "5"}, "size_claimed_by", "“Amnesty” describes a claim that is"),
        ({"size_claimed_by": "IRNA", "size_source": "Erk report"}, "size_source", "which gives “(empty)”"),
    ],
)
def test_flat_columns_that_disagree_with_the_list_are_an_error_in_their_column(rally, flat, column, message):
    protest, *_ = rally
    cell = [
        claim(words="hundreds", low=200, high=999, claimant="Erk", claimant_kind="media"),
        claim(words="a few dozen", low=24, claimant="IRNA", claimant_kind="state"),
    ]
    report = import_row({"public_id": "protest-rally", "size_claims": json.dumps(cell), **flat})
    assert [(issue.row, issue.column) for issue in report.issues] == [(1, column)], report.messages
    assert message in report.issues[0].message
    assert protest.size_claims.count() == 2 and protest.size_claims.filter(source__isnull=False).count() == 1


BAD_CELLS = [
    ("[{words: Hundreds}]", "“[{words: Hundreds}]” is not a JSON list of claims; write e.g. [{"),
    ('{"words": "Hundreds"}', '“{"words": "Hundreds"}” is not a JSON list of claims'),
    ('[{"words": "Hundreds", "size": 3}]', 'Claim 1 ({"words": "Hundreds", "size": 3}): write each claim as'),
    ('["Hundreds"]', "Claim 1 (Hundreds): write each claim as an object"),
    (
        '[{"words": "Hundreds", "source": "No Such Source"}]',
        'Claim 1 ({"words": "Hundreds", "source": "No Such Source"}): No source has the public id or title '
        "“No Such Source”.",
    ),
    (
        '[{"words": "Hundreds", "claimant_kind": "Gossip"}]',
        'Claim 1 ({"words": "Hundreds", "claimant_kind": "Gossip"}): “Gossip” is not one of: activists,',
    ),
    (
        '[{"words": "x", "low": 1}, {"words": "Hundreds", "low": 900, "high": 200}]',
        'Claim 2 ({"words": "Hundreds", "low": 900, "high": 200}): The low figure is higher than the high figure.',
    ),
    ('[{"words": "Hundreds", "low": "Many"}]', "“Many” is not a whole number."),
    ('[{"words": "Hundreds", "low": -5}]', "Claim 1 ("),
    ('[{"claimant": "Erk"}]', "give the figure as written (“words”) or a low figure (“low”)."),
    ('[{"words": "Hundreds", "note": ["a"]}]', "“note” is not a text or a number."),
]


@pytest.mark.parametrize(("cell", "message"), BAD_CELLS)
@pytest.mark.parametrize("dry_run", [False, True], ids=["import", "preview"])
def test_a_bad_list_is_an_error_in_its_column_and_writes_nothing(rally, cell, message, dry_run):
    protest, *_ = rally
    before = listed(protest)
    factories.ProtestFactory(public_id="protest-other", title="Other rally", status=models.Status.DRAFT)
    rows = [{"public_id": "protest-other", "title": "Other rally, renamed", "size_claims": ""}]
    rows.append({"public_id": "protest-rally", "title": "Rally", "size_claims": cell})
    report = import_records(models.Protest, make_file(rows), file_name="claims.csv", dry_run=dry_run)
    assert [(issue.row, issue.column) for issue in report.issues] == [(2, "size_claims")], report.messages
    assert message in report.issues[0].message
    assert listed(protest) == before
    assert models.Protest.objects.get(public_id="protest-other").title == "Other rally"  # all or nothing


def test_a_signatories_list_needs_the_group_of_each_claim(world):
    statement = factories.StatementFactory(public_id="statement-musicians", status=models.Status.DRAFT)
    cell = json.dumps([{"group": "musicians", "words": "60", "low": 60}, {"words": "27", "low": 27}])
    report = import_records(
        models.Statement,
        make_file([{"public_id": "statement-musicians", "signatories_claims": cell}]),
        file_name="s.csv",
    )
    assert [issue.column for issue in report.issues] == ["signatories_claims"]
    assert report.issues[0].message.startswith('Claim 2 ({"words": "27", "low": 27}): ')
    assert not statement.signatory_claims.exists()


def test_the_preview_reports_what_the_import_does(rally):
    protest, *_ = rally
    row = {"public_id": "protest-rally", "size_claims": json.dumps([claim(words="thousands", low=1000)])}
    preview = import_row(row, dry_run=True)
    assert (
        preview.ok
        and preview.updated == 1
        and listed(protest)
        == [
            ("hundreds", 200, 999, "Erk", "media"),
            ("a few dozen", 24, None, "IRNA", "state"),
        ]
    )
    done = import_row(row)
    assert (done.new, done.updated, done.unchanged) == (preview.new, preview.updated, preview.unchanged)
    assert listed(protest) == [("thousands", 1000, None, "", "unknown")]


def test_a_published_records_claims_are_not_changed_by_a_list(rally):
    protest, *_ = rally
    models.Protest.objects.filter(pk=protest.pk).update(status=models.Status.PUBLISHED)
    report = import_row({"public_id": "protest-rally", "size_claims": "[]"})
    assert [issue.column for issue in report.issues] == ["public_id"]
    assert protest.size_claims.count() == 2


def test_a_batch_written_again_row_by_row_removes_the_claims_once(rally, monkeypatch):
    """A batch the database refuses is rolled back and written again row by row: the claim a list
    leaves out is removed then, once, with one history row."""
    protest, erk, irna = rally
    factories.ProtestFactory(public_id="protest-other", title="Other rally", status=models.Status.DRAFT)
    write = BatchWriter._write

    def refuse_batches(self, entries):
        if len(entries) > 1:
            write(self, entries)  # everything, deletes included, then refused: all rolled back
            raise RuntimeError("refused")
        write(self, entries)

    monkeypatch.setattr(BatchWriter, "_write", refuse_batches)
    erk_only = [claim(words="hundreds", low=200, high=999, claimant="Erk", claimant_kind="media", source="source-erk")]
    rows = [
        {"public_id": "protest-rally", "title": "Rally", "size_claims": json.dumps(erk_only)},
        {"public_id": "protest-other", "title": "Other rally, renamed", "size_claims": ""},
    ]
    report = import_records(models.Protest, make_file(rows), file_name="claims.csv")
    assert report.ok and report.updated == 2, report.messages
    assert [c.pk for c in protest.size_claims.all()] == [erk.pk]
    assert models.ProtestSizeClaim.history.filter(id=irna.pk, history_type="-").count() == 1
