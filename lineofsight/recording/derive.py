"""The import's recording step: every case note checked, into the snapshot's `recording_checks`.

Registered in RecordingConfig.ready() as a post-load step, so intake never imports this app and
the table is published, or thrown away, with the snapshot it describes.

Checking is plain Python (the checker), so a large extract is shared between worker processes;
the notes are read from, and the results written to, the snapshot by DuckDB.
"""

from __future__ import annotations

import csv
import multiprocessing
import multiprocessing.pool
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb
from django.conf import settings

from lineofsight.intake.pipeline import EarlyStart, LoadContext

from . import batch, checker
from .selectors.rules import rules_in_force
from .table import COLUMNS, TABLE

# Below this many notes to check, worker processes cost more than they save.
PARALLEL_FROM = 20_000
CHUNK = 4_000
YOUNG_UNDER = checker.YOUNG_UNDER

# The notes to check: the child's first name and age on the note's date come with each one.
NOTES_SQL = """
SELECT n.rowid,
       COALESCE(n.note_text, '') AS note_text,
       COALESCE(p.pers_forename, '') AS forename,
       CASE WHEN p.pers_dob IS NULL THEN NULL
            ELSE date_diff('day', CAST(p.pers_dob AS DATE), CAST(n.note_date AS DATE)) / 365.25
       END AS age
FROM {alias}.case_notes n
LEFT JOIN {alias}.ssd_person p ON p.pers_person_id = n.note_person_id
"""
# The checked notes, each joined to its note again by row (so what describes a note is not read
# into Python and back).
WRITE_SQL = """
INSERT INTO {alias}.{table} ({names})
SELECT n.note_id, n.note_person_id, CAST(n.note_date AS DATE), NULLIF(n.note_author_id, ''),
       NULLIF(n.note_type, ''), {counts}, ?
FROM {alias}.case_notes n
JOIN read_csv(?, header = false, columns = {types}) c ON c.note_row = n.rowid
"""
PEOPLE_SQL = """
SELECT DISTINCT trim(pers_forename) FROM {alias}.ssd_person
WHERE pers_forename IS NOT NULL AND length(trim(pers_forename)) > 1
"""


def workers() -> int:
    configured = getattr(settings, "RECORDING_CHECK_WORKERS", None)
    if configured is not None:
        return max(1, int(configured))
    return max(1, min(os.cpu_count() or 1, 4))


def create_table(con: duckdb.DuckDBPyConnection, alias: str) -> None:
    columns = ", ".join(f"{name} {kind}" for name, kind, _ in COLUMNS)
    con.execute(f"CREATE OR REPLACE TABLE {alias}.{TABLE} ({columns})")


# The checker reads a child's age only to know whether they are under 3 (or, not knowing it, to
# look for a baby in the words), so notes are grouped by that alone.
AGE_OF_GROUP: dict[str, float | None] = {"young": 0.0, "older": YOUNG_UNDER, "unknown": None}


def _age_group(age: float | None) -> str:
    if age is None:
        return "unknown"
    return "young" if age < YOUNG_UNDER else "older"


class Checking:
    """Notes being checked: in worker processes when there are many (started at once, so the
    import writes its other tables meanwhile), else one at a time when asked.
    `result()` gives the counts for each note, in order; `close()` stops the workers."""

    def __init__(
        self,
        notes: list[tuple[str, str, float | None]],
        *,
        rules: checker.Rules,
        people: frozenset[str],
        processes: int,
    ) -> None:
        self.rules, self.people = rules, people
        # A note that says word for word what another note about a child of the same first
        # name says ("Visit completed. No concerns.") is checked once: the checker sees
        # nothing else.
        self.keys = [(text, forename, _age_group(age)) for text, forename, age in notes]
        self.distinct = list(dict.fromkeys(self.keys))
        self.work = [(text, forename, AGE_OF_GROUP[g]) for text, forename, g in self.distinct]
        self.pool: multiprocessing.pool.Pool | None = None
        self.pending: multiprocessing.pool.AsyncResult | None = None
        if processes > 1 and len(self.work) >= PARALLEL_FROM:
            self.pool = batch.pool(processes, rules=rules, people=people)
            chunks = [self.work[start : start + CHUNK] for start in range(0, len(self.work), CHUNK)]
            self.pending = self.pool.map_async(batch.check_chunk, chunks, chunksize=1)

    def result(self) -> list[tuple]:
        if self.pending is None:
            batch.use(self.rules, self.people)
            results = batch.check_chunk(self.work)
        else:
            try:
                parts = self.pending.get()
            finally:
                self.close()
            results = [row for part in parts for row in part]
        by_key = dict(zip(self.distinct, results, strict=True))
        return [by_key[key] for key in self.keys]

    def close(self) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            self.pool = None


