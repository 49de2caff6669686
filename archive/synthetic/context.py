"""What generators share while they run: id counters, the records made so far
(compact, for the rows that point at them), and the spooled search index."""

import pickle
import tempfile
from array import array
from collections import defaultdict
from dataclasses import dataclass, field

from archive.synthetic.rng import PublicIds
from archive.synthetic.scales import Scale

# Records per chunk; each chunk has its own random stream (see rng.py). Fixed, so
# rows never depend on batching.
CHUNK = 2_500


class Batch(defaultdict):
    """Rows made by one chunk, by table name."""

    def __init__(self):
        super().__init__(list)


@dataclass
class Named:
    """Records other rows show by name: primary name, forms per language, public flag."""

    names: list[str] = field(default_factory=list)
    forms: list[dict] | None = None
    public: bytearray = field(default_factory=bytearray)

    def add(self, name: str, is_public: bool, forms: dict | None = None) -> int:
        self.names.append(name)
        self.public.append(is_public)
        if self.forms is not None:
            self.forms.append(forms)
        return len(self.names)  # the new record's id

    def __len__(self) -> int:
        return len(self.names)

    def name(self, pk: int) -> str:
        return self.names[pk - 1]

    def is_public(self, pk: int) -> bool:
        return bool(self.public[pk - 1])

    def form(self, pk: int, lang: str) -> str:
        return self.forms[pk - 1][lang]


@dataclass
class Protests:
    """Protests by id: enough to rebuild a title (kind, main place, ending) and the gate."""

    kind: bytearray = field(default_factory=bytearray)
    place: array = field(default_factory=lambda: array("I"))
    ending: bytearray = field(default_factory=bytearray)
    public: bytearray = field(default_factory=bytearray)

    def __len__(self) -> int:
        return len(self.kind)


class Spool:
    """Rows written now and read back later, on disk once they outgrow memory."""

    LIMIT = 20_000

    def __init__(self):
        self.rows: list = []
        self.file = None
        self.count = 0

    def add(self, row: tuple) -> None:
        self.rows.append(row)
        self.count += 1
        if len(self.rows) >= self.LIMIT:
            if self.file is None:
                self.file = tempfile.TemporaryFile(prefix="archive-spool-")  # noqa: SIM115 - read back later
            pickle.dump(self.rows, self.file, protocol=pickle.HIGHEST_PROTOCOL)
            self.rows = []

    def batches(self):
        if self.file is not None:
            self.file.seek(0)
            while True:
                try:
                    yield pickle.load(self.file)  # noqa: S301 - our own temporary file
                except EOFError:
                    break
            self.file.close()
            self.file = None
        if self.rows:
            yield self.rows
            self.rows = []


@dataclass
class Context:
    seed: int
    scale: Scale
    content_types: dict[str, int]
    withheld_label: str
    counters: dict = field(default_factory=lambda: defaultdict(int))
    places: Named = field(default_factory=lambda: Named(forms=[]))
    place_kind: list = field(default_factory=list)
    place_country: array = field(default_factory=lambda: array("I"))
    cities: list = field(default_factory=list)
    hot_cities: list = field(default_factory=list)
    diaspora_cities: list = field(default_factory=list)
    countries: dict = field(default_factory=dict)
    organizations: Named = field(default_factory=lambda: Named(forms=[]))
    organizers: list = field(default_factory=list)
    authorities: list = field(default_factory=list)
    people: Named = field(default_factory=Named)
    outlets: Named = field(default_factory=Named)
    slogans: list = field(default_factory=list)
    sources: int = 0
    protests: Protests = field(default_factory=Protests)
    arrests: int = 0
    statements: int = 0
    search: Spool = field(default_factory=Spool)
    public_ids: dict = field(default_factory=dict)

    def next_id(self, table: str) -> int:
        self.counters[table] += 1
        return self.counters[table]

    def public_id(self, table: str, pk: int) -> str:
        if table not in self.public_ids:
            self.public_ids[table] = PublicIds(self.seed, table)
        return self.public_ids[table](pk)
