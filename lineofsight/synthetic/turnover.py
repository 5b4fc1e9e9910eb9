"""When closed episodes start and end, so that the numbers open move smoothly over time.

The children open on the as-at date are built from the published figures, and closed episodes then
fill each year's published starts. Were every closed episode given its natural length and cut short
at the as-at date, its endings would pile up in the last days, and the numbers open a month before
would stand far above the published ones. A council's numbers open move slowly because children
start and stop being supported at a steady rate; the generator reproduces that:

- starts of closed episodes take the days the open ones leave free, so that all starts of a kind
  come at a steady rate through each year;
- endings come at the same steady rate, each one given to an episode already open on that day,
  the one whose length is nearest a length drawn from the usual distribution;
- episodes that began before the first reporting year and end within it are created too, so that
  the numbers open at the start of the window are not short of them.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Callable, Sequence

from .sampling import Draw


def steady_days(*, first: int, last: int, n: int, draw: Draw) -> list[int]:
    """`n` days spread evenly over [first, last]: one at random within each of `n` equal slots,
    so that any month holds its fair share give or take one."""
    if n <= 0 or last < first:
        return []
    width = (last - first + 1) / n
    return [
        min(last, first + int(i * width) + draw.between(0, max(0, int(width) - 1)))
        for i in range(n)
    ]


def leave_free(*, days: Sequence[int], taken: Sequence[int]) -> list[int]:
    """`days` less, for each day in `taken`, the remaining day nearest to it: what is left for
    closed episodes once the open ones have had their starts (or endings)."""
    free = sorted(days)
    for day in sorted(taken):
        if not free:
            break
        i = bisect_left(free, day)
        if i == len(free) or (i > 0 and day - free[i - 1] <= free[i] - day):
            i -= 1
        free.pop(i)
    return free


def already_open(*, before: int, n: int, length: Callable[[], int], draw: Draw) -> list[int]:
    """Start days of `n` episodes begun before `before` and still open on it: the time already
    open is a fraction of a typical length, as for children part way through an episode."""
    return [before - 1 - draw.between(0, max(0, length() - 1)) for _ in range(n)]


def pair_endings(
    *,
    opens: Sequence[int],
    ends: Sequence[int],
    length: Callable[[], int],
) -> list[int | None]:
    """An end day for each episode, where `opens[i]` is the first day episode i may end; None for
    an episode no end was left for.

    The ends are taken in date order; each goes to the episode open by then whose opening day is
    nearest the end less a length drawn from the usual distribution, so lengths look natural while
    the endings keep the steady pace of `ends`. An end that finds no episode open is not used.
    """
    order = sorted(range(len(opens)), key=lambda i: (opens[i], i))
    pool: list[tuple[int, int]] = []
    out: list[int | None] = [None] * len(opens)
    j = 0
    for end in sorted(ends):
        while j < len(order) and opens[order[j]] <= end:
            insort(pool, (opens[order[j]], order[j]))
            j += 1
        if not pool:
            continue
        target = end - length()
        k = bisect_left(pool, (target, -1))
        if k == len(pool) or (k > 0 and target - pool[k - 1][0] <= pool[k][0] - target):
            k -= 1
        out[pool.pop(k)[1]] = end
    return out


def shortfall(*, opens: Sequence[int], ends: Sequence[int]) -> int:
    """How many more episodes, open from the start, the ends need so that none finds the pool
    empty: the largest excess of ends over openings up to any day."""
    events = sorted([(o, 0) for o in opens] + [(e, 1) for e in ends])
    worst = balance = 0
    for _, is_end in events:
        balance += 1 if is_end else -1
        worst = max(worst, balance)
    return worst
