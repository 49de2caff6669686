"""Row pieces every record type shares: the Record columns, other names,
citations, count claims and tombstones."""

from dataclasses import dataclass

from archive import registry
from archive.models.base import NameKind, Status
from archive.synthetic import phrases, timeline
from archive.synthetic.rng import Rand, Weights

CITATIONS_PUBLISHED = Weights({1: 62, 2: 27, 3: 11})
KEY_OF_TABLE = {record_type.model_name: record_type.key for record_type in registry.TYPES}
CITATIONS_UNPUBLISHED = Weights({0: 40, 1: 45, 2: 15})


@dataclass
class Head:
    """The Record columns of one generated record, and what follows from them."""

    row: tuple
    status: str
    restricted: bool
    updated: object

    @property
    def is_public(self) -> bool:
        return self.status == Status.PUBLISHED and not self.restricted


def head(ctx, rng: Rand, batch, table: str, pk: int, published: bool = False) -> Head:
    """(id, public_id, status, withdrawn_reason, restricted, private_note, created, updated).

    ``published`` forces a public record (the real places everyone knows)."""
    status, reason, restricted, private = timeline.editorial(rng)
    if published:
        status, reason, restricted = Status.PUBLISHED.value, "", False
    created, updated = timeline.stamps(rng)
    public_id = ctx.public_id(table, pk)
    if status == Status.WITHDRAWN or (restricted and status == Status.PUBLISHED and rng.chance(0.5)):
        # It was public once: mirrors learn of its removal from a tombstone, which says only what the
        # public may know (a restriction reads "unpublished", as the write path writes it).
        word, shown = ("withdrawn", reason) if status == Status.WITHDRAWN and not restricted else ("unpublished", "")
        key = KEY_OF_TABLE[table]
        batch["tombstone"].append((ctx.next_id("tombstone"), key, public_id, word, shown, updated))
    return Head((pk, public_id, status, reason, restricted, private, created, updated), status, restricted, updated)


def other_names(ctx, rng: Rand, batch, table: str, owner: int, forms: dict, primary: str, low: int, high: int):
    """Other-name rows in a few languages other than the primary's; returns the names."""
    seen = {forms[primary]}
    names = []
    others = [lang for lang in forms if lang != primary]
    for lang in sorted(rng.some(others, low, high)):
        name = forms[lang]
        if name in seen:
            continue  # the same letters in another language add nothing
        seen.add(name)
        kind = NameKind.NATIVE if lang in ("fa", "az-Arab") else NameKind.TRANSLITERATION
        batch[table].append((ctx.next_id(table), owner, name, lang, kind.value))
        names.append((lang, name))
    return names


def name_list(primary_name: str, others: list[tuple[str, str]]) -> list[str]:
    """Primary name, then other names as the ORM orders them (language, then name)."""
    return [primary_name, *(name for _, name in sorted(others))]


def cite(ctx, rng: Rand, batch, model_name: str, pk: int, is_public: bool, quote: str, translation: str = ""):
    """Citations of one record: one to three when public, fewer otherwise."""
    count = rng.weighted(CITATIONS_PUBLISHED if is_public else CITATIONS_UNPUBLISHED)
    reviews = max(1, ctx.sources // 100)  # the first sources are the review works that footnote others
    for _ in range(count):
        source = 1 + int(rng.random() * ctx.sources)
        relayed = rng.chance(0.3)
        cited_in = 1 + int(rng.random() * reviews) if relayed else None
        if cited_in == source:
            cited_in = None
        batch["citation"].append(
            (
                ctx.next_id("citation"),
                ctx.content_types[model_name],
                pk,
                source,
                cited_in,
                rng.randint(1, 150) if cited_in else None,
                f"p. {rng.randint(1, 400)}" if rng.chance(0.3) else "",
                quote[:600],
                translation[:600],
                rng.pick(phrases.CITATION_NOTES),
            )
        )


def claim(ctx, rng: Rand) -> tuple:
    """(words, low, high, claimant, claimant_kind, source_id, footnote) of one count claim."""
    words, low, high = rng.pick(phrases.COUNT_WORDS)
    if rng.chance(0.15):
        words = ""  # a bare figure, as a table in a report gives it
        low = low or 1
    claimant, kind = rng.pick(phrases.CLAIMANTS)
    source = 1 + int(rng.random() * ctx.sources) if rng.chance(0.8) else None
    footnote = rng.randint(1, 150) if source and rng.chance(0.3) else None
    return words, low, high, claimant, kind, source, footnote
