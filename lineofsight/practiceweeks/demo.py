"""A sample practice week for the demonstration council (DEMO ONLY: invented findings).

`make_demo_week(actor=qa_lead)` plans a week that has already happened, pairs each service
manager and senior leader with teams outside their own service, and writes and submits an
observation for each visit, tagged with themes, so the analysis and the report have something to
show. Everything goes through the services, so the change history is written as usual. Running
it again returns the week already made.
"""

from __future__ import annotations

import datetime
import itertools

from django.db import transaction
from django.utils import timezone

from lineofsight.accounts.models import Team, User

from . import selectors, services
from .models import Heading, Kind, PracticeWeek

DEMO_TITLE = "Practice week (demonstration)"

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
        chosen = [next(bank) for _ in range(5)]
        texts: dict[str, list[str]] = {}
        for heading, kind, text, _ in chosen:
            texts.setdefault(services.finding_field(heading, kind), []).append(text)
        observation = services.observation_save(
            actor=assessor,
            visit=visit,
            expected_version=0,
            findings={field: "\n".join(items) for field, items in texts.items()},
            case_examples="A young person (A) was helped back into education after the worker "
            "brought the school and the family together.",
            children_said="A young person said their worker 'actually listens'.",
            parents_carers_said="A parent said they knew what was expected of them.",
        )
        themes = {text: list(keys) for _, _, text, keys in chosen}
        observation = services.observation_tag(
            actor=actor,
            observation=observation,
            expected_version=observation.version,
            tags={f.pk: themes.get(f.text, []) for f in observation.findings.all()},
        )
        services.observation_submit(
            actor=assessor, observation=observation, expected_version=observation.version
        )
    return week
