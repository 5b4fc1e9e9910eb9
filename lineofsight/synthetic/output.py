"""Streaming CSV files per SSD table, joining parts written in parallel, and byte-stable xlsx."""

from __future__ import annotations

import io
import os
import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

from lineofsight.casework import schema

Row = Callable[[str], None]

FIXED_ZIP_TIME = (2000, 1, 1, 0, 0, 0)


def quote(text: str) -> str:
    """A CSV field: quoted only when it holds a comma, a quote or a line break."""
    if "," in text or '"' in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


class TableFiles:
    """One CSV file per snapshot table, written through in-memory line buffers.

    `files.rows["ssd_person"]` is the bound `append` of a list: callers pass one finished CSV line
    (fields already made safe with `quote`, joined by commas, no line end) and call `flush()` now
    and then. Skipping the csv module and a Python call per row matters at tens of millions of rows.
    """

    def __init__(self, directory: Path, header: bool = True) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.paths: dict[str, Path] = {}
        self._handles: dict[str, io.TextIOWrapper] = {}
        self._buffers: dict[str, list[str]] = {}
        self.rows: dict[str, Row] = {}
        self.counts: dict[str, int] = {}
        for name, table in schema.tables().items():
            path = directory / f"{name}.csv"
            handle = path.open("w", encoding="utf-8", newline="", buffering=1 << 20)
            if header:
                handle.write(",".join(quote(f) for f in table.field_names) + "\n")
            buffer: list[str] = []
            self.paths[name] = path
            self._handles[name] = handle
            self._buffers[name] = buffer
            self.rows[name] = buffer.append
            self.counts[name] = 0

    def flush(self) -> None:
        for name, buffer in self._buffers.items():
            if buffer:
                buffer.append("")
                self._handles[name].write("\n".join(buffer))
                self.counts[name] += len(buffer) - 1
                buffer.clear()

    def close(self) -> None:
        self.flush()
        for handle in self._handles.values():
            handle.close()


def join_parts(parts: list[Path], target: Path) -> None:
    """Table files of several shards into one; the first part carries the header."""
    target.mkdir(parents=True, exist_ok=True)
    for name in schema.tables():
        first = parts[0] / f"{name}.csv"
        with first.open("r+b") as sink:
            sink.seek(0, os.SEEK_END)
            for part in parts[1:]:
                with (part / f"{name}.csv").open("rb") as src:
                    _append(src, sink)
                os.remove(part / f"{name}.csv")
        os.replace(first, target / f"{name}.csv")
    for part in parts:
        shutil.rmtree(part, ignore_errors=True)


def _append(src: io.BufferedReader, sink: io.BufferedWriter) -> None:
    """Copy in the kernel where the platform allows it (gigabytes for England)."""
    sink.flush()
    size = os.fstat(src.fileno()).st_size
    copied = 0
    if hasattr(os, "copy_file_range"):
        try:
            while copied < size:
                n = os.copy_file_range(src.fileno(), sink.fileno(), size - copied)
                if n == 0:
                    break
                copied += n
        except OSError:
            if copied:
                raise
    if copied < size:
        sink.seek(0, os.SEEK_END)
        src.seek(copied)
        shutil.copyfileobj(src, sink, 1 << 22)


_CORE_TIMES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def make_zip_deterministic(path: Path, stamp: str = "2000-01-01T00:00:00Z") -> None:
    """Rewrite an xlsx (zip) with fixed member times and document dates, so equal content gives
    equal bytes."""
    with zipfile.ZipFile(path) as src:
        members = [(info, src.read(info.filename)) for info in src.infolist()]
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w") as dst:
        for info, data in members:
            if info.filename == "docProps/core.xml":
                data = _CORE_TIMES.sub(rb"\g<1>" + stamp.encode() + rb"\g<2>", data)
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, data)
    os.replace(tmp, path)
