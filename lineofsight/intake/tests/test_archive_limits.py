"""Zip bombs and oversize parts: every limit on what a zip or a workbook may unpack to is a
setting, checked on the zip's own list before anything is unpacked and on the bytes really
unpacked, and a refused file changes nothing."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lineofsight.accounts.models import Role, User
from lineofsight.intake import archive, uploads
from lineofsight.intake.annex_a.reader import read_annex_a
from lineofsight.intake.models import ImportRun
from lineofsight.intake.problems import Severity

from .test_annex_a import build_xlsx

MB = 1024 * 1024


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as out:
        for name, data in members.items():
            out.writestr(name, data)
    return buffer.getvalue()


def _text(size: int) -> bytes:
    """CSV-like bytes that compress about as well as an extract does (not thousands of times)."""
    line = b"".join(b"P%07d,2024-01-%02d,some words\n" % (i, i % 28 + 1) for i in range(1000))
    return (line * (size // len(line) + 1))[:size]


def _refused(data: bytes) -> str:
    with pytest.raises(uploads.UploadRejected) as caught:
        uploads.csv_members(io.BytesIO(data))
    return str(caught.value)


def test_too_many_files(settings) -> None:
    settings.INTAKE_ZIP_MAX_FILES = 3
    members = {f"ssd_t{i}.csv": b"a\n1\n" for i in range(4)}
    assert "holds 4 files; at most 3" in _refused(_zip(members))
    assert "LINEOFSIGHT_ZIP_MAX_FILES" in _refused(_zip(members))
    del members["ssd_t0.csv"]
    assert len(uploads.csv_members(io.BytesIO(_zip(members)))) == 3


def test_one_file_too_large(settings) -> None:
    settings.INTAKE_UNZIPPED_FILE_MAX_BYTES = 2 * MB
    message = _refused(_zip({"ssd_person.csv": _text(3 * MB)}))
    assert "ssd_person.csv unpacks to 3 MB; at most 2 MB" in message
    assert "LINEOFSIGHT_UNZIPPED_FILE_MAX_MB" in message
    assert uploads.csv_members(io.BytesIO(_zip({"ssd_person.csv": _text(MB)})))


def test_all_files_together_too_large(settings) -> None:
    settings.INTAKE_UNZIPPED_MAX_BYTES = 3 * MB
    members = {"ssd_a.csv": _text(2 * MB), "ssd_b.csv": _text(2 * MB)}
    assert "LINEOFSIGHT_UNZIPPED_MAX_MB" in _refused(_zip(members))


def test_a_zip_bomb_is_refused_for_its_ratio_before_unpacking() -> None:
    bomb = _zip({"ssd_person.csv": b"\0" * (50 * MB)})
    assert len(bomb) < 100_000  # a few kilobytes that would unpack to 50 MB
    message = _refused(bomb)
    assert "more than 200 times its packed size" in message
    assert "LINEOFSIGHT_ZIP_MAX_RATIO" in message


def test_unpacking_counts_the_real_bytes(tmp_path: Path) -> None:
    data = _zip({"ssd_person.csv": _text(3 * MB)})
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        (info,) = source.infolist()
        with pytest.raises(archive.ArchiveTooLarge, match="more than 2 MB"):
            archive.copy_member(source, info, tmp_path / "out.csv", limit=2 * MB, budget=10 * MB)
        assert not (tmp_path / "out.csv").exists()
        with pytest.raises(archive.ArchiveTooLarge, match="LINEOFSIGHT_UNZIPPED_MAX_MB"):
            archive.copy_member(source, info, tmp_path / "out.csv", limit=10 * MB, budget=MB)
        copied = archive.copy_member(
            source, info, tmp_path / "out.csv", limit=10 * MB, budget=10 * MB
        )
        assert copied == 3 * MB == (tmp_path / "out.csv").stat().st_size


def test_extract_csvs_removes_what_it_unpacked_when_refused(tmp_path: Path, settings) -> None:
    settings.INTAKE_UNZIPPED_MAX_BYTES = 3 * MB
    path = tmp_path / "extract.zip"
    path.write_bytes(_zip({"ssd_a.csv": _text(MB), "ssd_b.csv": _text(MB)}))
    assert len(uploads.extract_csvs(path, tmp_path / "ok")) == 2
    settings.INTAKE_UNZIPPED_MAX_BYTES = 3 * MB // 2
    with pytest.raises(uploads.UploadRejected):
        uploads.extract_csvs(path, tmp_path / "refused")
    assert not (tmp_path / "refused").exists()


@pytest.mark.django_db
@pytest.mark.urls("lineofsight.intake.tests.urls")
def test_the_imports_page_refuses_a_bomb_and_says_why(client, settings) -> None:
    settings.INTAKE_IMPORTS_INLINE = True
    user = User.objects.create_user(
        "analyst@example.org", "a long password 123", role=Role.ANALYST, full_name="Analyst"
    )
    client.force_login(user)
    bomb = SimpleUploadedFile("extract.zip", _zip({"ssd_person.csv": b"\0" * (20 * MB)}))
    response = client.post(reverse("intake:imports"), {"file": bomb})
    assert b"times its packed size" in response.content
    assert not ImportRun.objects.exists()


def test_a_workbook_part_over_the_limit_is_refused(tmp_path: Path, settings) -> None:
    path = build_xlsx(tmp_path / "book.xlsx")
    with zipfile.ZipFile(path) as book:
        largest = max(book.infolist(), key=lambda i: i.file_size)
    settings.INTAKE_WORKBOOK_PART_MAX_BYTES = largest.file_size - 1
    parsed = read_annex_a(path)
    assert not parsed.tables
    (problem,) = parsed.errors
    assert largest.filename in problem.message
    assert "LINEOFSIGHT_WORKBOOK_PART_MAX_MB" in problem.message
    settings.INTAKE_WORKBOOK_PART_MAX_BYTES = largest.file_size
    assert read_annex_a(path).tables


def test_a_workbook_declaring_entities_is_not_expanded(tmp_path: Path) -> None:
    path = build_xlsx(tmp_path / "book.xlsx")
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )
    rewritten = tmp_path / "laughs.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(rewritten, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/workbook.xml":
                body = data.split(b"?>", 1)[1] if data.startswith(b"<?xml") else data
                data = laughs + body
            dst.writestr(info, data)
    parsed = read_annex_a(rewritten)
    assert not parsed.tables
    assert [p.severity for p in parsed.problems] == [Severity.ERROR]


def test_a_damaged_member_is_refused_and_nothing_is_left(tmp_path: Path) -> None:
    data = bytearray(_zip({"ssd_person.csv": _text(MB), "ssd_cin_episodes.csv": _text(MB)}))
    data[40:44] = b"\xff\xff\xff\xff"  # inside the first member's compressed bytes
    path = tmp_path / "extract.zip"
    path.write_bytes(bytes(data))
    with pytest.raises(uploads.UploadRejected, match="The zip is damaged: ssd_person.csv"):
        uploads.extract_csvs(path, tmp_path / "out")
    assert not (tmp_path / "out").exists()
