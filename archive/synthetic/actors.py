"""Places, organizations, people and media outlets."""

from archive.models.actors import OrganizationKind as OK
from archive.synthetic import bodies, names, places, timeline
from archive.synthetic.common import cite, head, other_names
from archive.synthetic.context import Batch, chunked
from archive.synthetic.rng import Weights, stream

HOT_CITIES = {
    "tabriz": 30,
    "urmia": 14,
    "ardabil": 14,
    "zanjan": 10,
    "tehran": 8,
    "marand": 3,
    "khoy": 3,
    "meshginshahr": 3,
    "ahar": 2,
    "maragheh": 2,
    "qazvin": 2,
    "karaj": 2,
    "miandoab": 2,
    "sarab": 2,
}
DIASPORA = ["baku", "istanbul", "ankara", "cologne", "berlin", "london", "toronto", "washington", "stockholm"]
NAME_LANGUAGE = Weights({"en": 50, "az-Latn": 30, "fa": 10, "tr": 5, "ru": 5})
OUTLET_LANGUAGE = Weights({"az-Latn": 35, "fa": 30, "en": 20, "tr": 10, "ru": 5})
ROLES = ["member", "spokesperson", "student", "chair", "lecturer", "editor", "founder", "lawyer", "imam", "MP"]
PERSON_DESCRIPTIONS = [
    "Activist from {p}.",
    "Poet and ashiq from {p}.",
    "Student in {p}.",
    "Teacher of Azerbaijani in {p}.",
    "Lawyer in {p}.",
    "Journalist based in {p}.",
    "Cleric in {p}.",
    "Member of parliament for {p}.",
    "Musician from {p}.",
    "",
]


def generate_places(ctx):
    """Real places (always all of them), then villages and sites beneath Iranian cities."""
    real = places.real_places()
    ids = {spec.key: i for i, spec in enumerate(real, start=1)}
    batch = Batch()
    rng = stream(ctx.seed, "place-real")
    for spec in real:
        _place(ctx, rng, batch, ids[spec.key], spec, ids.get(spec.parent), real=True)
    yield batch
    iranian = [ids[s.key] for s in real if s.kind == "city" and _country_key(real, ids, s) == "iran"]
    weights = Weights({pk: 4 if pk in ctx.hot_cities else 1 for pk in iranian})
    by_id = {ids[s.key]: s for s in real}

    def invented(ctx, rng, batch, pk):
        parent = rng.weighted(weights)
        spec = places.village(rng, by_id[parent]) if rng.chance(0.8) else places.site(rng, by_id[parent])
        _place(ctx, rng, batch, pk, spec, parent, real=False)

    yield from chunked(ctx, "place", ctx.scale.places, invented, first_pk=len(real) + 1)


def _country_key(real, ids, spec):
    by_key = {s.key: s for s in real}
    while spec.parent:
        spec = by_key[spec.parent]
    return spec.key


def _place(ctx, rng, batch, pk, spec, parent, real):
    h = head(ctx, rng, batch, "place", pk, published=real)  # the places everyone knows are public
    name = spec.forms[spec.primary]
    parent_name = ctx.places.name(parent) if parent else ""
    description = f"A village near {parent_name}." if spec.kind == "village" else ""
    batch["place"].append(
        (*h.row, name, spec.primary, spec.kind, parent, spec.latitude, spec.longitude, description, spec.wikidata)
    )
    ctx.places.add(name, spec.forms)
    ctx.place_kind.append(spec.kind)
    ctx.place_country.append(ctx.place_country[parent - 1] if parent else pk)
    if spec.kind == "city":
        ctx.cities.append(pk)
        if spec.key in HOT_CITIES:
            ctx.hot_cities.append(pk)
        if spec.key in DIASPORA:
            ctx.diaspora_cities.append(pk)
    other_names(ctx, rng, batch, "placename", pk, spec.forms, spec.primary, 2 if real else 1, 4)
    cite(ctx, rng, batch, "place", pk, h.is_public, f"{name}: {description or spec.kind}")


def event_place(ctx, rng) -> int:
    """Where something happened: mostly the big Azerbaijani cities, often a village or site."""
    u = rng.random()
    if u < 0.45:
        return rng.pick(ctx.hot_cities)
    if u < 0.65:
        return rng.pick(ctx.cities)
    return 1 + int(rng.random() * len(ctx.places))


def generate_organizations(ctx):
    return chunked(ctx, "organization", ctx.scale.organizations, _organization)


