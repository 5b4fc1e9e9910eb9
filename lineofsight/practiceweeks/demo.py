"""A sample practice week for the demonstration council (DEMO ONLY: invented findings).

`make_demo_week(actor=qa_lead)` plans a week that has already happened, pairs each service
manager and senior leader with teams outside their own service, and writes and submits an
observation for each visit, tagged with themes, so the analysis and the report have something to
show. Everything goes through the services, so the change history is written as usual. Running
it again returns the week already made.

It also plans a focused practice day about four weeks after the week (FOCUSED_DAY_TITLE), that
re-checks it: two visits, to the demonstration team manager's team and one other, with submitted
observations tagged with the themes of the week's improvement actions (the voice of the child,
planning), so the re-check shows on both pages.
"""

from __future__ import annotations

import datetime
import itertools

from django.db import transaction
from django.utils import timezone

from lineofsight.accounts.models import Team, User

from . import selectors, services
from .models import Heading, Kind, PracticeWeek, WeekKind

DEMO_TITLE = "Practice week (demonstration)"
FOCUSED_DAY_TITLE = "Focused practice day (demonstration)"

# (heading, kind, text, themes): a bank of invented findings, used in turn across the visits.
SAMPLE_FINDINGS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    (
        Heading.LEADERSHIP,
        Kind.STRENGTH,
        "Managers are visible and easy to approach",
        ("leadership-and-oversight",),
    ),
    (
        Heading.LEADERSHIP,
        Kind.STRENGTH,
        "Supervision is regular and reflective",
        ("leadership-and-oversight", "workforce-and-wellbeing"),
    ),
    (
        Heading.LEADERSHIP,
        Kind.AREA,
        "Caseloads are high and affect visiting",
        ("workforce-and-wellbeing", "drift-and-delay"),
    ),
    (
        Heading.LEADERSHIP,
        Kind.AREA,
        "Management decisions are not always recorded with reasons",
        ("leadership-and-oversight", "recording"),
    ),
    (
        Heading.VOICE_OF_CHILD,
        Kind.STRENGTH,
        "Direct work tools help children say how they feel",
        ("voice-of-the-child",),
    ),
    (
        Heading.VOICE_OF_CHILD,
        Kind.STRENGTH,
        "The child's wishes were the focus of the meeting",
        ("voice-of-the-child", "planning"),
    ),
    (
        Heading.VOICE_OF_CHILD,
        Kind.AREA,
        "Good conversations with children are not written up",
        ("voice-of-the-child", "recording"),
    ),
    (
        Heading.PARENT_CARER,
        Kind.STRENGTH,
        "Parents know their worker and what the plan asks",
        ("parent-carer-experience", "planning"),
    ),
    (
        Heading.PARENT_CARER,
        Kind.AREA,
        "Reports reach parents on the day of the meeting",
        ("parent-carer-experience",),
    ),
    (
        Heading.GOOD_PRACTICE,
        Kind.STRENGTH,
        "Workers phone a child to introduce themselves first",
        ("good-and-innovative-practice", "voice-of-the-child"),
    ),
    (
        Heading.GOOD_PRACTICE,
        Kind.STRENGTH,
        "Partner agencies join team meetings each month",
        ("good-and-innovative-practice", "multi-agency-working"),
    ),
)


def _pairs(assessors: list[User], teams: list[Team], per_assessor: int) -> list[tuple[User, Team]]:
    pairs = []
    for assessor in assessors:
        own = services.own_service_ids(assessor)
        outside = [t for t in teams if t.service_id not in own]
        pairs.extend((assessor, t) for t in outside[:per_assessor])
        teams = teams[per_assessor:] + teams[:per_assessor]  # spread the teams around
    return pairs


# What the focused practice day found, per visit: (heading, kind, text, themes).
FOCUSED_DAY_FINDINGS: tuple[tuple[tuple[str, str, str, tuple[str, ...]], ...], ...] = (
    (
        (
            Heading.VOICE_OF_CHILD,
            Kind.STRENGTH,
            "Children's own words are now written into their records",
            ("voice-of-the-child", "recording"),
        ),
        (
            Heading.VOICE_OF_CHILD,
            Kind.AREA,
            "Some direct work is still summarised rather than quoted",
            ("voice-of-the-child",),
        ),
        (
            Heading.LEADERSHIP,
            Kind.STRENGTH,
            "Plans are reviewed in supervision when a child's situation changes",
            ("planning", "leadership-and-oversight"),
        ),
    ),
    (
        (
            Heading.VOICE_OF_CHILD,
            Kind.STRENGTH,
            "Workers quote what children say in assessments",
            ("voice-of-the-child",),
        ),
        (
            Heading.PARENT_CARER,
            Kind.STRENGTH,
            "Parents had the report before the meeting",
            ("parent-carer-experience",),
        ),
        (
            Heading.LEADERSHIP,
            Kind.AREA,
            "Plan review dates are not always checked",
            ("planning",),
        ),
    ),
)


