"""Every change to people, services, teams and memberships, and the records of access.

Each write is keyword-only, runs in a transaction and records its change history.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lineofsight.history.services import capture, record_change

from .models import (
    AccessLogEntry,
    AccessPurpose,
    Membership,
    Role,
    Service,
    SignInAttempt,
    Team,
    User,
)

USER_FIELDS = ("email", "full_name", "role", "is_active", "service_id", "professional_id")
TEAM_FIELDS = ("name", "service_id", "case_system_id")
SERVICE_FIELDS = ("name", "code")


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    email: str,
    full_name: str,
    role: str,
    password: str | None,
    service: Service | None = None,
    professional_id: str = "",
    teams: list[Team] | tuple[Team, ...] = (),
) -> User:
    if role not in Role.values:
        raise ValueError(f"Unknown role {role!r}")
    user = User.objects.create_user(
        email=email,
        password=password,
        full_name=full_name,
        role=role,
        service=service,
        professional_id=professional_id,
    )
    record_change(actor=actor, action="user_create", obj=user, before=capture(None, USER_FIELDS))
    for team in teams:
        membership_add(actor=actor, user=user, team=team)
    return user


@transaction.atomic
def user_update(
    *, actor: User | None, user: User, before: dict, password: str | None = None
) -> User:
    """Save a user whose fields the caller has already set; `before` is capture() from earlier."""
    update_fields = [f for f in USER_FIELDS if before.get(f) != capture(user, [f])[f]]
    user.email = User.objects.normalize_email(user.email).lower()
    if password:
        user.set_password(password)
        update_fields.append("password")
    if update_fields:
        user.save(update_fields=update_fields)
    record_change(actor=actor, action="user_update", obj=user, before=before)
    if password:
        record_change(
            actor=actor,
            action="user_set_password",
            obj=user,
            before={"password": "(previous)"},
            after={"password": "(changed)"},
        )
    return user


@transaction.atomic
def service_save(*, actor: User | None, service: Service, before: dict) -> Service:
    service.save()
    record_change(
        actor=actor,
        action="service_create" if before.get("name") is None else "service_update",
        obj=service,
        before=before,
    )
    return service


@transaction.atomic
def team_save(*, actor: User | None, team: Team, before: dict) -> Team:
    team.save()
    record_change(
        actor=actor,
        action="team_create" if before.get("name") is None else "team_update",
        obj=team,
        before=before,
    )
    return team


@transaction.atomic
def membership_add(*, actor: User | None, user: User, team: Team) -> Membership:
    membership, created = Membership.objects.get_or_create(user=user, team=team)
    if created:
        record_change(
            actor=actor,
            action="membership_add",
            obj=user,
            before={"team": None},
            after={"team": str(team)},
        )
    return membership


@transaction.atomic
def membership_remove(*, actor: User | None, membership: Membership) -> None:
    user, team = membership.user, membership.team
    membership.delete()
    record_change(
        actor=actor,
        action="membership_remove",
        obj=user,
        before={"team": str(team)},
        after={"team": None},
    )


def signin_attempt_record(*, email: str, ip_address: str | None, succeeded: bool) -> None:
    SignInAttempt.objects.create(
        email=email.strip().lower()[:254], ip_address=ip_address, succeeded=succeeded
    )


def signin_is_throttled(*, email: str, ip_address: str | None) -> bool:
    """Too many recent failures for this email, or from this address."""
    since = timezone.now() - datetime.timedelta(minutes=settings.SIGNIN_LOCKOUT_MINUTES)
    recent = SignInAttempt.objects.filter(at__gte=since, succeeded=False)
    limit = settings.SIGNIN_MAX_FAILURES
    if recent.filter(email=email.strip().lower()[:254]).count() >= limit:
        return True
    # An address gets more room than one account: a council office shares one address.
    return bool(ip_address) and recent.filter(ip_address=ip_address).count() >= limit * 4


def access_log_record(
    *, user: User, person_id: str, purpose: str = AccessPurpose.CASEWORK, path: str = ""
) -> AccessLogEntry:
    """Record that `user` viewed the record of child `person_id`. Call on every such page."""
    if purpose not in AccessPurpose.values:
        raise ValueError(f"Unknown access purpose {purpose!r}")
    return AccessLogEntry.objects.create(
        user=user, person_id=str(person_id), purpose=purpose, path=path[:500]
    )


def access_log_record_many(
    *,
    user: User,
    person_ids: Iterable[str],
    purpose: str = AccessPurpose.CASEWORK,
    path: str = "",
) -> int:
    """Record that `user` saw each of these children at once (a list or an export of them)."""
    if purpose not in AccessPurpose.values:
        raise ValueError(f"Unknown access purpose {purpose!r}")
    entries = [
        AccessLogEntry(user=user, person_id=str(p), purpose=purpose, path=path[:500])
        for p in dict.fromkeys(person_ids)
    ]
    AccessLogEntry.objects.bulk_create(entries, batch_size=1000)
    return len(entries)
