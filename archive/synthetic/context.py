"""What generators share while they run: id counters and the records made so far (compact, for the
rows that point at them)."""

from array import array
from collections import defaultdict
from dataclasses import dataclass, field

from archive.synthetic.rng import PublicIds, stream
from archive.synthetic.scales import Scale

# Records per chunk; each chunk has its own random stream (see rng.py). Fixed, so
# rows never depend on batching.
CHUNK = 2_500


class Batch(defaultdict):
    """Rows made by one chunk, by table name."""

    def __init__(self):
        super().__init__(list)


def chunked(ctx, table: str, count: int, make, first_pk: int = 1):
    """Make `count` records of `table`, one `make(ctx, rng, batch, pk)` call each, and yield a batch per
    CHUNK; each chunk draws from its own random stream."""
    for chunk in range(0, count, CHUNK):
        rng, batch = stream(ctx.seed, table, chunk), Batch()
        for i in range(min(CHUNK, count - chunk)):
            make(ctx, rng, batch, first_pk + chunk + i)
        yield batch


@dataclass
class Named:
    """Records other rows show by name: primary name and forms per language."""

    names: list[str] = field(default_factory=list)
    forms: list[dict] | None = None

    def add(self, name: str, forms: dict | None = None) -> int:
        self.names.append(name)
        if self.forms is not None:
            self.forms.append(forms)
        return len(self.names)  # the new record's id

    def __len__(self) -> int:
        return len(self.names)

    def name(self, pk: int) -> str:
        return self.names[pk - 1]

    def form(self, pk: int, lang: str) -> str:
        return self.forms[pk - 1][lang]


@dataclass
class Context:
    seed: int
    scale: Scale
    content_types: dict[str, int]
    counters: dict = field(default_factory=lambda: defaultdict(int))
    places: Named = field(default_factory=lambda: Named(forms=[]))
    place_kind: list = field(default_factory=list)
    place_country: array = field(default_factory=lambda: array("I"))
    cities: list = field(default_factory=list)
    hot_cities: list = field(default_factory=list)
    diaspora_cities: list = field(default_factory=list)
    organizations: Named = field(default_factory=lambda: Named(forms=[]))
    organizers: list = field(default_factory=list)
    authorities: list = field(default_factory=list)
    people: Named = field(default_factory=Named)
    outlets: Named = field(default_factory=Named)
    slogans: list = field(default_factory=list)  # their texts
    sources: int = 0
    protest_places: array = field(default_factory=lambda: array("I"))  # each protest's main place
    arrests: int = 0
    public_ids: dict = field(default_factory=dict)

    def next_id(self, table: str) -> int:
        self.counters[table] += 1
        return self.counters[table]

    def public_id(self, table: str, pk: int) -> str:
        if table not in self.public_ids:
            self.public_ids[table] = PublicIds(self.seed, table)
        return self.public_ids[table](pk)
