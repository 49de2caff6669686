"""Statements: speakers, texts in their original language with translations,
signatory claims, the outlets that carried them and the events they concern."""

from archive.synthetic import phrases, timeline
from archive.synthetic.actors import event_place
from archive.synthetic.common import cite, claim, head
from archive.synthetic.context import chunked
from archive.synthetic.events import sentences
from archive.synthetic.names import LANGS
from archive.synthetic.rng import Weights

FORM = Weights(
    {
        "speech": 10,
        "letter": 10,
        "joint_statement": 14,
        "resolution": 3,
        "interview": 10,
        "social_media": 20,
        "sermon": 5,
        "press_statement": 12,
        "article": 6,
        "call": 7,
        "official_remark": 3,
    }
)
ORIGINAL = Weights({"az-Latn": 35, "fa": 30, "en": 20, "tr": 10, "ru": 5})
SPEAKER_GROUPS = [
    "imams of East Azerbaijan",
    "students of several universities",
    "ashiqs and musicians",
    "MPs from Tabriz and Urmia",
    "families of the detained",
    "writers in exile",
]
TRANSLATORS = ["the archive", "the article's author", "the outlet"]


def generate_statements(ctx):
    return chunked(ctx, "statement", ctx.scale.statements, _statement)


def _statement(ctx, rng, batch, pk):
    h = head(ctx, rng, batch, "statement", pk)
    start, end, precision, note = timeline.partial_date(rng)
    form = rng.weighted(FORM)
    people = rng.ids(len(ctx.people), 1, 3) if rng.chance(0.6) else []
    orgs = rng.ids(len(ctx.organizations), 1, 2) if rng.chance(0.45) else []
    group = rng.pick(SPEAKER_GROUPS) if form == "joint_statement" or not (people or orgs) else ""
    place = event_place(ctx, rng) if rng.chance(0.7) else None
    topic = place or event_place(ctx, rng)
    title = phrases.STATEMENT_TITLES[form].format(p=ctx.places.name(topic))
    _, summary = sentences(ctx, rng, phrases.STATEMENT_SENTENCES, "en", topic, orgs, 1, 2)
    batch["statement"].append((*h.row, start, end, precision, note, title, form, group, place, " ".join(summary)))
    texts = _texts(ctx, rng, batch, pk, topic, orgs)
    for table, ids in (("statement_speaker_people", people), ("statement_speaker_organizations", orgs)):
        for other in ids:
            batch[table].append((ctx.next_id(table), pk, other))
    if rng.chance(0.7):
        for outlet in rng.ids(len(ctx.outlets), 1, 3):
            batch["statement_reported_in"].append((ctx.next_id("statement_reported_in"), pk, outlet))
    _about(ctx, rng, batch, pk)
    if form in ("joint_statement", "letter") and rng.chance(0.5):
        signatories = rng.pick(phrases.SIGNATORY_GROUPS)
        batch["signatoryclaim"].append((ctx.next_id("signatoryclaim"), *claim(ctx, rng), pk, signatories))
    quote = texts[0] if texts else " ".join(summary)
    cite(ctx, rng, batch, "statement", pk, h.is_public, quote, texts[1] if len(texts) > 1 else "")


def _texts(ctx, rng, batch, pk, place, orgs) -> list[str]:
    """Original text and translations, original first, then by language."""
    if not rng.chance(0.8):
        return []
    original = rng.weighted(ORIGINAL)
    translations = []
    if original != "en" and rng.chance(0.7):
        translations.append("en")
    if rng.chance(0.15):
        translations.append(rng.pick([lang for lang in ("az-Latn", "fa", "ru", "tr") if lang != original]))
    chosen = rng.sample(range(len(phrases.STATEMENT_SENTENCES)), rng.randint(2, 4))
    rows = [(original, True)] + [(lang, False) for lang in sorted(set(translations))]
    out = []
    for lang, is_original in rows:
        said = " ".join(_say(ctx, chosen, lang, place, orgs))
        translator = "" if is_original else rng.pick(TRANSLATORS)
        batch["statementtext"].append((ctx.next_id("statementtext"), pk, lang, said, is_original, translator))
        out.append(said)
    return out


def _say(ctx, chosen, lang, place, orgs) -> list[str]:
    column = LANGS.index(lang)
    org = ctx.organizations.form(orgs[0], lang) if orgs else ""
    table = phrases.STATEMENT_SENTENCES
    usable = [i for i in chosen if orgs or "{o}" not in table[i][column]] or [0]
    return [table[i][column].format(p=ctx.places.forms[place - 1][lang], o=org) for i in usable]


def _about(ctx, rng, batch, pk):
    """The events and earlier statements it concerns."""
    if rng.chance(0.3):
        for protest in rng.ids(len(ctx.protest_places), 1, 2):
            batch["statement_about_protests"].append((ctx.next_id("statement_about_protests"), pk, protest))
    if ctx.arrests and rng.chance(0.15):
        for arrest in rng.ids(ctx.arrests, 1, 2):
            batch["statement_about_arrests"].append((ctx.next_id("statement_about_arrests"), pk, arrest))
    if pk > 1 and rng.chance(0.1):
        for earlier in rng.ids(pk - 1, 1, 1):
            batch["statement_about_statements"].append((ctx.next_id("statement_about_statements"), pk, earlier))
