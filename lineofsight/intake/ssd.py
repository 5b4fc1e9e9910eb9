"""An SSD extract on disk: one CSV file per table, named after the table (any case).

This module only finds the files and says which table each holds; staging.py reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lineofsight.casework import schema

from .problems import Problem, Severity


@dataclass(frozen=True)
class SourceFile:
    path: Path
    table: str | None  # the snapshot table it holds; None for a file that is not used
    # How problems name the file: its name, or for a converted workbook the workbook's name.
    name: str = ""
    # Column of source row numbers, for files written from a workbook (see staging.py).
    row_column: str | None = None

    @property
    def label(self) -> str:
        return self.name or self.path.name


@dataclass
class Listing:
    files: list[SourceFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def by_table(self) -> dict[str, SourceFile]:
        return {f.table: f for f in self.files if f.table is not None}


def list_extract(directory: Path) -> Listing:
    """The CSV files in `directory` and the table each holds. Files in sub-folders are not read."""
    listing = Listing()
    if not directory.is_dir():
        listing.problems.append(
            Problem(
                Severity.ERROR, f"The folder {directory} does not exist.", source=str(directory)
            )
        )
        return listing
    known = {name.lower(): name for name in schema.tables()}
    seen: dict[str, Path] = {}
    for path in sorted(directory.iterdir(), key=lambda p: p.name.lower()):
        if not path.is_file() or path.suffix.lower() != ".csv":
            continue
        table = known.get(path.stem.strip().lower())
        if table is None:
            listing.files.append(SourceFile(path=path, table=None))
            listing.problems.append(
                Problem(
                    Severity.WARNING,
                    "The file name is not an SSD table Line of Sight uses, so it was not read.",
                    source=path.name,
                )
            )
            continue
        if table in seen:
            listing.files.append(SourceFile(path=path, table=None))
            listing.problems.append(
                Problem(
                    Severity.ERROR,
                    f"Two files hold {table}: {seen[table].name} and {path.name}. Keep one.",
                    table=table,
                    source=path.name,
                )
            )
            continue
        seen[table] = path
        listing.files.append(SourceFile(path=path, table=table))
    return listing
