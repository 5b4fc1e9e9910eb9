"""Opening an Annex A workbook (.xlsx or .xls); finding each list's sheet, header row and columns.

The file's first bytes decide how it is read, not its extension: councils rename files, and a
password-protected .xlsx is really an OLE2 container like an .xls.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from defusedxml.common import DefusedXmlException

from ..archive import ArchiveTooLarge
from .spec import AnnexASpec, ColumnSpec, ListSpec, normalise
from .values import CellError
from .xlsx import XlsxBook

if TYPE_CHECKING:
    import xlrd

HEADER_SCAN_ROWS = 20

_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class WorkbookError(Exception):
    """The file cannot be read as a workbook at all."""


Row = tuple[int, Sequence[object]]  # (Excel row number, cell values)


class Workbook:
    """Sheet names, and each sheet's non-empty rows with their Excel row numbers."""

    def __init__(
        self,
        sheet_names: list[str],
        rows: Callable[[str], Iterator[Row]],
        close: Callable[[], None],
    ) -> None:
        self.sheet_names = sheet_names
        self._rows = rows
        self._close = close

    def rows(self, sheet_name: str) -> Iterator[Row]:
        return self._rows(sheet_name)

    def close(self) -> None:
        self._close()


def open_workbook(path: Path) -> Workbook:
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise WorkbookError(f"cannot open the file: {exc.strerror or exc}") from exc
    if head.startswith(_ZIP_MAGIC):
        return _open_xlsx(path)
    if head.startswith(_OLE2_MAGIC):
        return _open_xls(path)
    hint = ""
    if head.lstrip().startswith((b"<", b"\xef\xbb\xbf<")):
        hint = " It looks like a web page or XML saved with an Excel name: open it in Excel and"
        hint += " save it as an Excel workbook (.xlsx)."
    raise WorkbookError(f"this file is not an Excel workbook (.xlsx or .xls).{hint}")


def _open_xlsx(path: Path) -> Workbook:
    try:
        book = XlsxBook(str(path))
    except zipfile.BadZipFile as exc:
        raise WorkbookError(f"this file is not a readable Excel workbook ({exc})") from exc
    except ArchiveTooLarge as exc:
        raise WorkbookError(str(exc)) from exc
    except DefusedXmlException as exc:
        # Never handed to another reader: a workbook has no use for entities, a bomb does.
        raise WorkbookError(
            f"this file is not a readable Excel workbook: it declares XML entities ({exc})"
        ) from exc
    except Exception:
        # Our reader does not understand this package; openpyxl knows more of the standard.
        return _open_with_openpyxl(path)
    if not book.sheets:
        book.close()
        return _open_with_openpyxl(path)
    return Workbook([name for name, _part in book.sheets], book.rows, book.close)


def _open_with_openpyxl(path: Path) -> Workbook:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of error on a damaged file
        raise WorkbookError(
            f"this file is not a readable Excel workbook ({type(exc).__name__}: {exc})"
        ) from exc

    def rows(name: str) -> Iterator[Row]:
        sheet = book[name]
        if not hasattr(sheet, "reset_dimensions"):
            return iter(())  # a chart sheet
        # The size a writer records is often wrong; without it openpyxl reads every row there is.
        sheet.reset_dimensions()
        return enumerate(sheet.iter_rows(values_only=True), start=1)

    return Workbook([ws.title for ws in book.worksheets], rows, book.close)


def _open_xls(path: Path) -> Workbook:
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), on_demand=True)
    except Exception as exc:  # xlrd raises XLRDError, CompDocError, struct errors...
        message = str(exc)
        if "workbook" in message.lower() and "ole2" in message.lower():
            message += "; the file may be password-protected"
        raise WorkbookError(f"this file is not a readable Excel workbook ({message})") from exc

    def rows(name: str) -> Iterator[Row]:
        return _xls_rows(book, book.sheet_by_name(name))

    return Workbook(book.sheet_names(), rows, book.release_resources)


