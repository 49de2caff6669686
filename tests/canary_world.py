"""A small archive full of canaries, for the leak tests (see tests/canary.py).

Every record type exists in every state the public must not open — draft, in review,
restricted, withdrawn and restricted, and for people at risk — with every text field a
canary; the one public record of each type points at hidden records in every way a
relation allows, and hidden records point back at it. Public records carry canaries only
where the public may not look: private notes, a stale withdrawal reason, citation and
alias notes, history. Curators' names, e-mails, API tokens and sessions are canaries too.
"""

import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import connection, transaction
from django.db import models as dj
from django.test import Client, override_settings
from rest_framework.authtoken.models import Token

from archive import changes, registry, workflow
from archive import models as m
from tests import factories as f
from tests.canary import Canaries, no_throttling

FACTORIES = {
    "protests": f.ProtestFactory,
    "arrests": f.ArrestFactory,
    "statements": f.StatementFactory,
    "organizations": f.OrganizationFactory,
    "media-outlets": f.MediaOutletFactory,
    "people": f.PersonFactory,
    "places": f.PlaceFactory,
    "sources": f.SourceFactory,
}
# States whose record page answers 404, exactly as for an id that never existed.
HIDDEN = ("draft", "in_review", "restricted", "restricted_withdrawn", "at_risk", "at_risk_withdrawn")
STATES = ("public", "restricted", "draft", "in_review", "withdrawn", "restricted_withdrawn")
PERSON_STATES = ("public", "at_risk", *STATES[1:], "at_risk_withdrawn")
PUBLIC_REASON = "Withdrawn: the sources could not be verified."
NOT_TEXT = {"public_id", "wikidata_qid", "status", "withdrawn_reason", "original_language"}  # (a language tag)


@dataclass
class World:
    book: Canaries
    records: dict[str, dict[str, m.Record]] = field(default_factory=dict)  # slug → state → record
    users: dict[str, User] = field(default_factory=dict)

    def ids(self, slug: str, *states: str) -> list[str]:
        return [r.public_id for state, r in self.records[slug].items() if not states or state in states]

    def hidden_ids(self, slug: str) -> list[str]:
        return self.ids(slug, *HIDDEN)

    def public(self, slug: str) -> m.Record:
        return self.records[slug]["public"]


def state_fields(state: str, book: Canaries, label: str) -> dict:
    status = {"draft": m.Status.DRAFT, "in_review": m.Status.IN_REVIEW}.get(state, m.Status.PUBLISHED)
    if "withdrawn" in state:
        status = m.Status.WITHDRAWN
    values = {
        "status": status,
        "restricted": "restricted" in state,
        "withdrawn_reason": PUBLIC_REASON if state == "withdrawn" else book.new(f"{label} withdrawn_reason"),
        "private_note": book.new(f"{label} private_note"),
        "public_id": f"public-{label.replace('/', '-')}" if state == "public" else book.new(label, "id"),
    }
    if "at_risk" in state:
        values["at_risk"] = True
    return values


def fill_text(model, book: Canaries, label: str) -> dict:
    """A canary in every free-text field of a hidden record."""
    values = {}
    for fld in model._meta.concrete_fields:
        if fld.name in NOT_TEXT or fld.choices or not isinstance(fld, dj.CharField | dj.TextField):
            continue
        if isinstance(fld, dj.URLField):
            values[fld.name] = f"https://example.org/{book.new(f'{label} {fld.name}', 'latin')}"
        else:
            values[fld.name] = book.new(f"{label} {fld.name}")
    # Its texts in every reading language too: a hidden record's translations must not leak either.
    translatable = registry.of(model).translatable
    values["translations"] = {
        name: {tag: {"text": book.new(f"{label} {name}[{tag}]"), "by": "archive"} for tag in ("az-Latn", "fa", "tr")}
        for name in translatable
        if name != "withdrawn_reason"
    }
    return values


def make(world: World, slug: str, state: str, **extra) -> m.Record:
    label = f"{slug}/{state}"
    factory = FACTORIES[slug]
    values = state_fields(state, world.book, label)
    if state != "public":
        values.update(fill_text(factory._meta.model, world.book, label))
    record = factory(**{**values, **extra})
    world.records.setdefault(slug, {})[state] = record
    return record


def seed_users(world: World) -> None:
    book = world.book
    for role in ("Editor", "Archivist"):
        username = book.new(f"{role} username", "latin")
        curator = User.objects.create_user(  # no password: hashing one takes a second
            username,
            email=book.new(f"{role} e-mail", "id") + "@example.org",
            first_name=book.new(f"{role} first name", "persian"),
            last_name=book.new(f"{role} last name", "azerbaijani"),
            is_staff=True,
        )
        curator.groups.add(Group.objects.get(name=role))
        curator = User.objects.get(pk=curator.pk)  # fresh, so permission caches are empty
        book.add(Token.objects.create(user=curator).key, f"{role} API token")
        session = Client()
        session.force_login(curator)
        book.add(session.cookies["sessionid"].value, f"{role} session key")
        world.users[role] = curator
    world.users["member"] = User.objects.create_user("member")
    world.users["staff"] = User.objects.create_user("staffer", is_staff=True)


