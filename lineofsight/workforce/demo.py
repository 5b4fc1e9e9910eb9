"""Demonstration workforce records (DEMO ONLY: invented people, never real ones).

`make_demo_workforce(actor=qa_lead)` adds a small cohort of newly qualified social workers in the
early careers programme (one part-way through with a stage overdue, one who has just passed the
final panel, and one who passed more than a year ago), courses with a session each and who
attended, and a skills matrix of practice leads and champions. Everything goes through the
services, as a user's work would. Running it again adds nothing twice.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from lineofsight.accounts import services as account_services
from lineofsight.accounts.demo import DEMO_EMAIL_DOMAIN, DEMO_PASSWORD
from lineofsight.accounts.models import Role, RoleGrantStatus, Team, User
from lineofsight.framework import vocabulary

from . import selectors, services
from .models import Course, Enrolment, Skill
from .programme import add_months

# (email name, full name, months since they started, stages done: (key, months in, outcome))
COHORT: tuple[tuple[str, str, int, tuple[tuple[str, int, str], ...]], ...] = (
    ("nq.amara", "Amara Newly (demo)", 5, (("review-3", 3, ""), ("observation-1", 4, ""))),
    (
        "nq.ben",
        "Ben Firstyear (demo)",
        13,
        (
            ("review-3", 3, ""),
            ("observation-1", 4, ""),
            ("review-6", 6, ""),
            ("observation-2", 7, ""),
            ("review-9", 9, ""),
            ("observation-3", 10, ""),
            ("final-panel", 12, "pass"),
        ),
    ),
    (
        "nq.cleo",
        "Cleo Secondyear (demo)",
        27,
        (
            ("review-3", 3, ""),
            ("review-6", 6, ""),
            ("review-9", 9, ""),
            ("final-panel", 12, "pass"),
        ),
    ),
)
# (title, core, themes, practice models, summary)
COURSES: tuple[tuple[str, bool, tuple[str, ...], tuple[str, ...], str], ...] = (
    (
        "Signs of Safety foundations",
        True,
        ("voice-of-the-child", "assessment-quality"),
        ("signs-of-safety",),
        "Two days on mapping what we are worried about, what is working well and what needs to "
        "happen.",
    ),
    (
        "Restorative practice",
        True,
        ("parent-carer-experience",),
        ("restorative",),
        "Working with families, not to them or for them.",
    ),
    (
        "Writing to the child",
        False,
        ("voice-of-the-child",),
        (),
        "Case recording that a child could read and recognise.",
    ),
)


def _months_ago(months: int) -> datetime.date:
    return add_months(timezone.localdate(), -months)


def _newly_qualified(email_local: str, name: str, team: Team) -> User:
    email = f"{email_local}@{DEMO_EMAIL_DOMAIN}"
    user = User.objects.filter(email=email).first()
    if user is not None:
        return user
    user = account_services.user_create(
        actor=None,
        email=email,
        full_name=name,
        role=Role.PRACTITIONER,
        # Like every demo user, they sign in with the published demonstration password.
        password=DEMO_PASSWORD,
        teams=[team],
    )
    for grant in user.role_grants.filter(status=RoleGrantStatus.PENDING):
        account_services.role_grant_approve_from_server(
            grant=grant, reason=account_services.DEMONSTRATION_REASON
        )
    user.refresh_from_db()
    return user


def _cohort(actor: User, team: Team, assessor: User) -> list[str]:
    done = []
    for email_local, name, months, stages in COHORT:
        worker = _newly_qualified(email_local, name, team)
        if Enrolment.objects.filter(worker=worker).exists():
            continue
        start = _months_ago(months)
        enrolment = services.enrolment_create(
            actor=actor, worker=worker, team=team, start_date=start, assessor=assessor
        )
        for key, month, outcome in stages:
            services.stage_record(
                actor=actor,
                enrolment=enrolment,
                stage=key,
                done_on=min(add_months(start, month), timezone.localdate()),
                note="Recorded with the worker and their assessor.",
                outcome=outcome,
            )
        done.append(f"{name} enrolled in the early careers programme in {team.name}.")
    return done


def _courses(actor: User) -> list[str]:
    done = []
    known_models = {key for key, _ in selectors.practice_models()}
    known_themes = {t.key for t in vocabulary.themes()}
    people = list(selectors.attendance_candidates())
    for n, (title, core, themes, models, summary) in enumerate(COURSES):
        if Course.objects.filter(title=title).exists():
            continue
        course = services.course_create(
            actor=actor,
            title=title,
            summary=summary,
            themes=[t for t in themes if t in known_themes],
            practice_models=[m for m in models if m in known_models],
            core=core,
        )
        session = services.session_create(
            actor=actor,
            course=course,
            held_on=timezone.localdate() - datetime.timedelta(days=30 + 20 * n),
            place="Council offices, training room 2",
        )
        # Most people attended the first course, fewer the later ones; one was booked but away.
        for m, person in enumerate(people):
            if m % (n + 2) == 0:
                services.attendance_record(
                    actor=actor, session=session, worker=person, attended=m % 5 != 4
                )
        done.append(f"Course \u201c{title}\u201d with a session and its attendance.")
    return done


def _skills(actor: User) -> list[str]:
    if Skill.objects.exists():
        return []
    themes = [t.key for t in vocabulary.themes()]
    people = [p for p in selectors.skill_people() if p.role != Role.ANALYST]
    done = 0
    for n, person in enumerate(people[: 2 * max(1, len(themes) // 2)]):
        theme = themes[(n // 2) % len(themes)] if themes else ""
        if not theme or Skill.objects.filter(worker=person, theme=theme).exists():
            continue
        services.skill_add(
            actor=actor, worker=person, theme=theme, role="lead" if n % 2 == 0 else "champion"
        )
        done += 1
    return [f"A skills matrix of {done} practice leads and champions."] if done else []


@transaction.atomic
def make_demo_workforce(*, actor: User) -> list[str]:
    """The demonstration early careers cohort, courses, attendance and skills matrix (actor: a
    quality assurance lead); nothing is made twice. Returns what it did, a line each."""
    team = (
        Team.objects.filter(memberships__user__role=Role.TEAM_MANAGER).order_by("pk").first()
        or Team.objects.order_by("pk").first()
    )
    if team is None:
        return ["The demonstration workforce records need a team."]
    assessor = (
        User.objects.filter(role=Role.TEAM_MANAGER, memberships__team=team, is_active=True).first()
        or actor
    )
    done = _cohort(actor, team, assessor) + _courses(actor) + _skills(actor)
    return done  # nothing when the records are already there
