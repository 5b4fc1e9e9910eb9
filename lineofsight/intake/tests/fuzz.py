"""Malformed files for every import format, made from valid ones, and what an import makes of them.

Each format has a hypothesis strategy (`malformed(format)`) that starts from a valid seed (the
small inputs the reader tests build) and breaks it one way: damaged bytes, a wrong text encoding,
lines or elements duplicated or dropped, values no council system writes, swapped columns,
hostile XML (deep nesting, entity declarations), or a zip whose members lie about their names or
sizes. `run_one(format, path)` runs the real import service on the result and says what became
of it. Whatever the file, an import must either refuse it, naming what is wrong and where, or
import it; it must never raise, and a refused import must publish nothing.

Used by test_fuzz_imports (a few examples per format) and benchmarks/fuzz_imports.py (thousands).
Both need Django set up with a database and a data folder; csww_xml needs a current snapshot
(`import_baseline`).
"""

from __future__ import annotations

import copy
import csv
import functools
import io
import logging
import re
import struct
import tempfile
import traceback
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Literal

from django.test.utils import override_settings
from hypothesis import strategies as st

from lineofsight.accounts.models import Role, User
from lineofsight.casework import store
from lineofsight.casework.models import Snapshot
from lineofsight.intake import selectors, services, uploads
from lineofsight.intake.models import ImportRun, RunStatus
from lineofsight.intake.problems import Severity

from . import csww_files, extract
from .test_annex_a import SYNTHETIC, build_xlsx
from .test_annex_a_xls import biff8, ole2
from .test_cin_census import ONE_CHILD, _census
from .test_ssda903 import XML, _good

FORMATS = (
    "ssd_csv",
    "ssd_zip",
    "annex_a_xlsx",
    "annex_a_xls",
    "cin_xml",
    "ssda903_csv",
    "ssda903_xml",
    "csww_xml",
)
FOLDER_FORMATS = frozenset({"ssd_csv", "ssda903_csv"})

Files = dict[str, bytes]  # file name (in a folder, or of the one file) -> its bytes
Kind = Literal["rejected", "imported", "traceback"]


@dataclass(frozen=True)
class Malformed:
    """One broken input: what was done to which seed, and the bytes of each file."""

    format: str
    description: str
    files: Files = field(repr=False)  # shown by size only: a failing example's report stays short

    def __repr__(self) -> str:
        sizes = ", ".join(f"{name} ({len(data):,} bytes)" for name, data in self.files.items())
        return f"Malformed({self.format}: {self.description}; {sizes})"

    def _repr_pretty_(self, printer, cycle: bool) -> None:
        # What hypothesis prints for a failing example: the description, not the bytes.
        printer.text(repr(self))

    def write(self, directory: Path) -> Path:
        """Write it under `directory`: the folder for a folder format, else the one file."""
        directory.mkdir(parents=True, exist_ok=True)
        if self.format in FOLDER_FORMATS:
            folder = directory / "input"
            folder.mkdir()
            for name, data in self.files.items():
                (folder / name).write_bytes(data)
            return folder
        ((name, data),) = self.files.items()
        path = directory / name
        path.write_bytes(data)
        return path


@dataclass
class Outcome:
    """What one import of a malformed input came to. `detail` is the first error (rejected) or
    the traceback or unexplained failure (traceback); `partial` says how a refused import left
    something published, when it did."""

    kind: Kind
    detail: str = ""
    partial: str = ""
    errors: list[str] = field(default_factory=list)


# -- valid seeds ---------------------------------------------------------------------------

# Annex A lists written by test_annex_a, less the two rows it breaks on purpose (an impossible
# date and a row without a child), so that the seed itself imports.
_CONTACTS_BAD_DATE, _CONTACTS_NO_CHILD = 6, 8

# The SSDA903 XML return from test_ssda903, with its deliberate mistakes put right.
_SSDA903_XML_FIXES = (
    ("<DOB>1 May 2015</DOB>", "<DOB>01/05/2015</DOB>"),
    ("01/02/2025", "01/02/2026"),
)


def annex_a_sheets() -> dict[str, list[list]]:
    sheets = copy.deepcopy(SYNTHETIC)
    contacts = sheets["List1 - Contacts"]
    contacts[_CONTACTS_BAD_DATE][5] = "28/02/2024"
    del contacts[_CONTACTS_NO_CHILD]
    return sheets


def xlsx_bytes(sheets: dict[str, list[list]]) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        return build_xlsx(Path(tmp) / "book.xlsx", sheets).read_bytes()


def xls_bytes(sheets: dict[str, list[list]], *, stream: bytes | None = None) -> bytes:
    """An .xls file of the sheets, or of `stream` as its workbook stream when given (a changed
    stream in a sound container reaches the record reader, not the container's checks)."""
    return ole2(biff8(sheets) if stream is None else stream)


