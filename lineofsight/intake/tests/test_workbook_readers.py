"""Our Annex A cell reading beside python-calamine's, cell by cell, on every workbook we test with.

A maintained reader would read Annex A if it gave the same values as ours everywhere. calamine does
not: it hands an Excel error cell (#N/A, #DIV/0!, #VALUE!...) to Python as an empty cell, in
.xlsx and .xls alike, so an error could no longer be told from a blank and the import could not
warn about a #N/A where a value should be (docs/annex-a.md, "Why Line of Sight reads workbooks
itself").

These tests keep that reason true. Each workbook is read by `workbook.open_workbook` and calamine.
Both sides get the same tidying, which changes nothing the import sees (an empty string is a blank,
as `values.clean_cell` reads it; 12345.0 and 12345 are one number). calamine's values then get only
the conversions that lose nothing: a whole-day date is that day at midnight, as our reader gives it,
and a time of day in a date column is the #VALUE! our reader gives for it. Every difference left is
listed by cell and compared with a list worked out by hand from the workbook. If a later calamine
gives error cells their text, a list shrinks, a test fails, and the choice of reader is open again.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from datetime import date, datetime, time
from pathlib import Path

import pytest
import python_calamine

from lineofsight.intake.annex_a import workbook
from lineofsight.intake.annex_a.values import CellError

from .test_annex_a import JAN_2024, LIIATOOLS, SYNTHETIC, build_xlsx
from .test_annex_a_xls import write_xls

Sheets = dict[str, dict[int, list[object]]]  # sheet name -> Excel row number -> cell values
Difference = tuple[str, str, object, object]  # (sheet, cell such as "M2", ours, calamine's)

NA, DIV0, VALUE = CellError("#N/A"), CellError("#DIV/0!"), CellError("#VALUE!")


# --- reading with each ---------------------------------------------------------------------------


def read_ours(path: Path) -> tuple[list[str], Sheets]:
    book = workbook.open_workbook(path)
    try:
        sheets = {
            name: _rows((number, list(cells)) for number, cells in book.rows(name))
            for name in book.sheet_names
        }
    finally:
        book.close()
    return book.sheet_names, sheets


def read_calamine(path: Path) -> tuple[list[str], Sheets]:
    with python_calamine.CalamineWorkbook.from_path(str(path)) as book:
        sheets = {}
        for name in book.sheet_names:
            # Without skipping the empty area, the first list is row 1 and the first cell column A.
            grid = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            sheets[name] = _rows(
                (index, [_from_calamine(value) for value in cells])
                for index, cells in enumerate(grid, start=1)
            )
        return list(book.sheet_names), sheets


def _from_calamine(value: object) -> object:
    """calamine's value as our reader gives it, where that loses nothing."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)  # a whole day: midnight, as ours
    if isinstance(value, time):
        return VALUE  # a time of day in a date column is not a date; ours says #VALUE!
    return value


def _tidy(value: object) -> object:
    """The same on both sides: an empty string is a blank; a whole number is an int."""
    if value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _rows(rows: Iterable[tuple[int, list[object]]]) -> dict[int, list[object]]:
    """Rows with a value, without the blanks to the right of the last value."""
    kept = {}
    for number, cells in rows:
        values = [_tidy(v) for v in cells]
        while values and values[-1] is None:
            values.pop()
        if values:
            kept[number] = values
    return kept


def differences(ours: Sheets, theirs: Sheets) -> list[Difference]:
    """Every cell whose value, or type of value, is not the same in the two readings."""
    found: list[tuple[str, int, int, Difference]] = []
    for sheet in ours.keys() | theirs.keys():
        mine, other = ours.get(sheet, {}), theirs.get(sheet, {})
        for row in sorted(mine.keys() | other.keys()):
            left, right = mine.get(row, []), other.get(row, [])
            for col in range(max(len(left), len(right))):
                a = left[col] if col < len(left) else None
                b = right[col] if col < len(right) else None
                if type(a) is not type(b) or a != b:
                    found.append((sheet, row, col, (sheet, f"{_letters(col)}{row}", a, b)))
    return [difference for *_where, difference in sorted(found, key=lambda f: f[:3])]


