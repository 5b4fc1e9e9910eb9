"""Every write to the staff health check. Keyword-only, in a transaction, with change history.

Who may do what is checked by the caller (`healthcheck_selectors.may_manage`); these services
refuse only what is wrong whoever asks. Links are the feedback app's one-time links
(`services.feedback_link_create`, `usable_link`, `link_use`): hashed token, expiry, once only,
and the same throttling on the public page.

An answer is saved with its survey, its link's team and the answers only; the history records that
the link was used (on the link), never the answer, so nothing ties an answer to a person.
"""

from __future__ import annotations

import datetime
import logging
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from lineofsight.accounts.models import Team, User
from lineofsight.history.services import record_creation, record_set

from . import healthcheck_selectors as hc_selectors
from .models import HealthCheck, HealthCheckAnswer, HealthCheckInvite, LinkFor
from .services import (
    FeedbackError,
    LinkUnavailable,
    feedback_link_create,
    link_use,
    usable_link,
)

log = logging.getLogger(__name__)

HEALTH_CHECK_FIELDS = ("title", "opens_on", "closes_on")
TITLE_MAX = 200


@transaction.atomic
def healthcheck_open(
    *,
    actor: User,
    title: str,
    opens_on: datetime.date,
    closes_on: datetime.date,
    teams: Iterable[Team],
) -> HealthCheck:
    """Open a survey for these teams, with the standards, items and scale configured now."""
    teams = list(teams)
    if not title.strip():
        raise FeedbackError("Enter a title.")
    if closes_on < opens_on:
        raise FeedbackError("The closing date must be on or after the opening date.")
    if closes_on < timezone.localdate():
        raise FeedbackError("The closing date cannot be in the past.")
    if not teams:
        raise FeedbackError("Choose at least one team.")
    conf = hc_selectors.config()
    survey = HealthCheck.objects.create(
        title=title.strip()[:TITLE_MAX],
        opens_on=opens_on,
        closes_on=closes_on,
        standards=conf.standards,
        scale=conf.scale,
        created_by=actor,
    )
    survey.teams.set(teams)
    record_creation(actor=actor, action="healthcheck_open", obj=survey, fields=HEALTH_CHECK_FIELDS)
    record_set(
        actor=actor,
        action="healthcheck_teams",
        obj=survey,
        field="teams",
        value=[t.name for t in teams],
    )
    record_set(
        actor=actor,
        action="healthcheck_statements",
        obj=survey,
        field="statements",
        value=[i["key"] for s in conf.standards for i in s["items"]],
    )
    return survey


@transaction.atomic
def healthcheck_close(
    *, actor: User, health_check: HealthCheck, expected_version: int
) -> HealthCheck:
    """Close a survey before its closing date: its links stop working and its results show."""
    now = timezone.now()
    closed = HealthCheck.objects.filter(
        pk=health_check.pk, version=expected_version, closed_at__isnull=True
    ).update(closed_at=now, version=expected_version + 1)
    if closed != 1:
        raise FeedbackError("The survey has been changed or closed since you opened this page.")
    health_check.refresh_from_db()
    record_set(actor=actor, action="healthcheck_close", obj=health_check, field="closed_at")
    return health_check


def _link_expiry(health_check: HealthCheck) -> datetime.datetime:
    """The end of the survey's closing day."""
    day_after = health_check.closes_on + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day_after, datetime.time.min))


def _staff(health_check: HealthCheck) -> list[tuple[User, Team]]:
    """Each active member of the survey's teams once, with the first of their teams (by name)."""
    teams = list(health_check.teams.order_by("name", "pk"))
    seen: dict[int, tuple[User, Team]] = {}
    for team in teams:
        for user in team.members.filter(is_active=True).order_by("pk"):
            seen.setdefault(user.pk, (user, team))
    return list(seen.values())


@dataclass(frozen=True)
class SendResult:
    sent: int
    already: int
    failed: int


def healthcheck_send_links(*, actor: User, health_check: HealthCheck) -> SendResult:
    """Email a one-time link to every member of the survey's teams who has not had one yet.

    Each person's link is made and emailed in a transaction of its own: if the email cannot be
    sent, nothing is kept for them and pressing send again tries them again. People are taken in
    a random order so that the order of the links says nothing about the order of the invites.
    """
    if not health_check.is_open():
        raise FeedbackError("Links can be sent only while the survey is open.")
    already_sent = set(health_check.invites.values_list("user_id", flat=True))
    people = [(u, t) for u, t in _staff(health_check) if u.pk not in already_sent]
    random.SystemRandom().shuffle(people)
    expires_at = _link_expiry(health_check)
    sent = failed = 0
    for user, team in people:
        try:
            with transaction.atomic():
                made = feedback_link_create(
                    actor=actor,
                    team=team,
                    for_whom=LinkFor.STAFF,
                    health_check=health_check,
                    expires_at=expires_at,
                )
                HealthCheckInvite.objects.create(health_check=health_check, user=user)
                body = render_to_string(
                    "feedback/healthcheck/email.txt",
                    {
                        "survey": health_check,
                        "url": settings.SITE_URL + made.path,
                        "council_name": settings.COUNCIL_NAME,
                    },
                )
                send_mail(
                    f"Staff health check: {health_check.title}",
                    body,
                    None,
                    [user.email],
                    fail_silently=False,
                )
        except Exception:  # noqa: BLE001 - the person is left to try again; nothing is kept
            log.exception("Could not send a health check link for survey %s", health_check.pk)
            failed += 1
            continue
        sent += 1
    if sent:
        record_set(
            actor=actor,
            action="healthcheck_send_links",
            obj=health_check,
            field="links_sent",
            value=sent,
        )
    return SendResult(sent=sent, already=len(already_sent), failed=failed)


def _clean_answers(health_check: HealthCheck, answers: Mapping[str, str]) -> dict[str, str]:
    scale = {s["key"] for s in health_check.scale}
    items = [i["key"] for s in health_check.standards for i in s["items"]]
    clean = {key: str(answers.get(key, "")) for key in items}
    if any(value not in scale for value in clean.values()):
        raise FeedbackError("Answer every statement.")
    return clean


@transaction.atomic
def healthcheck_submit(*, token: str, answers: Mapping[str, str]) -> None:
    """Take one person's answers through their link and use the link up. Returns nothing: the
    caller has no use for the answer, and must not show it. LinkUnavailable if the link is unknown,
    used or expired, or its survey is not open."""
    link = usable_link(token, health_check=True)
    survey = link.health_check
    if not survey.is_open():
        raise LinkUnavailable
    clean = _clean_answers(survey, answers)
    now = link_use(link=link)
    HealthCheckAnswer.objects.create(health_check=survey, team=link.team, answers=clean)
    record_set(actor=None, action="healthcheck_link_use", obj=link, field="used_at", value=now)
