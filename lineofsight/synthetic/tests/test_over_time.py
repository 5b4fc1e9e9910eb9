"""A synthetic council looks like a real one over time, not only on the as-at date.

Children in need, on a protection plan and looked after change slowly from month to month; closed
episodes do not pile up in the last days before the as-at date; the published figures are still
met; and nothing happens after the year end, which is the extract's as-at date.
"""

from __future__ import annotations

import csv
import json
import statistics
from collections import Counter
from datetime import date, timedelta

import duckdb
import pytest

from lineofsight.casework import schema
from lineofsight.synthetic.calibration import compare, compute_figures, published_figures
from lineofsight.synthetic.generator import GENERATOR_VERSION, Result, synthesize
from lineofsight.synthetic.ssdcsv import attach_csv_tables

AREA = "891"  # Nottinghamshire
SCALE = 1.0  # about 4,000 children in need, built in seconds; daily counts worth comparing
SEED = 1
LARGEST_MONTHLY_CHANGE = 0.06
SPIKE_FACTOR = 3

# (table, start column, end column, who is counted): the three numbers every director watches.
STOCKS = {
    "children in need": (
        "ssd_cin_episodes",
        "cine_referral_date",
        "cine_close_date",
        "cine_referral_id",
    ),
    "child protection plans": (
        "ssd_cp_plans",
        "cppl_cp_plan_start_date",
        "cppl_cp_plan_end_date",
        "cppl_cp_plan_id",
    ),
    # A looked-after child may have several episodes (a change of placement or legal status):
    # children are counted, not episodes.
    "looked-after children": (
        "ssd_cla_episodes",
        "clae_cla_episode_start_date",
        "clae_cla_episode_ceased_date",
        "clae_person_id",
    ),
}
# Dates that look ahead by nature (a baby's expected birth, a review or conference due): not events.
PLANNED = {
    "pers_expected_dob",
    "icpc_icpc_target_date",
    "cppr_cp_review_due",
    "clar_cla_review_due_date",
}


@pytest.fixture(scope="module")
def council(tmp_path_factory: pytest.TempPathFactory) -> Result:
    out = tmp_path_factory.mktemp("over-time")
    return synthesize(AREA, out, scale=SCALE, seed=SEED, annex_a=False)


@pytest.fixture(scope="module")
def as_at(council: Result) -> date:
    return date(council.targets.year, 3, 31)


