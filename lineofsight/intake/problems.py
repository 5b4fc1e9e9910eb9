"""What an importer found wrong with a file: the shared shape every importer reports in.

A problem says where (file, table, row, field), what value, and what is wrong, with a severity.
Any problem of severity ERROR stops the import and leaves the current snapshot as it was;
WARNINGs are listed and the import goes on.
"""

from __future__ import annotations

import csv
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from lineofsight.web.spreadsheet import safe_text


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    severity: Severity
    message: str  # what is wrong, in plain words
    table: str = ""  # SSD table name, or the workbook list ("List 3")
    row: int | None = None  # 1-based row number in the source file (header is row 1 in a CSV)
    field: str = ""
    value: str = ""
    source: str = ""  # file name (and sheet, for a workbook)

    def where(self) -> str:
        parts = [p for p in (self.source, self.table) if p]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.field:
            parts.append(self.field)
        return ", ".join(parts)

    def __str__(self) -> str:
        shown = f" (value {self.value!r})" if self.value else ""
        return f"{self.severity.upper()}: {self.where()}: {self.message}{shown}"


REPORT_COLUMNS = ("severity", "source", "table", "row", "field", "value", "message")


@dataclass
class ParsedExtract:
    """Rows read from a source, already in SSD table and field names, plus what was wrong.

    `tables` maps an SSD table name (see casework.schema) to a list of rows; each row maps SSD
    field names to values (str, datetime.date, int, float or None). Tables the source cannot
    provide are absent, not empty.
    """

    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    # {table: the fields the source can fill}, for a source that cannot fill them all (Annex A);
    # a table not named here (or an empty dict) means every field of the table.
    fields: dict[str, list[str]] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]


def write_report(problems: list[Problem], path: Path) -> Path:
    """Write the problems as a CSV validation report a council analyst can open in Excel."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=REPORT_COLUMNS)
        writer.writeheader()
        for p in problems:
            row = asdict(p)
            row["severity"] = p.severity.value
            # Values come from the council's files: never let one run as a formula in Excel.
            writer.writerow({k: safe_text(row[k]) for k in REPORT_COLUMNS})
    return path
