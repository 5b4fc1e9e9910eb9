"""Computes indicator values from a casework snapshot (and the product's own records).

    compute(snapshot=s, period_end=date(2025, 3, 31))             every indicator, one period
    trend(snapshot=s, period_end=date(2025, 3, 31), months=12)    the 12 month ends to it
    children_behind(snapshot=s, indicator_id="referrals", period_end=...)

How a snapshot indicator runs. The engine makes a table `_periods(period_start, period_end)`,
one row per period asked for (a period is the 12 months to its end, both days included: the
year to 31 March 2025 starts on 1 April 2024). Each definition's SQL (definitions/*.yml) returns
one row per counted unit and period: period_end, person_id, numerator, denominator, detail (and
team_key when the definition attributes rows itself). The engine sums numerator and denominator
per period end, so one definition gives the figure, every month of its trend and the children
behind it. Then:

    count      value = numerator
    percent    value = 100 * numerator / denominator
    per 10k    value = 10000 * numerator / children in the area (ONS)
    mean       value = numerator / denominator

Nothing to count (no denominator, a table the import did not provide, timeliness never worked
out, a period ending after the snapshot's date) gives value None and a reason in plain words.

Teams: a child counts for the team responsible for them on the period-end date, read from the
snapshot's `child_attribution` table (casework.attribution, the one rule that timeliness, audits
and worklists read too): their allocation open then (the open involvement that started last, an
allocated worker before a personal adviser); without one, their referral open then (else their
latest referral before it); else a care leaver's allocated team. Workers count for their own
team (ssd_professionals.prof_professional_department). `team_ids` are accounts.Team primary
keys, matched through Team.case_system_id.

The workforce census: on a date a census imported into the snapshot describes (its 30
September), an indicator whose definition names a `census_figure` (caseload_mean,
agency_worker_pct) reports that census indicator's figure instead of its own count from the
case system, and says so (IndicatorValue.figure_from); team by team too unless the census gives
the figure for the whole council only (`census_figure_by_team: false`).

Results for snapshot indicators are cached in IndicatorResultCache (a snapshot never changes);
records indicators (records.py) are computed on every call.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import duckdb
from django.conf import settings
from django.db import IntegrityError, transaction

from lineofsight.accounts.models import Team
from lineofsight.casework import attribution, store
from lineofsight.casework.models import Snapshot
from lineofsight.publishedstats import loader
from lineofsight.web import dates

from . import catalogue as cat
from .models import IndicatorResultCache
from .types import Indicator, IndicatorValue, Source, Unit

TIMELINESS_TABLES = frozenset({"_calendar", "event_timeliness"})
_NOT_WORKED_OUT = (
    "Timeliness has not been worked out for this data: import it again, or run lineofsight "
    "recompute."
)
# Tables an import's post-load steps derive, with why an indicator reading one has no value when
# an older snapshot lacks it. Apps above this one add theirs in AppConfig.ready().
DERIVED_TABLES: dict[str, str] = dict.fromkeys(TIMELINESS_TABLES, _NOT_WORKED_OUT)


def register_derived_table(name: str, *, missing: str) -> None:
    DERIVED_TABLES[name] = missing


# Plain names of the snapshot tables, for "no data" reasons.
TABLE_WORDS = {
    "ssd_person": "children's personal details",
    "ssd_cin_episodes": "referrals (children in need episodes)",
    "ssd_cin_assessments": "assessments",
    "ssd_s47_enquiry": "section 47 enquiries",
    "ssd_initial_cp_conference": "initial child protection conferences",
    "ssd_cp_plans": "child protection plans",
    "ssd_cp_visits": "child protection visits",
    "ssd_cp_reviews": "child protection reviews",
    "ssd_cla_episodes": "looked-after children's episodes of care",
    "ssd_cla_placement": "placements",
    "ssd_cla_reviews": "looked-after children's reviews",
    "ssd_cla_visits": "looked-after children's visits",
    "ssd_care_leavers": "care leavers",
    "ssd_professionals": "workers",
    "ssd_involvements": "allocations of workers to children",
}

# Which team each child counts for on each period end (see the module docstring): the
# snapshot's child_attribution table read on each date. Portable SQL, like the definitions.
ATTRIBUTION_SQL = """
SELECT p.period_end, a.person_id, a.team_id AS team_key
FROM _periods p
JOIN child_attribution a
  ON (a.valid_from IS NULL OR a.valid_from <= p.period_end)
 AND (a.valid_until IS NULL OR a.valid_until > p.period_end)
