"""Practice records for the demonstration council (DEMO ONLY: invented, never real people).

After `demo_data` has imported casework and made the demo users, this adds what users of a real
council would have written by then, so every page opens with something to look at and every
daily journey can be walked: a practice week with observations, feedback from children and
families, an audit programme (sample drawn, audits allocated, some submitted, moderation under way
with one audit awaiting the second quality assurance lead's blind grade), group supervision
sessions (one held, one to come with children nominated), safeguarding concerns (open, escalated,
answered), improvement actions raised from each of these (one overdue), the council's indicator
targets and a draft committee report. Everything goes through the services, as a user's work
would. Running it again adds nothing twice.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from lineofsight.accounts.demo import DEMO_EMAIL_DOMAIN, SECOND_QA_LEAD
from lineofsight.accounts.models import Role, Team, User
from lineofsight.actions import services as action_services
from lineofsight.actions.models import ImprovementAction, Priority, SourceType
from lineofsight.casework import store
from lineofsight.feedback import services as feedback_services
from lineofsight.feedback.healthcheck_demo import make_demo_health_check
from lineofsight.feedback.models import Channel, Feedback, FromWhom, Kind
from lineofsight.framework import services as framework_services
from lineofsight.framework.models import FrameworkVersion
from lineofsight.home import demo_practice
from lineofsight.indicators import services as indicator_services
from lineofsight.indicators.models import IndicatorTarget
from lineofsight.practiceweeks.demo import DEMO_TITLE, make_demo_week
from lineofsight.practiceweeks.models import PracticeWeek
from lineofsight.reports import selfevaluation_services
from lineofsight.reports import services as report_services
from lineofsight.reports.models import CommitteeReport
from lineofsight.reports.models_selfevaluation import SelfEvaluation
from lineofsight.workforce.demo import make_demo_workforce

# (indicator, target, amber margin): what a council's improvement board might have agreed.
TARGETS: tuple[tuple[str, float, float], ...] = (
    ("rereferral_12m_pct", 20.0, 2.0),
    ("assessment_45wd_pct", 85.0, 5.0),
    ("cp_visits_in_time_pct", 90.0, 5.0),
    ("cp_reviews_in_time_pct", 95.0, 5.0),
    ("cp_second_plan_pct", 20.0, 3.0),
    ("cla_3plus_placements_pct", 10.0, 1.0),
    ("cla_visits_in_time_pct", 90.0, 5.0),
    ("caseload_mean", 16.0, 2.0),
    ("agency_worker_pct", 15.0, 3.0),
)

# (kind, from whom, days before the as-at date, text, themes, consent, response)
FEEDBACK: tuple[tuple[str, str, int, str, tuple[str, ...], bool, str], ...] = (
    (
        Kind.COMPLIMENT,
        FromWhom.CHILD,
        20,
        "My social worker listens to me and came to my football match.",
        ("voice-of-the-child",),
        True,
        "",
    ),
    (
        Kind.COMPLAINT,
        FromWhom.PARENT,
        45,
        "I had three different social workers this year and had to tell my story every time.",
        ("workforce-and-wellbeing", "parent-carer-experience"),
        True,
        "We have kept the same worker with your family since March and introduce any new "
        "worker in a joint visit.",
    ),
    (
        Kind.COMMENT,
        FromWhom.CARER,
        60,
        "Review meetings are easier now that the plan is written in plain words.",
        ("planning", "recording"),
        True,
        "",
    ),
    (
        Kind.COMPLAINT,
        FromWhom.PARTNER,
        75,
        "The school was not told about the outcome of the strategy discussion for two weeks.",
        ("multi-agency-working",),
        False,
        "",
    ),
    (
        Kind.COMPLIMENT,
        FromWhom.PARENT,
        90,
        "The family group conference helped us make our own plan.",
        ("parent-carer-experience", "good-and-innovative-practice"),
        True,
        "",
    ),
)


def _user(role: str) -> User | None:
    return (
        User.objects.filter(role=role, is_active=True, email__endswith=f"@{DEMO_EMAIL_DOMAIN}")
        .order_by("pk")
        .first()
    )


def _demo_user(email_local: str) -> User | None:
    return User.objects.filter(is_active=True, email=f"{email_local}@{DEMO_EMAIL_DOMAIN}").first()


@transaction.atomic
def demo_records_create() -> list[str]:
    """Add the demonstration practice records; returns a line for each thing made."""
    made: list[str] = []
    snapshot = store.current_snapshot()
    qa, analyst = _user(Role.QA_LEAD), _user(Role.ANALYST)
    manager = _user(Role.TEAM_MANAGER)
    if qa is None or analyst is None or manager is None or snapshot is None:
        return made
    home = manager.memberships.select_related("team").first()
    team: Team | None = home.team if home else None

    for indicator_id, target, margin in TARGETS:
        if not IndicatorTarget.objects.filter(indicator_id=indicator_id).exists():
            indicator_services.target_set(
                actor=analyst,
                indicator_id=indicator_id,
                target=target,
                amber_margin=margin,
                note="Agreed at the improvement board (demonstration)",
                expected_version=0,
            )
            made.append(f"indicator target for {indicator_id}")

    if not FrameworkVersion.objects.exists():
        framework_services.framework_adopt(actor=qa, note="The example framework, adopted.")
        made.append("the example framework for practice, version 1")

    made += make_demo_workforce(actor=qa)
    made += make_demo_health_check(actor=qa)

    new_week = not PracticeWeek.objects.filter(title=DEMO_TITLE).exists()
    week = make_demo_week(actor=qa)
    if new_week:
        made.append(f"practice week {week.title!r}")

    if team is not None and not Feedback.objects.filter(team=team).exists():
        complaint = None
        for kind, who, days_ago, text, themes, consent, response in FEEDBACK:
            item = feedback_services.feedback_record(
                actor=manager,
                kind=kind,
                from_whom=who,
                received_on=snapshot.as_at - datetime.timedelta(days=days_ago),
                team=team,
                text=text,
                channel=Channel.IN_PERSON,
                themes=themes,
                consent_to_share=consent,
            )
            if kind == Kind.COMPLAINT and complaint is None:
                complaint = item
            if response:
                feedback_services.feedback_respond(
                    actor=manager,
                    feedback=item,
                    expected_version=item.version,
                    response=response,
                    responded_on=snapshot.as_at - datetime.timedelta(days=days_ago - 10),
                )
        made.append(f"{len(FEEDBACK)} pieces of feedback for {team.name}")
        if complaint is not None:
            action_services.action_create(
                actor=manager,
                source_type=SourceType.FEEDBACK,
                source_id=complaint.pk,
                issue="Families have to tell their story again when their social worker changes",
                action="Introduce any new worker in a joint visit with the worker leaving",
                owner=manager,
                due_date=timezone.localdate() + datetime.timedelta(days=45),
                priority=Priority.MEDIUM,
                team=team,
                themes=["parent-carer-experience"],
            )
            made.append("an improvement action from a complaint")

    if not ImprovementAction.objects.filter(source_type=SourceType.PRACTICE_WEEK).exists():
        today = datetime.date.today()
        for issue, action, theme, due_in_days in (
            (
                "Children's views are not always written in their own words",
                "Team meeting on recording direct work; re-check at the next focused practice day",
                "voice-of-the-child",
                -7,
            ),
            (
                "Plans are not always reviewed when a child's situation changes",
                "Managers check plan review dates in supervision each month",
                "planning",
                30,
            ),
        ):
            due = today + datetime.timedelta(days=due_in_days)
            made_action = action_services.action_create(
                actor=qa,
                source_type=SourceType.PRACTICE_WEEK,
                source_id=week.pk,
                issue=issue,
                action=action,
                owner=manager,
                due_date=max(due, today),
                priority=Priority.HIGH,
                risk_if_not_done="Children's experience is lost from their records",
                team=team,
                themes=[theme],
            )
            # An overdue action: raised weeks ago, when its due date was still to come.
            ImprovementAction.objects.filter(pk=made_action.pk).update(due_date=due)
        made.append("2 improvement actions from the practice week")

    qa2, practitioner = _demo_user(SECOND_QA_LEAD), _user(Role.PRACTITIONER)
    if team is not None and qa2 is not None and practitioner is not None:
        made += demo_practice.audits_create(
            qa=qa, second_qa=qa2, manager=manager, practitioner=practitioner, team=team
        )
        made += demo_practice.supervision_create(
            manager=manager, practitioner=practitioner, team=team
        )
        made += demo_practice.one_to_ones_create(manager=manager, team=team)
        made += demo_practice.concerns_create(qa=qa, manager=manager, team=team)

    if not CommitteeReport.objects.exists():
        choices = report_services.period_end_choices(snapshot)
        if choices:
            report_services.report_create(
                actor=qa,
                title="Quality of practice (demonstration draft)",
                period_end=choices[0],
                snapshot=snapshot,
            )
            made.append("a draft committee report")
    if not SelfEvaluation.objects.exists():
        choices = report_services.period_end_choices(snapshot)
        if choices:
            selfevaluation_services.self_evaluation_create(
                actor=qa, title="Self-evaluation (demonstration draft)", year_end=choices[0]
            )
            made.append("a draft self-evaluation")
    return made
