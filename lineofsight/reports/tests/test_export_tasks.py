"""The committee report's Word and PDF downloads are prepared by the worker, not in the request:
asking queues a task, the worker makes the same file the request used to make, only the person
who asked may download it, and a failed, abandoned or out-of-date file says so and can be asked
for again. `lineofsight purge` removes the files after REPORT_EXPORT_HOURS."""

from __future__ import annotations

import datetime
import io
import os
import socket

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from docx import Document

from lineofsight.history.models import ChangeEvent
from lineofsight.intake.tests.worker import work_off_the_queue
from lineofsight.operations import purge
from lineofsight.reports import document, exports
from lineofsight.reports import services as report_services
from lineofsight.reports.models import CommitteeExport, CommitteeReport, ExportStatus
from lineofsight.reports.views import DOCX_TYPE
from lineofsight.web import documents
from lineofsight.worklists.tests.snapshots import east_snapshot

from .export_support import body, url

PERIOD_END = datetime.date(2024, 3, 31)


@pytest.fixture
def report(council) -> CommitteeReport:
    made = report_services.report_create(
        actor=council["users"]["qa_lead"],
        title="Quality of practice 2023 to 2024",
        period_end=PERIOD_END,
        snapshot=east_snapshot(),
    )
    return report_services.report_update_text(
        actor=council["users"]["qa_lead"],
        report=made,
        expected_version=made.version,
        title=made.title,
        what_we_know="Visits are more often on time.",
        how_we_know="Audits.",
        what_next="Review every plan open nine months.",
    )


# -- the worker ---------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_asking_queues_a_task_and_the_worker_makes_the_file_the_request_used_to(
    report, client_for, settings, fmt
) -> None:
    settings.INTAKE_IMPORTS_INLINE = False
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client = client_for("qa_lead")

    asked = client.post(url(f"committee_{fmt}", report.pk))

    # Nothing was built in the request: the export waits, its task in the database.
    export = CommitteeExport.objects.get()
    assert asked.status_code == 302
    assert asked["Location"] == url("committee_export", export.pk)
    assert (export.status, export.fmt, export.file_name) == (ExportStatus.WAITING, fmt, "")
    assert export.requested_by.role == "qa_lead"
    task = DBTaskResult.objects.get()
    assert task.status == TaskResultStatus.READY
    assert task.args_kwargs["args"] == [export.pk]
    assert not exports.folder().exists()
    waiting = client.get(asked["Location"]).content.decode()
    assert "Preparing your download" in waiting and 'http-equiv="refresh"' not in waiting
    # The person checks again when they choose (or the page's script does, every few seconds).
    assert f'<a href="{asked["Location"]}" role="button"' in waiting
    assert ">Check progress</a>" in waiting and 'data-waiting="running"' in waiting
    assert f'href="{url(f"committee_{fmt}", report.pk)}">the page where you asked' in waiting
    # The file's address, asked for too early, leads back to the page that says it is not ready.
    early = client.get(url("committee_export_file", export.pk))
    assert early.status_code == 302 and early["Location"] == url("committee_export", export.pk)
    # Who asked, for what, is in the history.
    event = ChangeEvent.objects.get(action="committee_report_export_request")
    assert event.object_id == str(export.pk) and event.changes["fmt"] == [None, fmt]

    work_off_the_queue()

    export.refresh_from_db()
    task.refresh_from_db()
    assert export.status == ExportStatus.DONE, export.failure_message
    assert task.status == TaskResultStatus.SUCCESSFUL and task.return_value == "done"
    # The worker put its own process and a heartbeat on the export.
    assert (export.host, export.pid) == (socket.gethostname(), os.getpid())
    assert export.heartbeat_at is not None and export.built_version == report.version
    ready = client.get(asked["Location"]).content.decode()
    assert "Your download is ready" in ready and 'http-equiv="refresh"' not in ready
    assert "Check progress" not in ready and "data-waiting" not in ready

    response = client.get(url("committee_export_file", export.pk))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        "attachment; filename="
        f'"quality-of-practice-2023-to-2024-2024-03-31-report-{report.pk}.{fmt}"'
    )
    assert response["Cache-Control"] == "no-store, private"
    data = body(response)
    # Byte for byte what the download made in the request before (the documents are
    # deterministic for the same report).
    render = documents.render_docx if fmt == "docx" else documents.render_pdf
    assert data == render(document.build_report(CommitteeReport.objects.get(pk=report.pk)))
    if fmt == "docx":
        assert response["Content-Type"] == DOCX_TYPE
        text = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
        assert "Review every plan open nine months." in text
    else:
        assert response["Content-Type"] == "application/pdf" and data.startswith(b"%PDF")


