"""The Imports page takes the DfE returns too: a CIN census or SSDA903 return as XML, a zip of
the SSDA903's CSV tables, or a workforce census (added to the current snapshot), each known by
what it holds, not only by its name."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lineofsight.accounts.models import Role, User
from lineofsight.casework import store
from lineofsight.casework.models import Snapshot, SourceKind
from lineofsight.intake import services, uploads
from lineofsight.intake.models import ImportRun, RunStatus

from . import extract
from .csww_files import WORKERS, casework_without_census, census_xml, write_census
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


def test_other_xml_is_refused_with_a_reason(client) -> None:
    response = _post(client, "return.xml", b"<?xml version='1.0'?><html><body>hi</body></html>")
    assert response.status_code == 200
    assert b"is not a children in need census, an SSDA903 return or a workforce" in (
        response.content
    )
    assert not ImportRun.objects.exists()


# -- a workforce census on its own -----------------------------------------------------------


@pytest.fixture
def casework(tmp_path: Path) -> Snapshot:
    """Casework without a census, imported and current."""
    directory = extract.write(tmp_path / "casework", casework_without_census())
    run = services.ssd_extract_import(directory=directory)
    assert run.status == RunStatus.SUCCEEDED, run.failure_message
    return run.snapshot


def test_a_workforce_census_is_known_by_what_it_holds(tmp_path: Path) -> None:
    census = write_census(tmp_path / "workforce 2022.xml")
    assert uploads.xml_kind(census.read_bytes()[: uploads.XML_SNIFF_BYTES]) == (
        uploads.WORKFORCE_CENSUS
    )
    assert uploads.source_kind_of(census) == uploads.WORKFORCE_CENSUS
    # A census whose name says nothing is still known by its collection.
    renamed = tmp_path / "upload.xml"
    renamed.write_bytes(census.read_bytes())
    assert uploads.source_kind_of(renamed) == uploads.WORKFORCE_CENSUS


def test_the_form_lists_the_workforce_census(client) -> None:
    response = client.get(reverse("intake:imports"))
    assert b"or a workforce census (.xml), which is added to the current snapshot" in (
        response.content
    )
    assert b"<code>lineofsight import csww FILE</code>" in response.content


def test_an_uploaded_workforce_census_is_added_to_the_current_snapshot(
    client, casework: Snapshot, tmp_path: Path
) -> None:
    census = write_census(tmp_path / "CSWW_2022.xml")

    response = _post(client, "CSWW_2022.xml", census.read_bytes())

    assert ImportRun.objects.count() == 2  # the casework's and the census's
    run = ImportRun.objects.latest("pk")
    assert response.status_code == 302
    assert response["Location"] == reverse("intake:import_detail", args=[run.pk])
    assert run.status == RunStatus.SUCCEEDED, run.failure_message
    # As `lineofsight import csww` does: the current snapshot's kind and date, and its casework.
    assert (run.source_kind, run.as_at) == (casework.source_kind, casework.as_at)
    assert run.source_name == (f"CSWW_2022.xml (workforce census, added to snapshot {casework.pk})")
    new = store.current_snapshot()
    assert new == run.snapshot and new.pk != casework.pk
    assert new.row_counts["csww_workers"] == 7
    assert new.row_counts["ssd_person"] == casework.row_counts["ssd_person"]
    page = client.get(reverse("intake:import_detail", args=[run.pk]))
    assert b"CSWW_2022.xml (workforce census" in page.content


def test_an_uploaded_census_with_errors_fails_and_shows_its_problems(
    client, casework: Snapshot, tmp_path: Path
) -> None:
    bad = census_xml([*WORKERS, {**WORKERS[1], "FTE": "0.3"}])  # SW100002 twice

    _post(client, "census.xml", bad.encode("utf-8"))

    assert ImportRun.objects.count() == 2  # the casework's and the census's
    run = ImportRun.objects.latest("pk")
    assert run.status == RunStatus.FAILED
    assert store.current_snapshot() == casework  # nothing changed
    page = client.get(reverse("intake:import_detail", args=[run.pk]))
    assert page.status_code == 200
    assert b"Worker 8 (SWENo SW100002): this SWENo is also on worker 2" in page.content
    assert b"SWENo" in page.content and b"census.xml" in page.content


def test_a_workforce_census_needs_casework_to_add_it_to(client, tmp_path: Path) -> None:
    response = _post(client, "census.xml", write_census(tmp_path / "c.xml").read_bytes())
    assert response.status_code == 200
    assert b"There is no current casework snapshot to add the workforce census to" in (
        response.content
    )
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
