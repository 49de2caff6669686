"""The public read model (archive.readmodel): one stored public document per public record and language,
kept by the write path in the write's own transaction, and what the API serves.

The oracle is the API's read serializer run afresh: every stored document must equal it, after the
article's fixtures load and after each kind of write that changes what the public sees.
"""

import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Prefetch
from django.utils import translation
from rest_framework.utils.encoders import JSONEncoder

from archive import changes, paging, readmodel, registry, workflow
from archive.api.serializers import SERIALIZERS
from archive.models import Arrest, PlaceName, Protest, PublicDocument, PublicPlace, Status
from tests.factories import (
    ArrestFactory,
    CitationFactory,
    LanguageFactory,
    PersonFactory,
    PlaceFactory,
    ProtestFactory,
    user_in_role,
)

pytestmark = pytest.mark.django_db


def stored(record, language="en") -> dict | None:
    row = PublicDocument.objects.filter(
        record_type=registry.key_of(record), object_id=record.pk, language=language
    ).first()
    return None if row is None else json.loads(row.document)


def assert_agrees():
    assert readmodel.differences() == []


# --- the article --------------------------------------------------------------------------------------


def test_every_public_record_of_the_article_has_a_document_in_each_language(article):
    for record_type in registry.TYPES:
        public = set(record_type.model.objects.published().values_list("pk", flat=True))
        assert public, record_type.key
        for language in readmodel.LANGUAGES:
            rows = PublicDocument.objects.filter(record_type=record_type.key, language=language)
            assert set(rows.values_list("object_id", flat=True)) == public, (record_type.key, language)
    hidden = Protest.objects.exclude(pk__in=Protest.objects.published().values("pk"))
    assert not PublicDocument.objects.filter(record_type="protests", object_id__in=hidden.values("pk")).exists()
    assert_agrees()


@pytest.mark.parametrize("language", readmodel.LANGUAGES)
def test_api_detail_is_the_serializer_run_afresh(article, client, language):
    """What the API serves from the read model equals the read serializer's output for the same request
    (absolute links, the language's dates, labels and names), for records of every type."""
    for key, serializer in SERIALIZERS.items():
        model = registry.get(key).model
        select, prefetch = serializer.reads()
        for record in model.objects.published().select_related(*select).prefetch_related(*prefetch)[:4]:
            response = client.get(f"/api/v1/{key}/{record.public_id}/", {"lang": language})
            assert response.status_code == 200, (key, record.public_id)
            with translation.override(language):
                expected = serializer(record, context={"request": response.wsgi_request}).data
            assert response.json() == json.loads(json.dumps(expected, cls=JSONEncoder)), (key, language)
            assert '"url":"http://testserver/api/v1/' in response.content.decode()


def test_api_list_pages_are_stored_documents_in_the_lists_order(article, client):
    first = client.get("/api/v1/protests/", {"ordering": "-date_start", "page_size": 5, "lang": "fa"}).json()
    second = client.get(first["next"]).json()
    ids = [r["id"] for r in first["results"] + second["results"]]
    # the records the list's keyset paging chooses, in its order: the documents are theirs
    page = paging.paginate(Protest.objects.published(), ordering=("-date_start", "pk"), cursor=None, size=10)
    expected = [protest.public_id for protest in page.records]
    assert ids == expected
    one = first["results"][0]
    assert one == client.get(f"/api/v1/protests/{one['id']}/", {"lang": "fa"}).json()


def test_an_api_list_page_is_one_query_for_its_documents(article, client, django_assert_max_num_queries):
    # the list's validators (newest change, newest tombstone, last public change: one query), the cache
    # generation, the page of records in order with their documents: nothing per record, no prefetch
    with django_assert_max_num_queries(3):
        response = client.get("/api/v1/protests/", {"page_size": 50})
    assert response.status_code == 200 and len(response.json()["results"]) > 10