@pytest.mark.django_db(transaction=True)
def test_asking_again_while_it_waits_queues_nothing_more(report, client_for, settings) -> None:
    settings.INTAKE_IMPORTS_INLINE = False
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client = client_for("qa_lead")
    first = client.post(url("committee_docx", report.pk))
    second = client.post(url("committee_docx", report.pk))
    assert first["Location"] == second["Location"]
    assert CommitteeExport.objects.count() == 1 and DBTaskResult.objects.count() == 1
    # A PDF is a download of its own.
    client.post(url("committee_pdf", report.pk))
    assert CommitteeExport.objects.count() == 2 and DBTaskResult.objects.count() == 2


# -- who may download ---------------------------------------------------------------------------


def test_only_the_person_who_asked_downloads_the_file(report, client_for, inline) -> None:
    client_for("qa_lead").post(url("committee_docx", report.pk))
    export = CommitteeExport.objects.get()
    assert export.status == ExportStatus.DONE
    # Another reader of reports asks for their own; this one is not theirs to see.
    for name in ("committee_export", "committee_export_file"):
        assert client_for("senior_leader").get(url(name, export.pk)).status_code == 404
        assert client_for("qa_lead").get(url(name, 9999)).status_code == 404


@pytest.mark.parametrize(
    "role", ["practitioner", "administrator", "team_manager", "service_manager"]
)
def test_roles_that_may_not_read_reports_get_403(report, client_for, inline, role) -> None:
    client_for("qa_lead").post(url("committee_pdf", report.pk))
    export = CommitteeExport.objects.get()
    client = client_for(role)
    for name in ("committee_export", "committee_export_file"):
        assert client.get(url(name, export.pk)).status_code == 403
    for name in ("committee_docx", "committee_pdf"):
        assert client.post(url(name, report.pk)).status_code == 403
    assert CommitteeExport.objects.count() == 1


def test_nobody_signed_in_is_sent_to_sign_in(report, client_for, inline) -> None:
    client_for("qa_lead").post(url("committee_docx", report.pk))
    export = CommitteeExport.objects.get()
    for name in ("committee_export", "committee_export_file"):
        response = client_for(None).get(url(name, export.pk))
        assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]


def test_asking_for_a_report_that_does_not_exist_is_404(council, client_for, inline) -> None:
    assert client_for("analyst").post(url("committee_docx", 9999)).status_code == 404
    assert not CommitteeExport.objects.exists()


def test_the_download_page_offers_to_prepare_the_file_and_then_the_file(
    report, client_for, inline
) -> None:
    client = client_for("analyst")
    page = client.get(url("committee_pdf", report.pk)).content.decode()
    assert "Prepare the PDF file" in page and "prepared earlier" not in page
    client.post(url("committee_pdf", report.pk))
    export = CommitteeExport.objects.get()
    page = client.get(url("committee_pdf", report.pk)).content.decode()
    assert url("committee_export_file", export.pk) in page
    # The report's own page asks with a form, so the file is prepared only when someone asks.
    detail = client.get(url("committee_detail", report.pk)).content.decode()
    assert f'method="post" action="{url("committee_docx", report.pk)}"' in detail


# -- failed, abandoned and out of date ----------------------------------------------------------


def test_a_build_that_fails_marks_the_export_failed_and_offers_to_try_again(
    report, client_for, inline, monkeypatch
) -> None:
    def broken(_report):
        raise RuntimeError("the renderer broke")

    monkeypatch.setitem(exports._RENDER, "docx", broken)
    client = client_for("qa_lead")
    asked = client.post(url("committee_docx", report.pk))
    export = CommitteeExport.objects.get()
    assert export.status == ExportStatus.FAILED and export.finished_at is not None
    assert "could not be prepared" in export.failure_message
    assert export.file_name == ""
    assert not exports.folder().exists() or not any(exports.folder().iterdir())
    page = client.get(asked["Location"]).content.decode()
    assert "The download could not be prepared" in page and "Try again" in page
    assert 'http-equiv="refresh"' not in page and "Check progress" not in page
    assert client.get(url("committee_export_file", export.pk)).status_code == 302

    monkeypatch.undo()
    again = client.post(url("committee_docx", report.pk))
    retried = CommitteeExport.objects.latest("pk")
    assert retried.pk != export.pk and retried.status == ExportStatus.DONE
    assert again["Location"] == url("committee_export", retried.pk)


def _dead_pid() -> int:
    """A process number no process has now."""
    pid = 999_999
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return pid
        except PermissionError:
            pass
        pid -= 1