def _organization(ctx, rng, batch, pk):
    h = head(ctx, rng, batch, "organization", pk)
    place = rng.pick(ctx.cities) if rng.chance(0.8) else event_place(ctx, rng)
    kind, forms, abbreviation = bodies.organization_forms(rng, ctx.places.forms[place - 1])
    if kind == OK.POLITICAL and rng.chance(0.5):
        place = rng.pick(ctx.diaspora_cities)  # many movements work from exile
    primary = rng.weighted(NAME_LANGUAGE)
    name = forms[primary]
    parent = rng.randint(1, pk - 1) if pk > 1 and rng.chance(0.08) else None
    founded = rng.randint(1990, 2020) if rng.chance(0.6) else None
    dissolved = rng.randint(founded, 2026) if founded and rng.chance(0.05) else None
    description = f"{OK(kind).label.capitalize()} based in {ctx.places.name(place)}."
    batch["organization"].append(
        (*h.row, name, primary, kind, ctx.place_country[place - 1], place, parent, founded, dissolved, description)
    )
    ctx.organizations.add(name, forms)
    if kind in (OK.POLITICAL, OK.STUDENT, OK.CULTURAL, OK.RIGHTS_GROUP, OK.PROFESSIONAL, OK.BUSINESS):
        ctx.organizers.append(pk)
    if kind in (OK.STATE_BODY, OK.MILITARY):
        ctx.authorities.append(pk)
    other_names(ctx, rng, batch, "organizationname", pk, forms, primary, 1, 3)
    if abbreviation and abbreviation != name:
        batch["organizationname"].append((ctx.next_id("organizationname"), pk, abbreviation, "az-Latn", "abbreviation"))
    cite(ctx, rng, batch, "organization", pk, h.is_public, f"{name}: {description}")


def generate_people(ctx):
    return chunked(ctx, "person", ctx.scale.people, _person)


def _person(ctx, rng, batch, pk):
    h = head(ctx, rng, batch, "person", pk)
    at_risk = rng.chance(0.07)
    forms = names.person_forms(rng)
    primary = rng.weighted(names.PRIMARY_LANGUAGE)
    name = forms[primary]
    description = rng.pick(PERSON_DESCRIPTIONS).format(p=ctx.places.name(event_place(ctx, rng)))
    batch["person"].append((*h.row, name, primary, description, at_risk))
    is_public = h.is_public and not at_risk
    if at_risk and h.is_public and rng.chance(0.3):
        # Marked at risk after it was public: mirrors are told it was unpublished, as the write path tells them.
        batch["tombstone"].append((ctx.next_id("tombstone"), "people", h.row[1], "unpublished", "", h.updated))
    ctx.people.add(name)
    other_names(ctx, rng, batch, "personname", pk, forms, primary, 1, 3)
    for _ in range(rng.choice((0, 0, 1, 1, 2))):
        start, end, precision, note = timeline.partial_date(rng)
        organization = 1 + int(rng.random() * len(ctx.organizations)) if rng.chance(0.8) else None
        batch["affiliation"].append(
            (ctx.next_id("affiliation"), start, end, precision, note, pk, organization, rng.pick(ROLES))
        )
    cite(ctx, rng, batch, "person", pk, is_public, f"{name}. {description}")


def generate_outlets(ctx):
    return chunked(ctx, "mediaoutlet", ctx.scale.outlets, _outlet)


def _outlet(ctx, rng, batch, pk):
    h = head(ctx, rng, batch, "mediaoutlet", pk)
    abroad = rng.chance(0.35)
    place = rng.pick(ctx.diaspora_cities) if abroad else rng.pick(ctx.cities)
    kind, forms = bodies.outlet_forms(rng, ctx.places.forms[place - 1] if rng.chance(0.4) else None)
    primary = rng.weighted(OUTLET_LANGUAGE)
    name = forms[primary]
    affiliation = rng.choice(
        ["diaspora", "opposition", "independent", "foreign_state"]
        if abroad
        else ["state", "state", "irgc", "security", "independent", "academic", "unknown"]
    )
    owner = 1 + int(rng.random() * len(ctx.organizations)) if rng.chance(0.2) else None
    active_from = rng.randint(1990, 2020) if rng.chance(0.6) else None
    active_until = rng.randint(active_from, 2026) if active_from and rng.chance(0.1) else None
    slug = "".join(c if c.isalnum() else "-" for c in forms["en"].lower()).strip("-")
    url = f"https://{slug}-{pk}.example/" if rng.chance(0.8) else ""
    description = f"{kind.replace('_', ' ').capitalize()} based in {ctx.places.name(place)}."
    batch["mediaoutlet"].append(
        (
            *h.row,
            name,
            primary,
            kind,
            ctx.place_country[place - 1],
            "abroad" if abroad else "inside",
            affiliation,
            owner,
            active_from,
            active_until,
            url,
            description,
        )
    )
    ctx.outlets.add(name)
    for lang in sorted({primary, *(["en"] if rng.chance(0.3) else [])}):
        batch["mediaoutlet_languages"].append((ctx.next_id("mediaoutlet_languages"), pk, lang))
    other_names(ctx, rng, batch, "outletname", pk, forms, primary, 1, 2)
    cite(ctx, rng, batch, "mediaoutlet", pk, h.is_public, f"{name}: {description}")
