"""Files uploaded on the Imports page: where they are kept, and unpacking an SSD zip safely.

A zip is checked before anything is unpacked (names, count, declared sizes) and again while
unpacking (actual sizes). Only .csv files are taken, each written under its base name into one
folder, so no name in the archive can place a file anywhere else ("zip slip").
"""

from __future__ import annotations

import re
import shutil
import uuid
import zipfile
import zlib
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from django.conf import settings

from lineofsight.casework import schema
from lineofsight.casework.models import SourceKind
from lineofsight.web.errors import ServiceError

from . import archive as archive_limits
from . import ssda903

SAFE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_. -]*\.csv$", re.IGNORECASE)


class UploadRejected(ServiceError):
    """The upload cannot be imported; the message says why, for the person who sent it."""


def upload_max_bytes() -> int:
    return int(getattr(settings, "INTAKE_UPLOAD_MAX_BYTES", 1024 * 1024 * 1024))


def new_upload_dir() -> Path:
    path = Path(settings.VAR_DIR) / "tmp" / f"upload-{uuid.uuid4().hex}"
    path.mkdir(parents=True, mode=0o700)
    return path


def save(chunks: Iterable[bytes], directory: Path, name: str) -> Path:
    """Write an upload's bytes into `directory` under its own name, made safe: only letters,
    digits, spaces, dots, dashes and underscores, and nothing before the last slash."""
    base = PurePosixPath(name.replace("\\", "/")).name
    safe = re.sub(r"[^A-Za-z0-9_. -]", "_", base).strip(" .")[-100:] or "upload"
    path = directory / safe
    with path.open("wb") as fh:
        for chunk in chunks:
            fh.write(chunk)
    return path


def source_kind_for(name: str) -> SourceKind | None:
    """What an uploaded file may hold, from its extension (a zip or an XML file is looked into
    by `source_kind_of`); None for a file we cannot import."""
    suffix = PurePosixPath(name.replace("\\", "/")).suffix.lower()
    return {
        ".zip": SourceKind.SSD,
        ".xlsx": SourceKind.ANNEX_A,
        ".xls": SourceKind.ANNEX_A,
        ".xml": SourceKind.CIN_CENSUS,
    }.get(suffix)


# The collections a return's XML names (Header/CollectionDetails/Collection), and the SSDA903's
# own root element, which has no such header.
_COLLECTION = re.compile(rb"<Collection>\s*([A-Za-z0-9]+)\s*</Collection>")
_SSDA903_ROOT = re.compile(rb"<(?:EXP)?SSDA903[\s>]")
XML_KINDS = {b"CIN": SourceKind.CIN_CENSUS, b"SSDA903": SourceKind.SSDA903}
XML_SNIFF_BYTES = 64 * 1024
# A workforce census (CSWW) is no source of casework: it is added to the current snapshot's
# (services.csww_import), so it is a kind of upload but not of snapshot.
WORKFORCE_CENSUS = "csww"
_WORKFORCE_COLLECTION = b"CSWW"


def xml_kind(head: bytes) -> SourceKind | str:
    """Which return an XML file is, from its first bytes (WORKFORCE_CENSUS for a workforce
    census); UploadRejected when none we read."""
    if _SSDA903_ROOT.search(head):
        return SourceKind.SSDA903
    found = _COLLECTION.search(head)
    if found and found[1].upper() in XML_KINDS:
        return XML_KINDS[found[1].upper()]
    if found and found[1].upper() == _WORKFORCE_COLLECTION:
        return WORKFORCE_CENSUS
    raise UploadRejected(
        "The selected XML file is not a children in need census, an SSDA903 return or a "
        "workforce census"
    )


