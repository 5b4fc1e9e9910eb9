"""The self-evaluation's Word and PDF downloads are prepared by the worker, as the committee
report's are (test_export_tasks.py): asking queues a task, the worker makes the same file the
request used to make, only the person who asked may download it, a failed or out-of-date file
says so, and `lineofsight purge` removes the files after REPORT_EXPORT_HOURS."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from lineofsight.history.models import ChangeEvent
from lineofsight.intake.tests.worker import work_off_the_queue
from lineofsight.operations import purge
from lineofsight.reports import exports
from lineofsight.reports import selfevaluation_document as se_document
from lineofsight.reports import selfevaluation_services as se
from lineofsight.reports import services as report_services
from lineofsight.reports.models import CommitteeExport, ExportStatus, SelfEvaluation
from lineofsight.reports.views import DOCX_TYPE
from lineofsight.web import documents
from lineofsight.worklists.tests.snapshots import east_snapshot

from .export_support import body, url

AREA = "care_leavers"


@pytest.fixture
def item(council) -> SelfEvaluation:
    made = se.self_evaluation_create(
        actor=council["users"]["qa_lead"],
        title="SEF 2024",
        year_end=datetime.date(2024, 3, 31),
        snapshot=east_snapshot(),
    )
    return se.self_evaluation_update_area(
        actor=council["users"]["qa_lead"],
        item=made,
        area=AREA,
        expected_version=made.version,
        what_we_know="Most care leavers stay in touch with us.",
        how_we_know="Pathway plan reviews.",
        what_next="Find the ones we lost touch with.",
    )


def _in_request(item: SelfEvaluation, fmt: str) -> bytes:
    """What the download used to make in the request."""
    fresh = SelfEvaluation.objects.get(pk=item.pk)
    render = documents.render_docx if fmt == "docx" else documents.render_pdf
    return render(se_document.build(fresh))


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_asking_queues_a_task_and_the_worker_makes_the_file_the_request_used_to(
    item, client_for, settings, fmt
) -> None:
    settings.INTAKE_IMPORTS_INLINE = False
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client = client_for("qa_lead")
    offer = client.get(url(f"selfevaluation_{fmt}", item.pk)).content.decode()
    assert "Download the self-evaluation as" in offer and "Prepare the" in offer

    asked = client.post(url(f"selfevaluation_{fmt}", item.pk))

    export = CommitteeExport.objects.get()
    assert asked.status_code == 302
    assert asked["Location"] == url("committee_export", export.pk)
    assert (export.self_evaluation_id, export.report_id) == (item.pk, None)
    assert (export.status, export.fmt, export.file_name) == (ExportStatus.WAITING, fmt, "")
    task = DBTaskResult.objects.get()
    assert task.status == TaskResultStatus.READY and task.args_kwargs["args"] == [export.pk]
    waiting = client.get(asked["Location"]).content.decode()
    assert "Preparing your download" in waiting and "the self-evaluation as" in waiting
    event = ChangeEvent.objects.get(action="self_evaluation_export_request")
    assert event.object_id == str(export.pk)
    assert event.changes["self_evaluation_id"] == [None, item.pk]

    work_off_the_queue()

    export.refresh_from_db()
    assert export.status == ExportStatus.DONE, export.failure_message
    assert export.built_version == item.version
    ready = client.get(asked["Location"]).content.decode()
    assert "Your download is ready" in ready
    assert url("selfevaluation_detail", item.pk) in ready  # back to the self-evaluation
    response = client.get(url("committee_export_file", export.pk))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="sef-2024-2024-03-31-version-1-{item.pk}.{fmt}"'
    )
    assert response["Content-Type"] == (DOCX_TYPE if fmt == "docx" else "application/pdf")
    assert body(response) == _in_request(item, fmt)


def test_asking_again_while_it_waits_queues_nothing_more(item, client_for, settings) -> None:
    settings.INTAKE_IMPORTS_INLINE = False
    client = client_for("analyst")
    first = client.post(url("selfevaluation_pdf", item.pk))
    second = client.post(url("selfevaluation_pdf", item.pk))
    assert first["Location"] == second["Location"]
    assert CommitteeExport.objects.count() == 1 and DBTaskResult.objects.count() == 1


# -- the buttons on the self-evaluation's page -------------------------------------------------


def test_its_page_has_a_button_per_format_as_the_committee_reports_page_has(
    item, client_for
) -> None:
    page = client_for("analyst").get(url("selfevaluation_detail", item.pk)).content.decode()
    for fmt, label in (("docx", "Word (DOCX)"), ("pdf", "PDF")):
        assert f'<form method="post" action="{url(f"selfevaluation_{fmt}", item.pk)}"' in page
        assert f"Download the self-evaluation as {label}</button>" in page
    assert page.count('name="csrfmiddlewaretoken"') >= 2
    # No longer a link to a page with the button on it.
    assert f'href="{url("selfevaluation_docx", item.pk)}"' not in page


def test_the_pages_button_asks_for_the_file(item, client_for, inline) -> None:
    client = client_for("qa_lead")
    page = client.get(url("selfevaluation_detail", item.pk)).content.decode()
    assert f'action="{url("selfevaluation_pdf", item.pk)}"' in page

    asked = client.post(url("selfevaluation_pdf", item.pk))

    export = CommitteeExport.objects.get()
    assert (export.self_evaluation_id, export.fmt, export.status) == (
        item.pk,
        "pdf",
        ExportStatus.DONE,
    )
    assert asked["Location"] == url("committee_export", export.pk)
    assert client.get(url("committee_export_file", export.pk)).status_code == 200


def test_after_sign_off_the_button_prepares_a_new_file_and_the_draft_one_is_not_given(
    item, council, client_for, inline
) -> None:
    client = client_for("qa_lead")
    client.post(url("selfevaluation_docx", item.pk))
    draft = CommitteeExport.objects.get()
    se.self_evaluation_sign_off(
        actor=council["users"]["senior_leader"], item=item, expected_version=item.version
    )
    signed = SelfEvaluation.objects.get(pk=item.pk)
    assert signed.is_signed_off and signed.version != draft.built_version
    page = client.get(url("selfevaluation_detail", item.pk)).content.decode()
    assert url("committee_export_file", draft.pk) not in page

    asked = client.post(url("selfevaluation_docx", item.pk))

    export = CommitteeExport.objects.latest("pk")
    assert export.pk != draft.pk and export.built_version == signed.version
    assert asked["Location"] == url("committee_export", export.pk)
    assert client.get(url("committee_export_file", draft.pk)).status_code == 302
    assert client.get(url("committee_export_file", export.pk)).status_code == 200


# -- who may download ---------------------------------------------------------------------------


def test_only_the_person_who_asked_downloads_the_file(item, client_for, inline) -> None:
    client_for("qa_lead").post(url("selfevaluation_docx", item.pk))
    export = CommitteeExport.objects.get()
    assert export.status == ExportStatus.DONE
    # Another reader of self-evaluations asks for their own; this one is not theirs to see.
    for name in ("committee_export", "committee_export_file"):
        assert client_for("senior_leader").get(url(name, export.pk)).status_code == 404
    # An analyst, who reads self-evaluations, asks for and downloads their own.
    analyst = client_for("analyst")
    asked = analyst.post(url("selfevaluation_pdf", item.pk))
    mine = CommitteeExport.objects.get(requested_by__role="analyst")
    assert asked["Location"] == url("committee_export", mine.pk)
    assert analyst.get(url("committee_export_file", mine.pk)).status_code == 200


@pytest.mark.parametrize(
    "role", ["practitioner", "administrator", "team_manager", "service_manager"]
)
def test_roles_that_may_not_read_self_evaluations_get_403(item, client_for, inline, role) -> None:
    client_for("qa_lead").post(url("selfevaluation_docx", item.pk))
    export = CommitteeExport.objects.get()
    client = client_for(role)
    for name in ("selfevaluation_docx", "selfevaluation_pdf"):
        assert client.get(url(name, item.pk)).status_code == 403
        assert client.post(url(name, item.pk)).status_code == 403
    for name in ("committee_export", "committee_export_file"):
        assert client.get(url(name, export.pk)).status_code == 403
    assert CommitteeExport.objects.count() == 1


def test_asking_for_a_self_evaluation_that_does_not_exist_is_404(
    council, client_for, inline
) -> None:
    assert client_for("analyst").post(url("selfevaluation_docx", 9999)).status_code == 404
    assert client_for("analyst").get(url("selfevaluation_pdf", 9999)).status_code == 404
    assert not CommitteeExport.objects.exists()


def test_an_export_is_of_a_report_or_a_self_evaluation_never_neither(item, council) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        CommitteeExport.objects.create(fmt="pdf", requested_by=council["users"]["qa_lead"])
    with pytest.raises(ValueError):
        report_services.committee_export_request(user=council["users"]["qa_lead"], fmt="pdf")


# -- failed and out of date ---------------------------------------------------------------------


def test_a_build_that_fails_marks_the_export_failed_and_offers_to_try_again(
    item, client_for, inline, monkeypatch
) -> None:
    def broken(_item):
        raise RuntimeError("the document broke")

    monkeypatch.setitem(exports._DOCUMENT, SelfEvaluation, broken)
    client = client_for("qa_lead")
    asked = client.post(url("selfevaluation_docx", item.pk))
    export = CommitteeExport.objects.get()
    assert export.status == ExportStatus.FAILED and export.finished_at is not None
    assert "could not be prepared" in export.failure_message and export.file_name == ""
    page = client.get(asked["Location"]).content.decode()
    assert "The download could not be prepared" in page and "Try again" in page
    # Trying again asks for the self-evaluation again, not a committee report.
    assert f'action="{url("selfevaluation_docx", item.pk)}"' in page
    assert client.get(url("committee_export_file", export.pk)).status_code == 302

    monkeypatch.undo()
    again = client.post(url("selfevaluation_docx", item.pk))
    retried = CommitteeExport.objects.latest("pk")
    assert retried.pk != export.pk and retried.status == ExportStatus.DONE
    assert again["Location"] == url("committee_export", retried.pk)


def test_a_file_made_before_sign_off_is_not_given(item, council, client_for, inline) -> None:
    client = client_for("qa_lead")
    client.post(url("selfevaluation_docx", item.pk))
    export = CommitteeExport.objects.get()
    se.self_evaluation_sign_off(
        actor=council["users"]["senior_leader"], item=item, expected_version=item.version
    )
    assert client.get(url("committee_export_file", export.pk)).status_code == 302
    page = client.get(url("committee_export", export.pk)).content.decode()
    assert "self-evaluation has been changed since this file was prepared" in page
    assert "Prepare it again" in page
    # The GET page no longer offers the old file either.
    offer = client.get(url("selfevaluation_docx", item.pk)).content.decode()
    assert "prepared earlier" not in offer


# -- purge --------------------------------------------------------------------------------------


def test_purge_removes_self_evaluation_downloads_past_their_time(
    item, client_for, inline, settings, django_capture_on_commit_callbacks
) -> None:
    settings.REPORT_EXPORT_HOURS = 24
    client = client_for("qa_lead")
    client.post(url("selfevaluation_docx", item.pk))
    client.post(url("selfevaluation_pdf", item.pk))
    old, recent = CommitteeExport.objects.order_by("pk")
    CommitteeExport.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=25)
    )
    old_file, recent_file = exports.path_of(old), exports.path_of(recent)
    assert old_file.exists()

    with django_capture_on_commit_callbacks(execute=True):
        result = purge.purge_expired()

    assert result.report_downloads == [old_file]
    assert not old_file.exists() and recent_file.exists()
    assert list(CommitteeExport.objects.values_list("pk", flat=True)) == [recent.pk]
    # Removing a self-evaluation's exports leaves the self-evaluation.
    assert SelfEvaluation.objects.filter(pk=item.pk).exists()