@functools.cache
def seed(format: str) -> Files:
    """The valid input each format's malformed files start from."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if format in ("ssd_csv", "ssd_zip"):
            folder = extract.write(work / "ssd")
            return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}
        if format == "ssda903_csv":
            return {p.name: p.read_bytes() for p in sorted(_good(work).iterdir())}
        if format == "cin_xml":
            return {"cin.xml": _census(work, ONE_CHILD).read_bytes()}
    if format == "ssda903_xml":
        text = XML
        for wrong, right in _SSDA903_XML_FIXES:
            text = text.replace(wrong, right)
        return {"return.xml": text.encode("utf-8")}
    if format == "csww_xml":
        return {"csww.xml": csww_files.census_xml().encode("utf-8")}
    if format == "annex_a_xlsx":
        return {"annex_a.xlsx": xlsx_bytes(annex_a_sheets())}
    if format == "annex_a_xls":
        return {"annex_a.xls": xls_bytes(annex_a_sheets())}
    raise ValueError(f"Unknown format {format!r}; one of {', '.join(FORMATS)}")


def valid(format: str) -> Malformed:
    """The seed itself, unbroken, as an input to import: each must import, or the fuzzing of its
    format would only ever see files refused for a mistake of the seed's own."""
    files = seed(format)
    if format == "ssd_zip":
        files = {"extract.zip": zip_bytes(sorted(files.items()))}
    return Malformed(format, "the valid seed", files)


# -- values and damage shared by every format ----------------------------------------------

NASTY_VALUES = (
    "9" * 400,
    "-99999999999999999999999",
    "1e400",
    "NaN",
    "-inf",
    "0x1F",
    "31/02/2024",
    "2024-13-45",
    "0000-00-00",
    "9999-12-31",
    "0001-01-01",
    "1899-12-30",
    "45123",
    "yesterday",
    "",
    " ",
    '"',
    '"unclosed',
    "=1+1",
    "a,b;c\td",
    "line\nbreak",
    "\u202eevil",
    "\ufeff",
    "\x00",
    "\x1b[31m",
    "é£€ü",
    "x" * 20000,
)

ENCODINGS = ("utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp1252", "latin-1", "utf-8-sig")
_NON_ASCII = "£é–’ü"


@st.composite
def byte_damage(draw: st.DrawFn, data: bytes) -> tuple[str, bytes]:
    """Bytes flipped, cut, inserted, removed or replaced by NULs, somewhere in `data`."""
    how = draw(st.sampled_from(["flip", "truncate", "insert", "delete", "nuls"]))
    at = draw(st.integers(0, max(len(data) - 1, 0)))
    if how == "flip":
        mask = draw(st.integers(1, 255))
        count = draw(st.integers(1, 8))
        damaged = bytearray(data)
        for i in range(count):
            j = (at + i * 97) % max(len(data), 1)
            if damaged:
                damaged[j] ^= mask
        return f"{count} byte(s) from {at} XOR 0x{mask:02x}", bytes(damaged)
    if how == "truncate":
        return f"cut to {at} of {len(data)} bytes", data[:at]
    if how == "insert":
        junk = draw(st.binary(min_size=1, max_size=64))
        return f"{len(junk)} bytes {junk[:16]!r} inserted at {at}", data[:at] + junk + data[at:]
    if how == "delete":
        length = draw(st.integers(1, 256))
        return f"{length} bytes deleted at {at}", data[:at] + data[at + length :]
    length = draw(st.integers(1, 64))
    return f"{length} NULs over byte {at}", data[:at] + b"\0" * length + data[at + length :]


@st.composite
def encoding_damage(draw: st.DrawFn, text: str) -> tuple[str, bytes]:
    """The text in an encoding it does not say it is in, or with characters it cannot hold."""
    encoding = draw(st.sampled_from(ENCODINGS))
    if encoding in ("cp1252", "latin-1"):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + _NON_ASCII[: 4 if encoding == "cp1252" else 2] + text[at:]
        return f"{encoding} bytes ('£é' at {at})", text.encode(encoding, errors="replace")
    return f"encoded as {encoding}", text.encode(encoding)


@st.composite
def line_damage(draw: st.DrawFn, text: str) -> tuple[str, str]:
    """A line duplicated, dropped, moved, or blanked."""
    lines = text.splitlines(keepends=True)
    if not lines:
        return "empty", ""
    how = draw(st.sampled_from(["duplicate", "drop", "swap", "blank", "reverse"]))
    i = draw(st.integers(0, len(lines) - 1))
    j = draw(st.integers(0, len(lines) - 1))
    times = draw(st.sampled_from([1, 2, 50]))
    if how == "duplicate":
        lines[i:i] = [lines[i]] * times
    elif how == "drop":
        del lines[i]
    elif how == "swap":
        lines[i], lines[j] = lines[j], lines[i]
    elif how == "blank":
        lines[i] = "\n"
    else:
        lines.reverse()
    done = {
        "duplicate": f"line {i + 1} repeated {times} times",
        "drop": f"line {i + 1} dropped",
        "swap": f"lines {i + 1} and {j + 1} swapped",
        "blank": f"line {i + 1} blanked",
        "reverse": "lines in reverse order",
    }
    return done[how], "".join(lines)


