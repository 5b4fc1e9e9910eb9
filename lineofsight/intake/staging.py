"""Reading source files into DuckDB staging tables, exactly as written, for checking.

Each CSV becomes a table `_raw_<table>` holding every SSD column as trimmed text (NULL for an
empty value), in file order, plus a view `_stg_<table>` that adds `_row`, the row's number in
the file (the header is row 1). Lines DuckDB cannot read (bad UTF-8, wrong number of values) are
collected as problems instead of stopping the read, so one pass reports them all.

Row numbers come from the table's rowid: a CREATE TABLE ... AS SELECT from read_csv keeps file
order (DuckDB's preserve_insertion_order, on by default), so rowid 0 is the first data row.
Rejected lines are missing from the table, so rows after them are renumbered with the rejects'
own line numbers.

A file in another text encoding (UTF-16, or Windows-1252 when the council's setting says so:
intake.encodings) is first rewritten as UTF-8, keeping every line; the staged table says which
encoding it was read as.

Rows from a workbook reader (a ParsedExtract) are first written to CSV files in a private
folder, so both sources go through the same reading and the same checks.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from lineofsight.casework import rules, schema
from lineofsight.casework.writer import quote

from . import encodings
from .problem_log import ProblemLog
from .problems import ParsedExtract, Problem, Severity
from .ssd import SourceFile

# Spaces, tabs, stray line ends, no-break spaces (Excel) and byte-order marks around values.
TRIM_CHARACTERS = " \t\r\n\u00a0\ufeff"
ROW_COLUMN = "_source_row"
MAX_LINE_BYTES = 16 * 1024 * 1024  # case notes can be long
_SCAN_BLOCK = 8 * 1024 * 1024
_NO_BREAK_SPACE = "\u00a0".encode()
_BYTE_ORDER_MARK = "\ufeff".encode()

_REJECT_MESSAGES = {
    "INVALID ENCODING": (
        "The line is not valid UTF-8 text. Save the file as 'CSV UTF-8'. If the council's "
        "system writes Windows-1252, set LINEOFSIGHT_IMPORT_TEXT_ENCODING=windows-1252."
    ),
    "TOO MANY COLUMNS": "The line has more values than the header has columns.",
    "MISSING COLUMNS": "The line has fewer values than the header has columns.",
    "UNQUOTED VALUE": "The line has a quote mark in the wrong place.",
    "LINE SIZE OVER MAXIMUM": "The line is too long to read.",
}


@dataclass(frozen=True)
class StagedTable:
    table: str
    source: str  # the file name problems are reported against
    present: frozenset[str]  # SSD fields the source has; the others are all NULL
    rows: int
    encoding: str = encodings.UTF8.label  # the text encoding the file was read as

    @property
    def raw(self) -> str:
        return quote(f"_raw_{self.table}")

    @property
    def view(self) -> str:
        return quote(f"_stg_{self.table}")


def normalise_header(name: str) -> str:
    return name.strip(TRIM_CHARACTERS).lower()


def read_header(path: Path) -> list[str] | None:
    """The header row's column names as written, or None for an empty file."""
    with path.open("rb") as raw:
        # Replacement characters, not an exception: a bad byte further down the first block
        # must not stop the header being read; a bad byte in the header is reported by caller.
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")
        try:
            return next(csv.reader(text))
        except StopIteration:
            return None


