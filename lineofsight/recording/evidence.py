"""Case notes with what the checker finds in them, as evidence beside an audit's questions.

The auditor reads the notes and judges; the findings only point at words in the text. Nothing
here answers, or suggests an answer to, any audit question.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb

from lineofsight.casework.models import Snapshot
from lineofsight.children.chronology import CaseNote
from lineofsight.worklists import connections

from . import checker
from .annotate import Annotated, annotate
from .selectors.notes import age_on, other_names
from .selectors.rules import rules_in_force

_CHILD_SQL = (
    "SELECT pers_forename, CAST(pers_dob AS DATE) FROM ssd_person WHERE pers_person_id = $p"
)


@dataclass(frozen=True)
class CheckedCaseNote:
    note: CaseNote
    annotated: Annotated


def checked_case_notes(
    snapshot: Snapshot, person_id: str, notes: Sequence[CaseNote]
) -> list[CheckedCaseNote]:
    """Each note checked as the note page checks it: the council's rules in force, the child's
    first name and age on the note's date, and the other people in the records."""
    if not notes:
        return []
    con = connections.cursor(snapshot)
    try:
        try:
            child = con.execute(_CHILD_SQL, {"p": person_id}).fetchone()
            people = other_names(con, person_id)
        except duckdb.CatalogException:  # an extract without person records
            child, people = None, frozenset()
    finally:
        con.close()
    forename = ((child[0] or "") if child else "").strip()
    dob = child[1] if child else None
    rules = rules_in_force()
    return [
        CheckedCaseNote(
            note,
            annotate(
                note.text,
                checker.check(
                    note.text,
                    rules=rules,
                    child=forename,
                    child_age=age_on(dob, note.date),
                    people=people,
                ),
                key=f"case-note-{i}",
            ),
        )
        for i, note in enumerate(notes, start=1)
    ]