# -- CSV -----------------------------------------------------------------------------------


def _csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def _csv_text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


@st.composite
def csv_damage(draw: st.DrawFn, text: str) -> tuple[str, str]:
    """A CSV file's cells or columns changed: a nasty value, swapped or repeated columns, rows
    too short or too long, a quote left open."""
    rows = _csv_rows(text)
    if not rows or not rows[0]:
        return "left as it was", text
    how = draw(
        st.sampled_from(
            ["value", "value", "swap_header", "swap_data", "dup_header", "short", "long", "quote"]
        )
    )
    width = len(rows[0])
    r = draw(st.integers(0, len(rows) - 1))
    c = draw(st.integers(0, width - 1))
    d = draw(st.integers(0, width - 1))
    if how == "value":
        value = draw(st.sampled_from(NASTY_VALUES) | st.text(max_size=20))
        row = rows[r] + [""] * (width - len(rows[r]))
        row[c] = value
        rows[r] = row
        return f"row {r + 1} column {c + 1} set to {value[:40]!r}", _csv_text(rows)
    if how in ("swap_header", "swap_data"):
        body = rows[:1] if how == "swap_header" else rows[1:]
        for row in body:
            row += [""] * (width - len(row))
            row[c], row[d] = row[d], row[c]
        which = "in the header only" if how == "swap_header" else "in the data only"
        return f"columns {c + 1} and {d + 1} swapped {which}", _csv_text(rows)
    if how == "dup_header":
        rows[0][d] = rows[0][c]
        return f"header {d + 1} renamed to header {c + 1}'s name", _csv_text(rows)
    if how == "short":
        rows[r] = rows[r][:c]
        return f"row {r + 1} cut to {c} cells", _csv_text(rows)
    if how == "long":
        rows[r] = rows[r] + ["extra"] * (d + 1)
        return f"row {r + 1} given {d + 1} extra cells", _csv_text(rows)
    at = draw(st.integers(0, len(text)))
    return f"a double quote inserted at {at}", text[:at] + '"' + text[at:]


@st.composite
def csv_file_damage(draw: st.DrawFn, data: bytes) -> tuple[str, bytes]:
    text = data.decode("utf-8")
    layer = draw(st.sampled_from(["bytes", "encoding", "lines", "csv", "csv"]))
    if layer == "bytes":
        return draw(byte_damage(data))
    if layer == "encoding":
        return draw(encoding_damage(text))
    damage = line_damage(text) if layer == "lines" else csv_damage(text)
    what, changed = draw(damage)
    return what, changed.encode("utf-8")


@st.composite
def folder_damage(
    draw: st.DrawFn, files: Files, damage: Callable[[bytes], st.SearchStrategy]
) -> tuple[str, Files]:
    """One file of a folder damaged (`damage`), or the folder's files renamed, dropped, doubled
    or joined by a stranger."""
    files = dict(files)
    names = sorted(files)
    name = draw(st.sampled_from(names))
    how = draw(st.sampled_from(["file", "file", "file", "rename", "drop", "copy", "empty", "add"]))
    if how == "file":
        what, files[name] = draw(damage(files[name]))
        return f"{name}: {what}", files
    if how == "rename":
        new = draw(
            st.sampled_from(
                [name.upper(), name + ".bak", name.replace(".csv", ".txt"), " " + name, "x" + name]
            )
        )
        files[new] = files.pop(name)
        return f"{name} renamed {new!r}", files
    if how == "drop":
        del files[name]
        return f"{name} removed", files
    if how == "copy":
        files["copy of " + name] = files[name]
        return f"{name} copied as 'copy of {name}'", files
    if how == "empty":
        files[name] = draw(
            st.sampled_from([b"", b"\n", b"\xef\xbb\xbf", files[name].split(b"\n")[0]])
        )
        return f"{name} emptied to {files[name][:60]!r}", files
    junk = draw(st.binary(max_size=200))
    files["unexpected.csv"] = junk
    return f"unexpected.csv added ({len(junk)} random bytes)", files


# -- XML -----------------------------------------------------------------------------------

_LEAF = re.compile(r"<([A-Za-z_][\w.-]*)>([^<]*)</\1>")
_START = re.compile(r"<([A-Za-z_][\w.-]*)(?:\s[^>]*)?>")
_END = re.compile(r"</([A-Za-z_][\w.-]*)\s*>")