def _write_and_submit(
    *,
    actor: User,
    visit,
    chosen,
    case_examples: str = "",
    children_said: str = "",
    parents_carers_said: str = "",
) -> None:
    """The assessor writes the findings, the QA lead tags their themes, the assessor submits."""
    texts: dict[str, list[str]] = {}
    for heading, kind, text, _ in chosen:
        texts.setdefault(services.finding_field(heading, kind), []).append(text)
    observation = services.observation_save(
        actor=visit.assessor,
        visit=visit,
        expected_version=0,
        findings={field: "\n".join(items) for field, items in texts.items()},
        case_examples=case_examples,
        children_said=children_said,
        parents_carers_said=parents_carers_said,
    )
    themes = {text: list(keys) for _, _, text, keys in chosen}
    observation = services.observation_tag(
        actor=actor,
        observation=observation,
        expected_version=observation.version,
        tags={f.pk: themes.get(f.text, []) for f in observation.findings.all()},
    )
    services.observation_submit(
        actor=visit.assessor, observation=observation, expected_version=observation.version
    )


def _demo_team_managers_team() -> Team | None:
    """The team of the first team manager (whose team the demonstration's actions are for)."""
    for manager in User.objects.filter(role="team_manager", is_active=True).order_by("pk"):
        membership = manager.memberships.select_related("team__service").first()
        if membership is not None:
            return membership.team
    return None


def make_demo_focused_day(
    *, actor: User, week: PracticeWeek, title: str = FOCUSED_DAY_TITLE
) -> PracticeWeek | None:
    """A focused practice day about four weeks after `week` (and not after today) that
    re-checks it, with two submitted observations; None when the week ended too recently."""
    existing = PracticeWeek.objects.filter(title=title, kind=WeekKind.FOCUSED_DAY).first()
    if existing is not None:
        return existing
    day = min(week.ends_on + datetime.timedelta(days=28), timezone.localdate())
    if day <= week.ends_on:
        return None
    visited = [v.team for v in week.visits.select_related("team__service").order_by("pk")]
    teams: list[Team] = []
    for team in [_demo_team_managers_team(), *visited]:
        if team is not None and team not in teams:
            teams.append(team)
    assessors = [
        u for u in selectors.assessor_candidates() if u.role != "qa_lead" or u.pk == actor.pk
    ]
    pairs: list[tuple[User, Team]] = []
    for team in teams:
        free = [a for a in assessors if a not in [p[0] for p in pairs]]
        assessor = next(
            (a for a in free if team.service_id not in services.own_service_ids(a)), None
        )
        if assessor is not None:
            pairs.append((assessor, team))
        if len(pairs) == len(FOCUSED_DAY_FINDINGS):
            break
    if not pairs:
        return None
    focused_day = services.week_create(
        actor=actor,
        kind=WeekKind.FOCUSED_DAY,
        rechecks=week,
        title=title,
        starts_on=day,
        ends_on=day,
        purpose="A month on from the practice week, assessors went back to re-check its "
        "improvement actions: whether children's own words are recorded, and whether plans are "
        "reviewed when a child's situation changes.",
        teams=[team for _, team in pairs],
    )
    for n, ((assessor, team), chosen) in enumerate(zip(pairs, FOCUSED_DAY_FINDINGS, strict=False)):
        visit = services.visit_create(
            actor=actor,
            week=focused_day,
            assessor=assessor,
            team=team,
            starts_at=timezone.make_aware(
                datetime.datetime.combine(day, datetime.time(10 + 3 * n, 0))
            ),
            local_contact="The team manager, on the team's duty number",
            team_context="A demonstration team.",
            briefing="Re-check the practice week's actions on recording children's words and "
            "reviewing plans.",
        )
        _write_and_submit(
            actor=actor,
            visit=visit,
            chosen=chosen,
            children_said="A young person said their worker wrote down what they said.",
        )
    return focused_day


@transaction.atomic
def make_demo_week(
    *,
    actor: User,
    starts_on: datetime.date | None = None,
    title: str = DEMO_TITLE,
    visits_per_assessor: int = 2,
) -> PracticeWeek:
    existing = PracticeWeek.objects.filter(title=title).first()
    if existing is not None:
        make_demo_focused_day(actor=actor, week=existing)
        return existing
    starts_on = starts_on or timezone.localdate() - datetime.timedelta(days=42)
    week = services.week_create(
        actor=actor,
        title=title,
        starts_on=starts_on,
        ends_on=starts_on + datetime.timedelta(days=4),
        purpose="Senior managers spent a week with teams outside their own service to see "
        "practice at first hand, with a focus on the voice of the child and on how parents and "
        "carers experience the service.",
    )
    assessors = [
        u for u in selectors.assessor_candidates() if u.role != "qa_lead" or u.pk == actor.pk
    ]
    teams = list(Team.objects.select_related("service").order_by("service__name", "name"))
    bank = itertools.cycle(SAMPLE_FINDINGS)
    for n, (assessor, team) in enumerate(_pairs(assessors, teams, visits_per_assessor)):
        day = starts_on + datetime.timedelta(days=n % 5)
        starts_at = timezone.make_aware(
            datetime.datetime.combine(day, datetime.time(9 + 2 * (n % 3), 30))
        )
        visit = services.visit_create(
            actor=actor,
            week=week,
            assessor=assessor,
            team=team,
            starts_at=starts_at,
            local_contact="The team manager, on the team's duty number",
            team_size=8 + n % 5,
            team_context="A demonstration team.",
        )
        _write_and_submit(
            actor=actor,
            visit=visit,
            chosen=[next(bank) for _ in range(5)],
            case_examples="A young person (A) was helped back into education after the worker "
            "brought the school and the family together.",
            children_said="A young person said their worker 'actually listens'.",
            parents_carers_said="A parent said they knew what was expected of them.",
        )
    make_demo_focused_day(actor=actor, week=week)
    return week