def stage_csv(
    con: duckdb.DuckDBPyConnection,
    source: SourceFile,
    log: ProblemLog,
    scratch_dir: Path | None = None,
    unusual_whitespace: bool | None = None,
) -> StagedTable | None:
    """Read one CSV into its staging table. None if the file cannot be read at all (the
    reasons are in the log). `scratch_dir` is where a repaired copy may be written;
    `unusual_whitespace` is the file's Fingerprint flag, if the caller has it already."""
    assert source.table is not None
    table = schema.tables()[source.table]
    label = source.label

    def problem(severity: Severity, message: str, **where: Any) -> None:
        log.add(Problem(severity, message, table=table.name, source=label, **where))

    path = source.path
    with path.open("rb") as raw:
        encoding = encodings.sniff(raw.read(4), configured=encodings.setting())
    if not encoding.is_utf8:
        # DuckDB reads UTF-8 only: other encodings are rewritten as UTF-8 first, line for line,
        # in the import's own folder (never beside the council's file).
        if scratch_dir is None:
            raise ValueError("A file that is not UTF-8 needs a scratch folder to be read.")
        try:
            path = encodings.transcode(path, scratch_dir / f"{table.name}.utf8.csv", encoding)
        except encodings.EncodingError as exc:
            problem(Severity.ERROR, str(exc))
            return None
        unusual_whitespace = None

    header = read_header(path)
    if not header or header == [""]:
        problem(Severity.ERROR, "The file is empty: it has no header row.")
        return None
    if any("\ufffd" in name for name in header):
        problem(Severity.ERROR, "The header row is not valid UTF-8 text.", row=1)
        return None
    if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
        problem(
            Severity.ERROR,
            "The file does not look comma-separated: save it as CSV (comma delimited).",
            row=1,
        )
        return None

    fields = set(table.field_names)
    position: dict[str, int] = {}
    row_position: int | None = None
    for i, written in enumerate(header):
        name = normalise_header(written)
        if source.row_column and name == source.row_column:
            row_position = i
        elif name in position:
            problem(
                Severity.ERROR,
                "The column appears twice in the header; only the first is read.",
                row=1,
                field=name,
            )
        elif name in fields:
            position[name] = i
        elif name == "":
            problem(Severity.WARNING, "A column has no name, so it was not read.", row=1)
        else:
            problem(
                Severity.WARNING,
                f"The column is not part of the SSD {table.name} table, so it was not read.",
                row=1,
                field=written.strip(),
            )

    # Every column of the SSD table must be in the header (casework.schema explains why); a
    # value may still be empty unless the field is required.
    for name in table.required_columns:
        if name not in position:
            problem(
                Severity.ERROR,
                "A column the SSD requires is missing from the header. Add it (its values may be "
                "empty where the case system does not record them).",
                row=1,
                field=name,
            )

    if unusual_whitespace is None:
        unusual_whitespace = fingerprint(path).unusual_whitespace
    selects = [
        (
            f"NULLIF({_trim(table.name, f, f'c{position[f.name]}', unusual_whitespace)}, '')"
            if f.name in position
            else "NULL::VARCHAR"
        )
        + f" AS {quote(f.name)}"
        for f in table.fields
    ]
    if row_position is not None:
        selects.append(f"TRY_CAST(c{row_position} AS BIGINT) AS {ROW_COLUMN}")
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(header))) + "}"
    staged = StagedTable(table=table.name, source=label, present=frozenset(position), rows=0)
    rejects = quote(f"_rej_{table.name}")
    for attempt in (1, 2):
        try:
            _read_csv(con, staged, path, selects, columns)
            break
        except duckdb.Error as exc:
            # DuckDB's strict parser gives up on a file that mixes line endings (CRLF and LF).
            # Rewriting the CRLFs as LFs keeps every row and its number, so try that once.
            if attempt == 2 or scratch_dir is None:
                problem(Severity.ERROR, f"The file cannot be read as CSV: {_first_line(exc)}")
                return None
            con.execute(f"DROP TABLE IF EXISTS {rejects}")
            con.execute(f"DROP TABLE IF EXISTS {quote(f'_rejscan_{table.name}')}")
            path = _with_lf_line_endings(path, scratch_dir / f"{table.name}.csv")
    (rejected,) = con.execute(f"SELECT count(*) FROM {rejects}").fetchone()
    if rejected:
        _log_rejects(con, staged, rejects, log, header_columns=len(header))
    _create_view(con, staged, has_row_column=row_position is not None, rejects=bool(rejected))
    (rows,) = con.execute(f"SELECT count(*) FROM {staged.raw}").fetchone()
    return StagedTable(
        table=table.name,
        source=label,
        present=staged.present,
        rows=int(rows),
        encoding=encoding.label,
    )


def has_unusual_whitespace(block: bytes) -> bool:
    """Whether a block of a file holds a tab, no-break space, byte-order mark or a carriage
    return that does not end a line. Most files hold none, and then trimming spaces alone is
    exact: trimming a set of characters costs DuckDB several times as much. (A CRLF split
    between two blocks counts as a lone CR: only slower, never wrong.)"""
    # Each multi-byte search runs only if its rarer single byte is there (memchr is fastest).
    if b"\t" in block:
        return True
    if b"\xa0" in block and _NO_BREAK_SPACE in block:
        return True
    if b"\xef" in block and _BYTE_ORDER_MARK in block:
        return True
    return b"\r" in block and block.count(b"\r") != block.count(b"\r\n")


@dataclass(frozen=True)
class Fingerprint:
    sha256: str
    size_bytes: int
    unusual_whitespace: bool


def fingerprint(path: Path) -> Fingerprint:
    """One pass over a file: its SHA-256, its size, and whether it needs the careful trim."""
    digest = hashlib.sha256()
    size = 0
    unusual = False
    with path.open("rb") as fh:
        while block := fh.read(_SCAN_BLOCK):
            digest.update(block)
            if not unusual:
                unusual = has_unusual_whitespace(
                    block.removeprefix(b"\xef\xbb\xbf") if size == 0 else block
                )
            size += len(block)
    return Fingerprint(sha256=digest.hexdigest(), size_bytes=size, unusual_whitespace=unusual)


def _trim(table: str, field: schema.Field, column: str, unusual: bool) -> str:
    """Trim a value. If the file holds unusual whitespace, keys, references, dates, numbers
    and codes lose it too, since it would break matching; free text only ever loses spaces."""
    exact = (
        field.primary_key
        or field.foreign_key
        or field.required
        or field.sql_type != "VARCHAR"
        or (table, field.name) in rules.CODE_SETS
    )
    if unusual and exact:
        return f"trim({column}, {_literal(TRIM_CHARACTERS)})"
    return f"trim({column})"


