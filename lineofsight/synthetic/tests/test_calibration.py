"""At scale 1 every published figure of a large and a small council is met within 10%."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from lineofsight.publishedstats import loader
from lineofsight.synthetic.calibration import (
    FIGURES,
    compare,
    compute_figures,
    format_table,
    published_figures,
)
from lineofsight.synthetic.generator import synthesize
from lineofsight.synthetic.ssdcsv import attach_csv_tables


@pytest.mark.slow
@pytest.mark.parametrize("area", ["891", "805"])  # Nottinghamshire, Hartlepool
def test_published_figures_are_met(area: str, tmp_path: Path) -> None:
    year = loader.latest_year()
    result = synthesize(area, tmp_path, year=year, annex_a=False)
    con = duckdb.connect()
    attach_csv_tables(con, result.out / "ssd")
    rows = compare(compute_figures(con, year), published_figures(area, year))
    judged = [r for r in rows if r.within is not None]
    assert len(judged) >= 18
    assert all(r.within for r in judged), format_table(rows)


def test_suppressed_figures_are_missing_not_zero() -> None:
    published = published_figures("805", 2025)  # Hartlepool: long CP plans are suppressed
    assert published["cp_at31_2y_pct"] is None
    assert published["cp_at31"] == 173
    assert published["referrals"] == 2020


def _tiny(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        """CREATE TABLE ssd_cin_episodes AS SELECT * FROM (VALUES
            ('R1', 'C1', DATE '2023-06-01', DATE '2023-07-01'),
            ('R2', 'C1', DATE '2024-05-01', DATE '2024-06-01'),  -- 11 months after R1
            ('R3', 'C1', DATE '2025-01-01', NULL),               -- 8 months after R2
            ('R4', 'C2', DATE '2024-04-10', DATE '2024-04-20'),
            ('R5', 'C3', DATE '2022-01-01', NULL)                -- open, referred long ago
        ) t(cine_referral_id, cine_person_id, cine_referral_date, cine_close_date)"""
    )
    con.execute(
        """CREATE TABLE ssd_cp_plans AS SELECT * FROM (VALUES
            ('P1', 'C1', DATE '2022-01-10', DATE '2022-06-01'),
            ('P2', 'C1', DATE '2025-02-01', NULL),                -- second plan, open
            ('P3', 'C3', DATE '2024-12-31', NULL),               -- exactly 3 months
            ('P4', 'C3', DATE '2023-01-01', DATE '2023-02-01')
        ) t(cppl_cp_plan_id, cppl_person_id, cppl_cp_plan_start_date, cppl_cp_plan_end_date)"""
    )


def test_definitions_on_a_hand_made_extract() -> None:
    con = duckdb.connect()
    _tiny(con)
    got = compute_figures(con, 2025)
    assert got["referrals"] == 3  # R2, R3, R4
    assert got["rereferral_pct"] == pytest.approx(100 * 2 / 3)  # R2 and R3
    assert got["cin_at31"] == 2  # R3, R5
    assert got["cp_at31"] == 2
    assert got["cp_at31_3m_pct"] == pytest.approx(100.0)
    assert got["cp_starts"] == 2
    assert got["cp_subsequent_pct"] == pytest.approx(100.0)
    assert got["cla_at31"] is None  # no table, no figure


def test_every_figure_is_published_for_a_typical_council() -> None:
    published = published_figures("891", 2025)
    assert all(published[f.key] is not None for f in FIGURES)
