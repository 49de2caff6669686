"""A small archive where every record type shows others, for the write-path tests.

Every public record is cited; each type points at the others the ways its fields allow, and has
its parts (other names, claims, texts, roles, slogans), so that a change anywhere shows somewhere
else — in a dependent's API record, page or search entry.
"""

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field

from django.apps import apps

from archive import cache, changes, registry
from archive import models as m
from archive.search import documents
from tests import factories as f


@dataclass
class World:
    records: dict = field(default_factory=dict)

    def __getitem__(self, name):
        return self.records[name]


def build() -> World:
    """The world, built as one change of the write path (one derivation at the end, as a fixture load)."""
    with changes.recording():
        return _build()


def _build() -> World:
    w = World()
    r = w.records
    for code, name in (("en", "English"), ("az-Latn", "Azerbaijani (Latin)"), ("fa", "Persian")):
        f.LanguageFactory(code=code, name=name)
    r["iran"] = f.PlaceFactory(public_id="walk-iran", name="Iran", kind=m.PlaceKind.COUNTRY)
    r["tabriz"] = f.PlaceFactory(public_id="walk-tabriz", name="Tabriz", parent=r["iran"], latitude=38, longitude=46)
    m.PlaceName.objects.create(owner=r["tabriz"], name="Təbriz", language_id="az-Latn")
    r["gamac"] = f.OrganizationFactory(public_id="walk-gamac", name="GAMAC", country=r["iran"], based_in=r["tabriz"])
    m.OrganizationName.objects.create(owner=r["gamac"], name="Güney Azərbaycan Cəbhəsi", language_id="az-Latn")
    r["police"] = f.OrganizationFactory(public_id="walk-police", name="Police", kind=m.OrganizationKind.STATE_BODY)
    r["ahmad"] = f.PersonFactory(public_id="walk-ahmad", name="Ahmad Obali")
    m.PersonName.objects.create(owner=r["ahmad"], name="Əhməd Obalı", language_id="az-Latn")
    m.Affiliation.objects.create(person=r["ahmad"], organization=r["gamac"], role="Spokesman", date_precision="undated")
    r["hidden"] = f.PersonFactory(public_id="walk-hidden", name="Hidden Person", at_risk=True)
    r["gunaz"] = f.MediaOutletFactory(public_id="walk-gunaz", name="GünAz TV", owner=r["gamac"], country=r["iran"])
    r["gunaz"].languages.set(["az-Latn"])
    r["source"] = f.SourceFactory(public_id="walk-source", title="Erk report", outlet=r["gunaz"])
    r["source"].author_people.set([r["ahmad"]])
    r["slogan"] = m.Slogan.objects.create(
        text="Qarabağ bizimdir", language_id="az-Latn", translation="Karabakh is ours"
    )
    r["protest"] = f.ProtestFactory(public_id="walk-protest", title="Rally in Tabriz", description="Hundreds gathered.")
    r["protest"].places.set([r["tabriz"]])
    r["protest"].organizers.set([r["gamac"]])
    r["protest"].slogans.set([r["slogan"]])
    m.ProtestSizeClaim.objects.create(protest=r["protest"], words="hundreds", low=200, source=r["source"])
    r["arrest"] = f.ArrestFactory(
        public_id="walk-arrest", person=r["ahmad"], group_description="", place=r["tabriz"], protest=r["protest"]
    )
    r["arrest"].authority = r["police"]
    r["arrest"].save()
    m.ArrestCountClaim.objects.create(arrest=r["arrest"], words="twenty", low=20, high=20)
    r["masked"] = f.ArrestFactory(public_id="walk-masked", person=r["hidden"], group_description="", place=r["tabriz"])
    r["statement"] = f.StatementFactory(public_id="walk-statement", title="Statement of support", place=r["tabriz"])
    r["statement"].speaker_people.set([r["ahmad"], r["hidden"]])
    r["statement"].speaker_organizations.set([r["gamac"]])
    r["statement"].reported_in.set([r["gunaz"]])
    r["statement"].about_protests.set([r["protest"]])
    r["statement"].about_arrests.set([r["arrest"]])
    m.StatementText.objects.create(statement=r["statement"], language_id="az-Latn", text="Biz varıq", is_original=True)
    m.SignatoryClaim.objects.create(statement=r["statement"], group="musicians", words="sixty", low=60)
    r["draft"] = f.ProtestFactory(public_id="walk-draft", title="Draft march", status=m.Status.DRAFT)
    r["draft"].places.set([r["tabriz"]])
    for name in ("iran", "tabriz", "gamac", "police", "ahmad", "hidden", "gunaz", "source", "protest", "arrest"):
        f.CitationFactory(record=r[name], source=r["source"], quote=f"Quoted about {name}.")
    for name in ("masked", "statement", "draft"):
        f.CitationFactory(record=r[name], source=r["source"], quote=f"Quoted about {name}.")
    return w


