"""The workforce census beside casework: read into an import, carried from the current snapshot
when an import brings none, and matched to the extract's professionals."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

from lineofsight.casework import schema, store, writer
from lineofsight.casework.models import Snapshot
from lineofsight.web.errors import ServiceError

from .. import csww, ssd, staging
from ..problems import ParsedExtract, Problem, Severity
from ..ssd import SourceFile
from .options import Prepared


class NoSnapshotForCensus(ServiceError):
    """A workforce census alone is added to the current snapshot; there is none to add it to."""


def census_target() -> Snapshot:
    """The snapshot a workforce census alone is added to: the current one.
    NoSnapshotForCensus when nothing has been imported yet."""
    current = store.current_snapshot()
    if current is None or current.is_removed or not current.path.exists():
        raise NoSnapshotForCensus(
            "There is no current casework snapshot to add the workforce census to. Import the "
            "casework first (or import both together: lineofsight import ssd DIR --csww FILE)."
        )
    return current


def add_census(
    prepared: Prepared, path: Path, work: Path, professionals: list[csww.Professional]
) -> None:
    """Read the census into `prepared`: its two tables replace any the extract holds."""
    parsed = csww.read_csww(path)
    csww.match_professionals(parsed, professionals)
    prepared.problems += parsed.problems
    if parsed.errors:
        # Nothing to stage: the import fails on these errors, naming each.
        parsed.tables = {}
    kept = []
    for f in prepared.files:
        if f.table in schema.WORKFORCE_TABLES:
            prepared.problems.append(
                Problem(
                    Severity.WARNING,
                    f"Not read: the workforce census comes from {path.name}.",
                    table=f.table,
                    source=f.label,
                )
            )
        else:
            kept.append(f)
    # With an extract, the import's file list is the extract's files and the census's two
    # tables as read from it; alone, it is the census file (`fingerprint`).
    prepared.files = kept + staging.extract_to_csv(parsed, work, path.name)


def keeping_census(prepare: Callable[[Path], Prepared]) -> Callable[[Path], Prepared]:
    """The census is returned once a year and casework every month: an import that brings no
    census keeps the current snapshot's, saying so, rather than dropping the workforce."""

    def prepared_with_census(work: Path) -> Prepared:
        prepared = prepare(work)
        census = [f for f in prepared.files if f.table in schema.WORKFORCE_TABLES]
        if any(_has_rows(f.path) for f in census):
            return prepared
        current = store.current_snapshot()
        if current is None or current.is_removed or not current.path.exists():
            return prepared
        kept = [t for t in schema.WORKFORCE_TABLES if current.provided(t)]
        if not kept:
            return prepared
        prepared.files = [f for f in prepared.files if f not in census]
        kept_files = _snapshot_csv(current, work / "census-kept", kept)
        # The census's workers are matched again to this import's professionals (none, for a
        # source such as Annex A that has none), as a census imported with it would be.
        professionals = next((f for f in prepared.files if f.table == "ssd_professionals"), None)
        _rematch(kept_files, _professionals_in(professionals.path) if professionals else [])
        prepared.files += kept_files
        prepared.problems.append(
            Problem(
                Severity.WARNING,
                f"This import holds no workforce census, so the one in snapshot {current.pk} "
                "is kept. Import a new census on the Imports page or with lineofsight import "
                "csww FILE.xml.",
            )
        )
        return prepared

    return prepared_with_census


def _has_rows(path: Path) -> bool:
    """Whether a CSV file holds a row below its header (an extract may hold empty tables)."""
    with path.open(encoding="utf-8-sig", errors="replace") as fh:
        return sum(1 for line, _ in zip(fh, range(2), strict=False) if line.strip()) > 1


def carry_forward(current: Snapshot, directory: Path) -> list[SourceFile]:
    """The current snapshot's provided tables (less any census) as CSV files for staging, so
    they are checked and written exactly as an import writes them."""
    names = [
        name
        for name in schema.tables()
        if name not in schema.WORKFORCE_TABLES and current.provided(name)
    ]
    return _snapshot_csv(current, directory, names)


def _snapshot_csv(current: Snapshot, directory: Path, names: list[str]) -> list[SourceFile]:
    """Tables of a snapshot as CSV files for staging, checked and written as an import's are."""
    directory.mkdir(parents=True, exist_ok=True)
    label = f"snapshot {current.pk}"
    files = []
    tables = schema.tables()
    with store.connect(current) as con:
        for name in names:
            table = tables[name]
            target = directory / f"{name}.csv"
            columns = ", ".join(writer.quote(f) for f in table.field_names)
            con.execute(
                f"COPY (SELECT {columns} FROM {writer.quote(name)}) TO "
                f"'{str(target).replace(chr(39), chr(39) * 2)}' (HEADER, DELIMITER ',')"
            )
            files.append(SourceFile(path=target, table=name, name=label))
    return files


def snapshot_professionals(snapshot: Snapshot) -> list[csww.Professional]:
    if not snapshot.provided("ssd_professionals"):
        return []
    with store.connect(snapshot) as con:
        rows = con.execute(
            "SELECT prof_professional_id, prof_staff_id, prof_social_worker_registration_no "
            "FROM ssd_professionals WHERE prof_professional_id IS NOT NULL"
        ).fetchall()
    return [csww.Professional(str(a), b, c) for a, b, c in rows]


def _rematch(files: list[SourceFile], professionals: list[csww.Professional]) -> None:
    """Match a kept census's workers (its csww_workers CSV, rewritten) to `professionals`."""
    workers = next((f for f in files if f.table == "csww_workers"), None)
    if workers is None:
        return
    with workers.path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        names, rows = list(reader.fieldnames or []), list(reader)
    csww.match_professionals(ParsedExtract(tables={"csww_workers": rows}), professionals)
    with workers.path.open("w", encoding="utf-8", newline="") as fh:
        writer_ = csv.DictWriter(fh, fieldnames=names)
        writer_.writeheader()
        writer_.writerows({k: ("" if v is None else v) for k, v in r.items()} for r in rows)


def extract_professionals(listing: ssd.Listing) -> list[csww.Professional]:
    source = listing.by_table.get("ssd_professionals")
    return _professionals_in(source.path) if source is not None else []


def _professionals_in(path: Path) -> list[csww.Professional]:
    found = []
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as fh:
        for row in csv.DictReader(fh):
            row = {staging.normalise_header(k or ""): (v or "").strip() for k, v in row.items()}
            if row.get("prof_professional_id"):
                found.append(
                    csww.Professional(
                        row["prof_professional_id"],
                        row.get("prof_staff_id") or None,
                        row.get("prof_social_worker_registration_no") or None,
                    )
                )
    return found
