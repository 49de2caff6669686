"""The public gate: only published, unrestricted records; restricted parts masked."""

import pytest
from django.utils import translation

from archive import models
from archive.public import detainee_label, person_label, public_or_none
from tests import factories

pytestmark = pytest.mark.django_db

RECORD_FACTORIES = [
    factories.ProtestFactory,
    factories.ArrestFactory,
    factories.StatementFactory,
    factories.OrganizationFactory,
    factories.MediaOutletFactory,
    factories.PersonFactory,
    factories.PlaceFactory,
    factories.SourceFactory,
]


@pytest.mark.parametrize("factory", RECORD_FACTORIES)
def test_published_shows_only_published_unrestricted_records(factory):
    visible = factory(status=models.Status.PUBLISHED)
    hidden = [
        factory(status=models.Status.DRAFT),
        factory(status=models.Status.IN_REVIEW),
        factory(status=models.Status.WITHDRAWN, withdrawn_reason="Could not be verified"),
        factory(status=models.Status.PUBLISHED, restricted=True),
    ]
    published = list(factory._meta.model.objects.published())
    assert published == [visible]
    assert visible.is_public
    assert not any(record.is_public for record in hidden)


def test_at_risk_person_is_not_public_even_when_published():
    person = factories.PersonFactory(status=models.Status.PUBLISHED, at_risk=True)
    assert not models.Person.objects.published().filter(pk=person.pk).exists()
    assert not person.is_public


def test_published_arrest_of_at_risk_person_masks_the_name():
    person = factories.PersonFactory(name="Secret Name", at_risk=True)
    arrest = factories.ArrestFactory(person=person, group_description="")
    assert models.Arrest.objects.published().filter(pk=arrest.pk).exists()
    with translation.override("en"):
        assert detainee_label(arrest) == "a detainee, name withheld"
        assert person_label(person) == "name withheld"
    assert "Secret" not in detainee_label(arrest)


def test_published_arrest_of_public_person_shows_the_name():
    arrest = factories.ArrestFactory(person=factories.PersonFactory(name="Ahmad Obali"))
    assert detainee_label(arrest) == "Ahmad Obali"


def test_unnamed_group_arrest_shows_the_group():
    arrest = factories.ArrestFactory(group_description="twenty national activists")
    assert detainee_label(arrest) == "twenty national activists"


def test_draft_person_behind_a_published_arrest_is_masked():
    arrest = factories.ArrestFactory(person=factories.PersonFactory(name="Draft Person", status=models.Status.DRAFT))
    with translation.override("en"):
        assert detainee_label(arrest) == "a detainee, name withheld"


def test_related_records_go_through_the_gate():
    protest = factories.ProtestFactory()
    public_org = factories.OrganizationFactory()
    draft_org = factories.OrganizationFactory(status=models.Status.DRAFT)
    restricted_place = factories.PlaceFactory(restricted=True)
    protest.organizers.add(public_org, draft_org)
    protest.places.add(restricted_place)
    assert list(protest.organizers.published()) == [public_org]
    assert not protest.places.published().exists()
    assert public_or_none(draft_org) is None
    assert public_or_none(public_org) is public_org


def test_withdrawn_records_stay_findable_for_their_public_reason():
    protest = factories.ProtestFactory(status=models.Status.WITHDRAWN, withdrawn_reason="Merged into another record")
    assert list(models.Protest.objects.withdrawn()) == [protest]