def _letters(col: int) -> str:
    letters = ""
    col += 1
    while col:
        col, remainder = divmod(col - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


# --- a workbook holding each kind of cell, written part by part ----------------------------------

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPES = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_DATE1904 = ' date1904="1"'
SERIAL_2024_01_05 = 45296  # days from 30/12/1899 (1900 date system)
SERIAL_1904_2024_01_05 = 45296 - 1462  # days from 01/01/1904 (1904 date system)

# Row -> (label, cell XML after the reference); {serial} is 5 January 2024 in the book's system.
# Styles: 1 built-in date (14), 2 built-in time (21), 3 built-in date and time (22), 4 dd/mm/yyyy.
KINDS: dict[int, tuple[str, str]] = {
    1: ("shared string", ' t="s"><v>1</v>'),
    2: ("inline string", ' t="inlineStr"><is><t>Inline text</t></is>'),
    3: ("formula giving text", ' t="str"><f>"Comp"&amp;"uted"</f><v>Computed</v>'),
    4: ("#N/A", ' t="e"><v>#N/A</v>'),
    5: ("#DIV/0! from a formula", ' t="e"><f>1/0</f><v>#DIV/0!</v>'),
    6: ("#VALUE!", ' t="e"><v>#VALUE!</v>'),
    7: ("true", ' t="b"><v>1</v>'),
    8: ("false", ' t="b"><v>0</v>'),
    9: ("built-in date", ' s="1"><v>{serial}</v>'),
    10: ("dd/mm/yyyy date", ' s="4"><v>{serial}</v>'),
    11: ("date and time", ' s="3"><v>{serial}.5</v>'),
    12: ("time of day", ' s="2"><v>0.375</v>'),
    13: ("whole number", "><v>12345</v>"),
    14: ("decimal", "><v>2.5</v>"),
    15: ("text typed as #N/A", ' t="inlineStr"><is><t>#N/A</t></is>'),
    17: ("after an empty row", "><v>1</v>"),  # row 16 is left out
}


def cell_kinds_xlsx(path: Path, *, date1904: bool = False) -> Path:
    """Sheet "Kinds": a label in A (a shared string on row 1, inline after) and one kind of
    value in B per row. Sheet "Offset": the first cell is C3, so rows and columns must line up."""
    serial = SERIAL_1904_2024_01_05 if date1904 else SERIAL_2024_01_05
    rows = []
    for number, (label, cell) in KINDS.items():
        a = (
            '<c r="A1" t="s"><v>0</v></c>'
            if number == 1
            else f'<c r="A{number}" t="inlineStr"><is><t>{label}</t></is></c>'
        )
        b = f'<c r="B{number}"{cell.format(serial=serial)}</c>'
        rows.append(f'<row r="{number}">{a}{b}</row>')
    kinds = f'<worksheet xmlns="{_MAIN}"><sheetData>{"".join(rows)}</sheetData></worksheet>'
    offset = (
        f'<worksheet xmlns="{_MAIN}"><sheetData>'
        '<row r="3"><c r="C3" t="inlineStr"><is><t>starts at C3</t></is></c></row>'
        '<row r="5"><c r="D5"><v>7</v></c></row>'
        "</sheetData></worksheet>"
    )
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_TYPES}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_TYPES}.worksheet+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet2.xml" ContentType="{_TYPES}.worksheet+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{_TYPES}.styles+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_TYPES}.sharedStrings+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{_PKG}"><Relationship Id="rId1" '
            f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
            f"<workbookPr{_DATE1904 if date1904 else ''}/><sheets>"
            '<sheet name="Kinds" sheetId="1" r:id="rId1"/>'
            '<sheet name="Offset" sheetId="2" r:id="rId2"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{_PKG}">'
            f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{_REL}/worksheet" Target="worksheets/sheet2.xml"/>'
            f'<Relationship Id="rId3" Type="{_REL}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rId4" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>"
        ),
        "xl/styles.xml": (
            f'<styleSheet xmlns="{_MAIN}"><numFmts count="1">'
            '<numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>'
            '<fonts count="1"><font/></fonts><fills count="1"><fill/></fills>'
            '<borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>'
            '<cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/>'
            '<xf numFmtId="21" applyNumberFormat="1"/><xf numFmtId="22" applyNumberFormat="1"/>'
            '<xf numFmtId="164" applyNumberFormat="1"/></cellXfs></styleSheet>'
        ),
        "xl/sharedStrings.xml": (
            f'<sst xmlns="{_MAIN}"><si><t>shared string</t></si><si><t>Jo Bloggs</t></si></sst>'
        ),
        "xl/worksheets/sheet1.xml": kinds,
        "xl/worksheets/sheet2.xml": offset,
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, '<?xml version="1.0" encoding="UTF-8"?>' + text)
    return path


# --- what differs, worked out by hand from each workbook -----------------------------------------

# Annex_A_2024_Jan.xlsx and the liiatools fixture: List 6's Allocated Team (M) and Allocated Worker
# (N) are #N/A error cells on all five rows, 2 to 6. Nothing else differs.
FIXTURE_DIFFERENCES = [
    ("List 6", f"{column}{row}", NA, None) for row in range(2, 7) for column in "MN"
]
# The synthetic workbook: List 1's Ethnicity on the second child's row (C5) is an #N/A cell.
SYNTHETIC_DIFFERENCES = [("List1 - Contacts", "C5", NA, None)]
# The cell-kinds workbook: the three error cells, B4 to B6.
KINDS_DIFFERENCES = [
    ("Kinds", "B4", NA, None),
    ("Kinds", "B5", DIV0, None),
    ("Kinds", "B6", VALUE, None),
]