# Ten of the one before, nine times over: a billion "lol"s from a few hundred bytes.
BILLION_LAUGHS = (
    '<!DOCTYPE Message [<!ENTITY lol0 "lol">'
    + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    + "]>"
)
EXTERNAL_ENTITY = '<!DOCTYPE Message [<!ENTITY ext SYSTEM "file:///etc/passwd">]>'
_ATTRIBUTE = re.compile(r'\s([A-Za-z_][\w:.-]*)="([^"]*)"')
# What an attribute is set to: in a workbook's parts these are cell references, cell types,
# style and shared string indexes, sheet and relationship ids.
ATTRIBUTE_VALUES = (
    "",
    "s",
    "e",
    "b",
    "d",
    "str",
    "inlineStr",
    "n",
    "A0",
    "ZZZZZ1048577",
    "1:2",
    "-1",
    "99999999999",
    "rId999",
    "../../../x",
    "1.5",
    "9" * 400,
)
QUADRATIC_BLOWUP = '<!DOCTYPE Message [<!ENTITY big "' + "B" * 5000 + '">]>'


def _escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _after_declaration(text: str) -> int:
    """Where the document proper starts: after the XML declaration, if there is one."""
    return text.index("?>") + 2 if text.startswith("<?xml") else 0


def _element_span(text: str, start: re.Match) -> tuple[int, int]:
    """The span of the element `start` opens (to its first matching end tag), or of the start
    tag alone when it has none."""
    end = text.find(f"</{start[1]}>", start.end())
    return (start.start(), end + len(start[1]) + 3) if end >= 0 else start.span()


@st.composite
def xml_damage(draw: st.DrawFn, text: str) -> tuple[str, str]:
    """The XML made wrong: a value, an element dropped or doubled, tags unbalanced, nesting too
    deep, entities declared, or a second root."""
    leaves = list(_LEAF.finditer(text))
    starts = list(_START.finditer(text))
    ends = list(_END.finditer(text))
    how = draw(
        st.sampled_from(
            [
                "value",
                "value",
                "drop",
                "duplicate",
                "unclose",
                "stray",
                "deep",
                "deep_open",
                "laughs",
                "external",
                "quadratic",
                "ampersand",
                "char_ref",
                "second_root",
                "rename_root",
                "declaration",
                "attribute",
                "attribute",
                "wrap_leaf",
                "nest_self",
                "namespace",
            ]
        )
    )
    if how == "value" and leaves:
        leaf = draw(st.sampled_from(leaves))
        value = draw(st.sampled_from(NASTY_VALUES) | st.text(max_size=20))
        start, end = leaf.span(2)
        return f"<{leaf[1]}> at {leaf.start()} set to {value[:40]!r}", (
            text[:start] + _escape(value) + text[end:]
        )
    if how in ("drop", "duplicate") and starts:
        start, end = _element_span(text, draw(st.sampled_from(starts)))
        element = text[start:end]
        times = draw(st.sampled_from([2, 3, 200])) if how == "duplicate" else 0
        name = element[: element.find(">") + 1]
        done = f"repeated {times} times" if times else "dropped"
        return f"{name} at {start} {done}", (text[:start] + element * times + text[end:])
    if how == "unclose" and ends:
        end = draw(st.sampled_from(ends))
        return f"{end[0]} at {end.start()} removed", text[: end.start()] + text[end.end() :]
    if how == "stray" and starts:
        at = draw(st.sampled_from(starts)).end()
        tag = draw(st.sampled_from(["</Message>", "<Open>", "</Nothing>", "<>", "<a b>"]))
        return f"{tag} inserted at {at}", text[:at] + tag + text[at:]
    if how in ("deep", "deep_open") and starts:
        at = draw(st.sampled_from(starts)).end()
        depth = draw(st.sampled_from([200, 2_000, 50_000]))
        closing = "</Deep>" * depth if how == "deep" else ""
        balanced = "balanced" if how == "deep" else "never closed"
        return f"{depth} nested elements ({balanced}) at {at}", (
            text[:at] + "<Deep>" * depth + closing + text[at:]
        )
    if how in ("laughs", "external", "quadratic"):
        doctype, reference = {
            "laughs": (BILLION_LAUGHS, "&lol9;"),
            "external": (EXTERNAL_ENTITY, "&ext;"),
            "quadratic": (QUADRATIC_BLOWUP, "&big;" * 2000),
        }[how]
        at = _after_declaration(text)
        text = text[:at] + doctype + text[at:]
        if leaves:
            leaf = draw(st.sampled_from(list(_LEAF.finditer(text))))
            start, end = leaf.span(2)
            text = text[:start] + reference + text[end:]
        return f"entity declarations ({how}) used in an element", text
    if how == "ampersand" and leaves:
        leaf = draw(st.sampled_from(leaves))
        at = leaf.start(2)
        return f"a bare & in <{leaf[1]}>", text[:at] + "Smith & Sons" + text[at:]
    if how == "char_ref" and leaves:
        leaf = draw(st.sampled_from(leaves))
        ref = draw(st.sampled_from(["&#1;", "&#0;", "&#xFFFE;", "&#99999999;", "&nosuch;"]))
        at = leaf.start(2)
        return f"{ref} in <{leaf[1]}>", text[:at] + ref + text[at:]
    if how == "attribute" and (attributes := list(_ATTRIBUTE.finditer(text))):
        attribute = draw(st.sampled_from(attributes))
        value = draw(st.sampled_from(ATTRIBUTE_VALUES) | st.text(max_size=12))
        start, end = attribute.span(2)
        return f"attribute {attribute[1]} at {start} set to {value[:40]!r}", (
            text[:start] + _escape(value).replace('"', "&quot;") + text[end:]
        )
    if how == "wrap_leaf" and leaves:
        # An element where a value belongs: <Sex><Sex>F</Sex></Sex>.
        leaf = draw(st.sampled_from(leaves))
        start, end = leaf.span(2)
        inner = f"<{leaf[1]}>{leaf[2]}</{leaf[1]}>"
        return f"<{leaf[1]}> at {leaf.start()} wrapped in itself", text[:start] + inner + text[end:]
    if how == "nest_self" and starts:
        # An element inside a copy of itself: <Child><Child>...</Child></Child>.
        start, end = _element_span(text, draw(st.sampled_from(starts)))
        element = text[start:end]
        name = element[1 : element.find(">")].split()[0]
        return f"<{name}> at {start} nested in a copy of itself", (
            text[:start] + f"<{name}>{element}</{name}>" + text[end:]
        )
    if how == "namespace" and starts:
        root = starts[0]
        at = root.start() + 1 + len(root[1])
        uri = draw(st.sampled_from(["http://www.dfe.gov.uk/CBDS", "urn:x", ""]))
        return f"the root given the namespace {uri!r}", f'{text[:at]} xmlns="{uri}"{text[at:]}'
    if how == "second_root":
        return "a second root element", text + "<Message></Message>\n"
    if how == "rename_root" and starts:
        root = starts[0][1]
        return f"root <{root}> renamed <Other>", text.replace(f"<{root}", "<Other", 1).replace(
            f"</{root}>", "</Other>"
        )
    at = _after_declaration(text)
    declaration = draw(
        st.sampled_from(
            [
                "",
                "<?xml version='1.0' encoding='utf-16'?>",
                "<?xml version='1.0' encoding='klingon'?>",
                "<?xml version='2.0'?>",
                "\n<?xml version='1.0'?>",
            ]
        )
    )
    return f"XML declaration made {declaration!r}", declaration + text[at:]


