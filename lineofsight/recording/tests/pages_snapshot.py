"""A snapshot with checked case notes for the tests of the recording pages: the East council of
the worklists' tests (worklists/tests/snapshots.py), its child_attribution table, and rows of
`recording_checks` given by the test (the import step that fills it is tested on its own)."""

from __future__ import annotations

import datetime
import itertools

import duckdb

from lineofsight.casework import attribution, store, writer
from lineofsight.casework.models import Snapshot
from lineofsight.recording import table
from lineofsight.worklists.tests.snapshots import (
    AS_AT,
    east_derived,
    east_tables,
    register,
    write_snapshot_file,
)

_counter = itertools.count(1)


def check_row(
    note_id: str,
    person_id: str,
    note_date: str | datetime.date,
    author_id: str | None,
    *,
    voice: bool = False,
    analysis: bool = False,
    decision: bool = False,
    discouraged: int = 0,
    acronyms: int = 0,
    note_type: str = "Visit",
) -> dict:
    """One checked note; the counts not given are 0."""
    return {
        "note_id": note_id,
        "person_id": person_id,
        "note_date": datetime.date.fromisoformat(note_date)
        if isinstance(note_date, str)
        else note_date,
        "author_id": author_id,
        "note_type": note_type,
        "words": 120,
        "child_voice": voice,
        "analysis": analysis,
        "decision_rationale": decision,
        "discouraged": discouraged,
        "legal_terms": 0,
        "acronyms": acronyms,
        "long_sentences": 0,
        "passive": 0,
        "hard_to_read": 0,
        "other_people": 0,
        "findings": discouraged + acronyms,
        "rules_version": "default",
    }


def east_tables_with_west() -> dict:
    """The East council, with Will (W1) allocated in the West team so his notes have a team."""
    tables = east_tables()
    tables["ssd_involvements"].append(
        {
            "invo_involvements_id": "IN9",
            "invo_professional_id": "P-9",
            "invo_professional_team": "T-W",
            "invo_person_id": "W1",
            "invo_involvement_start_date": "2023-06-01",
        }
    )
    return tables


def recording_snapshot(
    rows: list[dict] | None, *, as_at: datetime.date = AS_AT, make_current: bool = True
) -> Snapshot:
    """A current snapshot holding `rows` as its checked notes (None: no recording_checks table,
    as in a snapshot imported before notes were checked)."""
    path = store.snapshot_dir() / f"recording-{as_at:%Y%m%d}-{next(_counter)}.duckdb"
    write_snapshot_file(path, tables=east_tables_with_west(), derived=east_derived(), as_at=as_at)
    write_checks(path, rows)
    return register(path, as_at=as_at, make_current=make_current, absolute=False)


def write_checks(path, rows: list[dict] | None) -> None:
    """Give the snapshot file at `path` its child_attribution table and, unless `rows` is None,
    a recording_checks table holding `rows` (as the import step writes them)."""
    con = duckdb.connect(str(path))
    try:
        if not attribution.exists(con):
            con.execute(f"CREATE TABLE {attribution.TABLE} AS {attribution.SQL}")
        if rows is not None:
            con.execute(f"DROP TABLE IF EXISTS {table.TABLE}")
            ddl = ", ".join(f"{writer.quote(c)} {t}" for c, t, _ in table.COLUMNS)
            con.execute(f"CREATE TABLE {table.TABLE} ({ddl})")
            if rows:
                marks = ", ".join("?" for _ in table.COLUMN_NAMES)
                con.executemany(
                    f"INSERT INTO {table.TABLE} VALUES ({marks})",
                    [[r.get(c) for c in table.COLUMN_NAMES] for r in rows],
                )
        con.execute("CHECKPOINT")
    finally:
        con.close()
