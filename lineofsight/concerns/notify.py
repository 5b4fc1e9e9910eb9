"""Emails about safeguarding concerns, through Django's email framework.

A notice (who is told of which step) is written in the same transaction as the step; the email
is sent once the transaction has committed. A notice is claimed before its email is sent, so two
processes never send the same one; if sending fails the claim is released and
`lineofsight escalate_concerns` tries again on its next run.

Emails say which team and which record, who must respond and by when, and link to the concern.
They never say which child or what the concern is: email leaves the council's systems.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from . import deadlines
from .models import ConcernNotice, Level, Step

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 20

SUBJECTS = {
    Step.RAISED: "Safeguarding concern raised: response needed by {deadline}",
    Step.ESCALATED: "Safeguarding concern escalated: response now needed by {deadline}",
    Step.RESPONDED: "Safeguarding concern answered",
}


def concern_url(concern_id: int) -> str:
    return settings.SITE_URL + reverse("concerns:detail", kwargs={"pk": concern_id})


def _when(value) -> str:
    return f"{timezone.localtime(value):%H:%M on %d/%m/%Y}"


def _deadline(value) -> str:
    return deadlines.describe(value)


def message_for(notice: ConcernNotice) -> tuple[str, str]:
    """The subject and body of a notice's email."""
    concern = notice.concern
    subject = SUBJECTS[Step(notice.step)].format(deadline=_deadline(concern.respond_by))
    body = render_to_string(
        "concerns/email/notice.txt",
        {
            "notice": notice,
            "concern": concern,
            "level": Level(notice.level).label.lower(),
            "deadline": _deadline(concern.respond_by),
            "raised_at": _when(concern.raised_at),
            "responded_at": _when(concern.responded_at) if concern.responded_at else "",
            "url": concern_url(concern.pk),
            "team": concern.team.name if concern.team else "no team",
        },
    )
    return subject, body


def send_notices(notice_ids: Iterable[int] | None = None) -> int:
    """Send the email of each notice not yet sent (those given, or all); the number sent."""
    pending = ConcernNotice.objects.filter(sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
    pending = pending.exclude(email="")
    if notice_ids is not None:
        pending = pending.filter(pk__in=list(notice_ids))
    sent = 0
    for notice_id in pending.order_by("pk").values_list("pk", flat=True):
        now = timezone.now()
        claimed = ConcernNotice.objects.filter(pk=notice_id, sent_at__isnull=True).update(
            sent_at=now, attempts=F("attempts") + 1
        )
        if not claimed:
            continue  # another process has it
        notice = ConcernNotice.objects.select_related("concern__team", "concern__raised_by").get(
            pk=notice_id
        )
        subject, body = message_for(notice)
        try:
            send_mail(subject, body, None, [notice.email], fail_silently=False)
        except Exception:  # noqa: BLE001 - any failure to send is retried later
            log.exception("Could not send the email of concern notice %s", notice_id)
            ConcernNotice.objects.filter(pk=notice_id).update(sent_at=None)
            continue
        sent += 1
    return sent
