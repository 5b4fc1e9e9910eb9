"""The catalogue over pooled extracts on DuckDB: the council's own engine's answers, the region,
small numbers, the command, and the translation to Spark (checked without running Spark)."""

from __future__ import annotations

import csv
import io
import json

import duckdb
import pytest
from django.core.management import CommandError, call_command

from lineofsight.indicators import catalogue as cat
from lineofsight.indicators import engine
from lineofsight.indicators.types import Unit
from lineofsight.region import figures, pooled
from lineofsight.region.engines import (
    DuckDBEngine,
    Sums,
    UnsupportedSql,
    council_sums,
    snapshot_specs,
    to_spark,
)
from lineofsight.region.management.commands import region

from . import edges


def test_duckdb_gives_what_the_councils_own_engine_gives_on_the_same_data(synthetic_extracts):
    """The regional path is the product's engine: same definitions, same census rule."""
    extract = pooled.read_extract(synthetic_extracts[0])
    ends = [engine.period_start(edges.PERIOD_END), figures.default_period_end([extract])]
    with DuckDBEngine() as eng:
        ours = council_sums(eng, extract, ends=ends)
    con = duckdb.connect()
    for table, path in extract.files.items():
        con.execute(f"CREATE VIEW \"{table}\" AS SELECT * FROM read_parquet('{path}')")
    # the snapshot had its case notes; the extract keeps only the checks derived from them
    con.execute("CREATE TABLE case_notes (note_id VARCHAR)")
    theirs = engine.run_snapshot_indicators(
        con,
        as_at=extract.as_at,
        provided=extract.provided,
        ends=ends,
        team_keys=None,
        specs=snapshot_specs(),
    )
    assert set(ours) == set(theirs)
    counted = 0
    for ind_id, per_end in theirs.items():
        for end, got in per_end.items():
            mine = ours[ind_id][end]
            if isinstance(got, str):
                assert mine == got, ind_id
            else:
                assert (mine.numerator, mine.denominator) == pytest.approx(
                    (got.numerator, got.denominator), abs=1e-9
                ), ind_id
                counted += got.denominator > 0 or got.numerator > 0
    assert counted > 20


def test_the_date_edges_are_counted_as_worked_out_by_hand(edges_extract):
    extract = pooled.read_extract(edges_extract)
    with DuckDBEngine() as eng:
        sums = council_sums(eng, extract, ends=[edges.PERIOD_END])
    got = {
        k: (v[edges.PERIOD_END].numerator, v[edges.PERIOD_END].denominator)
        for k, v in sums.items()
        if k in edges.EXPECTED
    }
    assert got == edges.EXPECTED


def test_region_adds_councils_and_suppresses_small_numbers(synthetic_extracts, edges_extract):
    extracts = pooled.read_extracts(synthetic_extracts)
    period_end = figures.default_period_end(extracts)
    with DuckDBEngine() as eng:
        rows = figures.region_rows(extracts, eng=eng, period_end=period_end)
    assert [r.council for r in rows[:4]] == ["830", "891", "892", "region"]
    assert len(rows) == 4 * len(snapshot_specs())
    referrals = {r.council: r for r in rows if r.indicator_id == "referrals"}
    assert referrals["region"].numerator == sum(
        referrals[c].numerator for c in ("830", "891", "892")
    )
    share = {r.council: r for r in rows if r.indicator_id == "assessment_45wd_pct"}
    n = sum(share[c].numerator for c in ("830", "891", "892"))
    d = sum(share[c].denominator for c in ("830", "891", "892"))
    assert share["region"].value == pytest.approx(100 * n / d, abs=1e-6)
    for r in rows:
        assert not isinstance(r.numerator, float | int) or not 1 <= r.numerator <= 4, r
        assert not isinstance(r.denominator, float | int) or not 1 <= r.denominator <= 4, r


def test_suppression_follows_the_products_one_rule():
    count = cat.get("referrals")
    share = cat.get("rereferral_12m_pct")
    day = edges.PERIOD_END
    small = figures.figure_row(count, council="1", period_end=day, numerator=3, denominator=0)
    assert (small.numerator, small.value) == ("fewer than 5", "fewer than 5")
    zero = figures.figure_row(count, council="1", period_end=day, numerator=0, denominator=0)
    assert zero.value == 0
    withheld = figures.figure_row(share, council="1", period_end=day, numerator=2, denominator=6)
    assert withheld.as_dict() | {"council": "1"} == {
        "council": "1",
        "indicator_id": "rereferral_12m_pct",
        "period_end": "2024-02-29",
        "numerator": "fewer than 5",
        "denominator": "withheld",
        "value": "suppressed: fewer than 5",
    }
    shown = figures.figure_row(share, council="1", period_end=day, numerator=5, denominator=20)
    assert (shown.numerator, shown.denominator, shown.value) == (5, 20, 25.0)
    rate = cat.get("cp_per_10k")
    assert rate.unit is Unit.PER_10K
    public = figures.figure_row(rate, council="1", period_end=day, numerator=50, denominator=1e5)
    assert public.value == 5.0


