"""Old-style .xls workbooks, read with xlrd.

Nothing installed here writes .xls (xlrd only reads, and xlwt and LibreOffice are not
available), so the test writes one itself: a minimal BIFF8 workbook (the Excel 97-2003 record
format) inside a minimal OLE2 compound file, just enough for xlrd. It holds the same sheets as the
.xlsx built in test_annex_a, and the two must read alike.
"""

from __future__ import annotations

import struct
from datetime import date, datetime
from pathlib import Path

from lineofsight.intake.annex_a import read_annex_a
from lineofsight.intake.problems import ParsedExtract, Severity

from .test_annex_a import SYNTHETIC, build_xlsx

_END_OF_CHAIN, _FAT_SECTOR, _FREE_SECTOR, _NO_STREAM = (
    0xFFFFFFFE,
    0xFFFFFFFD,
    0xFFFFFFFF,
    0xFFFFFFFF,
)
_GENERAL, _DATE = 1, 2  # cell formats (XF records) written below: general, and a date
_ERROR_CODES = {"#N/A": 0x2A, "#REF!": 0x17, "#VALUE!": 0x0F}


def _record(kind: int, data: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def _text(text: str, length_bytes: int) -> bytes:
    try:
        raw, wide = text.encode("latin-1"), 0
    except UnicodeEncodeError:
        raw, wide = text.encode("utf-16-le"), 1
    return struct.pack("<B" if length_bytes == 1 else "<H", len(text)) + bytes([wide]) + raw


def _serial(day: date) -> float:
    return float((day - date(1899, 12, 30)).days)


def _cell(row: int, col: int, value: object) -> bytes:
    if value is None:
        return b""
    if isinstance(value, tuple):  # ("formula", text, cached value): a formula with its result
        tokens = b"\x1e" + struct.pack("<H", 0)  # the formula itself does not matter to xlrd
        header = struct.pack("<HHHdHIH", row, col, _DATE, float(value[2]), 0, 0, len(tokens))
        return _record(0x0006, header + tokens)
    if isinstance(value, str) and value in _ERROR_CODES:
        return _record(0x0205, struct.pack("<HHHBB", row, col, _GENERAL, _ERROR_CODES[value], 1))
    if isinstance(value, datetime | date):
        day = value.date() if isinstance(value, datetime) else value
        return _record(0x0203, struct.pack("<HHHd", row, col, _DATE, _serial(day)))
    if isinstance(value, int | float):
        return _record(0x0203, struct.pack("<HHHd", row, col, _GENERAL, float(value)))
    return _record(0x0204, struct.pack("<HHH", row, col, _GENERAL) + _text(str(value), 2))


def _bof(kind: int) -> bytes:
    return _record(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 6))


def _xf(number_format: int, kind: int) -> bytes:
    return _record(
        0x00E0, struct.pack("<HHHBBBBIiH", 0, number_format, kind, 0x20, 0, 0, 0, 0, 0, 0x20C0)
    )


def biff8(sheets: dict[str, list[list]]) -> bytes:
    """The Workbook stream: globals (a font, three formats, the sheet list), then each sheet."""
    font = struct.pack("<HHHHHBBBB", 200, 0, 0x7FFF, 400, 0, 0, 0, 0, 0) + _text("Arial", 1)
    head = _bof(0x0005) + _record(0x0042, struct.pack("<H", 1200))
    head += _record(0x0022, struct.pack("<H", 0)) + _record(0x0031, font)
    head += _xf(0, 0xFFF5) + _xf(0, 0x0000) + _xf(14, 0x0000)  # style, general, d/m/y date
    bodies = []
    for rows in sheets.values():
        width = max((len(r) for r in rows), default=0)
        body = _bof(0x0010) + _record(0x0200, struct.pack("<IIHHH", 0, len(rows), 0, width, 0))
        body += b"".join(_cell(r, c, v) for r, row in enumerate(rows) for c, v in enumerate(row))
        bodies.append(body + _record(0x000A))
    sheet_list = [(name, _text(name, 1)) for name in sheets]
    offset = len(head) + sum(4 + 6 + len(encoded) for _n, encoded in sheet_list) + 4
    for (_name, encoded), body in zip(sheet_list, bodies, strict=True):
        head += _record(0x0085, struct.pack("<IBB", offset, 0, 0) + encoded)
        offset += len(body)
    return head + _record(0x000A) + b"".join(bodies)


def ole2(stream: bytes) -> bytes:
    """A compound file holding one stream, 'Workbook', in 512-byte sectors with one FAT sector."""
    size = max(len(stream), 4096)  # smaller streams would belong in the mini stream
    size += -size % 512
    sectors = size // 512
    assert sectors + 2 <= 128, "one FAT sector holds 128 entries"
    fat = [*range(1, sectors), _END_OF_CHAIN, _END_OF_CHAIN, _FAT_SECTOR]
    fat += [_FREE_SECTOR] * (128 - len(fat))

    def entry(name: str, kind: int, child: int, start: int, length: int) -> bytes:
        encoded = (name + "\0").encode("utf-16-le") if name else b""
        return (
            encoded.ljust(64, b"\0")
            + struct.pack("<HBB", len(encoded), kind, 1 if name else 0)
            + struct.pack("<III", _NO_STREAM, _NO_STREAM, child)
            + b"\0" * 36
            + struct.pack("<III", start, length, 0)
        )

    directory = entry("Root Entry", 5, 1, _END_OF_CHAIN, 0) + entry(
        "Workbook", 2, _NO_STREAM, 0, size
    )
    directory += entry("", 0, _NO_STREAM, 0, 0) * 2
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
    header += struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
    header += struct.pack("<IIIIIIIII", 0, 1, sectors, 0, 4096, _END_OF_CHAIN, 0, _END_OF_CHAIN, 0)
    header += struct.pack("<I", sectors + 1) + struct.pack("<I", _FREE_SECTOR) * 108
    return header + stream.ljust(size, b"\0") + directory + struct.pack("<128I", *fat)


def write_xls(path: Path, sheets: dict[str, list[list]]) -> Path:
    path.write_bytes(ole2(biff8(sheets)))
    return path


def test_an_xls_workbook_reads_like_the_same_xlsx(tmp_path: Path) -> None:
    old = read_annex_a(write_xls(tmp_path / "testshire.xls", SYNTHETIC))
    new = read_annex_a(build_xlsx(tmp_path / "testshire.xlsx", SYNTHETIC))
    assert old.tables == new.tables
    assert len(old.tables["ssd_contacts"]) == 3

    def where(extract: ParsedExtract) -> list[tuple]:
        return [(p.severity, p.table, p.row, p.field, p.value, p.message) for p in extract.problems]

    assert where(old) == where(new)
    assert old.problems[6].source == "testshire.xls [List1 - Contacts]"


def test_an_xls_saved_under_an_xlsx_name_is_still_read(tmp_path: Path) -> None:
    path = write_xls(tmp_path / "renamed.xlsx", {"List 1": SYNTHETIC["List1 - Contacts"]})
    extract = read_annex_a(path)
    assert len(extract.tables["ssd_contacts"]) == 3


def test_an_xls_that_is_not_a_workbook_inside(tmp_path: Path) -> None:
    path = tmp_path / "broken.xls"
    path.write_bytes(ole2(b"\x00" * 100))
    (problem,) = read_annex_a(path).problems
    assert problem.severity is Severity.ERROR
    assert "not a readable Excel workbook" in problem.message
