"""Demonstration staff health checks: an earlier survey and a later one, both closed, answered
through one-time links by made-up numbers of staff in up to four teams (two with enough answers
to show, and smaller ones that are never shown)."""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from lineofsight.accounts.models import Team, User

from . import healthcheck_services as services
from .models import HealthCheck, LinkFor
from .services import feedback_link_create

EARLIER_TITLE = "Staff health check, last year"
LATEST_TITLE = "Staff health check, this year"
# Answers per team, in team name order: two teams shown, two too small to show. With four teams
# the two small ones add up to 5, so both larger teams can be shown (see healthcheck_selectors).
ANSWERS_PER_TEAM = (7, 6, 3, 2)


def _answers(survey: HealthCheck, rng: random.Random, lean: int) -> dict[str, str]:
    """One made-up person's answers: around the middle of the scale, pulled by `lean`."""
    keys = [s["key"] for s in sorted(survey.scale, key=lambda s: s["score"])]  # low to high
    out = {}
    for n, standard in enumerate(survey.standards):
        tilt = lean + (1 if n % 3 == 0 else -1 if n % 3 == 1 else 0)
        for item in standard["items"]:
            position = max(0, min(len(keys) - 1, 2 + tilt + rng.choice((-1, 0, 0, 1))))
            out[item["key"]] = keys[position]
    return out


def _survey(
    *,
    actor: User,
    title: str,
    teams: list[Team],
    lean: int,
    opens_on: datetime.date,
    closes_on: datetime.date,
    seed: int,
) -> HealthCheck:
    today = timezone.localdate()
    survey = services.healthcheck_open(
        actor=actor, title=title, opens_on=today, closes_on=today, teams=teams
    )
    rng = random.Random(seed)  # noqa: S311 - made-up answers, not security
    for team, count in zip(teams, ANSWERS_PER_TEAM, strict=False):
        for _ in range(count):
            made = feedback_link_create(
                actor=actor,
                team=team,
                for_whom=LinkFor.STAFF,
                health_check=survey,
                expires_at=timezone.now() + datetime.timedelta(hours=1),
            )
            services.healthcheck_submit(token=made.token, answers=_answers(survey, rng, lean))
    survey = services.healthcheck_close(
        actor=actor, health_check=survey, expected_version=survey.version
    )
    # The demonstration surveys ran in the past: their dates are set back (answers keep none).
    HealthCheck.objects.filter(pk=survey.pk).update(
        opens_on=opens_on,
        closes_on=closes_on,
        closed_at=timezone.make_aware(datetime.datetime.combine(closes_on, datetime.time(17))),
    )
    survey.refresh_from_db()
    return survey


@transaction.atomic
def make_demo_health_check(*, actor: User) -> list[str]:
    """Two closed staff health checks, a year apart, to read and compare; nothing is made twice.
    Returns what it did, a line each."""
    if HealthCheck.objects.filter(title=LATEST_TITLE).exists():
        return []  # already there
    teams = list(Team.objects.order_by("name", "pk")[: len(ANSWERS_PER_TEAM)])
    if len(teams) < 3:
        return ["The demonstration staff health checks need at least three teams."]
    today = timezone.localdate()
    done = []
    if not HealthCheck.objects.filter(title=EARLIER_TITLE).exists():
        _survey(
            actor=actor,
            title=EARLIER_TITLE,
            teams=teams,
            lean=-1,
            opens_on=today - datetime.timedelta(days=400),
            closes_on=today - datetime.timedelta(days=372),
            seed=2025,
        )
        done.append(f"Staff health check \u201c{EARLIER_TITLE}\u201d, closed.")
    _survey(
        actor=actor,
        title=LATEST_TITLE,
        teams=teams,
        lean=0,
        opens_on=today - datetime.timedelta(days=35),
        closes_on=today - datetime.timedelta(days=7),
        seed=2026,
    )
    done.append(f"Staff health check \u201c{LATEST_TITLE}\u201d, closed, compared with last year.")
    return done