def test_a_council_without_the_data_leaves_the_region_without_a_figure(synthetic_extracts, copy_of):
    without = copy_of(synthetic_extracts[2])
    manifest = json.loads((without / pooled.MANIFEST).read_text())
    manifest["provided_tables"] = [
        t for t in manifest["provided_tables"] if not t.startswith("csww")
    ]
    (without / pooled.MANIFEST).write_text(json.dumps(manifest))
    extracts = pooled.read_extracts([synthetic_extracts[0], without])
    with DuckDBEngine() as eng:
        rows = figures.region_rows(extracts, eng=eng, period_end=edges.AS_AT.replace(2025))
    workforce = {r.council: r for r in rows if r.indicator_id == "turnover_pct"}
    assert workforce["830"].value is not None
    assert workforce["892"].value is None
    assert "did not include" in workforce["892"].no_data_reason
    assert workforce["region"].value is None
    assert "Council 892 has no figure" in workforce["region"].no_data_reason


def test_command_prints_one_row_per_council_per_indicator(synthetic_extracts):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        region.Command(),
        "indicators",
        *map(str, synthetic_extracts),
        "--engine",
        "duckdb",
        "--period-end",
        "2025-03-31",
        "--format",
        "csv",
        stdout=out,
        stderr=err,
    )
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert tuple(rows[0]) == figures.COLUMNS
    assert len(rows) == 4 * len(snapshot_specs())
    assert {r["council"] for r in rows} == {"830", "891", "892", "region"}
    assert {r["period_end"] for r in rows} == {"2025-03-31"}
    out = io.StringIO()
    call_command(
        region.Command(), "indicators", str(synthetic_extracts[0]), "--format", "json", stdout=out
    )
    assert {r["council"] for r in json.loads(out.getvalue())} == {"830", "region"}


def test_command_refuses_a_folder_that_is_not_a_pooled_extract(tmp_path):
    with pytest.raises(CommandError, match="not a pooled extract"):
        call_command(region.Command(), "indicators", str(tmp_path), "--format", "csv")


@pytest.mark.parametrize("spec", snapshot_specs(), ids=lambda s: s.indicator.id)
def test_every_definition_translates_to_spark(spec):
    assert to_spark(engine._aggregate_sql(spec, False))


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT person_id FROM t QUALIFY row_number() OVER (PARTITION BY a ORDER BY b) = 1",
        "SELECT d::DATE FROM t",
        "SELECT * FROM t USING SAMPLE 10",
        "SELECT 1; SELECT 2",
    ],
)
def test_what_spark_cannot_run_as_written_raises(sql):
    with pytest.raises(UnsupportedSql):
        to_spark(sql)


def test_sums_from_a_census_date_say_so(synthetic_extracts):
    """On a workforce census date the caseload is the census's, on both engines' path."""
    extract = pooled.read_extract(synthetic_extracts[0])
    con = duckdb.connect()
    path = extract.files["csww_council"]
    census = con.execute(f"SELECT max(census_date) FROM read_parquet('{path}')").fetchone()[0]
    assert census is not None
    with DuckDBEngine() as eng:
        sums = council_sums(eng, extract, ends=[census])
    got = sums["caseload_mean"][census]
    assert isinstance(got, Sums) and got.census == census
    assert sums["csww_caseload_mean"][census].numerator == got.numerator


@pytest.mark.django_db
def test_pooling_leaves_the_councils_own_figures_as_they_were(settings, tmp_path):
    """Hashing ids, dates of birth to the month and leaving out text change no figure here."""
    from lineofsight.casework import store
    from lineofsight.indicators.tests.handmade import AS_AT, PERIOD_END, tables
    from lineofsight.worklists.tests.snapshots import build_snapshot

    from .conftest import export_snapshot

    snapshot = build_snapshot(tables=tables(), derive=True, as_at=AS_AT)
    extract = pooled.read_extract(
        export_snapshot(snapshot, tmp_path / "891", code="891", settings=settings)
    )
    ends = [PERIOD_END, PERIOD_END.replace(day=1)]
    with store.connect(snapshot) as con:
        own = engine.run_snapshot_indicators(
            con,
            as_at=AS_AT,
            provided=snapshot.provided_tables,
            ends=ends,
            team_keys=None,
            specs=snapshot_specs(),
        )
    with DuckDBEngine() as eng:
        ours = council_sums(eng, extract, ends=ends)
    for ind_id, per_end in own.items():
        for end, got in per_end.items():
            mine = ours[ind_id][end]
            if isinstance(got, str):
                assert mine == got, ind_id
            else:
                assert (mine.numerator, mine.denominator) == pytest.approx(
                    (got.numerator, got.denominator), abs=1e-9
                ), (ind_id, end)
    assert ours["care_leavers_in_touch_pct"][PERIOD_END] == Sums(1.0, 2.0)