def _xls_rows(book: xlrd.book.Book, sheet: xlrd.sheet.Sheet) -> Iterator[Row]:
    import xlrd
    from xlrd.biffh import error_text_from_code

    date_type, error_type, bool_type = xlrd.XL_CELL_DATE, xlrd.XL_CELL_ERROR, xlrd.XL_CELL_BOOLEAN
    for index in range(sheet.nrows):
        types = sheet.row_types(index)
        values = sheet.row_values(index)
        if date_type in types or error_type in types or bool_type in types:
            values = list(values)
            for col, kind in enumerate(types):
                if kind == date_type:
                    try:
                        values[col] = xlrd.xldate.xldate_as_datetime(values[col], book.datemode)
                    except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                        values[col] = CellError("#VALUE!")
                elif kind == error_type:
                    values[col] = CellError(error_text_from_code.get(values[col], "#N/A"))
                elif kind == bool_type:
                    values[col] = bool(values[col])
        yield index + 1, values


# --- finding the lists ---------------------------------------------------------------------------


@dataclass
class HeaderMatch:
    row: int  # 1-based Excel row of the header
    columns: dict[str, tuple[int, str]]  # schema column name -> (0-based index, header as found)
    duplicates: list[tuple[int, str]] = field(default_factory=list)  # (index, header) ignored

    @property
    def score(self) -> int:
        return len(self.columns)


def list_number_from_name(sheet_name: str, spec: AnnexASpec) -> tuple[int | None, bool]:
    """The list a sheet's name says it holds, and whether the name says so plainly ("List 3")
    rather than by a word that might be used otherwise ("Referrals")."""
    m = spec.sheet_pattern.search(sheet_name)
    if m is not None and int(m[1]) in spec.lists:
        return int(m[1]), True
    for number, list_spec in spec.lists.items():
        if any(k.search(sheet_name) for k in list_spec.sheet_keywords):
            return number, False
    return None, False


def match_headers(cells: Sequence[object], list_spec: ListSpec, row: int) -> HeaderMatch:
    """Which schema column each header cell of one row is, matching exact names, then regexes."""
    headers: list[tuple[int, str, str]] = []  # (index, as found, normalised)
    seen: dict[str, int] = {}
    duplicates: list[tuple[int, str]] = []
    for index, cell in enumerate(cells):
        if cell is None or isinstance(cell, CellError):
            continue
        text = str(cell).strip()
        if not text:
            continue
        key = normalise(text)
        if key in seen:
            duplicates.append((index, text))
            continue
        seen[key] = index
        headers.append((index, text, key))

    columns: dict[str, tuple[int, str]] = {}
    taken: set[int] = set()

    def claim(column: ColumnSpec, test: Callable[[ColumnSpec, str, str], bool]) -> None:
        if column.name in columns:
            return
        for index, text, key in headers:
            if index not in taken and test(column, text, key):
                columns[column.name] = (index, text)
                taken.add(index)
                return

    passes = (
        lambda c, _t, k: k in c.headers,
        lambda c, t, _k: any(r.search(t) for r in c.regexes),
        # "Ethnicity (code)" or "Gender - a) to d)": the name followed by more words
        lambda c, _t, k: any(k.startswith(h + " ") or k.startswith(h + "(") for h in c.headers),
    )
    for test in passes:
        for column in list_spec.columns.values():
            claim(column, test)
    return HeaderMatch(row=row, columns=columns, duplicates=duplicates)


def find_header(head_rows: list[Row], list_spec: ListSpec, id_column: str) -> HeaderMatch | None:
    """The row among the first ones that matches the most headers and has the id column."""
    best: HeaderMatch | None = None
    for row_number, cells in head_rows:
        match = match_headers(cells, list_spec, row_number)
        if id_column not in match.columns or match.score < 2:
            continue
        if best is None or match.score > best.score:
            best = match
    return best
