"""A count claim exports and imports whole: figure, claimant and its kind, source, footnote and note."""

import pytest

from archive import models, registry
from archive.imports import export_records, import_records
from tests import factories
from tests.import_export_helpers import FORMATS, make_file

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.import_export_helpers"]  # the world fixture

CLAIMED = [t for t in registry.TYPES if t.part(registry.Claims) is not None]
FACTORIES = {
    models.Protest: factories.ProtestFactory,
    models.Arrest: factories.ArrestFactory,
    models.Statement: factories.StatementFactory,
}
SKIPPED = {"id", "created", "updated", "status", "restricted", "withdrawn_reason"}


def values(obj, skipped=()) -> dict:
    return {f.attname: f.value_from_object(obj) for f in obj._meta.concrete_fields if f.attname not in skipped}


def claimed_record(record_type, source, state_source=None):
    """A draft with two claims that disagree: Erk's figure and the state's."""
    record = FACTORIES[record_type.model](status=models.Status.DRAFT)
    claims = record_type.part(registry.Claims)
    relation = record._meta.get_field(claims.accessor)
    relation.related_model.objects.create(
        **{relation.field.name: record},
        words="about two hundred",
        low=150,
        high=250,
        claimant="Erk",
        claimant_kind=models.ClaimantKind.MEDIA,
        source=source,
        footnote=12,
        note="Contradicts the state's figure.",
        **({"group": "teachers"} if claims.group else {}),
    )
    relation.related_model.objects.create(
        **{relation.field.name: record},
        words="a few dozen",
        low=24,
        claimant="IRNA",
        claimant_kind=models.ClaimantKind.STATE,
        source=state_source,
        **({"group": "teachers"} if claims.group else {}),
    )
    return record, claims.accessor


def claims_of(record, accessor) -> list[dict]:
    owner = record._meta.get_field(accessor).field.attname
    return [values(claim, {"id", owner}) for claim in getattr(record, accessor).order_by("pk")]


def test_every_type_with_claims_is_covered():
    assert {t.model for t in CLAIMED} == set(FACTORIES)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("record_type", CLAIMED, ids=lambda t: t.key)
def test_export_then_import_gives_every_claim_back(world, record_type, fmt):
    source = factories.SourceFactory(public_id="source-erk", title="Erk report")
    irna = factories.SourceFactory(public_id="source-irna", title="IRNA")
    record, accessor = claimed_record(record_type, source, irna)
    before, claims = values(record, SKIPPED), claims_of(record, accessor)
    data = export_records(record_type.model.objects.filter(pk=record.pk), fmt)
    record.delete()

    report = import_records(record_type.model, data, file_name=f"export.{fmt}", fmt=fmt)

    assert report.ok and report.new == 1, report.messages
    again = record_type.model.objects.get(public_id=before["public_id"])
    assert values(again, SKIPPED) == before
    assert len(claims) == 2 and claims_of(again, accessor) == claims
    assert import_records(record_type.model, data, file_name=f"export.{fmt}", fmt=fmt).updated == 0  # nothing twice


def test_claim_columns_read_a_kind_by_its_label_and_a_source_by_its_title(world):
    source = factories.SourceFactory(public_id="source-erk", title="Erk report")
    row = {"title": "Rally", "kind": "rally", "date": "2020", "places": "Urmia", "size_as_written": "hundreds"}
    row |= {"size_claimant_kind": "Human-rights group", "size_source": "erk REPORT", "size_footnote": "3"}
    report = import_records(models.Protest, make_file([row]), file_name="p.csv")
    assert report.ok, report.messages
    claim = models.Protest.objects.get(title="Rally").size_claims.get()
    assert (claim.claimant_kind, claim.source, claim.footnote) == (models.ClaimantKind.RIGHTS_GROUP, source, 3)


def test_bad_claim_cells_are_errors_naming_their_column(world):
    row = {"title": "Rally", "kind": "rally", "date": "2020", "places": "Urmia", "size_as_written": "hundreds"}
    row |= {"size_claimant_kind": "gossip", "size_source": "no such source", "size_footnote": "twelve"}
    report = import_records(models.Protest, make_file([row]), file_name="p.csv")
    columns = {issue.column for issue in report.issues}
    assert columns == {"size_claimant_kind", "size_source", "size_footnote"}, report.messages
    assert not models.Protest.objects.filter(title="Rally").exists()


def test_a_source_without_a_figure_is_an_error(world):
    factories.SourceFactory(public_id="source-erk")
    row = {"title": "Rally", "kind": "rally", "date": "2020", "places": "Urmia", "size_source": "source-erk"}
    report = import_records(models.Protest, make_file([row]), file_name="p.csv")
    assert [(issue.column, issue.message) for issue in report.issues] == [
        ("size_source", "Give the figure as written (size_as_written) or a low figure (size_low).")
    ]


# --- citations: every record type --------------------------------------------------------------------

ALL_FACTORIES = {
    **FACTORIES,
    models.Organization: factories.OrganizationFactory,
    models.MediaOutlet: factories.MediaOutletFactory,
    models.Person: factories.PersonFactory,
    models.Place: factories.PlaceFactory,
    models.Source: factories.SourceFactory,
}
CITATION_SKIPPED = {"id", "object_id"}


def citations_of(record) -> list[dict]:
    return sorted((values(c, CITATION_SKIPPED) for c in record.citations.all()), key=lambda v: v["footnote"] or 0)


def test_every_type_is_covered():
    assert {t.model for t in registry.TYPES} == set(ALL_FACTORIES)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("record_type", registry.TYPES, ids=lambda t: t.key)
def test_export_then_import_gives_the_same_citations(world, record_type, fmt):
    source = factories.SourceFactory(public_id="source-erk", title="Erk report")
    article = factories.SourceFactory(public_id="source-article", title="The article")
    record = ALL_FACTORIES[record_type.model](status=models.Status.DRAFT)
    factories.CitationFactory(record=record, source=source, cited_in=article, footnote=16, page="12–13")
    factories.CitationFactory(record=record, source=article, footnote=None, quote="", note="Says “many”.")
    before, citations = values(record, SKIPPED), citations_of(record)
    data = export_records(record_type.model.objects.filter(pk=record.pk), fmt)
    record.delete()
    models.Citation.objects.filter(object_id=record.pk).delete()

    report = import_records(record_type.model, data, file_name=f"export.{fmt}", fmt=fmt)

    assert report.ok and report.new == 1, report.messages
    again = record_type.model.objects.get(public_id=before["public_id"])
    assert values(again, SKIPPED) == before
    assert len(citations) == 2 and citations_of(again) == citations
    assert import_records(record_type.model, data, file_name=f"export.{fmt}", fmt=fmt).updated == 0  # nothing twice


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("not json", "Write the citations as a JSON list of objects."),
        ('{"source": "source-erk"}', "Write the citations as a JSON list of objects."),
        ('[{"page": "3"}]', "Write each citation as an object with a “source”"),
        ('[{"source": "nowhere"}]', "No source has the public id"),
        ('[{"source": "source-erk", "footnote": "twelve"}]', ""),
    ],
)
def test_bad_citations_are_errors_in_their_column(world, cell, message):
    factories.SourceFactory(public_id="source-erk")
    row = {"title": "Rally", "kind": "rally", "date": "2020", "places": "Urmia", "citations": cell}
    report = import_records(models.Protest, make_file([row]), file_name="p.csv")
    assert [issue.column for issue in report.issues] == ["citations"]
    assert message in report.issues[0].message
    assert not models.Protest.objects.filter(title="Rally").exists()
