"""New records get readable public ids (type, date as precise as known, title), never one the public knew;
an id can change until the record is first published, never after."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from archive import models as m
from archive.dates import DatePrecision

pytestmark = pytest.mark.django_db


def protest(title, day=dt.date(2020, 10, 18), precision=DatePrecision.DAY, **extra):
    return m.Protest.objects.create(title=title, kind="rally", date_start=day, date_precision=precision, **extra)


def test_a_new_record_is_named_by_type_date_and_title():
    assert protest("Rally in Təbriz for the army!").public_id == "protest-2020-10-18-rally-in-tabriz-for-the-army"
    assert protest("Mid-month march", precision=DatePrecision.MID_MONTH).public_id == "protest-2020-10-mid-month-march"
    assert protest("Decade", dt.date(1990, 1, 1), DatePrecision.DECADE).public_id == "protest-1990-decade"
    assert m.Person.objects.create(name="Yegana Hacıyeva").public_id == "person-yegana-haciyeva"


def test_the_same_title_twice_gets_a_number_and_a_tombstoned_id_is_never_reused():
    first = protest("Tabriz rally")
    assert protest("Tabriz rally").public_id == f"{first.public_id}-2"
    m.Tombstone.objects.create(
        record_type="protests",
        public_id="protest-2020-10-18-gone",
        status="deleted",
        removed_at=dt.datetime(2021, 1, 1, tzinfo=dt.UTC),
    )
    assert protest("Gone").public_id == "protest-2020-10-18-gone-2"


def test_a_title_without_latin_letters_gets_a_short_random_tail():
    record = protest("تجمع در تبریز")
    assert record.public_id.startswith("protest-2020-10-18-")
    assert len(record.public_id) == len("protest-2020-10-18-") + 6


def test_a_long_title_is_cut_at_a_word_and_fits():
    record = protest(" ".join(["demonstration"] * 20))
    assert len(record.public_id) <= 60
    assert record.public_id.endswith("-demonstration")


def test_an_id_given_is_kept():
    assert protest("Anything", public_id="protest-chosen").public_id == "protest-chosen"


def test_the_id_can_change_before_publication_but_not_after():
    record = protest("Draft rally")
    record.public_id = "protest-renamed"
    record.full_clean()
    record.save()
    record.status = m.Status.PUBLISHED
    record.save()
    record.public_id = "protest-renamed-again"
    with pytest.raises(ValidationError) as error:
        record.full_clean()
    assert "protest-renamed" in str(error.value.message_dict["public_id"])


def test_a_record_published_once_and_sent_back_keeps_its_id():
    record = protest("Back to draft")
    record.status = m.Status.PUBLISHED
    record.save()
    record.status = m.Status.DRAFT
    record.save()
    record.public_id = "protest-other"
    with pytest.raises(ValidationError):
        record.full_clean()


def test_the_api_names_a_new_record_and_refuses_renaming_a_published_one():
    from tests.factories import PlaceFactory, user_in_role
    from tests.test_api_writes import NEW_PROTEST, client_for

    PlaceFactory(public_id="place-tabriz", name="Tabriz")
    client = client_for(user_in_role("Editor", "edna"))
    body = {key: value for key, value in NEW_PROTEST.items() if key != "id"}
    response = client.post("/api/v1/protests/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["id"] == "protest-2020-10-rally-in-tabriz"  # mid-October: month precision
    record = m.Protest.objects.get(public_id="protest-2020-10-rally-in-tabriz")
    m.Protest.objects.filter(pk=record.pk).update(status=m.Status.PUBLISHED)
    response = client.patch(f"/api/v1/protests/{record.public_id}/", {"id": "protest-x"}, format="json")
    assert response.status_code == 400
    parameters = {problem["parameter"] for problem in response.json()["errors"]}
    assert parameters & {"id", "public_id"}, response.json()
    assert m.Protest.objects.filter(public_id="protest-2020-10-rally-in-tabriz").exists()


def test_the_admin_names_a_new_record_and_shows_a_published_id_read_only(client):
    from django.urls import reverse

    from tests.factories import user_in_role
    from tests.test_admin_parts import form_data

    client.force_login(user_in_role("Archivist", "archie"))
    add = reverse("admin:archive_person_add")
    data = form_data(client.get(add))
    assert data["public_id"] == ""  # left empty: made on save
    data.update({"name": "Abülfəz Elçibəy", "change_reason": "new"})
    response = client.post(add, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    person = m.Person.objects.get(name="Abülfəz Elçibəy")
    assert person.public_id == "person-abulfaz-elcibay"
    m.Person.objects.filter(pk=person.pk).update(status=m.Status.PUBLISHED)
    page = client.get(reverse("admin:archive_person_change", args=[person.pk])).content.decode()
    assert 'name="public_id"' not in page and "person-abulfaz-elcibay" in page


def test_an_id_never_names_someone_who_may_have_to_be_withheld():
    at_risk = m.Person.objects.create(name="Secret Person", at_risk=True)
    assert at_risk.public_id.startswith("person-") and "secret" not in at_risk.public_id
    arrest = m.Arrest.objects.create(
        person=m.Person.objects.create(name="Named Detainee"), date_start=dt.date(2020, 10, 18), outcome="unknown"
    )
    assert arrest.public_id.startswith("arrest-2020-10-18-") and "named" not in arrest.public_id
