"""Sources (the items every fact is cited to) and slogans."""

import datetime as dt

from archive.synthetic import names, phrases, timeline
from archive.synthetic.actors import event_place
from archive.synthetic.common import cite, head
from archive.synthetic.context import Batch, chunked
from archive.synthetic.rng import Weights, stream

KIND = Weights({"article": 55, "web_page": 15, "social_media": 12, "broadcast": 6, "book": 4, "footnote_only": 8})
LANGUAGE = Weights({"en": 30, "az-Latn": 25, "fa": 25, "tr": 12, "ru": 8})
PUBLISHERS = ["Eko Avrasiya, Ankara", "Elm, Baku", "Ostad Publishing, Tabriz", "Routledge, London"]


def generate_sources(ctx):
    return chunked(ctx, "source", ctx.scale.sources, _source)


def _source(ctx, rng, batch, pk):
    h = head(ctx, rng, batch, "source", pk)
    review = pk <= max(1, ctx.scale.sources // 100)
    kind = "article" if review else rng.weighted(KIND)
    lang = rng.weighted(LANGUAGE)
    start, end, precision, note = timeline.partial_date(rng)
    place = ctx.places.forms[event_place(ctx, rng) - 1]
    headline = rng.pick(phrases.HEADLINES)
    title = headline[names.LANGS.index(lang)].format(p=place[lang])
    if review:
        title = f"Southern Azerbaijanis and the Karabakh war: a survey of {ctx.places.name(event_place(ctx, rng))}"
    translation = "" if lang == "en" or review else headline[-1].format(p=place["en"])
    author = _author(ctx, rng, batch, pk)
    outlet = 1 + int(rng.random() * len(ctx.outlets)) if kind != "book" and rng.chance(0.85) else None
    url = f"https://news-{pk}.example/{start.isoformat() if start else 'undated'}/{pk}" if kind != "book" else ""
    accessed = min(timeline.LATEST, (start or dt.date(2021, 1, 1)) + dt.timedelta(days=rng.randint(0, 900)))
    archived = f"https://web.archive.org/web/2021/{url}" if url and rng.chance(0.4) else ""
    pages = f"{(first := rng.randint(1, 600))}–{first + rng.randint(0, 20)}" if kind in ("book", "article") else ""
    publisher = rng.pick(PUBLISHERS) if kind == "book" else ""
    published = start.isoformat() if start else "n.d."
    pieces = [author or "Unsigned", title, ctx.outlets.name(outlet) if outlet else kind, published]
    reference = '{}, "{}", {}, {}.'.format(*pieces)
    where = (outlet, publisher, lang, url, accessed if url else None, archived, pages, reference)
    batch["source"].append((*h.row, start, end, precision, note, kind, title, translation, author, *where))
    cite(ctx, rng, batch, "source", pk, h.is_public, reference)


def _author(ctx, rng, batch, pk) -> str:
    """Who wrote it: often a person with a record, sometimes only a name, sometimes nobody."""
    u = rng.random()
    if u < 0.3:
        person = 1 + int(rng.random() * len(ctx.people))
        batch["source_author_people"].append((ctx.next_id("source_author_people"), pk, person))
        return ctx.people.name(person)
    if u < 0.7:
        return names.person_forms(rng)[rng.pick(names.LANGS)]
    return ""


def generate_slogans(ctx):
    """The general slogans, then slogans naming a town, in a seeded order: every (text, language) once."""
    rng, batch = stream(ctx.seed, "slogan"), Batch()
    candidates = list(phrases.SLOGANS)
    towns = [pk for pk, kind in enumerate(ctx.place_kind, start=1) if kind in ("city", "village", "site")]
    for lang, text, translation in phrases.CITY_SLOGANS:
        for city in towns:
            forms = ctx.places.forms[city - 1]
            candidates.append((lang, text.format(p=forms[lang]), translation.format(p=forms["en"])))
    general, rest = candidates[: len(phrases.SLOGANS)], candidates[len(phrases.SLOGANS) :]
    rng.shuffle(rest)
    seen = set()
    for lang, text, translation in general + rest:
        if len(ctx.slogans) == ctx.scale.slogans:
            break
        if (text, lang) in seen:
            continue
        seen.add((text, lang))
        pk = len(ctx.slogans) + 1
        batch["slogan"].append((pk, text, lang, translation))
        ctx.slogans.append(text)
    yield batch
