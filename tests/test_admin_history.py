"""A record's admin history covers its parts and speaks the curator's words (#14)."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from archive.dates import DatePrecision
from archive.models import Citation, Status
from tests import factories
from tests.factories import CitationFactory, user_in_role
from tests.test_admin_parts import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def archivist():
    client = Client()
    client.force_login(user_in_role("Archivist", "archie"))
    return client


def url(record, view: str = "change") -> str:
    opts = record._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[record.pk])


def history_page(client, record) -> str:
    response = client.get(url(record, "history"))
    assert response.status_code == 200
    return response.content.decode()


def part_history(page: str) -> str:
    return page[page.index('id="part-history"') :]


def test_a_citation_added_with_the_record_shows_in_its_history_with_who_and_why(archivist):
    protest = factories.ProtestFactory(status=Status.DRAFT, title="Rally in Urmia")
    source = factories.SourceFactory(title="Varlıq, autumn 2020")
    data = form_data(archivist.get(url(protest)))
    prefix = "archive-citation-content_type-object_id"
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": str(int(data[f"{prefix}-TOTAL_FORMS"]) + 1),
            f"{prefix}-0-source": str(source.pk),
            f"{prefix}-0-footnote": "13",
            f"{prefix}-0-quote": "Thousands gathered",
            "change_reason": "Footnote 13 of the article",
        }
    )
    response = archivist.post(url(protest), data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    assert Citation.objects.filter(object_id=protest.pk, source=source).exists()
    parts = part_history(history_page(archivist, protest))
    assert "Citation" in parts and "added" in parts
    assert "Footnote 13 of the article" in parts and "archie" in parts


def test_a_changed_claim_shows_what_changed_in_words(archivist):
    protest = factories.ProtestFactory(status=Status.DRAFT)
    claim = protest.size_claims.create(words="hundreds", low=100, high=900)
    claim.words = "thousands"
    claim.low, claim.high = 1000, 9000
    claim._change_reason = "Second source"
    claim.save()
    parts = part_history(history_page(archivist, protest))
    assert "hundreds" in parts and "thousands" in parts and "Second source" in parts
    assert "changed" in parts


def test_a_removed_citation_shows_as_removed(archivist):
    protest = factories.ProtestFactory(status=Status.DRAFT)
    citation = CitationFactory(record=protest, quote="To be removed")
    citation.delete()
    parts = part_history(history_page(archivist, protest))
    assert "Citation" in parts and "removed" in parts


def test_history_speaks_labels_and_dates_as_written(archivist):
    protest = factories.ProtestFactory(
        status=Status.DRAFT, date_start=dt.date(2020, 10, 1), date_precision=DatePrecision.MONTH
    )
    protest.date_precision = DatePrecision.MID_MONTH
    protest.status = Status.IN_REVIEW
    protest.save()
    page = history_page(archivist, protest)
    own = page[: page.index('id="part-history"')]
    assert "October 2020" in own and "mid-October 2020" in own
    assert "2020-10-01" not in own
    assert str(Status.IN_REVIEW.label) in own
    assert "in_review" not in own


def test_a_record_whose_parts_never_changed_says_so(archivist):
    protest = factories.ProtestFactory(status=Status.DRAFT)
    assert "None of its parts has changed." in part_history(history_page(archivist, protest))