@st.composite
def xml_file_damage(draw: st.DrawFn, data: bytes) -> tuple[str, bytes]:
    text = data.decode("utf-8")
    layer = draw(st.sampled_from(["bytes", "encoding", "lines", "xml", "xml", "xml"]))
    if layer == "bytes":
        return draw(byte_damage(data))
    if layer == "encoding":
        return draw(encoding_damage(text))
    what, changed = draw(line_damage(text) if layer == "lines" else xml_damage(text))
    return what, changed.encode("utf-8")


# -- zip archives --------------------------------------------------------------------------

_EOCD = b"PK\x05\x06"
# Offsets within a central directory entry: flags, method, CRC, packed and unpacked sizes,
# and the external attributes (where Unix file types live).
_CD_FIELDS = {"flags": (8, "<H"), "crc": (16, "<I"), "packed": (20, "<I"), "size": (24, "<I")}
_CD_EXTERNAL = (38, "<I")


def zip_bytes(members: list[tuple[str, bytes]], *, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a duplicate name is what some inputs are for
        with zipfile.ZipFile(out, "w", method) as archive:
            for name, data in members:
                archive.writestr(zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)), data, method)
    return out.getvalue()


def patch_central_directory(data: bytes, index: int, offset: int, fmt: str, value: int) -> bytes:
    """`data` with one field of central directory entry `index` set to `value` (what each member
    states about itself, as a crafted zip can state it falsely)."""
    end = data.rfind(_EOCD)
    count, _size, start = struct.unpack_from("<HII", data, end + 10)
    patched = bytearray(data)
    position = start
    for i in range(count):
        names, extra, comment = struct.unpack_from("<HHH", data, position + 28)
        if i == index % max(count, 1):
            struct.pack_into(fmt, patched, position + offset, value)
            break
        position += 46 + names + extra + comment
    return bytes(patched)