def test_an_export_whose_worker_died_is_marked_failed_not_left_waiting(
    report, council, client_for
) -> None:
    now = timezone.now()
    gone = CommitteeExport.objects.create(
        report=report,
        fmt="docx",
        requested_by=council["users"]["qa_lead"],
        status=ExportStatus.WORKING,
        host=socket.gethostname(),
        pid=_dead_pid(),
        heartbeat_at=now,
    )
    silent = CommitteeExport.objects.create(
        report=report,
        fmt="pdf",
        requested_by=council["users"]["qa_lead"],
        status=ExportStatus.WORKING,
        host="another-machine",
        pid=1,
        heartbeat_at=now - datetime.timedelta(minutes=6),
    )
    client = client_for("qa_lead")
    for export in (gone, silent):
        page = client.get(url("committee_export", export.pk)).content.decode()
        export.refresh_from_db()
        assert export.status == ExportStatus.FAILED
        assert "worker stopped before the download was ready" in page
        assert 'http-equiv="refresh"' not in page and "Check progress" not in page


def test_a_worker_still_beating_is_left_to_finish(report, council, client_for) -> None:
    busy = CommitteeExport.objects.create(
        report=report,
        fmt="docx",
        requested_by=council["users"]["qa_lead"],
        status=ExportStatus.WORKING,
        host="another-machine",
        pid=1,
        heartbeat_at=timezone.now() - datetime.timedelta(minutes=1),
    )
    page = client_for("qa_lead").get(url("committee_export", busy.pk)).content.decode()
    busy.refresh_from_db()
    assert busy.status == ExportStatus.WORKING and "Preparing your download" in page
    assert "Check progress" in page and 'http-equiv="refresh"' not in page
    assert "taking longer than usual" not in page
    # Asked for a while ago, still being prepared: the page says so while it waits.
    CommitteeExport.objects.filter(pk=busy.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=10)
    )
    page = client_for("qa_lead").get(url("committee_export", busy.pk)).content.decode()
    assert "This is taking longer than usual: the worker may be busy with an import." in page
    assert "Check progress" in page


def test_a_file_made_before_the_report_changed_is_not_given(
    report, council, client_for, inline
) -> None:
    client = client_for("qa_lead")
    client.post(url("committee_docx", report.pk))
    export = CommitteeExport.objects.get()
    report_services.report_update_text(
        actor=council["users"]["analyst"],
        report=report,
        expected_version=report.version,
        title=report.title,
        what_we_know="Changed after the file was made.",
        how_we_know="",
        what_next="",
    )
    assert client.get(url("committee_export_file", export.pk)).status_code == 302
    page = client.get(url("committee_export", export.pk)).content.decode()
    assert "changed since this file was prepared" in page and "Prepare it again" in page


def test_a_file_past_its_time_is_not_given(report, client_for, inline, settings) -> None:
    settings.REPORT_EXPORT_HOURS = 2
    client = client_for("qa_lead")
    client.post(url("committee_pdf", report.pk))
    export = CommitteeExport.objects.get()
    CommitteeExport.objects.filter(pk=export.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=3)
    )
    assert client.get(url("committee_export_file", export.pk)).status_code == 302
    page = client.get(url("committee_export", export.pk)).content.decode()
    assert "no longer kept" in page


# -- purge --------------------------------------------------------------------------------------


def test_purge_removes_downloads_past_their_time(
    report, client_for, inline, settings, django_capture_on_commit_callbacks
) -> None:
    settings.REPORT_EXPORT_HOURS = 24
    client = client_for("qa_lead")
    client.post(url("committee_docx", report.pk))
    client.post(url("committee_pdf", report.pk))
    old, recent = CommitteeExport.objects.order_by("pk")
    CommitteeExport.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=25)
    )
    old_file, recent_file = exports.path_of(old), exports.path_of(recent)
    # A build cut short leaves a partial file no export names.
    left = exports.folder() / ".committee-export-99.pdf.part"
    left.write_bytes(b"half")
    day_ago = (timezone.now() - datetime.timedelta(hours=25)).timestamp()
    os.utime(left, (day_ago, day_ago))

    with django_capture_on_commit_callbacks(execute=True):
        dry = purge.purge_expired(dry_run=True)
    assert sorted(dry.report_downloads) == sorted([old_file, left])
    assert old_file.exists() and CommitteeExport.objects.count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        result = purge.purge_expired()

    assert sorted(result.report_downloads) == sorted([old_file, left])
    assert not old_file.exists() and not left.exists() and recent_file.exists()
    assert list(CommitteeExport.objects.values_list("pk", flat=True)) == [recent.pk]
    event = ChangeEvent.objects.get(action=purge.ACTION)
    assert event.changes["report_downloads_removed"] == [None, 2]
