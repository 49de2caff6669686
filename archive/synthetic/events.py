"""Protests and arrests, with their places, organizers, slogans and count claims."""

import datetime as dt

from archive.synthetic import names, phrases, timeline
from archive.synthetic.actors import event_place
from archive.synthetic.common import cite, claim, head
from archive.synthetic.context import chunked
from archive.synthetic.rng import Weights

PROTEST_KIND = Weights(
    {"rally": 40, "march": 12, "strike": 10, "celebration": 10, "gathering": 15, "online": 8, "other": 5}
)
EVENT_STATUS = Weights({"held": 85, "called": 6, "threatened": 2, "prevented": 5, "unknown": 2})
TEXT_LANGUAGE = Weights({"en": 70, "az-Latn": 12, "fa": 8, "tr": 5, "ru": 5})
OUTCOME = Weights({"unknown": 35, "held": 8, "released": 25, "bail": 15, "charged": 7, "sentenced": 8, "acquitted": 2})


def generate_protests(ctx):
    return chunked(ctx, "protest", ctx.scale.protests, _protest)


def _protest(ctx, rng, batch, pk):
    h = head(ctx, rng, batch, "protest", pk)
    start, end, precision, note = timeline.partial_date(rng)
    kind = rng.weighted(PROTEST_KIND)
    main = event_place(ctx, rng)
    extra = rng.ids(len(ctx.places), 1, 3) if rng.chance(0.25) else []
    place_ids = sorted({main, *extra})
    organizers = rng.some(ctx.organizers, 1, 2) if rng.chance(0.45) else []
    slogans = rng.ids(len(ctx.slogans), 1, 3) if rng.chance(0.6) else []
    ctx.protest_places.append(main)
    ending = phrases.TITLE_ENDINGS[rng.randrange(len(phrases.TITLE_ENDINGS))]
    title = phrases.PROTEST_TITLES[kind].format(p=ctx.places.name(main)) + ending
    lang = rng.weighted(TEXT_LANGUAGE)
    said, english = sentences(ctx, rng, phrases.PROTEST_SENTENCES, lang, main, organizers, 1, 3)
    description = " ".join(said)
    batch["protest"].append((*h.row, start, end, precision, note, title, kind, rng.weighted(EVENT_STATUS), description))
    for place in place_ids:
        batch["protest_places"].append((ctx.next_id("protest_places"), pk, place))
    for org in organizers:
        batch["protest_organizers"].append((ctx.next_id("protest_organizers"), pk, org))
    for slogan in slogans:
        batch["protest_slogans"].append((ctx.next_id("protest_slogans"), pk, slogan))
    for _ in range(rng.choice((0, 0, 1, 1, 1, 1, 1, 2, 2, 2))):
        batch["protestsizeclaim"].append((ctx.next_id("protestsizeclaim"), *claim(ctx, rng), pk))
    cite(ctx, rng, batch, "protest", pk, h.is_public, said[0], "" if lang == "en" else english[0])


def sentences(ctx, rng, table, lang, place, organizations, low, high) -> tuple[list[str], list[str]]:
    """A few sentences in one language naming the place and an organization in that language,
    and the same sentences in English."""
    chosen = [
        i for i in rng.sample(range(len(table)), rng.randint(low, high)) if organizations or "{o}" not in table[i][0]
    ]
    chosen = chosen or [0]
    out = {}
    for language in {lang, "en"}:
        column = names.LANGS.index(language)
        org = ctx.organizations.form(organizations[0], language) if organizations else ""
        out[language] = [table[i][column].format(p=ctx.places.forms[place - 1][language], o=org) for i in chosen]
    return out[lang], out["en"]


def generate_arrests(ctx):
    return chunked(ctx, "arrest", ctx.scale.arrests, _arrest)


def _arrest(ctx, rng, batch, pk):
    h = head(ctx, rng, batch, "arrest", pk)
    dates = timeline.partial_date(rng)
    person = 1 + int(rng.random() * len(ctx.people)) if rng.chance(0.6) else None
    group = "" if person else rng.pick(phrases.ARREST_GROUPS)
    protest = 1 + int(rng.random() * len(ctx.protest_places)) if rng.chance(0.5) else None
    place = ctx.protest_places[protest - 1] if protest else (event_place(ctx, rng) if rng.chance(0.85) else None)
    authority = rng.pick(ctx.authorities) if ctx.authorities and rng.chance(0.7) else None
    accusation = rng.pick(phrases.ACCUSATIONS) if rng.chance(0.8) else ""
    charge = rng.pick(phrases.CHARGES) if rng.chance(0.3) else ""
    outcome = _outcome(rng, dates[0])
    description = rng.pick(phrases.ARREST_SENTENCES)
    who = (person, group, place, protest, authority)
    batch["arrest"].append((*h.row, *dates, *who, accusation, charge, *outcome, description))
    if not person:
        for _ in range(rng.choice((1, 1, 1, 2))):
            batch["arrestcountclaim"].append((ctx.next_id("arrestcountclaim"), *claim(ctx, rng), pk))
    cite(ctx, rng, batch, "arrest", pk, h.is_public, description)


def _outcome(rng, start) -> tuple:
    """(outcome, outcome_date, outcome_note): what became of them, and when, if known."""
    outcome = rng.weighted(OUTCOME)
    days = rng.randint(1, 400)
    outcome_date = start + dt.timedelta(days=days) if start and outcome not in ("unknown", "held") else None
    outcome_note = rng.pick(phrases.OUTCOME_NOTES[outcome]).format(d=days) if outcome != "unknown" else ""
    return outcome, outcome_date, outcome_note