@st.composite
def zip_damage(
    draw: st.DrawFn, members: list[tuple[str, bytes]], damage: Callable[[bytes], st.SearchStrategy]
) -> tuple[str, bytes]:
    """A zip of `members` with one thing wrong: a member's content (`damage`), its name, its
    stated sizes or flags, the members themselves, or the archive's own bytes."""
    members = list(members)
    i = draw(st.integers(0, len(members) - 1))
    name, data = members[i]
    how = draw(
        st.sampled_from(
            [
                "member",
                "member",
                "member",
                "name",
                "drop",
                "twice",
                "state",
                "bytes",
                "bomb",
                "empty",
            ]
        )
    )
    if how == "member":
        what, members[i] = draw(damage(data))
        members[i] = (name, members[i])
        return f"{name}: {what}", zip_bytes(members)
    if how == "name":
        new = draw(
            st.sampled_from(
                [
                    "../" + name,
                    "/" + name,
                    "C:" + name,
                    "a/../../" + name,
                    "__MACOSX/" + name,
                    "." + name,
                    name.upper(),
                    name.replace("_", " ? "),
                    "sub/dir/" + name,
                    "é" + name,
                    "x" * 300 + name,
                    name + "/",
                    name.replace("/", "\\"),
                ]
            )
        )
        members[i] = (new, data)
        return f"member {name} renamed {new[:60]!r}", zip_bytes(members)
    if how == "drop":
        del members[i]
        return f"member {name} left out", zip_bytes(members)
    if how == "twice":
        where = draw(st.sampled_from(["", "other/"]))
        members.append((where + name, data))
        return f"member {name} stored twice (as {where + name!r})", zip_bytes(members)
    if how == "state":
        item = draw(st.sampled_from([*_CD_FIELDS, "symlink"]))
        offset, fmt = _CD_EXTERNAL if item == "symlink" else _CD_FIELDS[item]
        value = {
            "flags": draw(st.sampled_from([0x1, 0x8, 0x41, 0xFFFF])),
            "crc": draw(st.integers(0, 2**32 - 1)),
            "packed": draw(st.sampled_from([0, 1, 2**31, 2**32 - 1])),
            "size": draw(st.sampled_from([0, 1, 10**9, 2**32 - 1])),
            "symlink": 0o120777 << 16,
        }[item]
        archive = zip_bytes(members, method=draw(st.sampled_from([zipfile.ZIP_DEFLATED, 0])))
        return f"member {name} states {item} = {value}", patch_central_directory(
            archive, i, offset, fmt, value
        )
    if how == "bytes":
        what, damaged = draw(byte_damage(zip_bytes(members)))
        return f"the archive's bytes: {what}", damaged
    if how == "bomb":
        members[i] = (name, data + b"\0" * (3 * 1024 * 1024))
        return f"member {name} padded with 3 MB of NULs", zip_bytes(members)
    return "no members at all", zip_bytes([])


# -- workbooks -----------------------------------------------------------------------------

SHEET_VALUES: tuple[object, ...] = (
    1e308,
    -1e308,
    10**30,
    -1,
    0,
    0.5,
    date(1900, 1, 1),
    date(9999, 12, 31),
    datetime(1900, 2, 28, 23, 59, 59),
    "#REF!",
    "#N/A",
    "31/02/2024",
    "2024-13-45",
    "",
    "=1+1",
    "é£€" * 1000,
    "x" * 5000,
)


@st.composite
def sheet_damage(draw: st.DrawFn, sheets: dict[str, list[list]]) -> tuple[str, dict]:
    """The workbook's lists changed cell by cell: a value no return holds, swapped columns, a
    row doubled or dropped, a header lost, a sheet dropped or renamed."""
    sheets = copy.deepcopy(sheets)
    name = draw(st.sampled_from(sorted(sheets)))
    rows = sheets[name]
    how = draw(
        st.sampled_from(["value", "value", "swap", "duplicate", "drop", "no_sheet", "rename"])
    )
    r = draw(st.integers(0, max(len(rows) - 1, 0)))
    if how == "value" and rows and rows[r]:
        c = draw(st.integers(0, len(rows[r]) - 1))
        value = draw(st.sampled_from(SHEET_VALUES))
        rows[r][c] = value
        return f"[{name}] row {r + 1} column {c + 1} set to {str(value)[:40]!r}", sheets
    if how == "swap" and rows:
        width = max(len(row) for row in rows)
        c, d = draw(st.integers(0, width - 1)), draw(st.integers(0, width - 1))
        for row in rows:
            row += [None] * (width - len(row))
            row[c], row[d] = row[d], row[c]
        return f"[{name}] columns {c + 1} and {d + 1} swapped", sheets
    if how == "duplicate" and rows:
        rows.insert(r, list(rows[r]))
        return f"[{name}] row {r + 1} doubled", sheets
    if how == "drop" and rows:
        del rows[r]
        return f"[{name}] row {r + 1} removed", sheets
    if how == "rename":
        sheets = {("Sheet9" if k == name else k): v for k, v in sheets.items()}
        return f"sheet {name!r} renamed 'Sheet9'", sheets
    del sheets[name]
    return f"sheet {name!r} removed", sheets