def test_an_api_detail_reads_its_document_once_unless_the_cache_may_keep_the_answer(article, client, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def documents_read(answer):
        """(the response, how many queries read stored documents)"""
        with CaptureQueriesContext(connection) as captured:
            response = answer()
        return response, sum("archive_publicdocument" in q["sql"] for q in captured.captured_queries)

    protest = Protest.objects.published().first()
    url = f"/api/v1/protests/{protest.public_id}/"
    settings.ARCHIVE_CACHE_SECONDS = 0
    uncached, once = documents_read(lambda: client.get(url))
    assert uncached.status_code == 200 and once == 1
    # Kept by the cache: read again after the cache read the generation (archive.cache), as before.
    settings.ARCHIVE_CACHE_SECONDS = 300
    cached, twice = documents_read(lambda: client.get(url))
    assert twice == 2
    assert cached.content == uncached.content and cached["ETag"] == uncached["ETag"]
    # A signed-in client's answer is never kept: one read, the cache on.
    client.force_login(user_in_role("Archivist"))
    signed_in, once = documents_read(lambda: client.get(url))
    assert once == 1 and signed_in.json() == uncached.json()
    client.logout()

    settings.ARCHIVE_CACHE_SECONDS = 0
    assert client.get(url, HTTP_IF_NONE_MATCH=uncached["ETag"]).status_code == 304
    workflow.record_withdraw(record=protest, user=user_in_role("Editor"), reason="Misdated: a 2019 rally.")
    gone = client.get(url)
    assert gone.status_code == 410 and "Misdated" in gone.content.decode()
    assert client.get("/api/v1/protests/no-such-record/").status_code == 404


# --- the write path keeps it --------------------------------------------------------------------------


def test_publishing_and_withdrawing_add_and_remove_the_documents(client):
    editor = user_in_role("Editor")
    protest = ProtestFactory(status=Status.IN_REVIEW)
    CitationFactory(record=protest)
    assert stored(protest) is None
    workflow.record_publish(record=protest, user=editor)
    assert {row.language for row in PublicDocument.objects.filter(object_id=protest.pk)} == set(readmodel.LANGUAGES)
    assert stored(protest)["title"] == protest.title
    workflow.record_withdraw(record=protest, user=editor, reason="Misdated: a 2019 rally.")
    assert not PublicDocument.objects.filter(record_type="protests", object_id=protest.pk).exists()
    assert client.get(f"/api/v1/protests/{protest.public_id}/").status_code == 410
    assert_agrees()


def test_renaming_a_place_rewrites_the_documents_that_name_it():
    place = PlaceFactory(name="Tebriz")
    protest = ProtestFactory()
    protest.places.add(place)
    assert [p["name"] for p in stored(protest)["places"]] == ["Tebriz"]
    place.name = "Tabriz"
    place.save()
    assert [p["name"] for p in stored(protest)["places"]] == ["Tabriz"]
    assert_agrees()


def test_another_name_reaches_the_named_records_documents_in_every_language():
    place = PlaceFactory(name="Tabriz")
    persian = LanguageFactory(code="fa", name="Persian")  # the test's own (it relied on another test's row)
    PlaceName.objects.create(owner=place, name="تبریز", language=persian, kind="native")
    for language in readmodel.LANGUAGES:
        assert [n["name"] for n in stored(place, language)["other_names"]] == ["تبریز"]
    assert_agrees()


def test_restricting_a_detainee_withholds_the_name_in_stored_arrests():
    editor = user_in_role("Editor")
    person = PersonFactory(name="Ali Example")
    arrest = ArrestFactory(person=person)
    assert "Ali Example" in json.dumps(stored(arrest), ensure_ascii=False)
    workflow.record_set_restricted(record=person, user=editor, restricted=True, reason="At risk.")
    for language in readmodel.LANGUAGES:
        assert "Ali Example" not in json.dumps(stored(arrest, language), ensure_ascii=False)
    assert stored(person) is None
    assert_agrees()


def test_deleting_a_record_removes_its_documents():
    protest = ProtestFactory()
    pk = protest.pk
    protest.delete()
    assert not PublicDocument.objects.filter(record_type="protests", object_id=pk).exists()


def test_a_write_that_fails_leaves_the_documents_as_they_were():
    protest = ProtestFactory(title="Before")
    with pytest.raises(RuntimeError), transaction.atomic():
        with changes.recording():
            protest.title = "After"
            protest.save()
        assert stored(protest)["title"] == "After"  # derived inside the transaction…
        raise RuntimeError("the rest of the write fails")
    assert stored(protest)["title"] == "Before"  # …and rolled back with it


# --- rebuild_public --------------------------------------------------------------------------------------


def test_rebuild_public_finds_and_repairs_what_bypassed_the_write_path(capsys):
    protest = ProtestFactory(title="Old title")
    Protest.objects.filter(pk=protest.pk).update(title="New title")  # bulk SQL: no write path
    with pytest.raises(CommandError, match="out of date"):
        call_command("rebuild_public", "--check")
    assert "stored document differs" in capsys.readouterr().out
    call_command("rebuild_public")
    out = capsys.readouterr().out
    assert "documents/s" in out and f"× {len(readmodel.LANGUAGES)} languages" in out
    assert stored(protest)["title"] == "New title"
    call_command("rebuild_public", "--check")
    assert "agrees" in capsys.readouterr().out


def test_rebuild_public_removes_documents_of_records_hidden_behind_its_back():
    protest = ProtestFactory()
    Arrest.objects.all().delete()
    Protest.objects.filter(pk=protest.pk).update(status=Status.DRAFT)
    assert readmodel.differences() == [
        f"protests {protest.public_id} [{lang}]: stored, but the record is not public"
        for lang in sorted(readmodel.LANGUAGES)
    ]
    readmodel.rebuild()
    assert stored(protest) is None


# --- place keys: what a list's place filter reads ------------------------------------------------------


def listed(client, path: str, **params) -> list[str]:
    response = client.get(f"/api/v1/{path}/", params)
    assert response.status_code == 200, response.content
    return [record["id"] for record in response.json()["results"]]


def test_a_place_that_becomes_public_brings_what_is_beneath_it_under_the_places_above(client):
    editor = user_in_role("Editor")
    province = PlaceFactory(public_id="prov")
    district = PlaceFactory(public_id="dist", parent=province, status=Status.DRAFT)
    site = PlaceFactory(public_id="site", parent=district)
    protest = ProtestFactory(public_id="p1")
    protest.places.add(site)
    assert listed(client, "protests", place="prov") == []  # the walk stops at the hidden district
    assert listed(client, "protests", place="site") == ["p1"]
    assert listed(client, "places", within="prov") == []
    CitationFactory(record=district)
    district.status = Status.IN_REVIEW
    district.save()
    workflow.record_publish(record=district, user=editor)
    assert listed(client, "protests", place="prov") == ["p1"]
    assert listed(client, "protests", place="dist") == ["p1"]
    assert listed(client, "places", within="prov") == ["dist", "site"]
    assert_agrees()
    workflow.record_withdraw(record=district, user=editor, reason="Not a district.")
    assert listed(client, "protests", place="prov") == []
    assert listed(client, "places", within="prov") == []
    assert_agrees()


def test_a_place_moved_to_another_province_takes_its_records_along(client):
    east, west = PlaceFactory(public_id="east"), PlaceFactory(public_id="west")
    city = PlaceFactory(public_id="city", parent=east)
    site = PlaceFactory(public_id="site", parent=city)
    protest = ProtestFactory(public_id="p1")
    protest.places.add(site)
    arrest = ArrestFactory(public_id="a1", place=site)
    assert listed(client, "protests", place="east") == ["p1"] and listed(client, "arrests", place="east") == ["a1"]
    city.parent = west
    city.save()
    assert listed(client, "protests", place="east") == [] and listed(client, "protests", place="west") == ["p1"]
    assert listed(client, "arrests", place="west") == [arrest.public_id]
    assert listed(client, "places", within="west") == ["city", "site"]
    assert_agrees()


def test_renaming_a_province_does_not_re_key_what_is_in_it():
    province = PlaceFactory()
    city = PlaceFactory(parent=province)
    for protest in ProtestFactory.create_batch(3):
        protest.places.add(city)
    before = list(PublicPlace.objects.filter(record_type="protests").values_list("object_id", "place_id", "pk"))
    province.name = "Renamed"
    province.save()
    after = list(PublicPlace.objects.filter(record_type="protests").values_list("object_id", "place_id", "pk"))
    assert after == before  # the same rows, not deleted and written again


def test_a_records_place_keys_carry_its_date_and_move_with_it():
    """Search reads a place's newest records from the keys' dates (archive.search.linked): an edit of the date
    re-dates every key of the record, and an undated record's keys have no date."""
    province = PlaceFactory()
    city = PlaceFactory(parent=province)
    protest = ProtestFactory(date_start=dt.date(2020, 10, 3))
    protest.places.add(city)

    def dates():
        return set(
            PublicPlace.objects.filter(record_type="protests", object_id=protest.pk).values_list("date", flat=True)
        )

    assert dates() == {dt.date(2020, 10, 3)}
    protest.date_start = dt.date(2020, 11, 9)
    protest.save()
    assert dates() == {dt.date(2020, 11, 9)}
    assert set(PublicPlace.objects.filter(record_type="places").values_list("date", flat=True)) == {None}
    assert_agrees()


def test_rebuild_public_check_names_a_key_whose_date_is_stale(capsys):
    protest = ProtestFactory(date_start=dt.date(2020, 10, 3))
    protest.places.add(PlaceFactory())
    PublicPlace.objects.filter(record_type="protests").update(date=dt.date(1999, 1, 1))  # behind the write path
    with pytest.raises(CommandError):
        call_command("rebuild_public", "--check")
    assert "dated 1999-01-01, stored, but not" in capsys.readouterr().out
    call_command("rebuild_public")
    assert_agrees()


def test_records_listed_in_a_document_are_in_one_order_however_many_are_derived_together():
    """Two places with one name: the protest's document lists them in the same order whether it is derived alone
    (an edit) or with a thousand others (a rebuild), so `rebuild_public --check` finds no difference."""
    first, second = PlaceFactory(name="Qızıltala"), PlaceFactory(name="Qızıltala")
    protest = ProtestFactory()
    protest.places.add(second, first)
    others = ProtestFactory.create_batch(3)
    alone = [row.document for row in readmodel.derive(Protest, [protest.pk])]
    together = [row.document for row in readmodel.derive(Protest, [o.pk for o in others] + [protest.pk])]
    assert [p["id"] for p in stored(protest)["places"]] == [first.public_id, second.public_id]
    assert alone == [doc for doc in together if f'"{protest.public_id}"' in doc]
    assert_agrees()


def listed_models() -> set:
    """The models whose rows a public document lists: what deriving the documents prefetches."""
    found = set()
    for record_type in registry.TYPES:
        for read in SERIALIZERS[record_type.key].reads()[1]:
            if isinstance(read, Prefetch):
                found.add(read.queryset.model)
                continue
            model = record_type.model
            for name in read.split("__"):
                model = model._meta.get_field(name).related_model
            found.add(model)
    return found


@pytest.mark.parametrize("model", sorted(listed_models(), key=lambda model: model.__name__))
def test_every_listed_model_has_a_total_order(model):
    """The default order of what a document lists (places, names, texts, claims…) ends with the primary key or a
    unique field: equal names otherwise come in whatever order a query plan reads them, and on PostgreSQL that
    differs between deriving one record and a thousand (`rebuild_public --check` then finds false differences)."""
    assert model._meta.ordering, f"{model.__name__} has no default order"
    last = model._meta.ordering[-1].lstrip("-")
    field = model._meta.pk if last == "pk" else model._meta.get_field(last)
    assert field.unique, f"{model.__name__}.Meta.ordering {model._meta.ordering} can tie"


def test_a_record_hidden_behind_the_write_paths_back_is_not_served_before_the_rebuild(client):
    """The read model answers only for records that pass the public gate too: bulk SQL that hides a record
    (bypassing the write path) leaves its rows until `rebuild_public`, but no page, list or sitemap serves it."""
    protest = ProtestFactory(public_id="p-hidden")
    Protest.objects.filter(pk=protest.pk).update(status=Status.DRAFT)
    assert PublicDocument.objects.filter(record_type="protests", object_id=protest.pk).exists()
    assert client.get("/api/v1/protests/p-hidden/").status_code == 404
    assert "p-hidden" not in listed(client, "protests")
    assert b"p-hidden" not in b"".join(client.get("/api/v1/protests/", {"format": "csv"}).streaming_content)
    assert b"p-hidden" not in client.get("/sitemap.xml").content


def test_geojson_keeps_the_lists_order(client):
    for n, day in enumerate((3, 1, 2)):
        place = PlaceFactory(public_id=f"pl{n}", latitude=38 + n, longitude=46)
        protest = ProtestFactory(public_id=f"g{n}", date_start=dt.date(2020, 10, day))
        protest.places.add(place)
    response = client.get("/api/v1/protests/", {"format": "geojson", "ordering": "date_start", "search": "Protest"})
    features = json.loads(b"".join(response.streaming_content))["features"]
    ids = [f["properties"]["id"] for f in features if f["properties"]["id"].startswith("g")]
    assert ids == ["g1", "g2", "g0"]


def test_marking_a_detainee_at_risk_withholds_the_name_in_every_document_that_showed_it():
    person = PersonFactory(name="Leyla Example")
    protest = ProtestFactory()
    ArrestFactory(person=person, protest=protest)
    assert "Leyla Example" in json.dumps(stored(protest), ensure_ascii=False)  # its arrests, by detainee
    person.at_risk = True
    person.save()
    for record in (protest, *protest.arrests.all()):
        for language in readmodel.LANGUAGES:
            assert "Leyla Example" not in json.dumps(stored(record, language), ensure_ascii=False)
    assert stored(person) is None
    assert_agrees()
