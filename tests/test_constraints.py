"""Every integrity rule is enforced by the database itself, not only by forms."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from archive import models
from archive.dates import DatePrecision
from tests import factories

pytestmark = pytest.mark.django_db

D = dt.date


def rejected(build) -> bool:
    try:
        with transaction.atomic():
            build()
    except IntegrityError:
        return True
    return False


def test_end_date_before_start_is_rejected():
    assert rejected(lambda: factories.ProtestFactory(date_start=D(2020, 10, 18), date_end=D(2020, 10, 1)))


def test_end_date_after_start_is_accepted():
    assert not rejected(lambda: factories.ProtestFactory(date_start=D(2020, 10, 1), date_end=D(2020, 10, 18)))


def test_undated_record_with_a_date_is_rejected():
    assert rejected(lambda: factories.StatementFactory(date_start=D(2020, 1, 1), date_precision=DatePrecision.UNDATED))


def test_dated_precision_without_a_date_is_rejected():
    assert rejected(lambda: factories.StatementFactory(date_start=None, date_precision=DatePrecision.MONTH))


def test_undated_record_without_a_date_is_accepted():
    assert not rejected(lambda: factories.StatementFactory(date_start=None, date_precision=DatePrecision.UNDATED))


@pytest.mark.parametrize(
    ("factory", "field"),
    [
        (factories.ProtestFactory, "status"),
        (factories.ProtestFactory, "kind"),
        (factories.ProtestFactory, "event_status"),
        (factories.ProtestFactory, "date_precision"),
        (factories.ArrestFactory, "outcome"),
        (factories.StatementFactory, "form"),
        (factories.OrganizationFactory, "kind"),
        (factories.MediaOutletFactory, "kind"),
        (factories.MediaOutletFactory, "affiliation"),
        (factories.MediaOutletFactory, "base"),
        (factories.PlaceFactory, "kind"),
        (factories.SourceFactory, "kind"),
        (factories.PersonFactory, "status"),
    ],
)
def test_invalid_choice_is_rejected(factory, field):
    assert rejected(lambda: factory(**{field: "bogus"}))


def test_withdrawn_without_public_reason_is_rejected():
    assert rejected(lambda: factories.ProtestFactory(status=models.Status.WITHDRAWN, withdrawn_reason=""))


def test_withdrawn_with_public_reason_is_accepted():
    assert not rejected(lambda: factories.ProtestFactory(status=models.Status.WITHDRAWN, withdrawn_reason="Duplicate"))


def test_wikidata_id_must_look_like_one():
    assert rejected(lambda: factories.PlaceFactory(wikidata_qid="tabriz"))
    assert not rejected(lambda: factories.PlaceFactory(wikidata_qid="Q131597"))


def test_public_id_is_unique():
    factories.PersonFactory(public_id="person-one")
    assert rejected(lambda: factories.PersonFactory(public_id="person-one"))


def test_count_claim_low_above_high_is_rejected():
    protest = factories.ProtestFactory()
    assert rejected(lambda: models.ProtestSizeClaim.objects.create(protest=protest, words="dozens", low=50, high=20))


def test_count_claim_needs_words_or_a_figure():
    arrest = factories.ArrestFactory()
    assert rejected(lambda: models.ArrestCountClaim.objects.create(arrest=arrest, words=""))
    assert not rejected(lambda: models.ArrestCountClaim.objects.create(arrest=arrest, words="hundreds", low=200))


def test_count_claim_cannot_be_negative():
    statement = factories.StatementFactory()
    assert rejected(lambda: models.SignatoryClaim.objects.create(statement=statement, group="universities", low=-1))


def test_two_disagreeing_claims_are_both_kept():
    arrest = factories.ArrestFactory()
    models.ArrestCountClaim.objects.create(arrest=arrest, words="hundreds", low=200)
    models.ArrestCountClaim.objects.create(arrest=arrest, words="about a hundred", low=80, high=120)
    assert arrest.count_claims.count() == 2


def test_one_alias_per_name_and_language():
    place = factories.PlaceFactory(name="Urmia")
    az = factories.LanguageFactory(code="az-Latn", name="Azerbaijani (Latin)")
    models.PlaceName.objects.create(owner=place, name="Urmu", language=az)
    assert rejected(lambda: models.PlaceName.objects.create(owner=place, name="Urmu", language=az))


def test_same_alias_in_another_language_is_accepted():
    place = factories.PlaceFactory(name="Urmia")
    az = factories.LanguageFactory(code="az-Latn", name="Azerbaijani (Latin)")
    tr = factories.LanguageFactory(code="tr", name="Turkish")
    models.PlaceName.objects.create(owner=place, name="Urmiye", language=az)
    assert not rejected(lambda: models.PlaceName.objects.create(owner=place, name="Urmiye", language=tr))


def test_coordinates_out_of_range_are_rejected():
    assert rejected(lambda: factories.PlaceFactory(latitude=91, longitude=45))
    assert rejected(lambda: factories.PlaceFactory(latitude=None, longitude=45))
    assert not rejected(lambda: factories.PlaceFactory(latitude="38.08", longitude="46.29"))


def test_place_cannot_be_its_own_parent():
    place = factories.PlaceFactory()
    place.parent_id = place.pk
    assert rejected(place.save)


def test_arrest_needs_a_person_or_a_group():
    assert rejected(lambda: factories.ArrestFactory(person=None, group_description=""))
    assert not rejected(lambda: factories.ArrestFactory(person=factories.PersonFactory(), group_description=""))


def test_arrest_outcome_cannot_precede_the_arrest():
    assert rejected(lambda: factories.ArrestFactory(date_start=D(2020, 10, 18), outcome_date=D(2020, 10, 1)))


def test_organization_dissolved_before_founded_is_rejected():
    assert rejected(lambda: factories.OrganizationFactory(founded_year=2000, dissolved_year=1990))


def test_outlet_active_until_before_from_is_rejected():
    assert rejected(lambda: factories.MediaOutletFactory(active_from=2000, active_until=1990))


def test_statement_has_at_most_one_original_text():
    statement = factories.StatementFactory()
    az = factories.LanguageFactory(code="az-Latn", name="Azerbaijani (Latin)")
    en = factories.LanguageFactory(code="en", name="English")
    models.StatementText.objects.create(statement=statement, language=az, text="Biz Azərbaycanıq", is_original=True)
    assert rejected(
        lambda: models.StatementText.objects.create(statement=statement, language=en, text="We are", is_original=True)
    )
    assert not rejected(
        lambda: models.StatementText.objects.create(statement=statement, language=en, text="We are Azerbaijan")
    )


def test_slogan_text_is_unique_per_language():
    az = factories.LanguageFactory(code="az-Latn", name="Azerbaijani (Latin)")
    models.Slogan.objects.create(text="Qarabağ bizimdir", language=az)
    assert rejected(lambda: models.Slogan.objects.create(text="Qarabağ bizimdir", language=az))
