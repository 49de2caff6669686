"""Each record type's admin is derived from its definition in the registry: a field added to a type's
spec shows in its form, a column in its list, with no edit in the admin."""

import dataclasses
import re
from urllib.parse import urlsplit

import pytest
from django.contrib import admin
from django.contrib.admin import AdminSite
from django.test import RequestFactory
from django.urls import reverse

from archive import models, registry
from archive.admin import derive
from archive.admin.common import RecordAdmin
from archive.models import ProtestSizeClaim
from tests import factories

pytestmark = pytest.mark.django_db

TYPES = registry.TYPES


def flat(fieldsets) -> list[str]:
    names = []
    for _name, options in fieldsets:
        for entry in options["fields"]:
            names += list(entry) if isinstance(entry, tuple) else [entry]
    return names


@pytest.mark.parametrize("record_type", TYPES, ids=lambda t: t.key)
def test_each_type_has_a_named_admin_of_its_own(record_type):
    model_admin = admin.site._registry[record_type.model]
    assert isinstance(model_admin, RecordAdmin) and model_admin.record_type is record_type
    assert type(model_admin).__name__ == f"{record_type.model.__name__}Admin"


@pytest.mark.parametrize("record_type", TYPES, ids=lambda t: t.key)
def test_every_spec_field_is_in_the_admin_form(admin_client, record_type):
    opts = record_type.model._meta
    page = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    shown = flat(page.context["adminform"].fieldsets)
    wanted = [f.name for f in record_type.fields if f.name != "date"]
    wanted += ["date_text", "date_note"] if record_type.dated else []
    assert set(wanted) <= set(shown)
    assert set(wanted) <= set(page.context["adminform"].form.fields)
    assert shown.count("public_id") == 1


def test_a_field_added_to_the_spec_shows_in_the_form_with_no_admin_edit():
    protests = registry.get("protests")
    without = dataclasses.replace(protests, fields=[f.name for f in protests.fields if f.name != "description"])
    again = dataclasses.replace(without, fields=[*(f.name for f in without.fields), "description"])

    class TrialAdmin(RecordAdmin):
        record_type = again

    request = RequestFactory().get("/")
    request.user = factories.user_in_role("Editor", "edna")
    assert "description" not in flat(derive.fieldsets(without))
    form = TrialAdmin(models.Protest, AdminSite()).get_form(request)
    assert "description" in form.base_fields


@pytest.mark.parametrize("record_type", TYPES, ids=lambda t: t.key)
def test_every_relation_is_picked_by_typing(record_type):
    model_admin = admin.site._registry[record_type.model]
    relations = [f.name for f in record_type.fields if f.kind in derive.PICKED]
    assert set(relations) == set(model_admin.autocomplete_fields)


def test_place_filter_follows_the_public_filtersets_paths(admin_client):
    tabriz = factories.PlaceFactory(name="Tabriz", kind=models.PlaceKind.CITY)
    based = factories.OrganizationFactory(name="Based in Tabriz", based_in=tabriz)
    factories.OrganizationFactory(name="Elsewhere")
    assert derive.place_paths(registry.get("organizations")) == ("based_in", "country")
    response = admin_client.get(reverse("admin:archive_organization_changelist"), {"within": tabriz.pk})
    assert [o.pk for o in response.context["cl"].result_list] == [based.pk]


def test_list_shows_many_to_many_names_and_claims_as_written(admin_client, django_assert_max_num_queries):
    for n in range(3):
        protest = factories.ProtestFactory(title=f"Rally {n}")
        protest.places.add(factories.PlaceFactory(name=f"Tabriz {n}"), factories.PlaceFactory(name=f"Urmia {n}"))
        ProtestSizeClaim.objects.create(protest=protest, words=f"thousands {n}", claimant="Caner")
    with django_assert_max_num_queries(12):  # constant: names and claims fetched once per page
        page = admin_client.get(reverse("admin:archive_protest_changelist"))
    html = page.content.decode()
    assert "Tabriz 0, Urmia 0" in html and "thousands 2 (Caner)" in html


def toolbar_links(client, opts) -> set[str]:
    """The paths the change list's object tools link to."""
    page = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")).content.decode()
    tools = re.search(r'<ul class="object-tools">(.*?)</ul>', page, re.S).group(1)
    return {urlsplit(href).path for href in re.findall(r"href=[\"']([^\"']*)[\"']", tools)}


@pytest.mark.parametrize("record_type", TYPES, ids=lambda t: t.key)
def test_each_list_offers_import_export_and_recover_deleted_to_an_editor(client, record_type):
    """The recover link's condition never held in the import/export toolbar, so no list showed it (issue #14)."""
    opts = record_type.model._meta
    client.force_login(factories.user_in_role("Editor", "edna"))
    links = toolbar_links(client, opts)
    for view in ("import", "export", "recoverlist"):
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}")
        assert url in links, view
        assert client.get(url).status_code == 200, view


@pytest.mark.parametrize("record_type", TYPES, ids=lambda t: t.key)
def test_recover_deleted_is_not_offered_to_an_archivist_who_may_not_recover(client, record_type):
    opts = record_type.model._meta
    client.force_login(factories.user_in_role("Archivist", "archie"))
    links = toolbar_links(client, opts)
    assert reverse(f"admin:{opts.app_label}_{opts.model_name}_import") in links
    assert reverse(f"admin:{opts.app_label}_{opts.model_name}_recoverlist") not in links
