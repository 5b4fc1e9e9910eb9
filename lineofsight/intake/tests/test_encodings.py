"""Files in the encodings councils' systems write: UTF-8 with or without a byte-order mark,
UTF-16 with one (Excel's "Unicode text"), and Windows-1252 when the council's setting says so.
Each is read, and the import says which encoding it used; anything else is refused with the
line it fails on, and nothing changes."""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

import duckdb
import pytest

from lineofsight.casework import schema, store
from lineofsight.intake import encodings, services
from lineofsight.intake.models import RunStatus

from . import extract

pytestmark = pytest.mark.django_db

NAME = "Zoë O’Brien"  # ë is in Windows-1252 and Latin-1; ’ (0x92) only in Windows-1252


def _person_rows() -> str:
    tables = extract.valid()
    tables["ssd_person"][0]["pers_forename"] = NAME
    out = io.StringIO(newline="")
    rows = tables["ssd_person"]
    columns = list(schema.tables()["ssd_person"].field_names)
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _extract_with_person_file(tmp_path: Path, data: bytes) -> Path:
    folder = extract.write(tmp_path / "ssd")
    (folder / "ssd_person.csv").write_bytes(data)
    return folder


def _forename(snapshot) -> str:
    with duckdb.connect(str(snapshot.path), read_only=True) as con:
        (name,) = con.execute(
            "SELECT pers_forename FROM ssd_person WHERE pers_person_id = 'P1'"
        ).fetchone()
    return name


@pytest.mark.parametrize(
    ("data", "label"),
    [
        (lambda t: t.encode("utf-8"), "UTF-8"),
        (lambda t: codecs.BOM_UTF8 + t.encode("utf-8"), "UTF-8 with a byte-order mark"),
        (lambda t: t.encode("utf-16"), "UTF-16 (little-endian, with a byte-order mark)"),
        (
            lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"),
            "UTF-16 (big-endian, with a byte-order mark)",
        ),
    ],
)
def test_each_encoding_with_a_mark_is_read_and_named(tmp_path: Path, data, label) -> None:
    run = services.ssd_extract_import(
        directory=_extract_with_person_file(tmp_path, data(_person_rows()))
    )
    assert run.status == RunStatus.SUCCEEDED, run.failure_message
    assert _forename(run.snapshot) == NAME
    person = run.files.get(table="ssd_person")
    assert person.encoding == label
    assert person.row_count == 3
    assert run.files.get(table="ssd_department").encoding == "UTF-8"


def test_windows_1252_is_read_when_the_setting_says_so(tmp_path: Path, settings) -> None:
    settings.IMPORT_TEXT_ENCODING = "windows-1252"
    run = services.ssd_extract_import(
        directory=_extract_with_person_file(tmp_path, _person_rows().encode("cp1252"))
    )
    assert run.status == RunStatus.SUCCEEDED, run.failure_message
    assert _forename(run.snapshot) == NAME
    assert run.files.get(table="ssd_person").encoding == "Windows-1252 (the council's setting)"


def test_windows_1252_without_the_setting_is_refused_with_its_line(tmp_path: Path) -> None:
    run = services.ssd_extract_import(
        directory=_extract_with_person_file(tmp_path, _person_rows().encode("cp1252"))
    )
    assert run.status == RunStatus.FAILED
    assert store.current_snapshot() is None
    report = Path(run.report_path).read_text(encoding="utf-8")
    assert "ssd_person" in report
    assert "LINEOFSIGHT_IMPORT_TEXT_ENCODING=windows-1252" in report


def test_a_utf16_file_that_breaks_off_is_refused_naming_the_line(tmp_path: Path) -> None:
    data = _person_rows().encode("utf-16")
    broken = data[: len(data) // 2 * 2 - 40] + b"\x00\xd8" + b"a\x00"  # a lone surrogate
    run = services.ssd_extract_import(directory=_extract_with_person_file(tmp_path, broken))
    assert run.status == RunStatus.FAILED
    report = Path(run.report_path).read_text(encoding="utf-8")
    assert "not valid UTF-16 (little-endian, with a byte-order mark) text at line" in report
    assert store.current_snapshot() is None


def test_sniff_prefers_a_byte_order_mark_to_the_setting() -> None:
    assert encodings.sniff(codecs.BOM_UTF16_LE + b"a\x00", configured="windows-1252") == (
        encodings.UTF16_LE
    )
    assert encodings.sniff(b"abc", configured="windows-1252") == encodings.WINDOWS_1252
    assert encodings.sniff(b"abc", configured="utf-8") == encodings.UTF8
    assert encodings.sniff(b"abc") == encodings.UTF8


def test_decode_names_the_line_of_a_bad_byte() -> None:
    assert encodings.decode(codecs.BOM_UTF8 + "a,é\n".encode()) == (
        "a,é\n",
        "UTF-8 with a byte-order mark",
    )
    assert encodings.decode(b"a,\x92\n", configured="windows-1252") == (
        "a,’\n",
        "Windows-1252 (the council's setting)",
    )
    with pytest.raises(encodings.EncodingError, match=r"not valid UTF-8 text at line 3 \(byte 9\)"):
        encodings.decode(b"a,b\nc,d\n\xff,x\n")


def test_transcode_keeps_every_line_across_blocks(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(encodings, "_BLOCK", 7)  # blocks that split characters and line ends
    text = "id,name\r\n1,Zoë\r\n2,O’Brien\r\n"
    source = tmp_path / "in.csv"
    source.write_bytes(text.encode("utf-16"))
    out = encodings.transcode(source, tmp_path / "out.csv", encodings.UTF16_LE)
    assert out.read_bytes() == text.encode("utf-8")


@pytest.mark.parametrize(
    ("head", "label"),
    [
        (
            b"<?xml version='1.0' encoding='us-ascii'?><EXPSSDA903>",
            "US-ASCII (as the file declares)",
        ),
        (b'<?xml version="1.0" encoding="UTF-8"?>\n<Message>', "UTF-8 (as the file declares)"),
        (b"<Message><Header>", "UTF-8"),
        (codecs.BOM_UTF16_LE + "<?xml ".encode("utf-16-le"), encodings.UTF16_LE.label),
    ],
)
def test_an_xml_returns_encoding_is_named(head: bytes, label: str) -> None:
    assert encodings.xml_label(head) == label


def test_an_xml_return_declaring_an_unknown_encoding_is_refused(tmp_path: Path) -> None:
    from lineofsight.intake.cin_census import read_cin_census
    from lineofsight.intake.csww import read_csww
    from lineofsight.intake.ssda903 import read_ssda903

    path = tmp_path / "return.xml"
    path.write_bytes(b"<?xml version='1.0' encoding='klingon'?><Message></Message>")
    for read in (read_cin_census, read_csww, read_ssda903):
        parsed = read(path)
        assert not parsed.tables
        assert any("encoding no XML reader knows" in p.message for p in parsed.errors), read
