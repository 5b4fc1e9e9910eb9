"""child_attribution: who is responsible for a child on any date, from the SSD tables."""

from __future__ import annotations

import datetime
from pathlib import Path

import duckdb
import pytest
import sqlglot
from sqlglot.errors import ErrorLevel

from lineofsight.casework import attribution, writer

from .ssd_rows import involvement

D = datetime.date
ALIAS = "snap"


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, object]]) -> None:
    for row in rows:
        columns = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        con.execute(f"INSERT INTO {ALIAS}.{table} ({columns}) VALUES ({marks})", list(row.values()))


def _snapshot_file(path: Path, *, build: bool = True) -> Path:
    """A snapshot file holding the SSD tables of four children (and the table, unless not)."""
    con = duckdb.connect()
    writer.attach(con, path, ALIAS)
    writer.create_tables(con, ALIAS)
    _insert(
        con,
        "ssd_involvements",
        [
            # C1: a social worker, then on one day an allocated worker and a personal adviser
            involvement("I1", "C1", "W1", "T1", D(2024, 1, 1), D(2024, 3, 1)),
            involvement("I2", "C1", "W2", "T2", D(2024, 3, 1), role="Personal Adviser"),
            involvement("I3", "C1", "W3", "T3", D(2024, 3, 1), D(2024, 5, 1)),
            # C4: an allocation with no team recorded, and no start date (Annex A)
            involvement("I4", "C4", "W4", None, None),
        ],
    )
    _insert(
        con,
        "ssd_cin_episodes",
        [
            {
                "cine_referral_id": "R1",
                "cine_person_id": "C1",
                "cine_referral_date": D(2023, 6, 1),
                "cine_referral_team": "TR",
            },
            # closed with no further action: never open, but still the latest referral
            {
                "cine_referral_id": "R3",
                "cine_person_id": "C3",
                "cine_referral_date": D(2024, 2, 1),
                "cine_referral_team": "TN",
                "cine_referral_nfa": "Y",
            },
            {
                "cine_referral_id": "R4",
                "cine_person_id": "C4",
                "cine_referral_date": D(2024, 2, 1),
                "cine_referral_team": "T4",
            },
        ],
    )
    _insert(
        con,
        "ssd_care_leavers",
        [
            {
                "clea_table_id": "L2",
                "clea_person_id": "C2",
                "clea_care_leaver_allocated_team": "TL",
            },
            {
                "clea_table_id": "L9",
                "clea_person_id": "C2",
                "clea_care_leaver_allocated_team": "TA",
            },
        ],
    )
    if build:
        attribution.build(con, ALIAS)
    writer.close(con, ALIAS, path)
    con.close()
    return path


def _on(con: duckdb.DuckDBPyConnection, day: datetime.date) -> dict[str, tuple]:
    sql = attribution.on_date_sql("$day")
    rows = con.execute(
        f"SELECT person_id, team_id, worker_id, team_from FROM ({sql}) ORDER BY person_id",
        {"day": day},
    ).fetchall()
    assert len(rows) == len({r[0] for r in rows}), "at most one row per child on a date"
    return {r[0]: r[1:] for r in rows}


def test_the_rule_on_each_date(tmp_path: Path) -> None:
    with duckdb.connect(str(_snapshot_file(tmp_path / "s.duckdb")), read_only=True) as con:
        assert _on(con, D(2023, 1, 1)) == {
            "C2": ("TL", None, "care_leaver"),
            "C4": (None, "W4", None),
        }
        before = _on(con, D(2023, 12, 31))
        assert before["C1"] == ("TR", None, "referral")
        assert _on(con, D(2024, 1, 1))["C1"] == ("T1", "W1", "allocation")
        # the allocated worker before the personal adviser who started the same day
        on_the_day = _on(con, D(2024, 3, 1))
        assert on_the_day["C1"] == ("T3", "W3", "allocation")
        assert on_the_day["C3"] == ("TN", None, "referral")
        assert on_the_day["C4"] == ("T4", "W4", "referral")
        assert _on(con, D(2024, 5, 1))["C1"] == ("T2", "W2", "allocation")
        periods = con.execute(
            "SELECT valid_from, valid_until, team_id FROM child_attribution "
            "WHERE person_id = 'C1' ORDER BY valid_from"
        ).fetchall()
    assert periods == [
        (D(2023, 6, 1), D(2024, 1, 1), "TR"),
        (D(2024, 1, 1), D(2024, 3, 1), "T1"),
        (D(2024, 3, 1), D(2024, 5, 1), "T3"),
        (D(2024, 5, 1), None, "T2"),
    ]


def test_an_older_snapshot_gets_the_table_for_reading_only(tmp_path: Path) -> None:
    path = _snapshot_file(tmp_path / "old.duckdb", build=False)
    built = _snapshot_file(tmp_path / "new.duckdb")
    with duckdb.connect(str(path), read_only=True) as con:
        assert not attribution.exists(con)
        attribution.ensure(con)
        attribution.ensure(con)  # twice on one connection is harmless
        worked_out = con.execute("SELECT * FROM child_attribution ORDER BY ALL").fetchall()
    with duckdb.connect(str(path), read_only=True) as con:
        assert not attribution.exists(con), "the file itself is never changed"
    with duckdb.connect(str(built), read_only=True) as con:
        assert attribution.exists(con)
        attribution.ensure(con)
        assert con.execute("SELECT * FROM child_attribution ORDER BY ALL").fetchall() == worked_out


def test_the_rule_is_portable() -> None:
    assert "QUALIFY" not in attribution.SQL.upper() and "::" not in attribution.SQL
    spark = sqlglot.transpile(
        attribution.SQL, read="duckdb", write="spark", unsupported_level=ErrorLevel.RAISE
    )
    assert spark and spark[0]


@pytest.mark.parametrize("missing", ["ssd_involvements", "ssd_care_leavers"])
def test_a_table_the_source_left_empty_gives_no_rows_from_it(tmp_path: Path, missing) -> None:
    path = _snapshot_file(tmp_path / "s.duckdb", build=False)
    with duckdb.connect(str(path)) as con:
        con.execute(f"DELETE FROM {missing}")
    with duckdb.connect(str(path), read_only=True) as con:
        attribution.ensure(con)
        rows = con.execute("SELECT person_id, team_from FROM child_attribution").fetchall()
    assert ("C2" in {p for p, _ in rows}) == (missing != "ssd_care_leavers")
    assert ("allocation" in {f for _, f in rows}) == (missing != "ssd_involvements")