def seed_records(world: World) -> None:
    country = f.PlaceFactory(public_id="place-country", name="Public Country", kind=m.PlaceKind.COUNTRY)
    for slug in ("sources", "places", "organizations", "media-outlets", "people", "protests", "arrests", "statements"):
        for state in PERSON_STATES if slug == "people" else STATES:
            extra = {"latitude": "38.08", "longitude": "46.29"} if slug == "places" else {}
            make(world, slug, state, **extra)
    places = world.records["places"]
    places["restricted"].kind = m.PlaceKind.PROVINCE
    places["restricted"].parent = country
    places["restricted"].save()
    places["public"].parent = places["restricted"]
    places["public"].save()
    world.records.setdefault("extra", {})["country"] = country


def relate(world: World) -> None:
    """Public records point at hidden ones; hidden records point at public ones."""
    r = world.records
    pub = {slug: r[slug]["public"] for slug in FACTORIES}
    hidden = {slug: [rec for state, rec in r[slug].items() if state != "public"] for slug in FACTORIES}
    pub["protests"].places.set([pub["places"], r["places"]["draft"], r["places"]["restricted"]])
    pub["protests"].organizers.set(
        [pub["organizations"], r["organizations"]["draft"], r["organizations"]["restricted"]]
    )
    for protest in hidden["protests"]:
        protest.places.set([pub["places"]])
        protest.organizers.set([pub["organizations"]])
    m.Arrest.objects.filter(pk=pub["arrests"].pk).update(
        person=r["people"]["at_risk"],
        group_description="",
        place=r["places"]["restricted"],
        protest=pub["protests"],
        authority=r["organizations"]["draft"],
    )
    m.Arrest.objects.filter(pk__in=[a.pk for a in hidden["arrests"]]).update(
        person=pub["people"], place=pub["places"], protest=pub["protests"], authority=pub["organizations"]
    )
    second = f.ArrestFactory(public_id="public-arrests-second", person=r["people"]["draft"], group_description="")
    second.place, second.protest = pub["places"], r["protests"]["restricted"]
    second.save()
    r["extra"]["second arrest"] = second
    statement = pub["statements"]
    statement.place = r["places"]["draft"]
    statement.save()
    statement.speaker_people.set([pub["people"], r["people"]["at_risk"], r["people"]["draft"]])
    statement.speaker_organizations.set([pub["organizations"], r["organizations"]["restricted"]])
    statement.reported_in.set([pub["media-outlets"], r["media-outlets"]["draft"]])
    statement.about_protests.set([pub["protests"], r["protests"]["restricted"]])
    statement.about_arrests.set([pub["arrests"], r["arrests"]["draft"]])
    statement.about_statements.set([r["statements"]["draft"]])
    for other in hidden["statements"]:
        other.speaker_people.set([pub["people"]])
        other.about_protests.set([pub["protests"]])
        other.reported_in.set([pub["media-outlets"]])
        other.about_statements.set([statement])
    m.Organization.objects.filter(pk=pub["organizations"].pk).update(
        parent=r["organizations"]["draft"], country=r["places"]["restricted"], based_in=r["places"]["draft"]
    )
    m.Organization.objects.filter(pk__in=[o.pk for o in hidden["organizations"]]).update(
        parent=pub["organizations"], based_in=pub["places"]
    )
    m.MediaOutlet.objects.filter(pk=pub["media-outlets"].pk).update(
        owner=r["organizations"]["restricted"], country=r["places"]["draft"]
    )
    m.MediaOutlet.objects.filter(pk__in=[o.pk for o in hidden["media-outlets"]]).update(
        owner=pub["organizations"], country=pub["places"]
    )
    m.Source.objects.filter(pk=pub["sources"].pk).update(outlet=r["media-outlets"]["draft"])
    pub["sources"].author_people.set([pub["people"], r["people"]["at_risk"]])
    for source in hidden["sources"]:
        source.author_people.set([pub["people"]])
    m.Source.objects.filter(pk__in=[s.pk for s in hidden["sources"]]).update(outlet=pub["media-outlets"])
    m.Place.objects.filter(pk__in=[p.pk for p in hidden["places"] if p.pk != r["places"]["restricted"].pk]).update(
        parent=pub["places"]
    )


