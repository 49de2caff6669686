"""Editorial workflow: who may move a record where, and the rules for publishing."""

import pytest

from archive import workflow
from archive.models import Status
from tests import factories
from tests.factories import CitationFactory, user_in_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def archivist(db):
    return user_in_role("Archivist", "archie")


@pytest.fixture
def editor(db):
    return user_in_role("Editor", "edna")


@pytest.fixture
def second_editor(db):
    return user_in_role("Editor", "eddie")


@pytest.fixture
def draft(archivist):
    protest = factories.ProtestFactory(status=Status.DRAFT)
    protest._history_user = archivist
    protest.description = "Edited by the archivist"
    protest.save()
    CitationFactory(record=protest)
    return protest


def test_archivist_submits_a_draft_for_review(draft, archivist):
    workflow.record_submit(record=draft, user=archivist)
    draft.refresh_from_db()
    assert draft.status == Status.IN_REVIEW
    assert draft.history.first().history_user == archivist


def test_archivist_cannot_publish(draft, archivist):
    with pytest.raises(workflow.WorkflowError, match="Only an editor"):
        workflow.record_publish(record=draft, user=archivist)


def test_editor_publishes_what_someone_else_changed(draft, archivist, editor):
    workflow.record_submit(record=draft, user=archivist)
    workflow.record_publish(record=draft, user=editor)
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED


def test_record_without_citation_cannot_be_published(editor, archivist):
    protest = factories.ProtestFactory(status=Status.IN_REVIEW)
    with pytest.raises(workflow.WorkflowError, match="without a citation"):
        workflow.record_publish(record=protest, user=editor)


def test_two_person_rule_stops_the_last_editor_publishing(draft, editor, second_editor):
    draft._history_user = editor
    draft.description = "Edited by the editor"
    draft.save()
    with pytest.raises(workflow.WorkflowError, match="two-person rule"):
        workflow.record_publish(record=draft, user=editor)
    workflow.record_publish(record=draft, user=second_editor)


def test_status_changes_do_not_count_as_editing_for_the_two_person_rule(draft, archivist, editor):
    workflow.record_submit(record=draft, user=archivist)
    workflow.record_set_restricted(record=draft, user=editor, restricted=True)
    workflow.record_set_restricted(record=draft, user=editor, restricted=False)
    workflow.record_publish(record=draft, user=editor)


def test_two_person_rule_can_be_switched_off(draft, editor, settings):
    settings.ARCHIVE_TWO_PERSON_RULE = False
    draft._history_user = editor
    draft.description = "One-person archive"
    draft.save()
    workflow.record_publish(record=draft, user=editor)


def test_withdrawal_needs_a_public_reason(draft, archivist, editor):
    workflow.record_publish(record=draft, user=editor)
    with pytest.raises(workflow.WorkflowError, match="reason"):
        workflow.record_withdraw(record=draft, user=editor, reason="  ")
    workflow.record_withdraw(record=draft, user=editor, reason="Could not be verified")
    draft.refresh_from_db()
    assert (draft.status, draft.withdrawn_reason) == (Status.WITHDRAWN, "Could not be verified")


def test_only_editors_restrict(draft, archivist, editor):
    with pytest.raises(workflow.WorkflowError):
        workflow.record_set_restricted(record=draft, user=archivist, restricted=True)
    workflow.record_set_restricted(record=draft, user=editor, restricted=True)
    draft.refresh_from_db()
    assert draft.restricted


def test_republishing_a_withdrawn_record_clears_its_reason(draft, editor):
    workflow.record_publish(record=draft, user=editor)
    workflow.record_withdraw(record=draft, user=editor, reason="Mistake")
    workflow.record_publish(record=draft, user=editor)
    draft.refresh_from_db()
    assert draft.withdrawn_reason == ""


def test_every_step_is_in_history_with_its_user(draft, archivist, editor):
    workflow.record_submit(record=draft, user=archivist)
    workflow.record_publish(record=draft, user=editor)
    steps = [(h.status, h.history_user) for h in draft.history.order_by("history_date")]
    assert steps[-2:] == [(Status.IN_REVIEW, archivist), (Status.PUBLISHED, editor)]
