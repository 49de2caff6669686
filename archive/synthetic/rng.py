"""Deterministic randomness: one seeded stream per (seed, purpose, chunk).

Every table is generated in fixed-size chunks, each from its own stream, so the
rows never depend on how a loader batches them, on the database, or on the
order phases happen to run in. The same seed gives the same rows, public ids
included; another seed gives others.
"""

import enum
import hashlib
import random

from archive.models.base import PUBLIC_ID_ALPHABET

MASK50 = (1 << 50) - 1  # ten base-32 characters hold 50 bits


def stream(seed: int, purpose: str, chunk: int = 0) -> "Rand":
    digest = hashlib.blake2b(f"{seed}:{purpose}:{chunk}".encode(), digest_size=8).digest()
    return Rand(int.from_bytes(digest, "big"))


class Rand(random.Random):
    """random.Random with the few shortcuts the generators use everywhere."""

    def chance(self, p: float) -> bool:
        return self.random() < p

    def pick(self, seq):
        return seq[int(self.random() * len(seq))]

    def weighted(self, table):
        """One key of a ``Weights`` table."""
        return table.draw(self.random())

    def some(self, seq, low: int, high: int) -> list:
        """Between low and high distinct items of seq (fewer if seq is short)."""
        k = min(len(seq), self.randint(low, high))
        return self.sample(seq, k) if k else []

    def ids(self, count: int, low: int, high: int) -> list[int]:
        """Between low and high distinct ids from 1..count, sorted."""
        k = min(count, self.randint(low, high))
        if k <= 0:
            return []
        found: set[int] = set()
        while len(found) < k:
            found.add(1 + int(self.random() * count))
        return sorted(found)


class Weights:
    """Cumulative weights for fast repeated draws: Weights({"a": 3, "b": 1})."""

    def __init__(self, weights: dict):
        total = float(sum(weights.values()))
        # Plain values, not enum members: rows must hold what the database stores.
        self.keys = [key.value if isinstance(key, enum.Enum) else key for key in weights]
        self.bounds = []
        running = 0.0
        for weight in weights.values():
            running += weight / total
            self.bounds.append(running)

    def draw(self, u: float):
        for key, bound in zip(self.keys, self.bounds, strict=True):
            if u < bound:
                return key
        return self.keys[-1]


class PublicIds:
    """Ten-character public ids, a keyed bijection of the row id.

    A bijection rather than random draws, so two rows of a table can never
    collide however many there are.
    """

    def __init__(self, seed: int, table: str):
        digest = hashlib.blake2b(f"{seed}:public-id:{table}".encode(), digest_size=16).digest()
        self.keys = [int.from_bytes(digest[i : i + 4], "big") | 1 for i in range(0, 16, 4)]

    def __call__(self, row_id: int) -> str:
        x = row_id & MASK50
        for key in self.keys:
            # Each step (xor-shift, multiply by an odd key modulo 2**50) is invertible.
            x ^= x >> 23
            x = (x * key) & MASK50
            x ^= x >> 17
        chars = []
        for _ in range(10):
            chars.append(PUBLIC_ID_ALPHABET[x & 31])
            x >>= 5
        return "".join(chars)
