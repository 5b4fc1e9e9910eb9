"""Which text encoding a council's file is written in, and reading it as UTF-8.

Case systems and Excel save text files in a few encodings: UTF-8 (with or without a byte-order
mark, Excel's "CSV UTF-8"), UTF-16 with a byte-order mark (Excel's "Unicode text") and, on
older systems, Windows-1252 (Excel's plain "CSV" on an English Windows machine). A byte-order
mark says which it is; without one a file is read as UTF-8 unless the council's setting
LINEOFSIGHT_IMPORT_TEXT_ENCODING says its system writes Windows-1252. Guessing is not safe:
Windows-1252 bytes are almost always valid in some other single-byte encoding, so a wrong guess
would import wrong letters silently, where a refusal tells the council what to change.

    encoding = sniff(first_bytes, configured=setting())   # an Encoding
    text, name = decode(data, configured=setting())       # a whole small file
    transcode(source, target, encoding)                   # a large file, streamed, as UTF-8
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

# The names a council may give the setting, and the codec each means.
CONFIGURABLE = {"utf-8": "utf-8", "windows-1252": "cp1252"}
_BLOCK = 4 * 1024 * 1024


@dataclass(frozen=True)
class Encoding:
    codec: str  # Python's codec name
    label: str  # how the import's report names it
    byte_order_mark: int = 0  # bytes of byte-order mark to skip

    @property
    def is_utf8(self) -> bool:
        return self.codec == "utf-8"


UTF8 = Encoding("utf-8", "UTF-8")
UTF8_BOM = Encoding("utf-8", "UTF-8 with a byte-order mark", 3)
UTF16_LE = Encoding("utf-16-le", "UTF-16 (little-endian, with a byte-order mark)", 2)
UTF16_BE = Encoding("utf-16-be", "UTF-16 (big-endian, with a byte-order mark)", 2)
WINDOWS_1252 = Encoding("cp1252", "Windows-1252 (the council's setting)")


class EncodingError(ValueError):
    """The bytes are not text in the encoding the file was read as; the message says where."""


def setting() -> str | None:
    """The council's configured encoding for files without a byte-order mark, or None."""
    value = str(getattr(settings, "IMPORT_TEXT_ENCODING", "") or "").strip().lower()
    return value or None


def sniff(head: bytes, *, configured: str | None = None) -> Encoding:
    """The encoding of a file starting with `head` (its first few bytes)."""
    if head.startswith(codecs.BOM_UTF8):
        return UTF8_BOM
    if head.startswith(codecs.BOM_UTF16_LE):
        return UTF16_LE
    if head.startswith(codecs.BOM_UTF16_BE):
        return UTF16_BE
    if configured is not None and CONFIGURABLE.get(configured) == "cp1252":
        return WINDOWS_1252
    return UTF8


_XML_DECLARED = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


def xml_label(head: bytes) -> str:
    """How an XML file's text is encoded, from its first bytes: a byte-order mark, else the
    encoding its declaration names, else UTF-8 (XML's default)."""
    for mark, found in ((codecs.BOM_UTF8, UTF8_BOM), (codecs.BOM_UTF16_LE, UTF16_LE),
                        (codecs.BOM_UTF16_BE, UTF16_BE)):  # fmt: skip
        if head.startswith(mark):
            return found.label
    declared = _XML_DECLARED.match(head.lstrip())
    if declared:
        return f"{declared[1].decode('ascii').upper()} (as the file declares)"
    return UTF8.label


def _where(data: bytes, offset: int) -> str:
    line = data[:offset].count(b"\n") + 1
    return f"line {line} (byte {offset + 1})"


def decode(data: bytes, *, configured: str | None = None) -> tuple[str, str]:
    """The text of a whole file and the label of the encoding it was read as. EncodingError
    names the first line that is not text in that encoding."""
    found = sniff(data[:4], configured=configured)
    body = data[found.byte_order_mark :]
    try:
        return body.decode(found.codec), found.label
    except UnicodeDecodeError as exc:
        raise EncodingError(
            f"The file is not valid {found.label} text at {_where(body, exc.start)}."
            + _advice(found)
        ) from None


def transcode(source: Path, target: Path, encoding: Encoding) -> Path:
    """Write `source` as UTF-8 (no byte-order mark) to `target`, a block at a time, keeping
    every line and its number. EncodingError names the first line that is not text."""
    decoder = codecs.getincrementaldecoder(encoding.codec)()
    target.parent.mkdir(parents=True, exist_ok=True)
    lines = 1
    with source.open("rb") as src, target.open("wb") as dst:
        src.read(encoding.byte_order_mark)
        while True:
            block = src.read(_BLOCK)
            final = not block
            try:
                text = decoder.decode(block, final=final)
            except UnicodeDecodeError as exc:
                done = exc.object[: exc.start].decode(encoding.codec, "replace")
                line = lines + done.count("\n")
                raise EncodingError(
                    f"The file is not valid {encoding.label} text at line {line}."
                    + _advice(encoding)
                ) from None
            lines += text.count("\n")
            dst.write(text.encode("utf-8"))
            if final:
                break
    return target


def _advice(found: Encoding) -> str:
    if found is WINDOWS_1252:
        return " Save it as 'CSV UTF-8', or check the setting LINEOFSIGHT_IMPORT_TEXT_ENCODING."
    return (
        " Save it as 'CSV UTF-8'. If the council's system writes Windows-1252, set "
        "LINEOFSIGHT_IMPORT_TEXT_ENCODING=windows-1252."
    )
