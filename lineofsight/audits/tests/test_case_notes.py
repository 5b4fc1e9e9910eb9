"""The child's case notes beside the questions on the audit form: for the people who may see
the child through the audit, logged as a view for the audit, with the way to the chronology."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from lineofsight.accounts.models import AccessLogEntry, Role, User
from lineofsight.worklists.tests.snapshots import AS_AT, build_snapshot, east_derived, east_tables

from . import factories

pytestmark = pytest.mark.django_db


def _notes(person_id: str, count: int) -> list[dict[str, object]]:
    start = datetime.date(2024, 3, 1)
    return [
        {
            "note_id": f"N{person_id}-{i:03d}",
            "note_person_id": person_id,
            "note_date": (start + datetime.timedelta(days=i)).isoformat(),
            "note_author_id": "P-2",
            "note_type": "Child protection visit",
            "note_text": f"Visit {i}: Amy showed me her room.",
        }
        for i in range(count)
    ]


@pytest.fixture
def east_with_notes(db):
    tables = east_tables()
    tables["case_notes"] = _notes("E1", 12)
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