def add_parts(world: World, languages: dict) -> None:
    """Names, claims, texts, slogans, roles and citations, hidden wherever their record is."""
    book, r = world.book, world.records
    public_source, hidden_source = r["sources"]["public"], r["sources"]["draft"]
    for slug, by_state in r.items():
        if slug == "extra":
            continue
        for state, record in by_state.items():
            label = f"{slug}/{state}"
            shown = state == "public"

            def text(what, script="", label=label, shown=shown):
                return f"Public {what}" if shown else book.new(f"{label} {what}", script)

            cite(record, public_source, text("quote"), text("translation"), book.new(f"{label} citation note"))
            if shown:
                cite(record, hidden_source, book.new(f"{label} hidden-source quote"), "", "", cited_in=hidden_source)
            name_model = {"people": m.PersonName, "organizations": m.OrganizationName}.get(slug)
            name_model = name_model or {"media-outlets": m.OutletName, "places": m.PlaceName}.get(slug)
            if name_model:
                for code, script in (("fa", "persian"), ("az-Latn", "azerbaijani")):
                    name_model.objects.create(
                        owner=record,
                        name=text(f"alias {code}", script),
                        language=languages[code],
                        note=book.new(f"{label} alias note"),
                    )
            add_event_parts(world, slug, record, text, languages)


def cite(record, source, quote, translation, note, cited_in=None):
    m.Citation.objects.create(
        record=record, source=source, quote=quote, quote_translation=translation, note=note, cited_in=cited_in
    )


def add_event_parts(world: World, slug: str, record, text, languages) -> None:
    r = world.records
    claim = {"words": text("words"), "low": 20, "high": 30, "claimant": text("claimant"), "note": text("claim note")}
    claim["source"] = r["sources"]["draft"]
    if slug == "protests":
        m.ProtestSizeClaim.objects.create(protest=record, **claim)
        slogan = m.Slogan.objects.create(
            text=text("slogan", "azerbaijani"),
            language=languages["az-Latn"],
            translation=text("slogan translation"),
            note=world.book.new(f"{slug} slogan note"),
        )
        record.slogans.add(slogan)
    elif slug == "arrests":
        m.ArrestCountClaim.objects.create(arrest=record, **claim)
    elif slug == "statements":
        m.SignatoryClaim.objects.create(statement=record, group=text("signatories"), **claim)
        m.StatementText.objects.create(
            statement=record, language=languages["fa"], text=text("text", "persian"), is_original=True
        )
    elif slug == "people":
        organization = r["organizations"]["public"]
        m.Affiliation.objects.create(
            person=record, organization=organization, role=text("role"), date_start=dt.date(2020, 10, 1)
        )
        if record is r["people"]["public"]:
            m.Affiliation.objects.create(
                person=record, organization=r["organizations"]["draft"], role="Member", date_start=dt.date(2019, 1, 1)
            )


def write_history(world: World) -> None:
    """Every record saved once more by a curator, with a canary as the reason."""
    editor = world.users["Editor"]
    for slug, by_state in world.records.items():
        for state, record in by_state.items():
            record.refresh_from_db()
            record._history_user = editor
            record._change_reason = world.book.new(f"{slug}/{state} change reason")[:100]
            record.save()


def seed_transitions(world: World) -> None:
    """Records that were public and stopped being so through the workflow: their ids are in the
    tombstones by design, everything else about them is a canary."""
    book, editor = world.book, world.users["Editor"]
    public_source = world.records["sources"]["public"]
    protest = f.ProtestFactory(public_id="was-public-protest", title=book.new("withdrawn protest title"))
    organization = f.OrganizationFactory(public_id="was-public-organization", name=book.new("restricted org name"))
    person = f.PersonFactory(public_id="was-public-person", name=book.new("person now at risk"))
    for record in (protest, organization, person):
        cite(record, public_source, "", "", "")
    workflow.record_withdraw(record=protest, user=editor, reason="Withdrawn: a duplicate.")
    why = book.new("restriction reason")
    workflow.record_set_restricted(record=organization, user=editor, restricted=True, reason=why)
    person.at_risk = True
    person._history_user = editor
    person.save()
    extra = world.records["extra"]
    extra.update({"was-public protest": protest, "was-public org": organization, "was-at-risk": person})


def seed(book: Canaries | None = None) -> World:
    world = World(book or Canaries())
    languages = {code: f.LanguageFactory(code=code, name=code) for code in ("en", "fa", "az-Latn")}
    seed_users(world)
    with changes.recording():  # the records, their links and parts: one change, derived once at its end
        seed_records(world)
        relate(world)
        add_parts(world, languages)
    write_history(world)
    seed_transitions(world)
    return world


@contextmanager
def seeded_world(django_db_blocker, data_dir: Path):
    """Seed once (for a test module) inside a transaction rolled back afterwards, with the data package
    built into `data_dir`; each test still runs in its own savepoint. Throttling is off meanwhile."""
    with django_db_blocker.unblock(), no_throttling():
        # Requested late (getfixturevalue) it would open inside one test's transaction and vanish after it.
        assert not connection.in_atomic_block, "take the world as a fixture argument"
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with override_settings(ARCHIVE_DATA_DIR=data_dir):
                world = seed()
                call_command("build_datapackage", verbosity=0)
                yield world
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
