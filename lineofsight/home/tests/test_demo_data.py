"""`demo_data` gives the demonstration council casework and the practice records users would have
written by then, once: running it again changes nothing. Every demo role can then walk its daily
journeys without an operator command."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lineofsight.accounts import policy
from lineofsight.accounts.demo import DEMO_PASSWORD
from lineofsight.accounts.models import Role, User
from lineofsight.actions.models import ImprovementAction, SourceType, Status
from lineofsight.audits import toolspec
from lineofsight.audits.models import (
    Audit,
    AuditProgramme,
    AuditStatus,
    AuditToolVersion,
    Moderation,
    ModerationStatus,
)
from lineofsight.casework import store
from lineofsight.concerns.models import Concern, Level
from lineofsight.feedback.models import Feedback
from lineofsight.framework.models import FrameworkVersion
from lineofsight.indicators.models import IndicatorTarget
from lineofsight.practiceweeks.models import Observation, PracticeWeek
from lineofsight.reports.models import CommitteeReport
from lineofsight.reports.models_selfevaluation import SelfEvaluation
from lineofsight.supervision.models import OneToOne, Session, SessionCase
from lineofsight.worklists import selectors as worklists
from lineofsight.worklists.query import WorklistQuery

pytestmark = pytest.mark.django_db

SCALE = 0.02


def _counts() -> dict[str, int]:
    return {
        "tools": AuditToolVersion.objects.count(),
        "users": User.objects.count(),
        "weeks": PracticeWeek.objects.count(),
        "observations": Observation.objects.count(),
        "feedback": Feedback.objects.count(),
        "actions": ImprovementAction.objects.count(),
        "targets": IndicatorTarget.objects.count(),
        "reports": CommitteeReport.objects.count(),
        "programmes": AuditProgramme.objects.count(),
        "audits": Audit.objects.count(),
        "moderations": Moderation.objects.count(),
        "sessions": Session.objects.count(),
        "session cases": SessionCase.objects.count(),
        "concerns": Concern.objects.count(),
        "framework versions": FrameworkVersion.objects.count(),
        "self-evaluations": SelfEvaluation.objects.count(),
        "one-to-ones": OneToOne.objects.count(),
    }


def _demo(email_local: str) -> User:
    return User.objects.get(email=f"{email_local}@demo.invalid")


def _worklist(rows_of) -> list:
    return rows_of(WorklistQuery()).rows


def test_demo_data_imports_casework_and_adds_practice_records_once():
    out = io.StringIO()
    call_command("demo_data", scale=SCALE, stdout=out)
    assert store.current_snapshot() is not None
    first = _counts()
    today = timezone.localdate()

    # Audit tools are loaded: one version for each tool shipped with Line of Sight.
    assert first["tools"] == len(toolspec.read_files([toolspec.DEFAULT_TOOLS_DIR]))

    # Two quality assurance leads, each with an approved role, so one can moderate the other.
    qa_leads = User.objects.filter(role=Role.QA_LEAD, email__endswith="@demo.invalid")
    assert qa_leads.count() == 2
    assert all(policy.role_approved(u) for u in qa_leads)
    second = _demo("qa.lead.2")

    # An audit programme part way through: drawn, allocated, some submitted, moderation under
    # way with some agreed and one awaiting the second QA lead's blind grade.
    programme = AuditProgramme.objects.get()
    assert programme.drawn_at is not None
    audits = Audit.objects.filter(programme=programme)
    assert audits.filter(auditor__isnull=False).count() > 0
    assert audits.filter(status=AuditStatus.SUBMITTED).count() >= 3
    assert Moderation.objects.filter(status=ModerationStatus.AGREED).exists()
    assert Moderation.objects.filter(status=ModerationStatus.AWAITING, moderator=second).exists()

    # Group supervision: one session held with cases discussed, one to come with nominations.
    held = Session.objects.filter(held_on__lt=today).get()
    assert any(c.discussed for c in held.cases.all())
    upcoming = Session.objects.filter(held_on__gt=today).get()
    assert upcoming.cases.count() > 0

    # Safeguarding concerns in three states.
    concerns = list(Concern.objects.all())
    assert len(concerns) == 3
    answered = [c for c in concerns if c.responded_at is not None]
    escalated = [c for c in concerns if c.responded_at is None and c.escalated_at is not None]
    still_open = [c for c in concerns if c.responded_at is None and c.escalated_at is None]
    assert len(answered) == len(escalated) == len(still_open) == 1
    assert escalated[0].level == Level.SERVICE

    # Improvement actions from several sources, one of them overdue.
    sources = set(ImprovementAction.objects.values_list("source_type", flat=True))
    assert {
        SourceType.PRACTICE_WEEK,
        SourceType.AUDIT,
        SourceType.SUPERVISION,
        SourceType.FEEDBACK,
    } <= sources
    assert ImprovementAction.objects.filter(due_date__lt=today, status=Status.OPEN).exists()

    assert first["weeks"] == 2 and first["observations"] > 0
    assert first["feedback"] == 5
    assert first["targets"] > 0 and first["reports"] == 1
    assert first["framework versions"] == 1 and first["self-evaluations"] == 1
    assert first["one-to-ones"] > 0
    assert "made a draft committee report" in out.getvalue()

    # The practitioner is a worker in the casework, with that worker's name and a caseload;
    # the team manager's team has children.
    practitioner, manager = _demo("practitioner"), _demo("team.manager")
    caseload = _worklist(lambda q: worklists.caseload_worklist(practitioner, q))
    assert caseload
    assert {r.worker_name for r in caseload} == {practitioner.full_name}
    team = manager.memberships.get().team
    assert _worklist(lambda q: worklists.team_worklist(manager, team, q))
    with worklists.reading() as reader:
        names = dict(
            reader.con.execute(
                "SELECT prof_professional_id, prof_professional_name FROM ssd_professionals"
            ).fetchall()
        )
    assert names[manager.professional_id] == manager.full_name
    # An audit of one of the practitioner's cases is submitted, awaiting their view.
    assert Audit.objects.filter(
        worker_id=practitioner.professional_id, status=AuditStatus.SUBMITTED
    ).exists()
    # Every demo user signs in with the published demonstration password.
    demo_users = User.objects.filter(email__endswith="@demo.invalid")
    # One for each role and a second quality assurance lead, and a cohort of three newly
    # qualified social workers in the early careers programme.
    assert demo_users.count() == 11
    assert all(u.check_password(DEMO_PASSWORD) for u in demo_users)

    again = io.StringIO()
    call_command("demo_data", scale=SCALE, stdout=again)
    assert _counts() == first
    assert "made " not in again.getvalue()


def test_each_demo_role_reaches_its_daily_journeys():
    call_command("demo_data", scale=SCALE, stdout=io.StringIO())
    manager = _demo("team.manager")
    team = manager.memberships.get().team
    programme = AuditProgramme.objects.get()
    second = _demo("qa.lead.2")
    awaiting = Moderation.objects.get(status=ModerationStatus.AWAITING, moderator=second)
    session = Session.objects.filter(team=team).first()
    common = ["home:home", "concerns:list"]
    journeys: dict[str, list[str]] = {
        "practitioner": [
            "worklists:mine",
            "audits:my_audits",
            "actions:mine",
            "supervision:sessions",
        ],
        "team.manager": [
            reverse("worklists:team", kwargs={"team_id": team.pk}),
            "audits:my_audits",
            "actions:mine",
            "supervision:sessions",
            reverse("supervision:session", kwargs={"pk": session.pk}),
        ],
        "service.manager": ["worklists:service", "actions:list", "audits:my_audits"],
        "qa.lead": [
            "audits:programmes",
            reverse("audits:programme_detail", kwargs={"pk": programme.pk}),
            reverse("audits:programme_moderation", kwargs={"pk": programme.pk}),
            "supervision:sessions",
        ],
        "qa.lead.2": [
            "audits:my_audits",
            reverse("audits:moderation_detail", kwargs={"pk": awaiting.pk}),
        ],
        "senior.leader": ["indicators:board", "actions:board", "accounts:role_grants"],
        "analyst": ["intake:imports", "indicators:board", "region:index"],
    }
    for who, pages in journeys.items():
        client = Client()
        client.force_login(_demo(who))
        for page in [*common, *pages]:
            url = page if page.startswith("/") else reverse(page)
            response = client.get(url)
            assert response.status_code == 200, f"{who} could not open {url}"
    # The analyst's regional page has the demonstration council's own pooled extract to show.
    client = Client()
    client.force_login(_demo("analyst"))
    region = client.get(reverse("region:index")).content.decode()
    assert "Pooled extracts of 1 council" in region and "No pooled data is loaded" not in region
    # The second QA lead's moderation is blind: the auditor's reasons are not on the page yet.
    client = Client()
    client.force_login(second)
    page = client.get(reverse("audits:moderation_detail", kwargs={"pk": awaiting.pk}))
    submitted = awaiting.audit.versions.get(is_current_submission=True)
    assert submitted.overall_rationale
    assert submitted.overall_rationale not in page.content.decode()