def _rows(council: Result, table: str) -> list[dict[str, str]]:
    with (council.out / "ssd" / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _day(text: str) -> date | None:
    return date.fromisoformat(text[:10]) if text else None


def _month_ends(as_at: date, months: int) -> list[date]:
    """The last day of each of the `months` months before the as-at date's, and the as-at date."""
    out = [as_at]
    first = as_at.replace(day=1)
    for _ in range(months):
        out.append(first - timedelta(days=1))
        first = out[-1].replace(day=1)
    return out[::-1]


def _open_on(spans: list[tuple[str, date, date | None]], day: date) -> int:
    """Distinct people (or episodes) open on `day`: started by then and not ended by then."""
    return len({who for who, start, end in spans if start <= day and (end is None or end > day)})


def _spans(council: Result, kind: str) -> list[tuple[str, date, date | None]]:
    table, start, end, who = STOCKS[kind]
    out = []
    for row in _rows(council, table):
        began = _day(row[start])
        if began is not None:
            out.append((row[who], began, _day(row[end])))
    return _periods(out) if kind == "looked-after children" else out


def _periods(spans: list[tuple[str, date, date | None]]) -> list[tuple[str, date, date | None]]:
    """A child's episodes joined where one begins the day another ends (a move, a new legal
    status): a child comes into care once and leaves once per period of care."""
    out: list[tuple[str, date, date | None]] = []
    for who, start, end in sorted(spans, key=lambda s: (s[0], s[1])):
        if out and out[-1][0] == who and out[-1][2] is not None and start <= out[-1][2]:
            last_end = out[-1][2]
            out[-1] = (who, out[-1][1], None if end is None else max(end, last_end))
        else:
            out.append((who, start, end))
    return out


def test_month_end_numbers_move_smoothly_over_two_years(council: Result, as_at: date) -> None:
    ends = _month_ends(as_at, 24)
    assert ends[0] == date(as_at.year - 2, 3, 31) and ends[-1] == as_at
    for kind in STOCKS:
        spans = _spans(council, kind)
        counts = [_open_on(spans, day) for day in ends]
        assert min(counts) > 0, kind
        changes = [abs(b - a) / a for a, b in zip(counts, counts[1:], strict=False)]
        worst = max(range(len(changes)), key=changes.__getitem__)
        assert changes[worst] <= LARGEST_MONTHLY_CHANGE, (
            f"{kind}: {counts[worst]} on {ends[worst]} but {counts[worst + 1]} on "
            f"{ends[worst + 1]} ({100 * changes[worst]:.1f}%); month ends: {counts}"
        )


def test_month_end_helper_counts_what_was_open() -> None:
    spans = [
        ("a", date(2025, 1, 10), None),
        ("b", date(2025, 1, 10), date(2025, 1, 31)),  # ended on the day: not open
        ("c", date(2025, 2, 1), date(2025, 3, 1)),
        ("a", date(2024, 12, 1), date(2025, 2, 1)),  # the same child twice: counted once
    ]
    assert _open_on(spans, date(2025, 1, 31)) == 1
    assert _open_on(spans, date(2025, 2, 28)) == 2
    moves = [
        ("x", date(2024, 5, 1), date(2024, 9, 1)),
        ("x", date(2024, 9, 1), None),  # a move: the same period of care
        ("y", date(2024, 5, 1), date(2024, 6, 1)),
        ("y", date(2024, 8, 1), date(2024, 8, 20)),  # back in care later: a second period
    ]
    assert _periods(moves) == [
        ("x", date(2024, 5, 1), None),
        ("y", date(2024, 5, 1), date(2024, 6, 1)),
        ("y", date(2024, 8, 1), date(2024, 8, 20)),
    ]
    assert _month_ends(date(2025, 3, 31), 2) == [
        date(2025, 1, 31),
        date(2025, 2, 28),
        date(2025, 3, 31),
    ]


def _busiest_late_week(days: list[date], as_at: date) -> tuple[date, int, float]:
    """The busiest 7 days ending on one of the last 30 days up to the as-at date (the day they
    end and their count), and the median count of 7 days running over the eleven months before.

    Weeks, not single days: a council records one or two children coming into care a day, too
    few for a single day's count to say anything; a pile-up of endings shows in its week."""
    per_day = Counter(days)

    def week_to(day: date) -> int:
        return sum(per_day.get(day - timedelta(days=i), 0) for i in range(7))

    late_from = as_at - timedelta(days=29)
    usual = [week_to(late_from - timedelta(days=i)) for i in range(1, 336)]
    late = [(day, week_to(day)) for day in (late_from + timedelta(days=i) for i in range(30))]
    day, n = max(late, key=lambda pair: pair[1])
    return day, n, statistics.median(usual)


@pytest.mark.parametrize("kind", list(STOCKS))
@pytest.mark.parametrize("which", ["starts", "endings"])
def test_no_cluster_of_starts_or_endings_before_the_as_at_date(
    council: Result, as_at: date, kind: str, which: str
) -> None:
    spans = _spans(council, kind)
    days = [start if which == "starts" else end for _, start, end in spans]
    day, n, median = _busiest_late_week([d for d in days if d is not None], as_at)
    assert median >= 5, f"{kind} {which}: too few to judge ({median} a week)"
    assert n <= SPIKE_FACTOR * median, f"{kind} {which}: {n} in the week to {day}, usually {median}"


def test_busiest_late_week_sees_a_pile_up() -> None:
    as_at = date(2025, 3, 31)
    steady = [as_at - timedelta(days=i) for i in range(400) for _ in range(2)]  # 14 a week
    assert _busiest_late_week(steady, as_at) == (date(2025, 3, 2), 14, 14)
    piled = steady + [as_at - timedelta(days=1)] * 29  # the week to 30 March: 14 + 29
    day, n, median = _busiest_late_week(piled, as_at)
    assert (day, n, median) == (date(2025, 3, 30), 43, 14)
    assert n > SPIKE_FACTOR * median


def test_published_figures_are_still_met(council: Result) -> None:
    year = council.targets.year
    con = duckdb.connect()
    attach_csv_tables(con, council.out / "ssd")
    rows = compare(compute_figures(con, year), published_figures(AREA, year), scale=SCALE)
    judged = [r for r in rows if r.within is not None]
    assert len(judged) >= 18
    misses = [f"{r.figure.key}: {r.computed} vs {r.published:.1f}" for r in judged if not r.within]
    assert not misses, misses


def test_nothing_happens_after_the_year_end(council: Result, as_at: date) -> None:
    structure = json.loads((council.out / "structure.json").read_text(encoding="utf-8"))
    assert structure["as_at"] == as_at.isoformat()
    assert structure["generator_version"] == GENERATOR_VERSION
    latest = date.min
    after: list[str] = []
    for name, table in schema.tables().items():
        path = council.out / "ssd" / f"{name}.csv"
        columns = [f.name for f in table.fields if f.is_date and f.name not in PLANNED]
        if not path.exists() or not columns:
            continue
        for row in _rows(council, name):
            for column in columns:
                day = _day(row[column])
                if day is None:
                    continue
                latest = max(latest, day)
                if day > as_at:
                    after.append(f"{name}.{column} = {day}")
    assert not after, after[:10]
    # An importer takes the extract's date from its latest event: that is the year end itself.
    assert latest == as_at
