"""The statistics audit reports use, in plain Python: no numerical libraries are needed.

- Weighted Cohen's kappa (Cohen 1968) for agreement between auditor and moderator on ordinal
  grades. Line of Sight reports LINEAR weights by default: with four grades, being one grade
  apart (Good against Requires improvement) counts as a partial disagreement, two apart more,
  in equal steps. Quadratic weights are available and penalise wide disagreements more.
- Wilson score intervals (Wilson 1927; method 3 in Newcombe 1998) for the share of audits at a
  grade: unlike the simple "p ± 1.96 SE" interval they behave with small counts and at 0% or 100%.
- Small-number suppression and run-chart rules.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from statistics import median

from lineofsight.web import figures

Z_95 = 1.959963984540054  # the 97.5th percentile of the standard normal distribution
# The one small-number rule lives in lineofsight.web.figures; these names are kept for callers.
SUPPRESS_BELOW = figures.SMALL_MAX + 1
SUPPRESSED = figures.FEWER_THAN_5


# -- agreement ---------------------------------------------------------------------------------


def agreement_table(pairs: Iterable[tuple[int, int]], categories: Sequence[int]) -> list[list[int]]:
    """Counts of (first rater's category, second rater's category), in `categories` order."""
    index = {c: i for i, c in enumerate(categories)}
    table = [[0] * len(categories) for _ in categories]
    for a, b in pairs:
        table[index[a]][index[b]] += 1
    return table


def disagreement_weights(k: int, scheme: str = "linear") -> list[list[float]]:
    """Cohen's disagreement weights v_ij for k ordered categories: 0 on the diagonal."""
    if scheme == "linear":
        return [[abs(i - j) for j in range(k)] for i in range(k)]
    if scheme == "quadratic":
        return [[(i - j) ** 2 for j in range(k)] for i in range(k)]
    if scheme == "unweighted":
        return [[0 if i == j else 1 for j in range(k)] for i in range(k)]
    raise ValueError(f"Unknown weighting {scheme!r}: use linear, quadratic or unweighted")


def weighted_kappa(
    table: Sequence[Sequence[float]],
    weights: str | Sequence[Sequence[float]] = "linear",
) -> float | None:
    """Cohen's (1968) weighted kappa from a k x k table of counts or proportions.

    kappa_w = 1 - sum(v_ij * p_ij) / sum(v_ij * e_ij), where p are the observed proportions,
    e = row total x column total the proportions expected by chance, and v the disagreement
    weights (a scheme name, or a matrix as in Cohen's paper). None when it is undefined: no
    ratings, or both raters gave every file the same single grade (chance explains everything).
    """
    k = len(table)
    if any(len(row) != k for row in table):
        raise ValueError("The agreement table must be square")
    v = disagreement_weights(k, weights) if isinstance(weights, str) else weights
    total = float(sum(sum(row) for row in table))
    if total <= 0:
        return None
    rows = [sum(row) / total for row in table]
    cols = [sum(table[i][j] for i in range(k)) / total for j in range(k)]
    observed = sum(v[i][j] * table[i][j] / total for i in range(k) for j in range(k))
    expected = sum(v[i][j] * rows[i] * cols[j] for i in range(k) for j in range(k))
    if expected == 0:
        return None
    return 1.0 - observed / expected


def exact_agreement(pairs: Sequence[tuple[int, int]]) -> float | None:
    """The share of pairs with the same grade."""
    if not pairs:
        return None
    return sum(1 for a, b in pairs if a == b) / len(pairs)


@dataclass(frozen=True)
class Agreement:
    n: int
    exact: float | None
    kappa: float | None
    higher: int  # the first rater graded higher than the second
    same: int
    lower: int
    mean_difference: float | None  # first minus second, in grade steps


def agreement(
    pairs: Sequence[tuple[int, int]], categories: Sequence[int], weights: str = "linear"
) -> Agreement:
    """Agreement between a first rater (the auditor) and a second (the moderator)."""
    higher = sum(1 for a, b in pairs if a > b)
    lower = sum(1 for a, b in pairs if a < b)
    return Agreement(
        n=len(pairs),
        exact=exact_agreement(pairs),
        kappa=weighted_kappa(agreement_table(pairs, categories), weights) if pairs else None,
        higher=higher,
        same=len(pairs) - higher - lower,
        lower=lower,
        mean_difference=(sum(a - b for a, b in pairs) / len(pairs)) if pairs else None,
    )


# -- proportions -------------------------------------------------------------------------------


def wilson_interval(successes: int, n: int, z: float = Z_95) -> tuple[float, float] | None:
    """The Wilson score interval for successes/n (no continuity correction); None when n is 0."""
    if n <= 0:
        return None
    if not 0 <= successes <= n:
        raise ValueError("successes must lie between 0 and n")
    p = successes / n
    z2 = z * z
    centre = p + z2 / (2 * n)
    spread = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    denominator = 1 + z2 / n
    low = (centre - spread) / denominator
    high = (centre + spread) / denominator
    # Exact bounds at the ends; floating point can leave -1e-17 or 1 + 1e-16.
    return (0.0 if successes == 0 else max(0.0, low), 1.0 if successes == n else min(1.0, high))


def is_suppressed(count: int) -> bool:
    """Counts from 1 to 4 are not shown: small enough to identify a child or a worker."""
    return figures.is_small(count)


def shown(count: int) -> str:
    return figures.count_text(count)


def suppress_row(counts: Sequence[int]) -> list[bool]:
    """Which cells of a row to hide, when the row total is shown.

    Primary: counts from 1 to 4. Secondary: if only one cell is hidden, it could be worked out
    from the total, so the smallest other cell is hidden too.
    """
    hidden = [is_suppressed(c) for c in counts]
    if sum(hidden) == 1 and len(counts) > 1:
        others = [(c, i) for i, c in enumerate(counts) if not hidden[i]]
        _, smallest = min(others)
        hidden[smallest] = True
    return hidden


# -- run charts --------------------------------------------------------------------------------

SHIFT_LENGTH = 6  # points in a row on one side of the median: a signal, not chance


@dataclass(frozen=True)
class RunChart:
    median: float | None
    # Indexes of points that belong to a shift (a run of SHIFT_LENGTH or more on one side).
    shift_points: frozenset[int]


def run_chart(values: Sequence[float | None]) -> RunChart:
    """The median line and any shift, by the usual run-chart rule (points on the median neither
    break nor extend a run). Missing points (suppressed months) are skipped."""
    present = [(i, v) for i, v in enumerate(values) if v is not None]
    if not present:
        return RunChart(None, frozenset())
    centre = median(v for _, v in present)
    shift: set[int] = set()
    run: list[int] = []
    side = 0
    for i, v in present:
        s = (v > centre) - (v < centre)
        if s == 0:
            continue
        if s != side:
            if len(run) >= SHIFT_LENGTH:
                shift.update(run)
            run, side = [], s
        run.append(i)
    if len(run) >= SHIFT_LENGTH:
        shift.update(run)
    return RunChart(centre, frozenset(shift))
