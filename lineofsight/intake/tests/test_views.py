"""The Imports pages: who may use them, uploading, following an import, switching snapshots."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lineofsight.accounts.models import Role, User
from lineofsight.casework import store
from lineofsight.casework.models import Snapshot
from lineofsight.intake import services
from lineofsight.intake.models import ImportRun, Phase, RunStatus

from . import extract

pytestmark = [pytest.mark.django_db, pytest.mark.urls("lineofsight.intake.tests.urls")]


@pytest.fixture(autouse=True)
def inline_imports(settings) -> None:
    settings.INTAKE_IMPORTS_INLINE = True


def _user(role: str, email: str) -> User:
    return User.objects.create_user(email, "a long password 123", role=role, full_name=email)


@pytest.fixture
def analyst(client) -> User:
    user = _user(Role.ANALYST, "analyst@example.org")
    client.force_login(user)
    return user


def _zip(directory: Path, *, inside: str = "extract/") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(directory.glob("*.csv")):
            archive.write(path, f"{inside}{path.name}")
        archive.writestr("__MACOSX/extract/._ssd_person.csv", b"junk")
    return SimpleUploadedFile("extract.zip", buffer.getvalue(), content_type="application/zip")


URLS = [
    ("intake:imports", {}),
    ("intake:snapshots", {}),
]


@pytest.mark.parametrize(("name", "kwargs"), URLS)
def test_analyst_gets_the_pages(client, analyst, name: str, kwargs: dict) -> None:
    assert client.get(reverse(name, kwargs=kwargs)).status_code == 200


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.ANALYST])
def test_other_roles_are_refused(client, role: str, ssd_dir: Path) -> None:
    run = services.ssd_extract_import(directory=ssd_dir)
    client.force_login(_user(role, f"{role}@example.org"))
    for name, kwargs in [
        *URLS,
        ("intake:import_detail", {"pk": run.pk}),
        ("intake:import_report", {"pk": run.pk}),
    ]:
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 403, name
    response = client.post(reverse("intake:snapshot_make_current", kwargs={"pk": run.snapshot.pk}))
    assert response.status_code == 403
    upload = client.post(reverse("intake:imports"), {"file": _zip(ssd_dir)})
    assert upload.status_code == 403
    assert ImportRun.objects.count() == 1


def test_anonymous_is_sent_to_sign_in(client) -> None:
    response = client.get(reverse("intake:imports"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign_in"))


def test_upload_of_a_zip_imports_it(client, analyst, ssd_dir: Path) -> None:
    response = client.post(
        reverse("intake:imports"), {"file": _zip(ssd_dir), "as_at": "2024-04-30"}
    )

    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("intake:import_detail", kwargs={"pk": run.pk})
    assert run.status == RunStatus.SUCCEEDED, run.failure_message
    assert run.run_by == analyst and run.source_name == "extract.zip"
    snapshot = store.current_snapshot()
    assert snapshot == run.snapshot and str(snapshot.as_at) == "2024-04-30"
    assert snapshot.row_counts == extract.row_counts(extract.VALID)
    # The upload and its unpacked files are gone.
    tmp = Path(run.report_file).parent.parent / "tmp"
    assert not tmp.exists() or not any(tmp.iterdir())

    page = client.get(response.url)
    assert page.status_code == 200
    assert b"Succeeded" in page.content
    assert b'http-equiv="refresh"' not in page.content


def test_failed_upload_shows_the_report_and_changes_nothing(
    client, analyst, tmp_path: Path
) -> None:
    tables = extract.valid()
    tables["ssd_cin_plans"][0]["cinp_person_id"] = "P77"
    bad = extract.write(tmp_path / "bad", tables)

    client.post(reverse("intake:imports"), {"file": _zip(bad)})

    run = ImportRun.objects.get()
    assert run.status == RunStatus.FAILED
    assert not Snapshot.objects.exists()
    page = client.get(reverse("intake:import_detail", kwargs={"pk": run.pk}))
    assert b"nothing was changed" in page.content
    assert b"P77" in page.content and b"cinp_person_id" in page.content
    report = client.get(reverse("intake:import_report", kwargs={"pk": run.pk}))
    assert report.status_code == 200
    assert report["Content-Disposition"].startswith("attachment")
    assert b"P77" in b"".join(report.streaming_content)


def test_report_is_paginated(client, analyst, tmp_path: Path) -> None:
    tables = extract.valid()
    tables["case_notes"] = [
        {"note_id": f"N{i}", "note_person_id": "P1", "note_date": f"bad-{i:03d}"}
        for i in range(120)
    ]
    run = services.ssd_extract_import(directory=extract.write(tmp_path / "bad", tables))
    url = reverse("intake:import_detail", kwargs={"pk": run.pk})

    first = client.get(url).content.decode()
    third = client.get(url + "?page=3").content.decode()

    assert "bad-000" in first and "bad-050" not in first
    assert "bad-100" in third and "bad-000" not in third
    assert "Page 3 of 3" in third


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("notes.txt", b"hello"), "must be a .zip"),
        (SimpleUploadedFile("extract.zip", b"not a zip"), "not a zip archive"),
        (SimpleUploadedFile("Annex_A.xlsx", b"not a workbook"), "not an Excel workbook"),
    ],
)
def test_bad_uploads_are_explained_with_a_link_to_the_field(
    client, analyst, upload, message: str
) -> None:
    response = client.post(reverse("intake:imports"), {"file": upload})
    content = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in content and message in content
    assert 'href="#id_file"' in content
    assert "<title>Error:" in content
    assert not ImportRun.objects.exists()


def test_zip_slip_is_refused(client, analyst) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../../evil/ssd_person.csv", "pers_person_id\nP1\n")
    upload = SimpleUploadedFile("extract.zip", buffer.getvalue())
    response = client.post(reverse("intake:imports"), {"file": upload})
    assert b"outside its own folder" in response.content
    assert not ImportRun.objects.exists()


def test_missing_file_and_bad_date(client, analyst) -> None:
    response = client.post(reverse("intake:imports"), {"as_at": "2024-02-31"})
    content = response.content.decode()
    assert "Select a file to import" in content
    assert "Enter the as-at date as a real date" in content
    assert 'href="#id_as_at"' in content


def test_upload_size_limit(client, analyst, settings, ssd_dir: Path) -> None:
    settings.INTAKE_UPLOAD_MAX_BYTES = 100
    response = client.post(reverse("intake:imports"), {"file": _zip(ssd_dir)})
    assert b"must be smaller than" in response.content
    assert not ImportRun.objects.exists()


def test_one_import_at_a_time(client, analyst, ssd_dir: Path) -> None:
    services.import_run_create(source_kind="ssd", source_name="still going")
    response = client.post(reverse("intake:imports"), {"file": _zip(ssd_dir)})
    assert b"is still running" in response.content
    assert ImportRun.objects.count() == 1


def test_running_import_page_offers_to_check_again_and_never_refreshes_itself(
    client, analyst
) -> None:
    run = services.import_run_create(source_kind="ssd", source_name="x")
    url = reverse("intake:import_detail", kwargs={"pk": run.pk})
    services.import_run_set_progress(run=run, phase=Phase.VALIDATE, progress=40)

    page = client.get(url).content.decode()
    assert 'http-equiv="refresh"' not in page
    assert "<strong>Checking the data</strong>: 40% done." in page
    # The person decides when to look again: a button that loads this same page.
    assert f'<a href="{url}" role="button"' in page and ">Check progress</a>" in page
    assert f'href="{reverse("intake:imports")}">the Imports page</a>' in page
    # With JavaScript the page looks again by itself (a script file: no inline script).
    assert 'data-waiting="running"' in page and 'web/waiting.js"' in page

    services.import_run_finish(run=run, status=RunStatus.FAILED, failure_message="Stopped.")
    finished = client.get(url).content.decode()
    assert "The import failed" in finished
    assert "Check progress" not in finished and "data-waiting" not in finished
    assert "waiting.js" not in finished and 'http-equiv="refresh"' not in finished


def test_snapshots_list_and_make_current(client, analyst, ssd_dir: Path) -> None:
    first = services.ssd_extract_import(directory=ssd_dir).snapshot
    second = services.ssd_extract_import(directory=ssd_dir).snapshot

    page = client.get(reverse("intake:snapshots")).content.decode()
    assert f"Snapshot {first.pk}" in page and f"Snapshot {second.pk}" in page
    assert page.count("govuk-tag--green") == 1  # one current marker
    assert "20/04/2024" in page

    response = client.post(
        reverse("intake:snapshot_make_current", kwargs={"pk": first.pk}), follow=True
    )
    assert response.status_code == 200
    assert f"Snapshot {first.pk}, as at 20/04/2024, is now current." in response.content.decode()
    assert store.current_snapshot() == first


def test_make_current_needs_post_and_csrf(client, analyst, ssd_dir: Path) -> None:
    from django.test import Client

    snapshot = services.ssd_extract_import(directory=ssd_dir).snapshot
    url = reverse("intake:snapshot_make_current", kwargs={"pk": snapshot.pk})
    assert client.get(url).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(analyst)
    assert strict.post(url).status_code == 403


def test_unknown_import_is_404(client, analyst) -> None:
    assert client.get(reverse("intake:import_detail", kwargs={"pk": 999})).status_code == 404


ANNEX_A_FIXTURE = Path("/work/shared/fixtures/annex_a/Annex_A_2024_Jan.xlsx")


def test_upload_of_an_annex_a_workbook_written_by_others(client, analyst, settings) -> None:
    fixture = Path(settings.BASE_DIR).parent / "shared/fixtures/annex_a/Annex_A_2024_Jan.xlsx"
    if not fixture.exists():
        fixture = ANNEX_A_FIXTURE
    upload = SimpleUploadedFile(fixture.name, fixture.read_bytes())

    client.post(reverse("intake:imports"), {"file": upload, "as_at": "2024-01-31"})

    run = ImportRun.objects.get()
    assert run.status == RunStatus.SUCCEEDED, run.failure_message
    assert run.source_kind == "annex_a" and str(run.as_at) == "2024-01-31"
    assert run.snapshot.provided("ssd_person") and run.snapshot.row_counts["ssd_person"] > 0
    assert run.files.get().name == fixture.name


@pytest.mark.parametrize(
    ("name", "saved"),
    [
        ("Annex A (Jan).xlsx", "Annex A _Jan_.xlsx"),
        ("../../etc/passwd.xlsx", "passwd.xlsx"),
        ("C:\\Users\\me\\extract.zip", "extract.zip"),
        ("..", "upload"),
    ],
)
def test_uploads_are_saved_under_a_safe_name(tmp_path: Path, name: str, saved: str) -> None:
    from lineofsight.intake import uploads

    path = uploads.save([b"x"], tmp_path, name)
    assert path == tmp_path / saved and path.read_bytes() == b"x"
