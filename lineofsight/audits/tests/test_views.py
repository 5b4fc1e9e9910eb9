"""Pages: the audit form (saving, submitting, two people at once), who sees what, logging of
children's records, and the number of queries list pages make."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from lineofsight.accounts.models import AccessLogEntry, Role, User
from lineofsight.audits import selectors, services
from lineofsight.audits.grades import Grade
from lineofsight.audits.models import (
    Audit,
    AuditProgramme,
    AuditStatus,
    AuditVersion,
    VersionStatus,
)

from . import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def audit(council):
    return factories.team_manager_audit(council, "west")


def _form_data(audit: Audit, token: str, *, answer="yes", grade=Grade.GOOD, action="save"):
    data = {"token": token, "action": action}
    inputs = factories.complete_inputs(audit, answer=answer, grade=grade)
    for qid, given in inputs["answers"].items():
        data[f"q{qid}"] = given.value
        data[f"e{qid}"] = given.evidence
    for sid, given in inputs["sections"].items():
        data[f"s{sid}"] = str(given.grade)
        data[f"n{sid}"] = given.note
    data.update(
        overall_grade=str(grade),
        overall_rationale=inputs["overall_rationale"],
        impact=inputs["impact"],
        impact_rationale=inputs["impact_rationale"],
    )
    return data


def _token(response) -> str:
    return response.context["form"]["token"].value()


def test_the_audit_form_shows_the_questions_beside_the_childs_context(client_for, audit):
    response = client_for("team_manager").get(reverse("audits:audit_edit", args=[audit.pk]))
    assert response.status_code == 200
    text = response.text
    assert "Does the plan say what needs to change" in text
    assert "The child's record" in text
    assert 'type="radio"' in text and "govuk-fieldset__legend" in text
    assert " checked" not in text  # nothing is pre-filled
    assert AccessLogEntry.objects.filter(person_id=audit.person_id, purpose="audit").count() == 1


def test_two_people_saving_at_once_the_second_is_refused_and_keeps_their_work(
    client_for, audit, council
):
    url = reverse("audits:audit_edit", args=[audit.pk])
    auditor, qa = client_for("team_manager"), client_for("qa_lead")
    token_a = _token(auditor.get(url))
    token_b = _token(qa.get(url))
    assert token_a == token_b

    first = auditor.post(url, _form_data(audit, token_a, answer="yes"))
    assert first.status_code == 302
    mine = _form_data(audit, token_b, answer="no")
    evidence_field = next(k for k in mine if k.startswith("e"))
    mine[evidence_field] = "The second person's careful evidence"
    second = qa.post(url, mine)

    assert second.status_code == 409
    assert "Team manager Person saved this audit" in second.text
    assert "The second person&#x27;s careful evidence" in second.text  # nothing lost
    assert "Saved by the other person: <strong>Yes</strong>" in second.text
    assert 'id="what-they-saved"' in second.text  # and listed under the form
    version = services.current_version(audit)
    assert set(version.answers.values_list("value", flat=True)) == {"yes"}
    assert version.last_saved_by == council["users"]["team_manager"]
    # The form now carries the latest revision: saving again is a deliberate choice.
    assert _token(second) == services.edit_token(version)
    assert qa.post(url, _form_data(audit, _token(second), answer="no")).status_code == 302


def test_submitting_an_incomplete_audit_saves_it_and_says_what_is_missing(client_for, audit):
    url = reverse("audits:audit_edit", args=[audit.pk])
    client = client_for("team_manager")
    data = _form_data(audit, _token(client.get(url)), action="submit")
    data["overall_rationale"] = ""
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Explain the overall grade" in response.text
    assert 'href="#id_overall_rationale"' in response.text
    audit.refresh_from_db()
    assert audit.status == AuditStatus.IN_PROGRESS
    assert services.current_version(audit).answers.count() > 0


def test_finishing_an_incomplete_audit_keeps_a_draft_and_marks_each_missing_field(
    client_for, audit
):
    url = reverse("audits:audit_edit", args=[audit.pk])
    client = client_for("team_manager")
    data = _form_data(audit, _token(client.get(url)), answer="no", action="submit")
    evidence_field = next(k for k in data if k.startswith("e"))
    data[evidence_field] = ""  # "No" needs evidence
    data["overall_rationale"] = ""
    response = client.post(url, data)

    assert response.status_code == 400
    text = response.text
    assert "Your work has been saved as a draft, but it cannot be submitted yet." in text
    assert "Give the evidence for your answer to:" in text
    assert "Explain the overall grade" in text
    form = response.context["form"]
    assert set(form.errors) == {evidence_field, "overall_rationale"}
    audit.refresh_from_db()
    assert audit.status == AuditStatus.IN_PROGRESS
    assert audit.last_submitted_at is None
    version = services.current_version(audit)
    assert version.status == VersionStatus.DRAFT and version.submitted_at is None
    assert set(version.answers.values_list("value", flat=True)) == {"no"}
    assert version.answers.get(question_id=int(evidence_field[1:])).evidence == ""
    assert version.overall_grade == Grade.GOOD
    # The form carries the draft's revision, so finishing it next time is not a conflict.
    assert _token(response) == services.edit_token(version)


def test_saving_over_a_version_already_submitted_is_refused_and_changes_nothing(client_for, audit):
    url = reverse("audits:audit_edit", args=[audit.pk])
    client = client_for("team_manager")
    assert client.post(url, _form_data(audit, _token(client.get(url)))).status_code == 302
    token = _token(client.get(url))
    # Submitted after this page was read: the version is locked, the audit not yet marked so
    # (otherwise the page would send them to the audit instead of the form).
    AuditVersion.objects.filter(audit=audit).update(status=VersionStatus.SUBMITTED)
    before = services.current_version(audit)

    response = client.post(url, _form_data(audit, token, answer="no"))

    assert response.status_code == 409
    assert "Someone submitted this audit after you opened it" in response.text
    assert "your changes have not been saved" in response.text
    assert response.context["form"].errors == {}
    version = services.current_version(audit)
    assert version.revision == before.revision
    assert version.last_saved_at == before.last_saved_at
    assert set(version.answers.values_list("value", flat=True)) == {"yes"}
    audit.refresh_from_db()
    assert audit.status == AuditStatus.IN_PROGRESS


def test_submitting_locks_the_form_and_the_history_shows_both_versions(client_for, audit):
    url = reverse("audits:audit_edit", args=[audit.pk])
    client = client_for("team_manager")
    response = client.post(url, _form_data(audit, _token(client.get(url)), action="submit"))
    assert response.status_code == 302
    assert client.get(url).status_code == 302  # a submitted audit is not edited in place
    reopen = reverse("audits:audit_reopen", args=[audit.pk])
    assert client.post(reopen, {"reason": ""}).status_code == 400
    assert client.post(reopen, {"reason": "New evidence"}).status_code == 302
    detail = client.get(reverse("audits:audit_detail", args=[audit.pk])).text
    assert "Version 1" in detail and "Version 2" in detail and "New evidence" in detail


def test_a_practitioner_sees_audits_of_their_cases_only_once_submitted(client_for, audit, council):
    practitioner = client_for("practitioner")
    url = reverse("audits:audit_detail", args=[audit.pk])
    assert practitioner.get(url).status_code == 404
    factories.submit(audit, council["users"]["team_manager"])
    assert practitioner.get(url).status_code == 200
    respond = reverse("audits:audit_respond", args=[audit.pk])
    assert practitioner.post(respond, {"agreement": ""}).status_code == 400
    response = practitioner.post(
        respond, {"agreement": "agree", "comments": "Fair.", "will_do": "Update the plan."}
    )
    assert response.status_code == 302
    assert "Update the plan." in practitioner.get(url).text


def test_another_teams_practitioner_and_other_managers_get_not_found(client_for, audit, council):
    other = User.objects.create_user(
        email="other@example.org",
        full_name="Other Worker",
        role=Role.PRACTITIONER,
        professional_id="P-9",
        password="x",
    )
    other.memberships.create(team=council["teams"]["west"])
    manager = User.objects.create_user(
        email="care.tm@example.org", full_name="Care Manager", role=Role.TEAM_MANAGER, password="x"
    )
    manager.memberships.create(team=council["teams"]["cic"])
    factories.submit(audit, council["users"]["team_manager"])
    for user in (other, manager):
        assert not selectors.audits_visible_to(user).filter(pk=audit.pk).exists()


def test_the_moderator_never_sees_the_auditors_grades_before_grading(client_for, council, audit):
    factories.submit(audit, council["users"]["team_manager"], grade=Grade.OUTSTANDING)
    programme = audit.programme
    services.programme_set_moderation_rate(
        actor=council["users"]["qa_lead"], programme=programme, rate=10
    )
    services.moderation_draw(actor=council["users"]["qa_lead"], programme=programme, seed=1)
    moderation = audit.moderation
    qa = client_for("qa_lead")
    for url in (
        reverse("audits:moderation_detail", args=[moderation.pk]),
        reverse("audits:audit_detail", args=[audit.pk]),
        reverse("audits:audit_version", args=[audit.pk, 1]),
    ):
        text = qa.get(url).text
        assert "Outstanding</strong>" not in text, url
        assert "Hidden until you submit your own grade" in text, url
    data = {"form": "grade", "grade-grade": "3", "grade-rationale": "Good, not outstanding."}
    for section in programme.tool_version.sections.all():
        data[f"grade-s{section.pk}"] = "3"
    url = reverse("audits:moderation_detail", args=[moderation.pk])
    assert qa.post(url, data).status_code == 302
    text = qa.get(url).text
    assert "Grades compared" in text and "Outstanding" in text
    response = qa.post(url, {"form": "agree", "agree-grade": "3", "agree-rationale": "Agreed."})
    assert response.status_code == 302
    audit.refresh_from_db()
    assert audit.final_grade == Grade.GOOD


# Raising a safeguarding concern from an audit: lineofsight/concerns/tests/test_views.py.


def test_raising_an_action_from_an_audit(client_for, council, audit):
    url = reverse("audits:audit_action_add", args=[audit.pk])
    tm = client_for("team_manager")
    page = tm.get(url)
    owners = {u.full_name for u in page.context["form"].fields["owner"].queryset}
    assert "Practitioner Person" in owners  # holds the case
    due = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    response = tm.post(
        url,
        {
            "issue": "No genogram",
            "action": "Draw a genogram with the family",
            "priority": "high",
            "owner": council["users"]["practitioner"].pk,
            "due_date": due,
        },
    )
    assert response.status_code == 302
    assert "Draw a genogram" in client_for("practitioner").get(reverse("actions:mine")).text


def test_creating_a_programme_through_the_form(client_for, council, tools):
    client = client_for("qa_lead")
    url = reverse("audits:programme_create")
    bad = client.post(url, {"name": "", "sample_mode": "count"})
    assert bad.status_code == 400 and "Enter a name for the programme" in bad.text
    response = client.post(
        url,
        {
            "name": "Summer audit",
            "period_start": "2026-06-01",
            "period_end": "2026-08-31",
            "tool_version": tools["recording"].pk,
            "cohorts": ["cin", "cp"],
            "sample_mode": "share",
            "sample_share": "10",
            "exclude_recent_months": "12",
            "auditor_roles": ["team_manager", "qa_lead"],
            "moderator_roles": ["qa_lead"],
            "audit_due_days": "21",
            "safeguarding_response_hours": "24",
        },
    )
    assert response.status_code == 302
    programme = AuditProgramme.objects.get(name="Summer audit")
    assert programme.cohorts == ["cin", "cp"] and programme.sample_share == 10


def test_drawing_the_sample_through_the_page(client_for, council, tools, snapshot):
    programme = factories.programme(
        council["users"]["qa_lead"], drawn_at=None, seed=None, status="draft", sample_count=1
    )
    client = client_for("qa_lead")
    url = reverse("audits:programme_sample", args=[programme.pk])
    assert "as at 28/06/2024" in client.get(url).text
    assert client.post(url, {"seed": "77"}).status_code == 302
    programme.refresh_from_db()
    assert programme.seed == 77 and programme.audits.count() == 4
    detail = client.get(reverse("audits:programme_detail", args=[programme.pk])).text
    assert "Strata: team by cohort" in detail and "77" in detail


def _many_audits(council, n: int = 30):
    qa, tm = council["users"]["qa_lead"], council["users"]["team_manager"]
    programme = factories.programme(qa)
    # Half submitted: 10 Good, 3 Inadequate, 2 Outstanding.
    grades = iter([Grade.GOOD] * 10 + [Grade.INADEQUATE] * 3 + [Grade.OUTSTANDING] * 2)
    for i in range(n):
        a = factories.audit(
            programme, person_id=f"W{i:03d}", team=council["teams"]["west"], auditor=tm
        )
        if i % 2:
            factories.submit(a, tm, grade=next(grades))
    return programme


def test_list_pages_make_a_fixed_number_of_queries(
    client_for, council, django_assert_max_num_queries
):
    programme = _many_audits(council)
    qa, tm = client_for("qa_lead"), client_for("team_manager")
    with django_assert_max_num_queries(10):
        assert qa.get(reverse("audits:programme_detail", args=[programme.pk])).status_code == 200
    with django_assert_max_num_queries(11):
        assert tm.get(reverse("audits:my_audits")).status_code == 200
    with django_assert_max_num_queries(11):
        assert qa.get(reverse("audits:my_audits")).status_code == 200
    with django_assert_max_num_queries(7):
        assert qa.get(reverse("audits:programmes")).status_code == 200
    with django_assert_max_num_queries(14):
        assert qa.get(reverse("audits:programme_report", args=[programme.pk])).status_code == 200


def test_report_and_exports_show_grades_with_small_numbers_suppressed(client_for, council):
    programme = _many_audits(council)
    client = client_for("qa_lead")
    page = client.get(reverse("audits:programme_report", args=[programme.pk])).text
    assert "fewer than 5" in page
    csv_text = client.get(reverse("audits:programme_report_csv", args=[programme.pk])).text
    header, *rows = csv_text.strip().splitlines()
    assert header.startswith("breakdown,group,audits,outstanding,good")
    assert rows[0].startswith("all,All audits,15,fewer than 5,10,0,fewer than 5,0.8,")
    assert "W0" not in csv_text  # no child's id leaves in an export

    from docx import Document
    from openpyxl import load_workbook

    xlsx = client.get(reverse("audits:programme_report_xlsx", args=[programme.pk]))
    book = load_workbook(io.BytesIO(xlsx.content))
    assert {"Summary", "Grades", "Themes", "Agreement"} <= set(book.sheetnames)
    docx = client.get(reverse("audits:programme_report_docx", args=[programme.pk]))
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert programme.name in text and "How the sample was drawn" in text


def test_a_team_managers_report_counts_only_their_teams(client_for, council):
    programme = _many_audits(council)
    # The team manager belongs to East; every file here is West's.
    report = (
        client_for("team_manager")
        .get(reverse("audits:programme_report", args=[programme.pk]))
        .context["report"]
    )
    assert report.total == 0
    assert (
        client_for("qa_lead")
        .get(reverse("audits:programme_report", args=[programme.pk]))
        .context["report"]
        .total
        == 30
    )


def test_home_panels_show_overdue_audits_and_actions(council):
    qa, tm = council["users"]["qa_lead"], council["users"]["team_manager"]
    programme = factories.programme(qa)
    factories.audit(programme, team=council["teams"]["west"], auditor=tm, due_in_days=-3)
    panels = {p.key: p for p in selectors.home_panels(tm)}
    assert panels["audits"].items[0].tag == "Overdue"
    assert "overdue_audits" in {p.key for p in selectors.home_panels(qa)}
    assert selectors.home_panels(council["users"]["administrator"]) == []


def test_the_home_page_logs_the_children_its_audit_panels_name(client_for, council):
    qa, tm = council["users"]["qa_lead"], council["users"]["team_manager"]
    programme = factories.programme(qa)
    audit = factories.audit(programme, team=council["teams"]["west"], auditor=tm, due_in_days=3)

    page = client_for("team_manager").get(reverse("home:home")).content.decode()

    assert f"child {audit.person_id}" in page
    logged = AccessLogEntry.objects.filter(user=tm, path=reverse("home:home"))
    assert list(logged.values_list("person_id", flat=True)) == [audit.person_id]
