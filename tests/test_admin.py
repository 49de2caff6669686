"""Every model is in the admin, and its pages render with the seeded data."""

import pytest
from django.contrib import admin
from django.urls import reverse

from archive import models

pytestmark = pytest.mark.django_db

REGISTERED = [model for model in admin.site._registry if model._meta.app_label == "archive"]


def test_every_archive_model_is_registered():
    from django.apps import apps

    curated = {
        m
        for m in apps.get_app_config("archive").get_models()
        # Bookkeeping the write path keeps, never curated by hand.
        if not m.__name__.startswith("Historical")
        and m not in {models.SearchEntry, models.ArchiveState, models.PublicDocument, models.PublicPlace}
    }
    assert curated - set(REGISTERED) <= {
        models.PlaceName,
        models.PersonName,
        models.OrganizationName,
        models.OutletName,
        models.Affiliation,
        models.ProtestSizeClaim,
        models.ArrestCountClaim,
        models.SignatoryClaim,
        models.StatementText,
    }  # these are edited inline on their owner's page


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m.__name__)
def test_changelist_add_and_change_pages_render(admin_client, article, model, django_assert_max_num_queries):
    opts = model._meta
    with django_assert_max_num_queries(40):
        changelist = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert changelist.status_code == 200
    add = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    # Tombstones are written by the archive itself, never by hand.
    assert add.status_code == (403 if model is models.Tombstone else 200)
    record = model.objects.first() or (model is models.Tombstone and _tombstone())
    change = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk]))
    assert change.status_code == 200


def _tombstone():
    place = models.Place.objects.published().first()
    place.restricted = True
    place.save()
    return models.Tombstone.objects.get()


def test_admin_search_finds_a_place_by_other_name(admin_client, article):
    response = admin_client.get(reverse("admin:archive_place_changelist"), {"q": "Urmu"})
    assert response.status_code == 200
    assert "Urmia" in response.content.decode()


def test_invalid_admin_input_is_a_form_error_not_a_500(admin_client, article):
    response = admin_client.post(
        reverse("admin:archive_protest_add"),
        {
            "title": "Bad dates",
            "kind": "rally",
            "event_status": "held",
            "date_text": "2020-10-18..2020-10-01",
            "status": "draft",
            "public_id": "bad-dates",
            "citations-archive-citation-content_type-object_id-TOTAL_FORMS": "0",
            "citations-archive-citation-content_type-object_id-INITIAL_FORMS": "0",
            "size_claims-TOTAL_FORMS": "0",
            "size_claims-INITIAL_FORMS": "0",
            "arrests-TOTAL_FORMS": "0",
            "arrests-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert not models.Protest.objects.filter(public_id="bad-dates").exists()


def test_admin_place_filter_includes_sub_places(admin_client, article):
    province = models.Place.objects.get(public_id="place-ardabil-province")
    response = admin_client.get(reverse("admin:archive_protest_changelist"), {"within": province.pk})
    assert response.status_code == 200
    shown = {p.public_id for p in response.context["cl"].result_list}
    ardabil = models.Place.objects.get(public_id="place-ardabil")
    assert shown and all(
        p.places.filter(pk__in=[province.pk, ardabil.pk]).exists() for p in response.context["cl"].result_list
    )
    assert "protest-2020-09-29-ardabil-rally" in shown or any("ardabil" in s for s in shown)
