"""Small, fast helpers over one `random.Random` (never the module-level generator)."""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Sequence
from itertools import accumulate
from typing import Generic, TypeVar

T = TypeVar("T")


class Weighted(Generic[T]):
    """Draw one of `items` with the given relative weights (cumulative table built once)."""

    __slots__ = ("items", "cum", "total")

    def __init__(self, items: Sequence[T], weights: Sequence[float]) -> None:
        if not items or len(items) != len(weights):
            raise ValueError("Weighted needs as many weights as items, and at least one item")
        self.items = list(items)
        self.cum = list(accumulate(weights))
        self.total = self.cum[-1]
        self.cum[-1] = float("inf")  # so that bisect never runs past the last item

    def draw(self, u: float) -> T:
        """The item for a uniform number u in [0, 1)."""
        return self.items[bisect_right(self.cum, u * self.total)]


def seeded(seed: int, *parts: object) -> random.Random:
    """An independent generator per purpose; string seeding is stable across runs and platforms."""
    return random.Random(":".join([str(seed), *map(str, parts)]))


class Draw:
    """Integer ranges, chances and choices over one generator."""

    __slots__ = ("rng", "r")

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.r = rng.random

    def between(self, low: int, high: int) -> int:
        """An integer in [low, high]; low when the range is empty."""
        if high <= low:
            return low
        return low + int(self.r() * (high - low + 1))

    def chance(self, p: float) -> bool:
        return self.r() < p

    def pick(self, seq: Sequence[T]) -> T:
        return seq[int(self.r() * len(seq))]

    def weighted(self, table: Weighted[T]) -> T:
        return table.items[bisect_right(table.cum, self.r() * table.total)]

    def expovariate(self, mean: float) -> float:
        return self.rng.expovariate(1.0 / mean) if mean > 0 else 0.0

    def sample(self, seq: Sequence[T], k: int) -> list[T]:
        k = max(0, min(k, len(seq)))
        return self.rng.sample(list(seq), k)

    def shuffle(self, items: list[T]) -> None:
        self.rng.shuffle(items)


def split_evenly(total: int, parts: int, index: int) -> int:
    """The share of `total` for part `index` when split into `parts` as evenly as integers allow."""
    return total // parts + (1 if index < total % parts else 0)


def round_half_up(x: float) -> int:
    return int(x + 0.5) if x >= 0 else -int(-x + 0.5)


def allocate(total: int, weights: Sequence[float]) -> list[int]:
    """Split an integer total in proportion to weights (largest remainder), summing exactly."""
    s = sum(weights)
    if total <= 0 or s <= 0:
        return [0] * len(weights)
    raw = [total * w / s for w in weights]
    out = [int(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - out[i]), i))
    for i in order[: total - sum(out)]:
        out[i] += 1
    return out
