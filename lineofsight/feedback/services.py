"""Every write to feedback and one-time feedback links. Keyword-only, in a transaction, with
change history.

Who may do what is checked by the caller through `selectors`; these services refuse only what is
wrong whoever asks (empty feedback, a stale response, a link that is used or expired).
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from lineofsight.accounts.edits import VersionedEdit
from lineofsight.accounts.models import Team, User
from lineofsight.framework import vocabulary
from lineofsight.history.services import record_creation, record_set
from lineofsight.web.errors import EditConflict, ServiceError

from .models import (
    LINK_FOR_TO_FROM_WHOM,
    Channel,
    Feedback,
    FeedbackLink,
    FromWhom,
    HealthCheck,
    Kind,
    LinkAttempt,
    LinkFor,
    Rating,
)

FEEDBACK_FIELDS = (
    "kind",
    "from_whom",
    "received_on",
    "team_id",
    "themes",
    "text",
    "consent_to_share",
    "person_id",
    "channel",
    "rating",
    "link_id",
)
RESPONSE_FIELDS = ("response", "responded_by_id", "responded_on", "themes", "version")
LINK_FIELDS = ("team_id", "for_whom", "expires_at", "used_at", "health_check_id")
TEXT_MAX = 4000


class FeedbackError(ServiceError):
    """A change that is not allowed whoever asks; the message says why, for the user."""


class FeedbackChangedMeanwhile(FeedbackError, EditConflict):
    """Someone saved a response after this one was loaded; nothing was overwritten."""

    def __init__(self, current: Feedback) -> None:
        who = current.responded_by.full_name if current.responded_by else "someone else"
        super().__init__(
            f"{who} changed the response while you were writing yours, so yours was not saved. "
            "Read their response below, then change it if you still need to.",
            current=current,
            saved_by=current.responded_by,
        )


def _response_conflict(now: Feedback) -> FeedbackChangedMeanwhile:
    return FeedbackChangedMeanwhile(Feedback.objects.select_related("responded_by").get(pk=now.pk))


# A response says who responded and when in its own fields, so it takes no updated_by stamp.
_RESPONSE_EDIT = VersionedEdit(
    Feedback,
    RESPONSE_FIELDS,
    "feedback_respond",
    _response_conflict,
    related=("team", "responded_by", "created_by"),
    stamped=False,
)


class LinkUnavailable(Exception):
    """The link is unknown, already used or expired. Callers show one neutral page for all."""


def _clean_themes(themes: Iterable[str]) -> list[str]:
    out: list[str] = []
    for item in themes:
        key = vocabulary.normalise_tag(str(item))
        if key and key not in out:
            out.append(key)
    return out


@transaction.atomic
def feedback_record(
    *,
    actor: User,
    kind: Kind | str,
    from_whom: FromWhom | str,
    received_on: datetime.date,
    team: Team,
    text: str,
    channel: Channel | str,
    themes: Iterable[str] = (),
    consent_to_share: bool = False,
    person_id: str = "",
) -> Feedback:
    """Record feedback a member of staff received (in person, by phone, letter, email...)."""
    if kind not in Kind.values:
        raise FeedbackError(f"Unknown kind of feedback: {kind!r}")
    if from_whom not in FromWhom.values:
        raise FeedbackError(f"Unknown giver of feedback: {from_whom!r}")
    if channel not in Channel.values or channel == Channel.ONE_TIME_LINK:
        raise FeedbackError(f"Feedback cannot be recorded by hand as coming by {channel!r}")
    if not text.strip():
        raise FeedbackError("Enter what they said.")
    if received_on > timezone.localdate():
        raise FeedbackError("The date received cannot be in the future.")
    item = Feedback.objects.create(
        kind=kind,
        from_whom=from_whom,
        received_on=received_on,
        team=team,
        themes=_clean_themes(themes),
        text=text.strip()[:TEXT_MAX],
        consent_to_share=consent_to_share,
        person_id=person_id.strip(),
        channel=channel,
        created_by=actor,
    )
    record_creation(actor=actor, action="feedback_record", obj=item, fields=FEEDBACK_FIELDS)
    return item


@transaction.atomic
def feedback_respond(
    *,
    actor: User,
    feedback: Feedback,
    expected_version: int,
    response: str,
    responded_on: datetime.date,
    themes: Iterable[str] | None = None,
) -> Feedback:
    """Record (or change) what was done in response: "you said, we did". Refused with
    FeedbackChangedMeanwhile if someone saved a response since `expected_version` was read."""
    if not response.strip():
        raise FeedbackError("Enter what we did in response.")
    if responded_on > timezone.localdate():
        raise FeedbackError("The date of the response cannot be in the future.")
    if responded_on < feedback.received_on:
        raise FeedbackError("The response cannot be dated before the feedback was received.")
    values = {
        "response": response.strip()[:TEXT_MAX],
        "responded_by": actor,
        "responded_on": responded_on,
    }
    if themes is not None:
        values["themes"] = _clean_themes(themes)
    return _RESPONSE_EDIT.save(
        feedback.pk, actor=actor, expected_version=expected_version, values=values
    )


# -- one-time links ----------------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class CreatedLink:
    link: FeedbackLink
    token: str  # shown once; never stored
    path: str  # the page's path, e.g. /feedback/<token>/


@transaction.atomic
def feedback_link_create(
    *,
    actor: User,
    team: Team,
    for_whom: LinkFor | str,
    days: int | None = None,
    health_check: HealthCheck | None = None,
    expires_at: datetime.datetime | None = None,
) -> CreatedLink:
    """A new one-time link. The token is returned once, here, and only its hash is kept.

    A link for a member of staff belongs to a staff health check (`health_check`) and works on
    that survey's page only; `expires_at` then says when it stops working."""
    if for_whom not in LinkFor.values:
        raise FeedbackError(f"Unknown person for a feedback link: {for_whom!r}")
    if (for_whom == LinkFor.STAFF) != (health_check is not None):
        raise FeedbackError("A link for a member of staff is a link to a staff health check.")
    if expires_at is None:
        lifetime = days if days is not None else settings.FEEDBACK_LINK_DAYS
        if lifetime < 1:
            raise FeedbackError("A feedback link must work for at least one day.")
        expires_at = timezone.now() + datetime.timedelta(days=lifetime)
    elif expires_at <= timezone.now():
        raise FeedbackError("A feedback link must work for some time.")
    token = secrets.token_urlsafe(32)  # 256 bits of randomness
    link = FeedbackLink.objects.create(
        token_hash=token_hash(token),
        team=team,
        for_whom=for_whom,
        created_by=actor,
        expires_at=expires_at,
        health_check=health_check,
    )
    record_creation(actor=actor, action="feedback_link_create", obj=link, fields=LINK_FIELDS)
    page = "feedback:healthcheck_public" if health_check else "feedback:public"
    return CreatedLink(link=link, token=token, path=reverse(page, kwargs={"token": token}))


