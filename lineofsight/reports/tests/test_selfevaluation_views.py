"""The self-evaluation's pages and who may use them."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from lineofsight.reports import selfevaluation_services as se
from lineofsight.reports.models import CommitteeExport, SelfEvaluation
from lineofsight.reports.views import DOCX_TYPE
from lineofsight.web import documents
from lineofsight.worklists.tests.snapshots import east_snapshot

YEAR_END = datetime.date(2024, 3, 31)
AREA = "care_leavers"


@pytest.fixture
def item(council) -> SelfEvaluation:
    return se.self_evaluation_create(
        actor=council["users"]["qa_lead"],
        title="SEF 2024",
        year_end=YEAR_END,
        snapshot=east_snapshot(),
    )


def _url(name: str, item: SelfEvaluation, **more) -> str:
    return reverse(f"reports:{name}", kwargs={"pk": item.pk, **more})


def _answers(version: int, **text: str) -> dict:
    return {"what_we_know": "", "how_we_know": "", "what_next": "", "version": version, **text}


def test_qa_lead_starts_one_from_the_page_and_downloads_it(council, client_for, settings) -> None:
    settings.INTAKE_IMPORTS_INLINE = True  # the worker's part done at once
    east_snapshot()
    client = client_for("qa_lead")
    listing = client.get(reverse("reports:committee")).content.decode()
    assert reverse("reports:selfevaluation") in listing  # reachable from committee reports
    page = client.get(reverse("reports:selfevaluation_create"))
    assert page.status_code == 200 and "1 April 2023 to 31 March 2024" in page.content.decode()

    response = client.post(
        reverse("reports:selfevaluation_create"), {"title": "Our SEF", "year_end": "2024-03-31"}
    )
    made = SelfEvaluation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("selfevaluation_detail", made)
    detail = client.get(_url("selfevaluation_detail", made)).content.decode()
    for title in ("Help and protection", "Children in care", "Care leavers", "The workforce"):
        assert title in detail
    assert "Sign off version 1" not in detail  # a QA lead writes; a senior leader signs off

    # The page's own button asks the worker for the file, as the committee report's does; the
    # file is then downloaded from the page that says it is ready.
    assert f'<form method="post" action="{_url("selfevaluation_docx", made)}"' in detail
    assert "Download the self-evaluation as Word (DOCX)</button>" in detail
    asked = client.post(_url("selfevaluation_docx", made))
    export = CommitteeExport.objects.get(self_evaluation=made)
    assert asked["Location"] == reverse("reports:committee_export", kwargs={"pk": export.pk})
    ready = client.get(asked["Location"]).content.decode()
    assert "Your download is ready" in ready and _url("selfevaluation_detail", made) in ready
    docx = client.get(reverse("reports:committee_export_file", kwargs={"pk": export.pk}))
    assert docx.status_code == 200 and docx["Content-Type"] == DOCX_TYPE
    assert docx["Content-Disposition"] == (
        f'attachment; filename="our-sef-2024-03-31-version-1-{made.pk}.docx"'
    )
    assert "Care leavers" in documents.docx_text(b"".join(docx.streaming_content))
    client.post(_url("selfevaluation_pdf", made))
    export = CommitteeExport.objects.get(self_evaluation=made, fmt="pdf")
    pdf = client.get(reverse("reports:committee_export_file", kwargs={"pk": export.pk}))
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_an_area_page_saves_the_answers_and_shows_the_evidence(item, client_for) -> None:
    client = client_for("qa_lead")
    page = client.get(_url("selfevaluation_area", item, area="the_workforce")).content.decode()
    assert "Not measured in the product yet" in page and "Sickness absence" in page
    assert "Average caseload per social worker" in page

    response = client.post(
        _url("selfevaluation_area", item, area=AREA),
        _answers(item.version, what_we_know="Most leavers stay in touch."),
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.answers[AREA]["what_we_know"] == "Most leavers stay in touch."
    assert client.get(_url("selfevaluation_area", item, area="nowhere")).status_code == 404


def test_a_stale_edit_keeps_the_text_and_shows_theirs(item, council, client_for) -> None:
    se.self_evaluation_update_area(
        actor=council["users"]["senior_leader"],
        item=item,
        area=AREA,
        expected_version=1,
        what_we_know="Saved first.",
        how_we_know="",
        what_next="",
    )
    response = client_for("qa_lead").post(
        _url("selfevaluation_area", item, area=AREA), _answers(1, what_we_know="My draft.")
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "after you opened it" in page and "My draft." in page and "Saved first." in page
    item.refresh_from_db()
    assert item.answers[AREA]["what_we_know"] == "Saved first."


def test_senior_leader_signs_off_then_it_is_read_only(item, client_for) -> None:
    qa, senior = client_for("qa_lead"), client_for("senior_leader")
    assert "Sign off version 1" in senior.get(_url("selfevaluation_detail", item)).content.decode()
    assert qa.post(_url("selfevaluation_sign_off", item), {"version": 1}).status_code == 403

    response = senior.post(_url("selfevaluation_sign_off", item), {"version": item.version})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.is_signed_off

    area_page = qa.get(_url("selfevaluation_area", item, area=AREA)).content.decode()
    assert "This version is signed off" in area_page and "<textarea" not in area_page
    refused = qa.post(
        _url("selfevaluation_area", item, area=AREA), _answers(item.version, what_next="Late.")
    )
    assert refused.status_code == 400 and "can no longer be changed" in refused.content.decode()
    item.refresh_from_db()
    assert item.answers[AREA]["what_next"] != "Late."

    detail = qa.get(_url("selfevaluation_detail", item)).content.decode()
    assert "Start version 2" in detail
    started = qa.post(_url("selfevaluation_new_version", item))
    second = SelfEvaluation.objects.get(previous=item)
    assert started["Location"] == _url("selfevaluation_detail", second)
    assert second.number == 2 and second.answers == item.answers
    assert "<textarea" in qa.get(_url("selfevaluation_area", second, area=AREA)).content.decode()


@pytest.mark.parametrize(
    "role", ["practitioner", "administrator", "team_manager", "service_manager"]
)
def test_other_roles_get_403(item, client_for, role) -> None:
    client = client_for(role)
    for name in ("selfevaluation_detail", "selfevaluation_docx", "selfevaluation_pdf"):
        assert client.get(_url(name, item)).status_code == 403
    assert client.get(_url("selfevaluation_area", item, area=AREA)).status_code == 403
    assert client.get(reverse("reports:selfevaluation")).status_code == 403
    assert client.get(reverse("reports:selfevaluation_create")).status_code == 403
    assert client.post(_url("selfevaluation_sign_off", item), {"version": 1}).status_code == 403


def test_an_analyst_reads_but_may_not_sign_off(item, client_for) -> None:
    client = client_for("analyst")
    assert client.get(_url("selfevaluation_detail", item)).status_code == 200
    assert client.post(_url("selfevaluation_sign_off", item), {"version": 1}).status_code == 403
    item.refresh_from_db()
    assert not item.is_signed_off


def test_a_self_evaluation_that_does_not_exist_is_404(council, client_for) -> None:
    client = client_for("qa_lead")
    for name in ("selfevaluation_detail", "selfevaluation_docx", "selfevaluation_pdf"):
        assert client.get(reverse(f"reports:{name}", kwargs={"pk": 999})).status_code == 404
