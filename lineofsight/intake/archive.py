"""Limits on what a zip archive (an SSD zip, or an .xlsx workbook, which is one) may unpack to.

A zip states each member's unpacked size, and a crafted one states it falsely: a 2 MB file can
unpack to gigabytes. So every member is checked twice: its stated size before anything is read
(count, each member, the total, and how many times larger than its packed size it is), and the
bytes really unpacked while they are read, a block at a time. Each limit is a setting:

    LINEOFSIGHT_ZIP_MAX_FILES            members in one zip (500)
    LINEOFSIGHT_UNZIPPED_FILE_MAX_MB     one member unpacked (4096)
    LINEOFSIGHT_UNZIPPED_MAX_MB          all members unpacked together (8192)
    LINEOFSIGHT_ZIP_MAX_RATIO            unpacked size over packed size, per member (200)
    LINEOFSIGHT_WORKBOOK_PART_MAX_MB     one part of an .xlsx workbook unpacked (1024)
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

_CHUNK = 1024 * 1024
MB = 1024 * 1024
# A member smaller than this is never refused for its ratio: tiny files compress oddly.
_RATIO_FLOOR_BYTES = 1 * MB


class ArchiveTooLarge(ValueError):
    """The archive, or one member, unpacks to more than a limit allows; the message says which
    member, how large, and which setting sets the limit."""


@dataclass(frozen=True)
class Limits:
    max_files: int
    max_member_bytes: int
    max_total_bytes: int
    max_ratio: int


def zip_limits() -> Limits:
    return Limits(
        max_files=int(getattr(settings, "INTAKE_ZIP_MAX_FILES", 500)),
        max_member_bytes=int(getattr(settings, "INTAKE_UNZIPPED_FILE_MAX_BYTES", 4096 * MB)),
        max_total_bytes=int(getattr(settings, "INTAKE_UNZIPPED_MAX_BYTES", 8192 * MB)),
        max_ratio=int(getattr(settings, "INTAKE_ZIP_MAX_RATIO", 200)),
    )


def workbook_part_max_bytes() -> int:
    return int(getattr(settings, "INTAKE_WORKBOOK_PART_MAX_BYTES", 1024 * MB))


def _size(n: int) -> str:
    return f"{n / MB:,.0f} MB" if n >= MB else f"{n:,} bytes"


def check_stated(members: Sequence[zipfile.ZipInfo], limits: Limits) -> None:
    """Refuse a zip whose own list of members breaks a limit, before anything is unpacked."""
    if len(members) > limits.max_files:
        raise ArchiveTooLarge(
            f"The zip holds {len(members):,} files; at most {limits.max_files:,} are allowed "
            "(setting LINEOFSIGHT_ZIP_MAX_FILES)."
        )
    total = 0
    for info in members:
        check_member(
            info, limit=limits.max_member_bytes, setting="LINEOFSIGHT_UNZIPPED_FILE_MAX_MB"
        )
        if info.file_size > _RATIO_FLOOR_BYTES and info.file_size > limits.max_ratio * max(
            info.compress_size, 1
        ):
            raise ArchiveTooLarge(
                f"{info.filename} unpacks to {_size(info.file_size)} from "
                f"{_size(info.compress_size)}, more than {limits.max_ratio} times its packed "
                "size: a file that shrinks that much is not an extract (setting "
                "LINEOFSIGHT_ZIP_MAX_RATIO)."
            )
        total += info.file_size
    if total > limits.max_total_bytes:
        raise ArchiveTooLarge(
            f"The files in the zip unpack to {_size(total)}; at most "
            f"{_size(limits.max_total_bytes)} is allowed (setting LINEOFSIGHT_UNZIPPED_MAX_MB)."
        )


def check_member(info: zipfile.ZipInfo, *, limit: int, setting: str) -> None:
    if info.file_size > limit:
        raise ArchiveTooLarge(
            f"{info.filename} unpacks to {_size(info.file_size)}; at most {_size(limit)} is "
            f"allowed (setting {setting})."
        )


def read_member(
    archive: zipfile.ZipFile, name: str | zipfile.ZipInfo, *, limit: int, setting: str
) -> bytes:
    """A member's bytes, refused as soon as more than `limit` come out, whatever it states."""
    info = name if isinstance(name, zipfile.ZipInfo) else archive.getinfo(name)
    check_member(info, limit=limit, setting=setting)
    parts: list[bytes] = []
    seen = 0
    with archive.open(info) as src:
        while chunk := src.read(_CHUNK):
            seen += len(chunk)
            if seen > limit:
                raise ArchiveTooLarge(
                    f"{info.filename} unpacks to more than {_size(limit)}, more than it states "
                    f"(setting {setting})."
                )
            parts.append(chunk)
    return b"".join(parts)


def copy_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, *, limit: int, budget: int
) -> int:
    """Unpack one member to `target`, a block at a time; the bytes written. Refused (and the
    file removed) past `limit` for the member or `budget` for what is left of the total."""
    written = 0
    with archive.open(info) as src, target.open("wb") as dst:
        while chunk := src.read(_CHUNK):
            written += len(chunk)
            if written > limit or written > budget:
                dst.close()
                target.unlink(missing_ok=True)
                which = (
                    f"{info.filename} unpacks to more than {_size(limit)} (setting "
                    "LINEOFSIGHT_UNZIPPED_FILE_MAX_MB)"
                    if written > limit
                    else "The files in the zip unpack to more than allowed (setting "
                    "LINEOFSIGHT_UNZIPPED_MAX_MB)"
                )
                raise ArchiveTooLarge(f"{which}, more than the zip states.")
            dst.write(chunk)
    return written


class LimitedReader:
    """A member opened for streaming that refuses to give more than `limit` bytes."""

    def __init__(self, source, *, name: str, limit: int, setting: str) -> None:
        self._source, self._name, self._limit, self._setting = source, name, limit, setting
        self._seen = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self._source.read(size)
        self._seen += len(chunk)
        if self._seen > self._limit:
            raise ArchiveTooLarge(
                f"{self._name} unpacks to more than {_size(self._limit)}, more than it states "
                f"(setting {self._setting})."
            )
        return chunk