def usable_link(token: str, *, health_check: bool = False) -> FeedbackLink:
    """The link for a token if it can still be used; LinkUnavailable otherwise (whatever the
    reason, so a caller cannot tell an unknown link from a used or expired one). A staff health
    check link (`health_check=True`) and a feedback link never work on each other's page."""
    if not token or len(token) > 128:
        raise LinkUnavailable
    try:
        link = FeedbackLink.objects.select_related("team", "health_check").get(
            token_hash=token_hash(token), health_check__isnull=not health_check
        )
    except FeedbackLink.DoesNotExist:
        raise LinkUnavailable from None
    if not link.is_usable():
        raise LinkUnavailable
    return link


def link_use(*, link: FeedbackLink) -> datetime.datetime:
    """Mark a link used, by a conditional UPDATE (only while it is unused and unexpired) whose
    row count is checked, so two submissions at the same moment cannot both succeed. Call inside
    the transaction that saves what came through the link; returns when it was used."""
    now = timezone.now()
    used = FeedbackLink.objects.filter(pk=link.pk, used_at__isnull=True, expires_at__gt=now).update(
        used_at=now
    )
    if used != 1:
        raise LinkUnavailable
    return now


_KIND_FOR_RATING = {
    Rating.HAPPY: Kind.COMPLIMENT,
    Rating.OKAY: Kind.COMMENT,
    Rating.NOT_HAPPY: Kind.COMMENT,
    "": Kind.COMMENT,
}


def compose_text(*, went_well: str, could_be_better: str) -> str:
    parts = []
    if went_well.strip():
        parts.append(f"What went well: {went_well.strip()}")
    if could_be_better.strip():
        parts.append(f"What could be better: {could_be_better.strip()}")
    return "\n\n".join(parts)


@transaction.atomic
def feedback_link_submit(
    *,
    token: str,
    rating: Rating | str,
    went_well: str,
    could_be_better: str,
    consent_to_share: bool,
) -> Feedback:
    """Take one submission through a one-time link and use the link up.

    The link is marked used by a conditional UPDATE (only while it is unused and unexpired) and
    the row count is checked, so two submissions at the same moment cannot both succeed; the
    feedback's one-to-one link to it is a second guard in the database itself.
    """
    if rating not in Rating.values and rating != "":
        raise FeedbackError("Choose how you feel.")
    text = compose_text(went_well=went_well, could_be_better=could_be_better)
    if not rating and not text:
        raise FeedbackError("Choose how you feel, or write something.")
    link = usable_link(token)
    now = link_use(link=link)
    try:
        with transaction.atomic():
            item = Feedback.objects.create(
                kind=_KIND_FOR_RATING[rating],
                from_whom=LINK_FOR_TO_FROM_WHOM[link.for_whom],
                received_on=timezone.localdate(),
                team=link.team,
                text=(text or Rating(rating).label)[:TEXT_MAX],
                consent_to_share=consent_to_share,
                channel=Channel.ONE_TIME_LINK,
                rating=rating,
                link=link,
                created_by=None,
            )
    except IntegrityError:
        raise LinkUnavailable from None
    record_set(actor=None, action="feedback_link_use", obj=link, field="used_at", value=now)
    record_creation(actor=None, action="feedback_link_submit", obj=item, fields=FEEDBACK_FIELDS)
    return item


def link_attempt_record(*, ip_address: str | None) -> None:
    """Note a request with a link that did not work; old notes are cleared as we go."""
    now = timezone.now()
    LinkAttempt.objects.create(ip_address=ip_address, at=now)
    LinkAttempt.objects.filter(at__lt=now - datetime.timedelta(days=1)).delete()


def link_attempts_clear(*, ip_address: str | None) -> None:
    """A working link was used from this address: its earlier misses stop counting, so a family
    centre's shared connection is not held back by old links tried before."""
    LinkAttempt.objects.filter(ip_address=ip_address).delete()


def link_is_throttled(*, ip_address: str | None) -> bool:
    """Too many links that did not work from this address in the window. The address is the
    family's own behind the council's proxy (accounts.client_address); a refusal while throttled
    is not recorded, so it never extends the wait."""
    since = timezone.now() - datetime.timedelta(minutes=settings.FEEDBACK_LINK_WINDOW_MINUTES)
    recent = LinkAttempt.objects.filter(at__gte=since, ip_address=ip_address)
    return recent.count() >= settings.FEEDBACK_LINK_MAX_FAILURES
