"""What the tests of the rules page, the note page and dismissals share (no tests here): a
snapshot with case notes and checked notes."""

from __future__ import annotations

import datetime
import itertools

from lineofsight.casework import store
from lineofsight.casework.models import Snapshot
from lineofsight.recording import table
from lineofsight.recording.tests.pages_snapshot import east_tables_with_west, write_checks
from lineofsight.worklists.tests.snapshots import (
    AS_AT,
    east_derived,
    register,
    write_snapshot_file,
)

# -- a snapshot with case notes --------------------------------------------------------------

# Amy (E1) is in the East team, allocated to P-1 (the test practitioner); Will (W1) is in West;
# Cal (C1) is in the Care Team, another service.
NOTE_AMY = (
    "Amy absconded from the LAC review on Monday. Amy said she feels safe at home "
    "and wants to see her nan."
)
NOTES = [
    ("N-AMY", "E1", "2024-06-01", "P-1", NOTE_AMY),
    ("N-WILL", "W1", "2024-06-02", "P-9", "Will refused to engage with the plan."),
    # Written by the test practitioner about a child not in their caseload.
    ("N-WILL-P1", "W1", "2024-06-03", "P-1", "Covered a visit: Will absconded again."),
    ("N-CAL", "C1", "2024-06-04", "P-8", "Cal absconded from his placement."),
]
_counter = itertools.count(1)


def note_rows() -> list[dict]:
    return [
        {
            "note_id": nid,
            "note_person_id": person,
            "note_date": day,
            "note_author_id": author,
            "note_type": "Home visit",
            "note_text": text,
        }
        for nid, person, day, author, text in NOTES
    ]


def check_rows(findings: dict[str, int] | None = None, notes: int = 10) -> list[dict]:
    """`notes` checked notes whose findings add up, per column of table.RULE_COLUMNS, to
    `findings` (all on the first note)."""
    rows = []
    for i in range(notes):
        row = dict.fromkeys(table.COLUMN_NAMES, 0)
        row |= {
            "note_id": f"C{i}",
            "person_id": "E1",
            "note_date": AS_AT,
            "author_id": "P-1",
            "note_type": "Visit",
            "child_voice": False,
            "analysis": False,
            "decision_rationale": False,
            "rules_version": "default",
        }
        if i == 0:
            row |= findings or {}
        rows.append(row)
    return rows


def notes_snapshot(checks: list[dict] | None = None) -> Snapshot:
    """The East council (Will in the West team) with the case notes above and, when given, rows
    of recording_checks (as the import step writes them); current."""
    tables = east_tables_with_west()
    tables["case_notes"] = note_rows()
    path = store.snapshot_dir() / f"recording-rules-{next(_counter)}.duckdb"
    write_snapshot_file(path, tables=tables, derived=east_derived(), as_at=AS_AT)
    write_checks(path, checks)
    return register(path, as_at=AS_AT, make_current=True, absolute=False)


def day(value: str) -> datetime.date:
    return datetime.date.fromisoformat(value)