def _read_csv(
    con: duckdb.DuckDBPyConnection,
    staged: StagedTable,
    path: Path,
    selects: list[str],
    columns: str,
) -> None:
    name = staged.table
    con.execute(
        f"CREATE TABLE {staged.raw} AS SELECT {', '.join(selects)} "
        f"FROM read_csv({_literal(str(path))}, header = true, auto_detect = false, "
        f"delim = ',', quote = '\"', escape = '\"', columns = {columns}, "
        f"max_line_size = {MAX_LINE_BYTES}, store_rejects = true, "
        f"rejects_table = {_literal(f'_rej_{name}')}, "
        f"rejects_scan = {_literal(f'_rejscan_{name}')})"
    )


def _with_lf_line_endings(source: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    with source.open("rb") as src, target.open("wb") as dst:
        carry = b""
        while block := src.read(4 * 1024 * 1024):
            block = carry + block
            # A CR at the end of a block may be the first half of a CRLF split across blocks.
            carry = b"\r" if block.endswith(b"\r") else b""
            if carry:
                block = block[:-1]
            dst.write(block.replace(b"\r\n", b"\n"))
        dst.write(carry)
    return target


def _log_rejects(
    con: duckdb.DuckDBPyConnection,
    staged: StagedTable,
    rejects: str,
    log: ProblemLog,
    *,
    header_columns: int,
) -> None:
    cases = " ".join(
        f"WHEN {_literal(kind)} THEN {_literal(message)}"
        for kind, message in _REJECT_MESSAGES.items()
    )
    # DuckDB records one reject per value beyond the header; the highest column_idx on a line
    # is how many values the line has.
    too_many = (
        "'The line has more values than the header has columns: ' || values_found || "
        f"' values, {header_columns} columns. The extra values would be lost.'"
    )
    log.add_select(
        "SELECT 'error' AS severity, ? AS source, ? AS table_name, line AS row, '' AS field, "
        "csv_line AS value, CASE WHEN error_type::VARCHAR = 'TOO MANY COLUMNS' "
        f"AND values_found IS NOT NULL THEN {too_many} "
        f"ELSE CASE error_type::VARCHAR {cases} ELSE error_message END END AS message "
        f"FROM (SELECT line, error_type, any_value(csv_line) AS csv_line, "
        f"max(column_idx) AS values_found, "
        f"any_value(error_message) AS error_message FROM {rejects} GROUP BY ALL)",
        [staged.source, staged.table],
    )


def _create_view(
    con: duckdb.DuckDBPyConnection, staged: StagedTable, *, has_row_column: bool, rejects: bool
) -> None:
    rejects_table = quote(f"_rej_{staged.table}")
    if has_row_column:
        row = f"coalesce(r.{ROW_COLUMN}, r.rowid + 2)"
        source = f"{staged.raw} r"
    elif rejects:
        # Reject j (1-based, by line) has line - 1 - j accepted rows before it; an accepted row
        # with rowid k comes after every reject whose count is <= k.
        row = "r.rowid + 2 + coalesce(j.skipped, 0)"
        source = (
            f"{staged.raw} r ASOF LEFT JOIN ("
            "SELECT accepted_before, max(n) AS skipped FROM ("
            "SELECT line - 1 - row_number() OVER (ORDER BY line) AS accepted_before, "
            "row_number() OVER (ORDER BY line) AS n "
            f"FROM (SELECT DISTINCT line FROM {rejects_table})) GROUP BY accepted_before"
            ") j ON r.rowid >= j.accepted_before"
        )
    else:
        row = "r.rowid + 2"
        source = f"{staged.raw} r"
    con.execute(f"CREATE VIEW {staged.view} AS SELECT {row} AS _row, r.* FROM {source}")


def extract_to_csv(extract: ParsedExtract, directory: Path, source_name: str) -> list[SourceFile]:
    """Write a reader's rows to one CSV per table in `directory`, for stage_csv to read.

    A row may carry its source row number under the key "_row"; it becomes the `_row` shown in
    problems. Tables that are not snapshot tables are skipped (and reported by the caller).
    """
    directory.mkdir(parents=True, exist_ok=True)
    tables = schema.tables()
    files = []
    for name, rows in extract.tables.items():
        if name not in tables:
            continue
        known = list(tables[name].field_names)
        extra = sorted({k for row in rows for k in row} - set(known) - {"_row"})
        header = [*known, *extra, ROW_COLUMN]
        path = directory / f"{name}.csv"
        with path.open("w", encoding="utf-8", errors="replace", newline="") as fh:
            out = csv.writer(fh)
            out.writerow(header)
            for i, row in enumerate(rows):
                values = [_text(row.get(k)) for k in (*known, *extra)]
                out.writerow([*values, _text(row.get("_row", i + 2))])
        files.append(SourceFile(path=path, table=name, name=source_name, row_column=ROW_COLUMN))
    return files


def unknown_tables(extract: ParsedExtract) -> Iterable[str]:
    return sorted(set(extract.tables) - set(schema.tables()))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0][:300] if str(exc).strip() else type(exc).__name__


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
