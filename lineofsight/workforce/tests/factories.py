"""Workforce records for tests, made through the services (so each has its change history)."""

from __future__ import annotations

import datetime
import itertools

from lineofsight.accounts.models import Role, Team, User
from lineofsight.workforce import services

PASSWORD = "correct-horse-battery-staple"  # noqa: S105 - test users only
_numbers = itertools.count(1)


def worker(team: Team, name: str = "Nia Newly", *, pid: str = "", **extra) -> User:
    """A practitioner in `team` (approved, so they count as someone who may be recorded)."""
    # Numbered, so the same name can be made twice in one test (the URL matrix builds a page's
    # record for each role).
    email = f"{name.lower().replace(' ', '.')}.{next(_numbers)}@example.org"
    person = User.objects.create_user(
        email=email,
        password=PASSWORD,
        full_name=name,
        role=Role.PRACTITIONER,
        professional_id=pid,
        **extra,
    )
    person.memberships.create(team=team)
    return person


def enrolment(council, team_key: str = "west", *, start: datetime.date | None = None, **kw):
    team = council["teams"][team_key]
    qa = council["users"][Role.QA_LEAD]
    return services.enrolment_create(
        actor=qa,
        worker=kw.pop("person", None) or worker(team, kw.pop("name", "Nia Newly")),
        team=team,
        start_date=start or datetime.date.today() - datetime.timedelta(days=100),
        assessor=council["users"][Role.TEAM_MANAGER],
    )


def course(council, title: str = "Signs of Safety foundations", *, core: bool = True):
    return services.course_create(
        actor=council["users"][Role.QA_LEAD],
        title=title,
        themes=["voice-of-the-child"],
        core=core,
    )


def session(council, course=None, *, held_on: datetime.date | None = None):
    return services.session_create(
        actor=council["users"][Role.QA_LEAD],
        course=course or globals()["course"](council),
        held_on=held_on or datetime.date.today() - datetime.timedelta(days=7),
        place="Town hall",
    )