@st.composite
def xlsx_damage(draw: st.DrawFn) -> tuple[str, bytes]:
    layer = draw(st.sampled_from(["cells", "cells", "parts", "parts", "bytes"]))
    if layer == "cells":
        what, sheets = draw(sheet_damage(annex_a_sheets()))
        return what, xlsx_bytes(sheets)
    ((_name, book),) = seed("annex_a_xlsx").items()
    if layer == "bytes":
        return draw(byte_damage(book))
    with zipfile.ZipFile(io.BytesIO(book)) as archive:
        parts = [(info.filename, archive.read(info)) for info in archive.infolist()]
    return draw(zip_damage(parts, xml_file_damage))


# The workbook stream's BOUNDSHEET records hold each sheet's offset; a record's length is the
# two bytes after its type.
_BOUNDSHEET = struct.pack("<H", 0x0085)


@st.composite
def xls_damage(draw: st.DrawFn) -> tuple[str, bytes]:
    layer = draw(st.sampled_from(["cells", "cells", "stream", "stream", "records", "bytes"]))
    sheets = annex_a_sheets()
    if layer == "cells":
        what, sheets = draw(sheet_damage(sheets))
        return what, xls_bytes(sheets)
    if layer == "bytes":
        ((_name, book),) = seed("annex_a_xls").items()
        return draw(byte_damage(book))
    stream = biff8(sheets)
    if layer == "stream":
        what, changed = draw(byte_damage(stream))
        return f"workbook stream: {what}", xls_bytes(sheets, stream=changed)
    # A record's stated length, or a sheet's stated offset, made false.
    value = draw(st.sampled_from([0, 1, 0x7FFF, 0xFFFF]))
    if draw(st.booleans()):
        at = draw(st.sampled_from([m.start() for m in re.finditer(re.escape(_BOUNDSHEET), stream)]))
        changed = stream[: at + 4] + struct.pack("<I", value * 0x10001) + stream[at + 8 :]
        what = f"a sheet's offset made {value * 0x10001}"
    else:
        at = draw(st.integers(0, len(stream) - 4))
        changed = stream[: at + 2] + struct.pack("<H", value) + stream[at + 4 :]
        what = f"2 bytes at {at + 2} (a record length, perhaps) made {value}"
    return f"workbook stream: {what}", xls_bytes(sheets, stream=changed)


# -- one strategy per format ---------------------------------------------------------------


@st.composite
def _named(
    draw: st.DrawFn, format: str, damage: st.SearchStrategy[tuple[str, Files | bytes]], name: str
) -> Malformed:
    """`damage` drawn as a Malformed input: the folder's files, or one file called `name`."""
    what, done = draw(damage)
    return Malformed(format, what, done if isinstance(done, dict) else {name: done})


def malformed(format: str) -> st.SearchStrategy[Malformed]:
    """Malformed inputs of one format, each a valid seed broken one way."""
    if format in FOLDER_FORMATS:
        return _named(format, folder_damage(seed(format), csv_file_damage), "")
    if format == "ssd_zip":
        members = sorted(seed("ssd_csv").items())
        return _named(format, zip_damage(members, csv_file_damage), "extract.zip")
    if format not in FORMATS:
        raise ValueError(f"Unknown format {format!r}; one of {', '.join(FORMATS)}")
    ((name, data),) = seed(format).items()
    if format == "annex_a_xlsx":
        return _named(format, xlsx_damage(), name)
    if format == "annex_a_xls":
        return _named(format, xls_damage(), name)
    return _named(format, xml_file_damage(data), name)


# -- running an import ---------------------------------------------------------------------

_FUZZ_USER = "imports.fuzz@example.invalid"
_ACCEPT = {"gate_mode": services.GateMode.ACCEPT}
_BACKGROUND_LOG = "lineofsight.intake.background"
_UNEXPECTED = "The import failed unexpectedly"


def import_baseline() -> Snapshot:
    """Import the valid SSD extract and return its snapshot, now current: what a workforce
    census is added to, and what a refused import must leave current."""
    with tempfile.TemporaryDirectory() as tmp:
        run = services.ssd_extract_import(directory=extract.write(Path(tmp) / "ssd"))
    if run.status != RunStatus.SUCCEEDED:
        raise RuntimeError(f"The valid extract did not import: {run.failure_message}")
    return run.snapshot


class _Captured(logging.Handler):
    """Keeps the tracebacks a background import logs (it logs them rather than raising)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.tracebacks: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info:
            self.tracebacks.append("".join(traceback.format_exception(*record.exc_info)))


def _upload(path: Path) -> ImportRun | str:
    """An SSD zip through the Imports page's path: the upload is checked, kept and imported
    (inline). The upload checks' refusal message, when they refuse it."""
    actor = User.objects.filter(email=_FUZZ_USER).first() or User.objects.create_user(
        _FUZZ_USER, None, role=Role.ANALYST, full_name="Imports check"
    )
    captured = _Captured()
    logger = logging.getLogger(_BACKGROUND_LOG)
    logger.addHandler(captured)
    propagate, logger.propagate = logger.propagate, False
    try:
        with override_settings(INTAKE_IMPORTS_INLINE=True), path.open("rb") as fh:
            run = services.uploaded_import_start(
                actor=actor, file_name=path.name, chunks=iter(lambda: fh.read(65536), b"")
            )
    except uploads.UploadRejected as exc:
        return str(exc)
    finally:
        logger.removeHandler(captured)
        logger.propagate = propagate
    if captured.tracebacks:
        raise _LoggedTraceback(captured.tracebacks[0])
    return run