def _synthetic_xlsx(tmp: Path) -> Path:
    return build_xlsx(tmp / "testshire.xlsx")


def _synthetic_xls(tmp: Path) -> Path:
    return write_xls(tmp / "testshire.xls", SYNTHETIC)


WORKBOOKS = {
    "Annex_A_2024_Jan.xlsx": (lambda _tmp: JAN_2024, FIXTURE_DIFFERENCES),
    "Annex_A_liiatools_0.2.0.xlsx": (lambda _tmp: LIIATOOLS, FIXTURE_DIFFERENCES),
    "synthetic .xlsx": (_synthetic_xlsx, SYNTHETIC_DIFFERENCES),
    "synthetic .xls": (_synthetic_xls, SYNTHETIC_DIFFERENCES),
    "cell kinds, 1900 dates": (lambda tmp: cell_kinds_xlsx(tmp / "kinds.xlsx"), KINDS_DIFFERENCES),
    "cell kinds, 1904 dates": (
        lambda tmp: cell_kinds_xlsx(tmp / "kinds1904.xlsx", date1904=True),
        KINDS_DIFFERENCES,
    ),
}


@pytest.mark.parametrize("name", list(WORKBOOKS))
def test_calamine_differs_from_ours_only_in_error_cells(name: str, tmp_path: Path) -> None:
    make, expected = WORKBOOKS[name]
    path = make(tmp_path)
    our_names, ours = read_ours(path)
    their_names, theirs = read_calamine(path)
    assert their_names == our_names
    assert differences(ours, theirs) == expected


def test_the_cell_kinds_as_our_reader_gives_them(tmp_path: Path) -> None:
    """Hand-worked values, so the comparison above cannot pass with both readers wrong alike."""
    for date1904 in (False, True):
        names, sheets = read_ours(
            cell_kinds_xlsx(tmp_path / f"k{date1904}.xlsx", date1904=date1904)
        )
        assert names == ["Kinds", "Offset"]
        assert {row: cells[1] for row, cells in sheets["Kinds"].items()} == {
            1: "Jo Bloggs",
            2: "Inline text",
            3: "Computed",
            4: NA,
            5: DIV0,
            6: VALUE,
            7: True,
            8: False,
            9: datetime(2024, 1, 5),
            10: datetime(2024, 1, 5),
            11: datetime(2024, 1, 5, 12),
            12: VALUE,  # 09:00 with no day: not a date
            13: 12345,
            14: 2.5,
            15: "#N/A",  # text, not an error: values.clean_cell reads it as one later
            17: 1,
        }
        assert sheets["Kinds"][1][0] == "shared string"
        assert sheets["Offset"] == {3: [None, None, "starts at C3"], 5: [None, None, None, 7]}


def test_calamine_reads_an_error_cell_as_a_blank(tmp_path: Path) -> None:
    """The reason in one cell: calamine's #N/A is the same value as an empty cell's."""
    path = cell_kinds_xlsx(tmp_path / "kinds.xlsx")
    with python_calamine.CalamineWorkbook.from_path(str(path)) as book:
        grid = book.get_sheet_by_name("Kinds").to_python(skip_empty_area=False)
    na, div0, value, empty = grid[3][1], grid[4][1], grid[5][1], grid[15][1]  # B4, B5, B6, B16
    assert na == div0 == value == empty == ""
    assert grid[14][1] == "#N/A"  # text typed as #N/A keeps its text


def test_the_comparison_sees_a_changed_value() -> None:
    ours = {"List 1": {2: [1001, "a) Male", datetime(2024, 1, 5)]}}
    theirs = {"List 1": {2: [1001, "a) Male", datetime(2024, 1, 6)], 4: [None, True]}}
    assert differences(ours, theirs) == [
        ("List 1", "C2", datetime(2024, 1, 5), datetime(2024, 1, 6)),
        ("List 1", "B4", None, True),  # a row only one side has
    ]
    # One is not True, and 1.5 is not "1.5": a value's type counts as well as its value.
    assert differences({"S": {1: [1, 1.5]}}, {"S": {1: [True, "1.5"]}}) == [
        ("S", "A1", 1, True),
        ("S", "B1", 1.5, "1.5"),
    ]


def test_letters() -> None:
    assert [_letters(c) for c in (0, 12, 25, 26, 701, 702)] == ["A", "M", "Z", "AA", "ZZ", "AAA"]