WHERE a.team_id IS NOT NULL
"""

_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


# -- periods ----------------------------------------------------------------------------------


def default_period_end(snapshot: Snapshot) -> date:
    """The latest 31 March on or before the snapshot's as-at date."""
    as_at = snapshot.as_at
    year = as_at.year if (as_at.month, as_at.day) >= (3, 31) else as_at.year - 1
    return date(year, 3, 31)


def period_start(period_end: date) -> date:
    """The first day of the 12 months to `period_end`: 31 March 2025 -> 1 April 2024."""
    return dates.add_months(period_end + timedelta(days=1), -12)


def month_ends(period_end: date, months: int) -> list[date]:
    """`months` period ends a month apart, oldest first, the last being `period_end`. From a
    month's last day, each earlier one is that month's last day (31 March, 28 February...)."""
    out = []
    for back in range(max(1, months) - 1, -1, -1):
        day = dates.add_months(period_end, -back)
        if period_end == dates.month_end(period_end):
            day = dates.month_end(day)
        out.append(day)
    return out


def population_year(period_end: date) -> int:
    """The ONS mid-year (30 June) estimate in force on `period_end`: the latest on or before it
    (the DfE divides the year to 31 March 2025 by the mid-2024 estimate)."""
    return period_end.year if (period_end.month, period_end.day) >= (6, 30) else period_end.year - 1


def child_population(period_end: date) -> float | None:
    return loader.child_population(str(settings.COUNCIL_CODE), population_year(period_end))


# -- results ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChildRow:
    person_id: str
    counted_in: str  # "numerator" or "denominator"
    team_id: int | None
    detail: str  # e.g. "referral 3 May 2024; previous 1 January 2024"


@dataclass(frozen=True)
class _Sum:
    numerator: float
    denominator: float
    rows: int
    census: date | None = None  # the census date, when the figure is the census's


def _words_date(text: str) -> str:
    """ISO dates inside `text` as "3 May 2024"."""

    def one(m: re.Match[str]) -> str:
        try:
            d = date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return m[0]
        return f"{d.day} {d:%B %Y}"

    return _ISO_DATE.sub(one, text)


