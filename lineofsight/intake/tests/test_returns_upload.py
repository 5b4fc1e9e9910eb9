"""The Imports page takes the DfE returns too: a CIN census or SSDA903 return as XML, or a zip
of the SSDA903's CSV tables, each known by what it holds, not only by its name."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lineofsight.accounts.models import Role, User
from lineofsight.casework.models import SourceKind
from lineofsight.intake import uploads
from lineofsight.intake.models import ImportRun, RunStatus

from .test_cin_census import _census, _child
from .test_ssda903 import _good

pytestmark = [pytest.mark.django_db, pytest.mark.urls("lineofsight.intake.tests.urls")]


@pytest.fixture(autouse=True)
def analyst(client, settings) -> User:
    settings.INTAKE_IMPORTS_INLINE = True
    user = User.objects.create_user(
        "analyst@example.org", "a long password 123", role=Role.ANALYST, full_name="Analyst"
    )
    client.force_login(user)
    return user


def _post(client, name: str, data: bytes):
    return client.post(reverse("intake:imports"), {"file": SimpleUploadedFile(name, data)})


def _zip_of(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(folder.glob("*.csv")):
            archive.write(path, f"903/{path.name}")
    return buffer.getvalue()


def test_a_cin_census_is_imported_as_one(client, tmp_path: Path) -> None:
    path = _census(tmp_path, _child("C1"), reference="2026-03-31")
    response = _post(client, "CIN_Census_2026.xml", path.read_bytes())
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert run.source_kind == SourceKind.CIN_CENSUS
    assert run.status in (RunStatus.SUCCEEDED, RunStatus.REVIEW), run.failure_message
    assert run.as_at.isoformat() == "2026-03-31"


def test_a_zip_of_ssda903_tables_is_imported_as_the_return(client, tmp_path: Path) -> None:
    response = _post(client, "903.zip", _zip_of(_good(tmp_path)))
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert run.source_kind == SourceKind.SSDA903
    assert run.status in (RunStatus.SUCCEEDED, RunStatus.REVIEW), run.failure_message
    assert {f.name for f in run.files.all()} >= {"SSDA903_2025_Header.csv"}
    assert run.files.get(name="SSDA903_2025_Header.csv").encoding == "UTF-8"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<Message><Header><CollectionDetails><Collection>CSWW</Collection>", b"workforce"),
        (b"<?xml version='1.0'?><html><body>hello</body></html>", b"is not a children in need"),
    ],
)
def test_other_xml_is_refused_with_a_reason(client, data: bytes, message: bytes) -> None:
    response = _post(client, "return.xml", data)
    assert response.status_code == 200
    assert message in response.content
    assert not ImportRun.objects.exists()


def test_what_a_zip_holds_decides_its_kind(tmp_path: Path) -> None:
    ssd = tmp_path / "ssd.zip"
    with zipfile.ZipFile(ssd, "w") as archive:
        archive.writestr("ssd_person.csv", "pers_person_id\nP1\n")
        archive.writestr("ssd_cla_episodes.csv", "clae_cla_episode_id\nE1\n")
    assert uploads.source_kind_of(ssd) == SourceKind.SSD
    ssda903 = tmp_path / "return.zip"
    ssda903.write_bytes(_zip_of(_good(tmp_path)))
    assert uploads.source_kind_of(ssda903) == SourceKind.SSDA903
