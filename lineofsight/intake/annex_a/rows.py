"""Reading typed values out of one list's rows, reporting what is wrong where it is wrong."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ..problems import Problem, Severity
from .codes import Coded, CodeSet
from .spec import ColumnSpec, ListSpec
from .values import (
    CellError,
    Parsed,
    clean_cell,
    clean_name,
    parse_date,
    parse_id,
    parse_int,
    parse_postcode,
)

# The same problem in the same column is listed this many times, then counted in one summary line:
# a validation report with 40,000 copies of one warning helps nobody.
REPEAT_LIMIT = 20


@dataclass
class Reporter:
    file_name: str
    problems: list[Problem] = field(default_factory=list)
    sheet_order: dict[str, int] = field(default_factory=dict)
    _counts: Counter = field(default_factory=Counter)
    _first: dict = field(default_factory=dict)

    def add(
        self,
        severity: Severity,
        message: str | Callable[[], str],
        *,
        sheet: str = "",
        table: str = "",
        row: int | None = None,
        column: str = "",
        value: object = "",
        kind: str = "",
    ) -> None:
        source = self.source(sheet)
        key = (severity, source, table, column, kind or str(message))
        self._counts[key] += 1
        if self._counts[key] > REPEAT_LIMIT:
            return
        if self._counts[key] == 1:
            self._first[key] = row
        if callable(message):
            message = message()  # built only for the problems that are listed
        shown = "" if value is None or value == "" else str(value)
        self.problems.append(
            Problem(
                severity=severity,
                message=message,
                table=table,
                row=row,
                field=column,
                value=shown,
                source=source,
            )
        )

    def source(self, sheet: str = "") -> str:
        return f"{self.file_name} [{sheet}]" if sheet else self.file_name

    def error(self, message: str | Callable[[], str], **where: object) -> None:
        self.add(Severity.ERROR, message, **where)  # type: ignore[arg-type]

    def warning(self, message: str | Callable[[], str], **where: object) -> None:
        self.add(Severity.WARNING, message, **where)  # type: ignore[arg-type]

    def finish(self) -> list[Problem]:
        """The problems, with one closing line for each problem that repeated past the limit."""
        for key, count in self._counts.items():
            if count <= REPEAT_LIMIT:
                continue
            severity, source, table, column, kind = key
            self.problems.append(
                Problem(
                    severity=severity,
                    message=(
                        f"{count - REPEAT_LIMIT} more rows have this problem, not listed one by "
                        f"one ({count} in all{self._first_row(key)}): {kind}"
                    ),
                    table=table,
                    field=column,
                    source=source,
                )
            )
        self._counts.clear()
        return sorted(self.problems, key=self._place)

    def _first_row(self, key: tuple) -> str:
        row = self._first.get(key)
        return f", first at row {row}" if row is not None else ""

    def _place(self, problem: Problem) -> tuple[int, int]:
        # Workbook-wide problems first, then sheet by sheet in the workbook's order, row by row,
        # then what the lists say against each other.
        if problem.source in self.sheet_order:
            return (1 + self.sheet_order[problem.source], problem.row or 0)
        if problem.table.startswith("List") or not problem.table:
            return (0, 0)
        return (len(self.sheet_order) + 1, 0)


@dataclass
class ListTable:
    """One list as found in the workbook: where its columns are, and its data rows."""

    spec: ListSpec
    sheet: str
    header_row: int
    columns: dict[str, tuple[int, str]]  # schema column name -> (index, header as found)
    rows: list[tuple[int, Sequence[object]]]  # (Excel row number, raw cells)

    @property
    def label(self) -> str:
        return self.spec.label


class RowReader:
    """Typed access to the cells of one row, by schema column name."""

    def __init__(self, table: ListTable, reporter: Reporter) -> None:
        self.table = table
        self.reporter = reporter
        self.excel_row = 0
        self._cells: Sequence[object] = ()
        # Looked up once per list rather than once per cell.
        self._index = {name: index for name, (index, _header) in table.columns.items()}
        self._required = {
            name
            for name, column in table.spec.columns.items()
            if column.required and name in table.columns
        }
        self._code_cache: dict[tuple[str, str], Coded] = {}
        self._parse_cache: dict[tuple[Callable, type, object], Parsed] = {}

    def at(self, excel_row: int, cells: Sequence[object]) -> RowReader:
        self.excel_row = excel_row
        self._cells = cells
        return self

    def has(self, column: str) -> bool:
        return column in self._index

    def _spec(self, column: str) -> ColumnSpec | None:
        return self.table.spec.columns.get(column)

    def raw(self, column: str) -> object:
        """The cleaned cell; None if blank or the column is absent. Warns on a missing required
        value, since the schema says the list must have it."""
        index = self._index.get(column)
        if index is None:
            return None
        cells = self._cells
        value = cells[index] if index < len(cells) else None
        if type(value) is str:
            value = clean_cell(value)
        if value is not None and not isinstance(value, CellError):
            return value
        if column in self._required:
            self._report_blank(column, value)
        return None

    def _report_blank(self, column: str, value: object) -> None:
        header = self._header(column)
        if isinstance(value, CellError):
            self.problem(
                Severity.WARNING,
                f"Excel error {value} in a column that should always have a value; read as blank",
                header,
                value,
                kind="Excel error in a required column; read as blank",
            )
        elif column in _REPORT_BLANK:
            self.problem(
                Severity.WARNING,
                "blank in a column that should always have a value",
                header,
                kind="blank in a column that should always have a value",
            )

    def problem(
        self, severity: Severity, message: str, header: str, value: object = "", kind: str = ""
    ) -> None:
        self.reporter.add(
            severity,
            message,
            sheet=self.table.sheet,
            table=self.table.label,
            row=self.excel_row,
            column=header,
            value=value,
            kind=kind,
        )

    def _header(self, column: str) -> str:
        return self.table.columns[column][1]

    def _parsed(self, column: str, parser: Callable[[object], Parsed], kind: str) -> object:
        value = self.raw(column)
        if value is None:
            return None
        key = (parser, type(value), value)  # True == 1, but they do not parse alike
        parsed = self._parse_cache.get(key)
        if parsed is None:
            parsed = self._parse_cache[key] = parser(value)
        if parsed.error:
            self.problem(Severity.ERROR, parsed.error, self._header(column), value, kind=kind)
        elif parsed.warning:
            self.problem(Severity.WARNING, parsed.warning, self._header(column), value, kind=kind)
        return parsed.value

    def date(self, column: str) -> dt.date | None:
        return self._parsed(column, parse_date, "not a date")  # type: ignore[return-value]

    def count(self, column: str) -> int | None:
        return self._parsed(column, parse_int, "not a whole number")  # type: ignore[return-value]

    def id(self, column: str) -> str | None:
        return parse_id(self.raw(column))

    def name(self, column: str) -> str | None:
        return clean_name(self.raw(column))

    def postcode(self, column: str) -> str | None:
        value = self.raw(column)
        if value is None:
            return None
        parsed = parse_postcode(value)
        if parsed.error:
            self.problem(
                Severity.WARNING,
                f"{parsed.error}; left blank",
                self._header(column),
                value,
                kind="not a postcode",
            )
        return parsed.value  # type: ignore[return-value]

    def code(self, column: str, codes: CodeSet) -> str | None:
        value = self.raw(column)
        if value is None:
            return None
        if type(value) is str:
            text = value
        elif isinstance(value, bool):
            text = "Yes" if value else "No"
        elif isinstance(value, float) and value.is_integer():
            text = str(int(value))
        else:
            text = str(value)
        key = (column, text)
        coded = self._code_cache.get(key)
        if coded is None:
            coded = codes.resolve(text, self._spec(column))
            self._code_cache[key] = coded
        if coded.problem:
            self.problem(
                Severity.WARNING,
                coded.problem,
                self._header(column),
                text,
                kind=f"value not understood: {text}",
            )
        return coded.code

    def flag(self, column: str, codes: CodeSet) -> str | None:
        return self.code(column, codes)


# Blank-but-required is reported only where the blank changes what we import.
_REPORT_BLANK = frozenset(
    {
        "Date of Contact",
        "Date of referral",
        "Continuous Assessment Start Date",
        "Strategy discussion initiating Section 47 Enquiry Start Date",
        "Child Protection Plan Start Date",
        "Date Started to be Looked After",
        "Allocated Team",
        "Allocated Worker",
        "Ethnicity",
        "Gender",
        "Sex",
    }
)
