"""How many records each scale generates.

From GitHub issue #7: S ≈ 20k events (protests + arrests + statements), M ≈ 200k,
L ≈ 1.5M with ≈ 200k people, ≈ 20k organizations, ≈ 5k outlets and ≈ 5M links;
S and M scale the rest down in proportion. XS is a few hundred records, for tests.
The real places (countries, provinces, cities, landmarks) come on top of
``places``, which counts generated villages and sites.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    name: str
    places: int
    people: int
    organizations: int
    outlets: int
    sources: int
    slogans: int
    protests: int
    arrests: int
    statements: int

    @property
    def events(self) -> int:
        return self.protests + self.arrests + self.statements


SCALES = {
    "XS": Scale("XS", 40, 60, 20, 10, 80, 30, 100, 60, 60),
    "S": Scale("S", 330, 2_700, 270, 70, 3_300, 300, 8_000, 6_700, 5_300),
    "M": Scale("M", 3_300, 27_000, 2_700, 670, 33_000, 1_000, 80_000, 67_000, 53_000),
    "L": Scale("L", 25_000, 200_000, 20_000, 5_000, 250_000, 2_000, 600_000, 500_000, 400_000),
}
