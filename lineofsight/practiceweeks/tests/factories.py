"""Practice weeks for tests, built through the services as a user would build them.

The default visit is the one the test council makes natural: the service manager, who leads
Safeguarding (East, West), visits the Care Team in Children in Care.
"""

from __future__ import annotations

import datetime
from unittest import mock

from django.utils import timezone

from lineofsight.accounts.models import Team, User
from lineofsight.practiceweeks import services
from lineofsight.practiceweeks.models import (
    Heading,
    Kind,
    Observation,
    PracticeWeek,
    Visit,
    WeekKind,
)


def week(
    council: dict,
    *,
    title: str = "Practice week, spring",
    starts_on: datetime.date | None = None,
    days: int = 6,
    actor: User | None = None,
) -> PracticeWeek:
    """A week planned by the quality assurance lead (unless `actor`), `days` after it starts."""
    starts_on = starts_on or timezone.localdate() - datetime.timedelta(days=1)
    return services.week_create(
        actor=actor or council["users"]["qa_lead"],
        title=title,
        starts_on=starts_on,
        ends_on=starts_on + datetime.timedelta(days=days),
        purpose="Senior managers observe practice in teams outside their own service.",
    )


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def visit(
    council: dict,
    practice_week: PracticeWeek,
    *,
    assessor: User | None = None,
    team: Team | None = None,
    starts_at: datetime.datetime | None = None,
    observes_family: bool = False,
) -> Visit:
    return services.visit_create(
        actor=council["users"]["qa_lead"],
        week=practice_week,
        assessor=assessor or council["users"]["service_manager"],
        team=team or council["teams"]["cic"],
        starts_at=starts_at or at(timezone.localdate() + datetime.timedelta(days=2)),
        local_contact="Duty senior, 01234 567890",
        team_size=9,
        team_context="Children in care across the north of the county.",
        team_structure="One manager, two senior practitioners, six social workers.",
        observes_family=observes_family,
        family_activity="A review meeting with a carer" if observes_family else "",
    )


def findings(**by_field: str) -> dict[str, str]:
    """Texts for observation_save, e.g. findings(leadership__strength="...")."""
    out = {name: "" for _, _, name in services.FINDING_FIELDS}
    out.update(by_field)
    return out


DEFAULT_FINDINGS = {
    f"{Heading.LEADERSHIP}__{Kind.STRENGTH}": "Managers are visible and supervision is regular",
    f"{Heading.LEADERSHIP}__{Kind.AREA}": "Caseloads are high",
    f"{Heading.VOICE_OF_CHILD}__{Kind.STRENGTH}": "Direct work shows the child's wishes",
    f"{Heading.PARENT_CARER}__{Kind.AREA}": "Reports reach parents late",
    f"{Heading.GOOD_PRACTICE}__{Kind.STRENGTH}": "Workers ring a child before the first visit",
}


def observation(
    council: dict,
    practice_visit: Visit,
    *,
    submit: bool = False,
    texts: dict[str, str] | None = None,
    themes: dict[str, list[str]] | None = None,
) -> Observation:
    """An observation by the visit's assessor; `themes` maps a finding's text to theme keys."""
    actor = practice_visit.assessor
    existing = Observation.objects.filter(visit=practice_visit).first()
    saved = services.observation_save(
        actor=actor,
        visit=practice_visit,
        expected_version=existing.version if existing else 0,
        findings=findings(**(texts if texts is not None else DEFAULT_FINDINGS)),
        case_examples="A young person (J) was helped back into college.",
        children_said="J said their worker always calls back.",
        parents_carers_said="A carer said the team is easy to reach.",
    )
    if themes:
        tags = {f.pk: themes.get(f.text, []) for f in saved.findings.all()}
        saved = services.observation_tag(
            actor=actor, observation=saved, expected_version=saved.version, tags=tags
        )
    if submit:
        saved = submit_on_visit_day(saved)
    saved.refresh_from_db()
    return saved


def submit_on_visit_day(saved: Observation) -> Observation:
    """Submit as the assessor would: no earlier than the day of the visit (the service refuses
    an observation of a visit still to come), so for a visit after today, as if on its day."""
    visit_day = timezone.localtime(saved.visit.starts_at).date()
    day = max(timezone.localdate(), visit_day)
    with mock.patch.object(timezone, "localdate", return_value=day):
        return services.observation_submit(
            actor=saved.visit.assessor, observation=saved, expected_version=saved.version
        )


def focused_day(
    council: dict,
    rechecks: PracticeWeek,
    *,
    on: datetime.date | None = None,
    title: str = "Focused practice day, voice of the child",
) -> PracticeWeek:
    """A focused practice day planned by the quality assurance lead, re-checking `rechecks`
    (by default on the day after it ended, or today if that is later)."""
    day = on or max(rechecks.ends_on + datetime.timedelta(days=1), timezone.localdate())
    return services.week_create(
        actor=council["users"]["qa_lead"],
        kind=WeekKind.FOCUSED_DAY,
        rechecks=rechecks,
        title=title,
        starts_on=day,
        ends_on=day,
        purpose="Re-check the voice of the child in the Care Team.",
    )