class _LoggedTraceback(Exception):
    """A traceback a background import logged instead of raising."""


IMPORTERS: dict[str, Callable[[Path], ImportRun | str]] = {
    "ssd_csv": lambda p: services.ssd_extract_import(directory=p, **_ACCEPT),
    "ssd_zip": _upload,
    "annex_a_xlsx": lambda p: services.annex_a_import(path=p, **_ACCEPT),
    "annex_a_xls": lambda p: services.annex_a_import(path=p, **_ACCEPT),
    "cin_xml": lambda p: services.cin_census_import(path=p, **_ACCEPT),
    "ssda903_csv": lambda p: services.ssda903_import(path=p, **_ACCEPT),
    "ssda903_xml": lambda p: services.ssda903_import(path=p, **_ACCEPT),
    "csww_xml": lambda p: services.csww_import(path=p, **_ACCEPT),
}


def _snapshot_state() -> tuple[int | None, int, frozenset[str]]:
    current = store.current_snapshot()
    files = frozenset(p.name for p in store.snapshot_dir().iterdir())
    return (current.pk if current else None, Snapshot.objects.count(), files)


def _partial(before: tuple, run: ImportRun | None) -> str:
    """How a refused import left something behind: '' when it left nothing."""
    current, count, files = before
    now_current, now_count, now_files = _snapshot_state()
    found = []
    if run is not None and run.snapshot_id is not None:
        found.append(f"the run names snapshot {run.snapshot_id}")
    if now_current != current:
        found.append(f"the current snapshot changed from {current} to {now_current}")
    if now_count != count:
        found.append(f"{now_count - count} snapshot(s) registered")
    if new := sorted(now_files - files):
        found.append(f"new file(s) in the snapshot folder: {', '.join(new)}")
    return "; ".join(found)


def _clear_errors(run: ImportRun) -> list[str]:
    return [
        str(p)
        for p in selectors.report_problems(run)
        if p.severity == Severity.ERROR and p.message.strip() and p.where().strip()
    ]


def run_one(format: str, path: Path) -> Outcome:
    """Import `path` as `format` with the real import service and classify what happened:
    rejected (failed, with at least one error saying what and where), imported, or traceback
    (an exception escaped, or the run failed with nothing to say why). A refused import must
    leave the current snapshot, the registered snapshots and the snapshot folder as they were;
    `partial` says how it did not. A run left running is a traceback too: it would stop every
    later upload (ImportAlreadyRunning), so it is closed here for the next input's sake."""
    if format == "csww_xml" and store.current_snapshot() is None:
        import_baseline()
    before = _snapshot_state()
    outcome = _import_and_classify(format, path, before)
    stuck = list(ImportRun.objects.filter(status=RunStatus.RUNNING))
    for run in stuck:
        services.import_run_finish(
            run=run, status=RunStatus.FAILED, failure_message="Closed by the malformed-file check."
        )
    if stuck:
        left = ", ".join(str(r.pk) for r in stuck)
        outcome.detail = f"{outcome.detail}\nThe import left run {left} running.".lstrip()
        outcome.kind = "traceback"
    return outcome


def _import_and_classify(format: str, path: Path, before: tuple) -> Outcome:
    try:
        run = IMPORTERS[format](path)
    except Exception as exc:
        text = exc.args[0] if isinstance(exc, _LoggedTraceback) else traceback.format_exc()
        return Outcome("traceback", detail=text, partial=_partial(before, None))
    if isinstance(run, str):  # the upload checks refused it before any run began
        return Outcome("rejected", detail=run, errors=[run], partial=_partial(before, None))
    run.refresh_from_db()
    if run.status in (RunStatus.SUCCEEDED, RunStatus.REVIEW):
        return Outcome("imported", detail=run.status)
    partial = _partial(before, run)
    errors = _clear_errors(run)
    if run.status == RunStatus.FAILED and errors:
        return Outcome("rejected", detail=errors[0], errors=errors, partial=partial)
    # An upload refused while it was unpacked fails the run with the refusal as its message.
    explained = (
        format == "ssd_zip" and run.failure_message and _UNEXPECTED not in run.failure_message
    )
    if run.status == RunStatus.FAILED and explained:
        return Outcome(
            "rejected", detail=run.failure_message, errors=[run.failure_message], partial=partial
        )
    return Outcome(
        "traceback",
        detail=(
            f"The run ended {run.status} with no error saying what and where "
            f"({run.error_count} errors in its report); its message: {run.failure_message!r}"
        ),
        partial=partial,
    )
