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
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from django.conf import settings

from lineofsight.casework.models import SourceKind
from lineofsight.web.errors import ServiceError

MAX_MEMBERS = 500
SAFE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_. -]*\.csv$", re.IGNORECASE)
_CHUNK = 1024 * 1024


class UploadRejected(ServiceError):
    """The upload cannot be imported; the message says why, for the person who sent it."""


def upload_max_bytes() -> int:
    return int(getattr(settings, "INTAKE_UPLOAD_MAX_BYTES", 1024 * 1024 * 1024))


def unzipped_max_bytes() -> int:
    return int(getattr(settings, "INTAKE_UNZIPPED_MAX_BYTES", 8 * 1024 * 1024 * 1024))


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
    """What an uploaded file holds, from its extension; None for a file we cannot import."""
    suffix = PurePosixPath(name.replace("\\", "/")).suffix.lower()
    return {".zip": SourceKind.SSD, ".xlsx": SourceKind.ANNEX_A, ".xls": SourceKind.ANNEX_A}.get(
        suffix
    )


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
        if len(members) > MAX_MEMBERS:
            raise UploadRejected(f"The zip holds more than {MAX_MEMBERS} files.")
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
        if sum(i.file_size for i in chosen.values()) > unzipped_max_bytes():
            raise UploadRejected("The files in the zip are too large to import.")
        return list(chosen.values())


def extract_csvs(path: Path, destination: Path) -> list[Path]:
    """Unpack the zip's CSV files, flat, into `destination`."""
    members = csv_members(path)
    destination.mkdir(parents=True, exist_ok=True)
    budget = unzipped_max_bytes()
    written = []
    with zipfile.ZipFile(path) as archive:
        for info in members:
            target = destination / _base_name(info)
            # Count what is really unpacked: a crafted zip can understate its sizes.
            with archive.open(info) as src, target.open("wb") as dst:
                while chunk := src.read(_CHUNK):
                    budget -= len(chunk)
                    if budget < 0:
                        dst.close()
                        shutil.rmtree(destination, ignore_errors=True)
                        raise UploadRejected("The files in the zip are too large to import.")
                    dst.write(chunk)
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