def _long_date(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


TEAM_RATE_REASON = (
    "A rate per 10,000 children is for the whole council: the number of children living in a "
    "team's patch is not known."
)


def value_from(
    indicator: Indicator,
    *,
    period_end: date,
    numerator: float | None,
    denominator: float | None,
    reason: str = "",
    empty: str = "",
    team_id: int | None = None,
    figure_from: str = "",
) -> IndicatorValue:
    """An IndicatorValue from summed numerator and denominator, by the indicator's unit."""
    start = period_start(period_end)
    if reason or numerator is None:
        return IndicatorValue(
            indicator, start, period_end, None, None, None, reason or empty, team_id
        )
    if indicator.unit is Unit.COUNT:
        return IndicatorValue(
            indicator, start, period_end, float(numerator), numerator, None, "", team_id,
            figure_from,
        )  # fmt: skip
    if not denominator:
        return IndicatorValue(
            indicator,
            start,
            period_end,
            None,
            numerator,
            denominator,
            empty or "There is nothing to count in this period.",
            team_id,
            figure_from,
        )
    factor = {
        Unit.PERCENT: 100.0,
        Unit.PER_10K: 10000.0,
        Unit.MEAN: 1.0,
        Unit.PER_100: 100.0,
    }[indicator.unit]
    return IndicatorValue(
        indicator,
        start,
        period_end,
        factor * numerator / denominator,
        numerator,
        denominator,
        "",
        team_id,
        figure_from,
    )


# -- running definitions ----------------------------------------------------------------------


def _tables_in(con: duckdb.DuckDBPyConnection) -> frozenset[str]:
    rows = con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    return frozenset(r[0] for r in rows)


def _make_periods(con: duckdb.DuckDBPyConnection, ends: Sequence[date]) -> None:
    con.execute("CREATE OR REPLACE TEMP TABLE _periods (period_start DATE, period_end DATE)")
    con.executemany(
        "INSERT INTO _periods VALUES (?, ?)", [(period_start(e), e) for e in sorted(set(ends))]
    )


CENSUS_TABLE = "csww_council"  # one row per workforce census imported (intake.csww)


def census_dates(con: duckdb.DuckDBPyConnection, present: Iterable[str]) -> frozenset[date]:
    """The dates of the workforce censuses in the snapshot."""
    if CENSUS_TABLE not in set(present):
        return frozenset()
    rows = con.execute(
        f"SELECT DISTINCT census_date FROM {CENSUS_TABLE} WHERE census_date IS NOT NULL"
    ).fetchall()
    return frozenset(r[0] for r in rows)


def census_figure_from(census: date) -> str:
    return f"the workforce census of {_long_date(census)}"


def census_spec(spec: cat.Spec, *, filtered: bool) -> cat.Spec | None:
    """The census indicator reported instead of `spec` on a census date, if any."""
    if not spec.census_figure or (filtered and not spec.census_figure_by_team):
        return None
    return cat.spec(spec.census_figure)


def _make_attribution(con: duckdb.DuckDBPyConnection) -> None:
    attribution.ensure(con)
    con.execute(f"CREATE OR REPLACE TEMP TABLE _child_team AS {ATTRIBUTION_SQL}")


def _make_teams(con: duckdb.DuckDBPyConnection, team_keys: Sequence[str]) -> None:
    con.execute("CREATE OR REPLACE TEMP TABLE _teams (team_key VARCHAR)")
    if team_keys:
        con.executemany("INSERT INTO _teams VALUES (?)", [(k,) for k in team_keys])


def missing_reason(
    spec: cat.Spec, *, provided: Iterable[str], present: Iterable[str], as_at: date
) -> str:
    """Why the snapshot cannot give this indicator at all, or ""."""
    provided, present = set(provided), set(present)
    for table in spec.indicator.tables:
        if table in DERIVED_TABLES:
            if table not in present:
                return DERIVED_TABLES[table]
        elif table not in provided or table not in present:
            words = TABLE_WORDS.get(table, table)
            return f"The data imported (as at {_long_date(as_at)}) did not include {words}."
    return ""


def _aggregate_sql(spec: cat.Spec, filtered: bool) -> str:
    sql = spec.indicator.sql.rstrip().rstrip(";")
    if not filtered:
        return (
            "SELECT d.period_end, sum(d.numerator), sum(d.denominator), count(*) "
            f"FROM (\n{sql}\n) AS d GROUP BY d.period_end"
        )
    if spec.attribution == "row":
        return (
            "SELECT d.period_end, sum(d.numerator), sum(d.denominator), count(*) "
            f"FROM (\n{sql}\n) AS d "
            "WHERE d.team_key IN (SELECT team_key FROM _teams) GROUP BY d.period_end"
        )
    return (
        "SELECT d.period_end, sum(d.numerator), sum(d.denominator), count(*) "
        f"FROM (\n{sql}\n) AS d "
        "JOIN _child_team t ON t.period_end = d.period_end AND t.person_id = d.person_id "
        "WHERE t.team_key IN (SELECT team_key FROM _teams) GROUP BY d.period_end"
    )


def _rows_sql(spec: cat.Spec) -> str:
    sql = spec.indicator.sql.rstrip().rstrip(";")
    team = "d.team_key" if spec.attribution == "row" else "t.team_key"
    join = (
        ""
        if spec.attribution == "row"
        else "LEFT JOIN _child_team t ON t.period_end = d.period_end AND t.person_id = d.person_id"
    )
    return (
        f"SELECT d.person_id, d.numerator, d.denominator, d.detail, {team} AS team_key "
        f"FROM (\n{sql}\n) AS d {join} ORDER BY d.person_id, d.detail"
    )


def run_snapshot_indicators(
    con: duckdb.DuckDBPyConnection,
    *,
    as_at: date,
    provided: Iterable[str],
    ends: Sequence[date],
    team_keys: Sequence[str] | None,
    specs: Sequence[cat.Spec],
) -> dict[str, dict[date, _Sum | str]]:
    """Per indicator id, per period end: the sums, or a reason there is no value. Works on any
    DuckDB connection holding a snapshot's tables (the benchmark uses this directly)."""
    present = _tables_in(con)
    _make_periods(con, ends)
    filtered = team_keys is not None
    if filtered:
        _make_teams(con, team_keys)
        if any(s.attribution == "child" for s in specs):
            _make_attribution(con)
    ran: dict[str, dict[date, _Sum | str]] = {}

    def run(spec: cat.Spec) -> dict[date, _Sum | str]:
        if spec.indicator.id not in ran:
            reason = missing_reason(spec, provided=provided, present=present, as_at=as_at)
            if reason:
                ran[spec.indicator.id] = dict.fromkeys(ends, reason)
            else:
                got = {
                    row[0]: _Sum(float(row[1] or 0), float(row[2] or 0), int(row[3]))
                    for row in con.execute(_aggregate_sql(spec, filtered)).fetchall()
                }
                ran[spec.indicator.id] = {e: got.get(e, _Sum(0.0, 0.0, 0)) for e in ends}
        return ran[spec.indicator.id]

    on_census = census_dates(con, present) & set(ends)
    out: dict[str, dict[date, _Sum | str]] = {}
    for spec in specs:
        own = dict(run(spec))
        other = census_spec(spec, filtered=filtered)
        if other is not None and on_census:
            from_census = run(other)
            for e in on_census:
                got = from_census[e]
                if isinstance(got, _Sum):
                    own[e] = _Sum(got.numerator, got.denominator, got.rows, census=e)
        out[spec.indicator.id] = own
    return out


# -- caching ----------------------------------------------------------------------------------


def _fingerprint() -> str:
    text = json.dumps(
        [
            [
                s.indicator.id,
                s.indicator.sql,
                s.indicator.tables,
                s.attribution,
                s.census_figure,
                s.census_figure_by_team,
            ]
            for s in cat.specs()
            if s.indicator.source is Source.SNAPSHOT
        ]
        + [ATTRIBUTION_SQL, attribution.SQL],
        sort_keys=True,
    )
    return hashlib.sha256(text.encode()).hexdigest()


def _cache_key(period_end: date, months: int, team_keys: Sequence[str] | None) -> str:
    teams = "*" if team_keys is None else ",".join(team_keys)
    text = f"{period_end.isoformat()}|{months}|{teams}|{_fingerprint()}"
    return hashlib.sha256(text.encode()).hexdigest()


Payload = dict[str, list[list[object]]]


def _snapshot_payload(
    snapshot: Snapshot, ends: Sequence[date], team_keys: Sequence[str] | None
) -> Payload:
    """{id: [[period_end iso, numerator, denominator, rows, reason]]} for every snapshot
    indicator, from the cache or computed (and cached)."""
    period_end, months = ends[-1], len(ends)
    key = _cache_key(period_end, months, team_keys)
    hit = IndicatorResultCache.objects.filter(snapshot=snapshot, key=key).only("values").first()
    if hit is not None:
        return hit.values
    started = time.perf_counter()
    specs = [s for s in cat.specs() if s.indicator.source is Source.SNAPSHOT]
    with store.connect(snapshot) as con:
        sums = run_snapshot_indicators(
            con,
            as_at=snapshot.as_at,
            provided=snapshot.provided_tables,
            ends=ends,
            team_keys=team_keys,
            specs=specs,
        )
    payload: Payload = {}
    for ind_id, per_end in sums.items():
        payload[ind_id] = [
            [e.isoformat(), None, None, 0, got, ""]
            if isinstance(got, str)
            else [
                e.isoformat(),
                got.numerator,
                got.denominator,
                got.rows,
                "",
                got.census.isoformat() if got.census else "",
            ]
            for e, got in per_end.items()
        ]
    try:
        with transaction.atomic():
            IndicatorResultCache.objects.create(
                snapshot=snapshot,
                key=key,
                period_end=period_end,
                months=months,
                team_keys="" if team_keys is None else ",".join(team_keys),
                values=payload,
                seconds=time.perf_counter() - started,
            )
    except IntegrityError:
        pass  # another request computed the same values meanwhile
    return payload


# -- the API ----------------------------------------------------------------------------------


def team_keys_for(team_ids: Sequence[int] | None) -> tuple[str, ...] | None:
    """The case system team ids of these teams (None: the whole council)."""
    if team_ids is None:
        return None
    keys = Team.objects.filter(pk__in=list(team_ids)).values_list("case_system_id", flat=True)
    return tuple(sorted({k.strip() for k in keys if k and k.strip()}))


def _selected(ids: Sequence[str] | None) -> list[cat.Spec]:
    if ids is None:
        return list(cat.specs())
    wanted = set(ids)
    for i in wanted:
        cat.spec(i)  # KeyError for an unknown id
    return [s for s in cat.specs() if s.indicator.id in wanted]


def _values(
    *,
    snapshot: Snapshot,
    ends: list[date],
    team_ids: Sequence[int] | None,
    ids: Sequence[str] | None,
) -> dict[str, list[IndicatorValue]]:
    from . import records  # here, not at the top: records uses the engine's helpers (a cycle)

    specs = _selected(ids)
    team_id = team_ids[0] if team_ids is not None and len(team_ids) == 1 else None
    keys = team_keys_for(team_ids)
    snapshot_specs = [s for s in specs if s.indicator.source is Source.SNAPSHOT]
    payload: Payload = {}
    after = f"The period ends after the date this data describes ({_long_date(snapshot.as_at)})."
    unlinked = "None of the chosen teams is linked to a team in the case management system."
    in_range = [e for e in ends if e <= snapshot.as_at]
    if snapshot_specs and in_range and keys != ():
        payload = _snapshot_payload(snapshot, in_range, keys)
    out: dict[str, list[IndicatorValue]] = {}
    for spec in specs:
        ind = spec.indicator
        if ind.source is Source.RECORDS:
            out[ind.id] = records.values(
                ind, period_ends=list(ends), team_ids=team_ids, team_id=team_id
            )
            continue
        stored = {row[0]: row for row in payload.get(ind.id, [])}
        series = []
        for e in ends:

            def no_data(reason: str, e: date = e, ind: Indicator = ind) -> IndicatorValue:
                return value_from(
                    ind,
                    period_end=e,
                    numerator=None,
                    denominator=None,
                    reason=reason,
                    team_id=team_id,
                )

            if e > snapshot.as_at:
                series.append(no_data(after))
                continue
            if keys == ():
                series.append(no_data(unlinked))
                continue
            row = stored.get(e.isoformat())
            assert row is not None
            _, num, den, _rows, reason, census = row
            if reason:
                series.append(no_data(str(reason)))
                continue
            if ind.unit is Unit.PER_10K:
                if keys is not None:
                    series.append(no_data(TEAM_RATE_REASON))
                    continue
                den = child_population(e)
                if den is None:
                    series.append(
                        no_data(
                            "There is no ONS estimate of the number of children for council "
                            f"code {settings.COUNCIL_CODE}."
                        )
                    )
                    continue
            series.append(
                value_from(
                    ind,
                    period_end=e,
                    numerator=num,
                    denominator=den,
                    empty=spec.empty,
                    team_id=team_id,
                    figure_from=(
                        census_figure_from(date.fromisoformat(str(census))) if census else ""
                    ),
                )
            )
        out[ind.id] = series
    return out


def compute(
    *,
    snapshot: Snapshot,
    period_end: date,
    team_ids: Sequence[int] | None = None,
    ids: Sequence[str] | None = None,
) -> list[IndicatorValue]:
    """Every indicator (or those in `ids`), in catalogue order, for the 12 months to (or on)
    `period_end`, for the whole council or the teams in `team_ids`."""
    got = _values(snapshot=snapshot, ends=[period_end], team_ids=team_ids, ids=ids)
    return [series[-1] for series in got.values()]


def trend(
    *,
    snapshot: Snapshot,
    period_end: date,
    months: int = 12,
    team_ids: Sequence[int] | None = None,
    ids: Sequence[str] | None = None,
) -> dict[str, list[IndicatorValue]]:
    """Per indicator id, the values for `months` month ends, oldest first, the last being
    `period_end`; each is the indicator for the period ending then (rolling 12 months, or on
    that date)."""
    return _values(
        snapshot=snapshot, ends=month_ends(period_end, months), team_ids=team_ids, ids=ids
    )


def _team_pks(keys: Iterable[str | None]) -> dict[str, int]:
    wanted = {k for k in keys if k}
    out: dict[str, int] = {}
    for pk, key in (
        Team.objects.filter(case_system_id__in=wanted)
        .order_by("pk")
        .values_list("pk", "case_system_id")
    ):
        out.setdefault(key, pk)
    return out


def children_behind(
    *,
    snapshot: Snapshot,
    indicator_id: str,
    period_end: date,
    team_ids: Sequence[int] | None = None,
) -> list[ChildRow]:
    """The children counted in one indicator's figure for one period: "numerator" rows are
    counted in the numerator (and the denominator too, for a share), "denominator" rows only in
    the denominator. Numerator rows first, then by person id. Empty for indicators about workers
    (caseloads, agency) and for improvement actions; for audits and moderation, the audited
    children."""
    from . import records  # here, not at the top: records uses the engine's helpers (a cycle)

    spec = cat.spec(indicator_id)
    if spec.indicator.source is Source.RECORDS:
        return records.children_behind(spec.indicator, period_end=period_end, team_ids=team_ids)
    if not spec.about_children or period_end > snapshot.as_at:
        return []
    keys = team_keys_for(team_ids)
    if keys == ():
        return []
    with store.connect(snapshot) as con:
        present = _tables_in(con)
        if missing_reason(
            spec, provided=snapshot.provided_tables, present=present, as_at=snapshot.as_at
        ):
            return []
        _make_periods(con, [period_end])
        if spec.attribution == "child":
            _make_attribution(con)
        rows = con.execute(_rows_sql(spec)).fetchall()
    pks = _team_pks(r[4] for r in rows)
    out = []
    for person_id, numerator, denominator, detail, team_key in rows:
        if keys is not None and team_key not in keys:
            continue
        if numerator:
            counted = "numerator"
        elif denominator:
            counted = "denominator"
        else:
            continue
        out.append(
            ChildRow(
                person_id=str(person_id),
                counted_in=counted,
                team_id=pks.get(team_key) if team_key else None,
                detail=_words_date(str(detail or "")),
            )
        )
    out.sort(key=lambda r: (r.counted_in != "numerator", r.person_id, r.detail))
    return out