# --- What the public sees, and the bookkeeping that must follow it ----------------------------------


@dataclass
class Snapshot:
    documents: dict  # (key, public id) → the record's public API JSON without `updated`
    updated: dict  # (key, public id) → `updated`
    generation: int
    rows: str  # a digest of every curated table, to tell whether anything was written at all


def _public_documents(client) -> tuple[dict, dict]:
    """Every public record as the API gives it (a list page holds the same records as their details)."""
    documents_, updated = {}, {}
    for record_type in registry.TYPES:
        response = client.get(f"/api/v1/{record_type.key}/", {"page_size": 500})
        assert response.status_code == 200, (record_type.key, response.status_code)
        for body in response.json()["results"]:
            updated[(record_type.key, body["id"])] = body.pop("updated")
            documents_[(record_type.key, body["id"])] = body
    return documents_, updated


BOOKKEEPING = {"searchentry", "tombstone", "archivestate"}


def _rows_digest() -> str:
    digest = hashlib.sha256()
    for model in apps.get_app_config("archive").get_models():
        name = model._meta.model_name
        if name in BOOKKEEPING or name.startswith("historical"):
            continue
        rows = model._base_manager.order_by("pk").values_list(*[f.attname for f in model._meta.concrete_fields])
        digest.update(name.encode() + json.dumps(list(rows), default=str).encode())
        for m2m in model._meta.many_to_many:
            links = m2m.remote_field.through.objects.order_by("pk").values_list()
            digest.update(json.dumps(list(links), default=str).encode())
    return digest.hexdigest()


def snapshot(client) -> Snapshot:
    docs, updated = _public_documents(client)
    return Snapshot(docs, updated, cache.generation(), _rows_digest())


def assert_followed_by_its_side_effects(before: Snapshot, after: Snapshot) -> None:
    """What every write must bring with it, whichever path made it."""
    assert after.rows != before.rows, "the write path under test wrote nothing"
    assert after.generation != before.generation, "cached public answers were not retired"
    for key in before.documents.keys() - after.documents.keys():
        assert m.Tombstone.objects.filter(record_type=key[0], public_id=key[1]).exists(), f"no tombstone for {key}"
    for key in after.documents.keys() & before.documents.keys():
        if after.documents[key] != before.documents[key]:
            assert after.updated[key] != before.updated[key], f"{key} shows something new but its `updated` stayed"
    for key in after.documents:
        assert not m.Tombstone.objects.filter(record_type=key[0], public_id=key[1]).exists(), f"{key} is public again"
    assert_index_is_current()


def assert_index_is_current() -> None:
    """Every search entry is what the record's document gives now; no entry for a record that is gone."""
    for record_type in registry.TYPES:
        entries = {e.object_id: e for e in m.SearchEntry.objects.filter(record_type=record_type.key)}
        records = list(record_type.model._base_manager.all())
        assert set(entries) == {r.pk for r in records}, record_type.key
        for record in records:
            expected = documents.entry_values(record)
            found = {name: getattr(entries[record.pk], name) for name in expected}
            assert found == expected, (record_type.key, record.public_id)


def later() -> dt.datetime:
    """`updated` values are compared for change; make sure the clock has moved between writes."""
    import time

    time.sleep(0.002)