def source_kind_of(path: Path) -> SourceKind | str:
    """What a saved upload holds, from its content: a zip of SSD tables or of the SSDA903's
    tables, a return's XML file (WORKFORCE_CENSUS for a workforce census), or a workbook."""
    kind = source_kind_for(path.name)
    if kind is None:
        raise UploadRejected("The file must be a .zip, .xlsx, .xls or .xml file.")
    if path.suffix.lower() == ".xml":
        with path.open("rb") as fh:
            return xml_kind(fh.read(XML_SNIFF_BYTES))
    if kind == SourceKind.SSD:
        names = [_base_name(info) or "" for info in csv_members(path)]
        stems = {PurePosixPath(n).stem.lower() for n in names}
        if not stems & {*schema.tables(), "case_notes"}:
            words = {ssda903.table_of(n) for n in names}
            if set(ssda903.REQUIRED_TABLES) <= words:
                return SourceKind.SSDA903
    return kind


def looks_like_workbook(head: bytes, name: str) -> bool:
    """An .xlsx is a zip archive; an .xls is an OLE2 compound file."""
    if name.lower().endswith(".xlsx"):
        return head.startswith(b"PK\x03\x04")
    return head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")


def csv_members(source: Path | BinaryIO) -> list[zipfile.ZipInfo]:
    """The CSV files in the zip, checked; UploadRejected if the zip is unsafe or unusable."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as exc:
        raise UploadRejected("The file is not a zip archive, or it is damaged.") from exc
    with archive:
        members = archive.infolist()
        limits = archive_limits.zip_limits()
        if len(members) > limits.max_files:
            raise UploadRejected(
                f"The zip holds {len(members):,} files; at most {limits.max_files:,} are allowed "
                "(setting LINEOFSIGHT_ZIP_MAX_FILES)."
            )
        chosen: dict[str, zipfile.ZipInfo] = {}
        for info in members:
            name = _base_name(info)
            if name is None:
                continue
            if info.flag_bits & 0x1:
                raise UploadRejected("The zip is password-protected. Upload it without a password.")
            if not SAFE_NAME.match(name):
                raise UploadRejected(f"The zip holds a file with an unusable name: {name!r}.")
            if name.lower() in chosen:
                raise UploadRejected(f"The zip holds two files called {name}. Keep one.")
            chosen[name.lower()] = info
        if not chosen:
            raise UploadRejected("The zip holds no CSV files. Zip the folder of SSD CSV files.")
        try:
            archive_limits.check_stated(list(chosen.values()), limits)
        except archive_limits.ArchiveTooLarge as exc:
            raise UploadRejected(str(exc)) from None
        return list(chosen.values())


def extract_csvs(path: Path, destination: Path) -> list[Path]:
    """Unpack the zip's CSV files, flat, into `destination`."""
    members = csv_members(path)
    destination.mkdir(parents=True, exist_ok=True)
    limits = archive_limits.zip_limits()
    budget = limits.max_total_bytes
    written = []
    with zipfile.ZipFile(path) as archive:
        for info in members:
            target = destination / _base_name(info)
            # Count what is really unpacked: a crafted zip can understate its sizes.
            try:
                budget -= archive_limits.copy_member(
                    archive, info, target, limit=limits.max_member_bytes, budget=budget
                )
            except archive_limits.ArchiveTooLarge as exc:
                shutil.rmtree(destination, ignore_errors=True)
                raise UploadRejected(str(exc)) from None
            except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
                # A member whose bytes do not unpack (a damaged or cut-short download).
                shutil.rmtree(destination, ignore_errors=True)
                raise UploadRejected(
                    f"The zip is damaged: {info.filename} cannot be unpacked ({exc}). Make "
                    "the zip again from the extract's files."
                ) from None
            written.append(target)
    return written


def _base_name(info: zipfile.ZipInfo) -> str | None:
    """The member's own file name, or None for anything that is not a CSV file to read."""
    if info.is_dir():
        return None
    path = PurePosixPath(info.filename.replace("\\", "/"))
    parts = path.parts
    if path.is_absolute() or ".." in parts or (parts and ":" in parts[0]):
        raise UploadRejected(f"The zip holds a file outside its own folder: {info.filename!r}.")
    if not parts or any(p.startswith(".") or p == "__MACOSX" for p in parts):
        return None
    # Symbolic links are stored with the Unix file type in the high bits of external_attr.
    if (info.external_attr >> 16) & 0o170000 == 0o120000:
        return None
    name = parts[-1]
    return name if name.lower().endswith(".csv") else None
