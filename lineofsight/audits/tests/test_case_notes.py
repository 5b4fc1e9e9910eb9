"""The child's case notes beside the questions on the audit form: for the people who may see
the child through the audit, logged as a view for the audit, with the way to the chronology."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from lineofsight.accounts.models import AccessLogEntry, Role, User
from lineofsight.worklists.tests.snapshots import (
    AS_AT,
    build_snapshot,
    case_notes,
    east_derived,
    east_tables,
)

from . import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def east_with_notes(db):
    tables = east_tables()
    tables["case_notes"] = case_notes(
        "E1", 12, author_id="P-2", text="Visit {i}: Amy showed me her room."
    )
    return build_snapshot(tables=tables, derived=east_derived(), as_at=AS_AT)


def _audit(council, auditor: User, person_id: str = "E1"):
    programme = factories.programme(council["users"]["qa_lead"])
    return factories.audit(
        programme, person_id=person_id, team=council["teams"]["east"], auditor=auditor
    )


def _edit(client, audit):
    return client.get(reverse("audits:audit_edit", args=[audit.pk]))


def test_the_auditor_reads_the_latest_case_notes_beside_the_questions(
    client_for, council, east_with_notes
):
    audit = _audit(council, council["users"]["team_manager"])
    response = _edit(client_for("team_manager"), audit)
    assert response.status_code == 200
    page = response.text
    assert "Case notes, newest first" in page
    assert "The latest 10 of 12 case notes" in page
    # Newest first, ten of them: the two oldest are left for the chronology.
    assert page.index("Visit 11:") < page.index("Visit 10:") < page.index("Visit 2:")
    assert "Visit 1:" not in page and "Visit 0:" not in page
    assert "by Sam Second" in page
    # The panel's own list of events reads codes as words too.
    assert "Referral: Category of need: Abuse or neglect" in page
    assert "need N1" not in page
    # The notes sit in the panel beside the form, after the questions in the page's order.
    assert page.index('id="audit-form"') < page.index("Case notes, newest first")
    # This auditor may open the chronology, which lists every note, and comes back here.
    chronology = reverse("children:chronology", args=["E1"])
    back = reverse("audits:audit_edit", args=[audit.pk]).replace("/", "%2F")
    assert f'href="{chronology}?back={back}#case-notes"' in page
    # One view of the child's record, for the audit.
    entries = AccessLogEntry.objects.filter(person_id="E1", user=council["users"]["team_manager"])
    assert [(e.purpose, e.path) for e in entries] == [
        ("audit", reverse("audits:audit_edit", args=[audit.pk]))
    ]


def test_an_auditor_from_elsewhere_sees_the_notes_but_not_a_link_they_cannot_follow(
    client_for, council, east_with_notes
):
    """An auditor from another team sees the child through the audit alone: the notes are
    shown, but the chronology is not theirs to open, so no link to it."""
    outsider = User.objects.create_user(
        email="auditor@example.org", password="x", full_name="Ola Auditor", role=Role.PRACTITIONER
    )
    outsider.memberships.create(team=council["teams"]["west"])
    audit = _audit(council, outsider)
    from django.test import Client

    client = Client()
    client.force_login(outsider)
    page = _edit(client, audit).text
    assert "Visit 11:" in page
    assert reverse("children:chronology", args=["E1"]) not in page
    assert "The earlier case notes are in the case management system" in page
    assert AccessLogEntry.objects.filter(person_id="E1", user=outsider, purpose="audit").count()


def test_no_notes_for_someone_who_may_not_see_the_child(client_for, council, east_with_notes):
    audit = _audit(council, council["users"]["team_manager"])
    # The practitioner is neither auditor nor (until it is submitted) shown the audit.
    response = _edit(client_for("practitioner"), audit)
    assert response.status_code == 404
    assert "Visit 11" not in response.text
    # A service manager sees the audit of their service's team but may not edit it.
    response = _edit(client_for("service_manager"), audit)
    assert response.status_code == 403
    assert "Visit 11" not in response.text
    assert not AccessLogEntry.objects.filter(
        person_id="E1",
        user__in=[council["users"]["practitioner"], council["users"]["service_manager"]],
    ).exists()


def test_a_child_without_case_notes_says_so(client_for, council, east_with_notes):
    audit = _audit(council, council["users"]["team_manager"], person_id="E2")
    page = _edit(client_for("team_manager"), audit).text
    assert "No case notes are recorded for this child" in page
    assert "Visit 11" not in page


def test_beside_the_recording_tool_each_note_shows_what_the_checker_points_at(client_for, council):
    """The recording audit tool's panel: each note with its findings highlighted and the three
    markers, as evidence to read. No answer is filled in for the auditor."""
    tables = east_tables()
    tables["case_notes"] = case_notes(
        "E1", 2, author_id="P-2", text='Visit {i}: LAC review held. Amy said "I hate contact".'
    )
    build_snapshot(tables=tables, derived=east_derived(), as_at=AS_AT)
    programme = factories.programme(council["users"]["qa_lead"], tool_key="recording")
    audit = factories.audit(
        programme,
        person_id="E1",
        team=council["teams"]["east"],
        auditor=council["users"]["team_manager"],
    )
    response = _edit(client_for("team_manager"), audit)
    assert response.status_code == 200
    page = response.text
    assert "never an answer to a question" in page
    marked = re.findall(r"<mark [^>]*>(.*?)</mark>", page, flags=re.S)
    # "LAC review" in each note (the words and the acronym), never the child's own words.
    assert marked and all("LAC" in m or "review" in m for m in marked)
    assert not any("contact" in m for m in marked)
    assert "The child&#x27;s voice: may be there" in page
    assert "Analysis: what it means for the child: may be missing" in page
    # Nothing is chosen or typed for the auditor.
    assert " checked" not in page.split('id="audit-form"')[1].split("</form>")[0]
    assert (
        "<textarea" in page and "Visit 1:" not in page.split("<textarea")[1].split("</textarea>")[0]
    )


def test_other_tools_show_the_notes_as_written(client_for, council, east_with_notes):
    audit = _audit(council, council["users"]["team_manager"])
    page = _edit(client_for("team_manager"), audit).text
    assert "Visit 11:" in page and "los-mark" not in page and "recording checker" not in page
