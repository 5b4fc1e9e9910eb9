"""The import's recording step: every case note checked, into the snapshot's `recording_checks`.

Registered in RecordingConfig.ready() as a post-load step, so intake never imports this app and
the table is published, or thrown away, with the snapshot it describes.

Checking is plain Python (the checker), so a large extract is shared between worker processes;
the notes are read from, and the results written to, the snapshot by DuckDB.
"""

from __future__ import annotations

import csv
import datetime
import multiprocessing
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import duckdb
from django.conf import settings

from lineofsight.intake.pipeline import LoadContext

from . import checker
from .selectors.rules import rules_in_force
from .table import COLUMNS, TABLE

# Below this many notes to check, worker processes cost more than they save.
PARALLEL_FROM = 20_000
CHUNK = 4_000
YOUNG_UNDER = checker.YOUNG_UNDER

# The notes to check: the child's first name and age on the note's date come with each one.
NOTES_SQL = """
SELECT n.note_id,
       n.note_person_id,
       CAST(n.note_date AS DATE) AS note_date,
       n.note_author_id,
       n.note_type,
       COALESCE(n.note_text, '') AS note_text,
       COALESCE(p.pers_forename, '') AS forename,
       CASE WHEN p.pers_dob IS NULL THEN NULL
            ELSE date_diff('day', CAST(p.pers_dob AS DATE), CAST(n.note_date AS DATE)) / 365.25
       END AS age
FROM {alias}.case_notes n
LEFT JOIN {alias}.ssd_person p ON p.pers_person_id = n.note_person_id
"""
PEOPLE_SQL = """
SELECT DISTINCT trim(pers_forename) FROM {alias}.ssd_person
WHERE pers_forename IS NOT NULL AND length(trim(pers_forename)) > 1
"""

_rules: checker.Rules | None = None
_people: frozenset[str] = frozenset()


def workers() -> int:
    configured = getattr(settings, "RECORDING_CHECK_WORKERS", None)
    if configured is not None:
        return max(1, int(configured))
    return max(1, min(os.cpu_count() or 1, 4))


def create_table(con: duckdb.DuckDBPyConnection, alias: str) -> None:
    columns = ", ".join(f"{name} {kind}" for name, kind, _ in COLUMNS)
    con.execute(f"CREATE OR REPLACE TABLE {alias}.{TABLE} ({columns})")


def check_row(text: str, forename: str, age: float | None) -> tuple:
    """The counts one note contributes to the table (same order as COLUMNS from `words`)."""
    assert _rules is not None
    result = checker.check(
        text[: checker.MAX_TEXT_CHARACTERS],
        rules=_rules,
        child=forename,
        child_age=age,
        people=_people,
    )
    counts: dict[str, int] = {}
    for f in result.findings:
        counts[f.rule] = counts.get(f.rule, 0) + 1
    findings = sum(1 for f in result.findings if f.severity == checker.Severity.FINDING)
    return (
        result.words,
        result.child_voice,
        result.analysis,
        result.decision_rationale,
        counts.get("discouraged-term", 0),
        counts.get("legal-term", 0),
        counts.get("unexplained-acronym", 0),
        counts.get("long-sentence", 0),
        counts.get("passive-voice", 0),
        counts.get("hard-to-read", 0),
        counts.get("other-person-named", 0),
        findings,
    )


# The checker reads a child's age only to know whether they are under 3 (or, not knowing it, to
# look for a baby in the words), so notes are grouped by that alone.
AGE_OF_GROUP: dict[str, float | None] = {"young": 0.0, "older": YOUNG_UNDER, "unknown": None}


def _age_group(age: float | None) -> str:
    if age is None:
        return "unknown"
    return "young" if age < YOUNG_UNDER else "older"


def _check_chunk(rows: list[tuple[str, str, float | None]]) -> list[tuple]:
    return [check_row(text, forename, age) for text, forename, age in rows]


def _chunks(rows: Iterable[tuple], size: int) -> Iterator[list[tuple]]:
    chunk: list[tuple] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def checked(
    notes: list[tuple[str, str, float | None]],
    *,
    rules: checker.Rules,
    people: frozenset[str],
    processes: int,
) -> list[tuple]:
    """The counts for each (text, forename, age), in order. A note that says word for word
    what another note about a child of the same first name says ("Visit completed. No
    concerns.") is checked once: the checker sees nothing else."""
    global _rules, _people
    _rules, _people = rules, people
    keys = [(text, forename, _age_group(age)) for text, forename, age in notes]
    distinct = list(dict.fromkeys(keys))
    work = [(text, forename, AGE_OF_GROUP[group]) for text, forename, group in distinct]
    if processes <= 1 or len(work) < PARALLEL_FROM:
        results = _check_chunk(work)
    else:
        # Forked workers inherit the rules and names; they run only the checker, never DuckDB.
        context = multiprocessing.get_context("fork")
        with context.Pool(processes) as pool:
            parts = pool.map(_check_chunk, list(_chunks(work, CHUNK)))
        results = [row for part in parts for row in part]
    by_key = dict(zip(distinct, results, strict=True))
    return [by_key[key] for key in keys]


def build(
    con: duckdb.DuckDBPyConnection,
    alias: str,
    *,
    rules: checker.Rules,
    provided: Iterable[str],
    processes: int | None = None,
) -> int:
    """Check every case note of the snapshot attached as `alias` into its recording table.
    Returns how many notes were checked."""
    create_table(con, alias)
    if "case_notes" not in set(provided):
        return 0
    version = rules.version
    people = frozenset(r[0] for r in con.execute(PEOPLE_SQL.format(alias=alias)).fetchall())
    notes = con.execute(NOTES_SQL.format(alias=alias)).fetchall()
    if not notes:
        return 0
    results = checked(
        [(n[5], _first(n[6]), n[7]) for n in notes],  # text, first name, age on the note's date
        rules=rules,
        people=people,
        processes=workers() if processes is None else processes,
    )
    with tempfile.TemporaryDirectory(prefix="recording-") as folder:
        path = Path(folder) / "checks.csv"
        with path.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            for n, counts in zip(notes, results, strict=True):
                writer.writerow((*_meta(n), *counts, version))
        names = ", ".join(name for name, _, _ in COLUMNS)
        types = "{" + ", ".join(f"'{name}': '{kind}'" for name, kind, _ in COLUMNS) + "}"
        con.execute(
            f"INSERT INTO {alias}.{TABLE} ({names}) SELECT * FROM read_csv(?, header = false, "
            f"columns = {types}, nullstr = '')",
            [str(path)],
        )
    return len(notes)


def _first(forename: str) -> str:
    return forename.split()[0] if forename.strip() else ""


def _meta(note: tuple) -> tuple:
    note_id, person_id, note_date, author_id, note_type = note[:5]
    day = note_date.isoformat() if isinstance(note_date, datetime.date) else ""
    return note_id, person_id, day, author_id or "", note_type or ""


def recording_checks(context: LoadContext) -> None:
    """The post-load step: the recording table of the snapshot being written."""
    build(context.con, context.alias, rules=rules_in_force(), provided=context.provided_tables)