def checked(
    notes: list[tuple[str, str, float | None]],
    *,
    rules: checker.Rules,
    people: frozenset[str],
    processes: int,
) -> list[tuple]:
    """The counts for each (text, forename, age), in order."""
    return Checking(notes, rules=rules, people=people, processes=processes).result()


@dataclass
class Started:
    """A snapshot's notes, read as soon as they were written, and their checking under way."""

    notes: list[tuple]
    version: str
    checking: Checking | None

    def close(self) -> None:
        if self.checking is not None:
            self.checking.close()


def begin(
    con: duckdb.DuckDBPyConnection,
    alias: str,
    *,
    rules: checker.Rules,
    provided: Iterable[str],
    processes: int | None = None,
) -> Started:
    """Read the notes of the snapshot attached as `alias` (its case_notes and ssd_person are
    written) and start checking them."""
    if "case_notes" not in set(provided):
        return Started(notes=[], version=rules.version, checking=None)
    people = frozenset(r[0] for r in con.execute(PEOPLE_SQL.format(alias=alias)).fetchall())
    notes = con.execute(NOTES_SQL.format(alias=alias)).fetchall()
    checking = Checking(
        [(n[1], _first(n[2]), n[3]) for n in notes],  # text, first name, age on the note's date
        rules=rules,
        people=people,
        processes=workers() if processes is None else processes,
    )
    return Started(notes=notes, version=rules.version, checking=checking)


def finish(con: duckdb.DuckDBPyConnection, alias: str, started: Started) -> int:
    """Write the checked notes into the snapshot's recording table. Returns how many."""
    create_table(con, alias)
    if not started.notes or started.checking is None:
        return 0
    results = started.checking.result()
    counts = COLUMNS[5:-1]  # words ... findings: what the checker gives
    with tempfile.TemporaryDirectory(prefix="recording-") as folder:
        path = Path(folder) / "checks.csv"
        with path.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            for n, row in zip(started.notes, results, strict=True):
                writer.writerow((n[0], *row))
        types = {"note_row": "BIGINT", **{name: kind for name, kind, _ in counts}}
        con.execute(
            WRITE_SQL.format(
                alias=alias,
                table=TABLE,
                names=", ".join(name for name, _, _ in COLUMNS),
                counts=", ".join(f"c.{name}" for name, _, _ in counts),
                types="{" + ", ".join(f"'{k}': '{v}'" for k, v in types.items()) + "}",
            ),
            [started.version, str(path)],
        )
    return len(started.notes)


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
    started = begin(con, alias, rules=rules, provided=provided, processes=processes)
    try:
        return finish(con, alias, started)
    finally:
        started.close()


def _first(forename: str) -> str:
    return forename.split()[0] if forename.strip() else ""


def recording_checks(context: LoadContext) -> None:
    """The post-load step: the recording table of the snapshot being written, from the checking
    begun as soon as its notes were written (`begin_recording_checks`), or begun now."""
    started = context.started.get(EARLY_NAME)
    if started is None:
        build(context.con, context.alias, rules=rules_in_force(), provided=context.provided_tables)
        return
    try:
        finish(context.con, context.alias, started)
    finally:
        started.close()


EARLY_NAME = "recording_checks"


def begin_recording_checks(
    con: duckdb.DuckDBPyConnection, alias: str, provided: frozenset[str]
) -> Started:
    """The early start of the step (pipeline.EarlyStart): checking runs in worker processes
    while the import writes the snapshot's other tables and derived tables."""
    return begin(con, alias, rules=rules_in_force(), provided=provided)


EARLY_START = EarlyStart(
    name=EARLY_NAME, tables=frozenset({"case_notes", "ssd_person"}), begin=begin_recording_checks
)
