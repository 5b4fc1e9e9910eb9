"""Every change to people, services, teams and memberships, and the records of access.

Each write is keyword-only, runs in a transaction and records its change history.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from lineofsight.history.services import capture, record_change, record_creation, record_set
from lineofsight.web.errors import ServiceError

from .models import (
    TEAM_CASE_SYSTEM_ID_TAKEN,
    AccessLogEntry,
    AccessPurpose,
    Membership,
    Role,
    RoleGrant,
    RoleGrantStatus,
    Service,
    SignInAttempt,
    Team,
    User,
)
from .policy import Capability, can, needs_approval
from .sessions import user_sessions_end_all

SIGN_IN_THROTTLED = (
    "There have been too many attempts to sign in. Wait {minutes} minutes and try again."
)
# What a wrong password given again is told, on the field that asked for it.
REAUTHENTICATION_REFUSED = "The password is not correct. Enter the password you sign in with"
MANAGED_BY_COUNCIL_SIGN_IN = (
    "Your password is managed by your council's sign-in. Change it where you change your "
    "council password"
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
        approved_role="",  # a role that sees children waits for a senior leader (below)
    )
    record_creation(actor=actor, action="user_create", obj=user, fields=USER_FIELDS)
    if needs_approval(role):
        _role_grant_open(actor=actor, user=user, role=role, reason="")
    for team in teams:
        membership_add(actor=actor, user=user, team=team)
    return user


@transaction.atomic
def user_update(
    *, actor: User | None, user: User, before: dict, password: str | None = None
) -> User:
    """Save a user whose fields the caller has already set; `before` is capture() from earlier.

    A new role that sees children's records is not given here: it becomes a request that a
    senior leader approves (`role_grant_request`); until then the person sees no child.
    """
    update_fields = [f for f in USER_FIELDS if before.get(f) != capture(user, [f])[f]]
    user.email = User.objects.normalize_email(user.email).lower()
    if password:
        user.set_password(password)
        update_fields.append("password")
    role_changed = "role" in update_fields
    if role_changed:
        # Whatever was approved before was approved for the old role.
        user.approved_role = ""
        update_fields.append("approved_role")
    if update_fields:
        user.save(update_fields=update_fields)
    record_change(actor=actor, action="user_update", obj=user, before=before)
    if role_changed:
        if needs_approval(user.role):
            _role_grant_open(actor=actor, user=user, role=user.role, reason="")
        else:
            _role_grants_withdraw(actor=actor, user=user, reason="The person's role was changed")
    if password:
        record_change(
            actor=actor,
            action="user_set_password",
            obj=user,
            before={"password": "(previous)"},
            after={"password": "(changed)"},
        )
        # Whoever held a session or was guessing the old password starts again from nothing.
        user_sessions_end_all(actor=actor, user=user, reason="password changed")
        for email in {before.get("email"), user.email} - {None, ""}:
            signin_throttle_reset(email=email)
    elif before.get("is_active") and not user.is_active:
        user_sessions_end_all(actor=actor, user=user, reason="account disabled")
    return user


class SignInLocked(ServiceError):
    """Too many wrong passwords or codes for this account from this address: refused before the
    password was checked, as at sign-in."""

    def __init__(self) -> None:
        super().__init__(SIGN_IN_THROTTLED.format(minutes=settings.SIGNIN_LOCKOUT_MINUTES))


def user_password_confirm(
    *, user: User, password: str, ip_address: str | None, field: str = "password"
) -> None:
    """The signed-in person gives their password again before changing how they sign in (a new
    password, new recovery codes), so that a session left open is not enough to take the account.

    Refused as a sign-in is: SignInLocked while wrong passwords have locked this account at this
    address (recorded, not counted); ServiceError on `field` when the password is wrong, counted
    as a failed sign-in attempt. Never call it inside a transaction its refusal would undo.
    """
    if signin_is_throttled(email=user.email, ip_address=ip_address):
        signin_attempt_record(
            email=user.email, ip_address=ip_address, succeeded=False, refused=True
        )
        raise SignInLocked()
    if not user.has_usable_password() or not user.check_password(password):
        signin_attempt_record(email=user.email, ip_address=ip_address, succeeded=False)
        raise ServiceError(REAUTHENTICATION_REFUSED, field=field)


def user_password_change(
    *,
    user: User,
    current_password: str,
    new_password: str,
    ip_address: str | None,
    keep_session_key: str | None,
) -> int:
    """The person changes their own password, giving the current one (`user_password_confirm`).

    The new one must pass AUTH_PASSWORD_VALIDATORS. Every other session of theirs ends, as when
    an administrator sets a password, but the one they are using (`keep_session_key`) stays
    signed in: the caller gives it the new password's hash. How many sessions ended.
    """
    if not user.has_usable_password():
        raise ServiceError(MANAGED_BY_COUNCIL_SIGN_IN)
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise ServiceError(" ".join(exc.messages), field="new_password") from exc
    user_password_confirm(
        user=user, password=current_password, ip_address=ip_address, field="current_password"
    )
    return _user_password_set(user=user, password=new_password, keep_session_key=keep_session_key)


@transaction.atomic
def _user_password_set(*, user: User, password: str, keep_session_key: str | None) -> int:
    user.set_password(password)
    user.save(update_fields=["password"])
    record_change(
        actor=user,
        action="user_password_change",
        obj=user,
        before={"password": "(previous)"},
        after={"password": "(changed by the person)"},
    )
    ended = user_sessions_end_all(
        actor=user, user=user, reason="password changed", keep_session_key=keep_session_key
    )
    # Whoever was guessing the old password starts again from nothing.
    signin_throttle_reset(email=user.email)
    return ended


@transaction.atomic
def service_save(*, actor: User | None, service: Service, before: dict) -> Service:
    service.save()
    _record_save(actor=actor, obj=service, before=before)
    return service


@transaction.atomic
def team_save(*, actor: User | None, team: Team, before: dict) -> Team:
    team.case_system_id = (team.case_system_id or "").strip()
    if (
        team.case_system_id
        and Team.objects.filter(case_system_id=team.case_system_id).exclude(pk=team.pk).exists()
    ):
        raise ServiceError(TEAM_CASE_SYSTEM_ID_TAKEN, field="case_system_id")
    team.save()
    _record_save(actor=actor, obj=team, before=before)
    return team


def _record_save(*, actor: User | None, obj: Service | Team, before: dict) -> None:
    """The history of a service's or team's save: a create when it had no name before."""
    noun = type(obj).__name__.lower()
    action = f"{noun}_create" if before.get("name") is None else f"{noun}_update"
    record_change(actor=actor, action=action, obj=obj, before=before)


@transaction.atomic
def membership_add(*, actor: User | None, user: User, team: Team) -> Membership:
    membership, created = Membership.objects.get_or_create(user=user, team=team)
    if created:
        record_set(actor=actor, action="membership_add", obj=user, field="team", value=str(team))
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


def signin_attempt_record(
    *, email: str, ip_address: str | None, succeeded: bool, refused: bool = False
) -> None:
    """Record a sign-in attempt. `refused`: turned away by the lock before the password or code
    was checked, so it is kept for the record but never counts towards (or extends) the lock."""
    SignInAttempt.objects.create(
        email=_attempt_email(email),
        ip_address=ip_address,
        succeeded=succeeded,
        counts=not succeeded and not refused,
    )


def _attempt_email(email: str) -> str:
    return email.strip().lower()[:254]


def signin_is_throttled(*, email: str, ip_address: str | None) -> bool:
    """Too many recent failures for this email from this address.

    The lock is on the account and the address together: wrong passwords from a stranger's
    address never lock out the person at their own desk, and behind the council's proxy (read
    with TRUSTED_PROXY_COUNT) one colleague's mistakes lock no one else. There is no lock on an
    address alone: a whole council office, or every family at a family centre, can share one.
    Failures count for SIGNIN_LOCKOUT_MINUTES; attempts refused while locked do not count, so
    the lock ends that long after the last failure that did; a sign-in that succeeds from the
    address, or a new password, clears it.
    """
    since = timezone.now() - datetime.timedelta(minutes=settings.SIGNIN_LOCKOUT_MINUTES)
    failures = SignInAttempt.objects.filter(
        email=_attempt_email(email), ip_address=ip_address, at__gte=since, counts=True
    )
    return failures.count() >= settings.SIGNIN_MAX_FAILURES


def signin_throttle_reset(*, email: str, ip_address: str | None = None) -> int:
    """Failures for `email` stop counting: from `ip_address` after a sign-in from there succeeds,
    from everywhere when the password changes (ip_address None). How many stopped counting."""
    failures = SignInAttempt.objects.filter(email=_attempt_email(email), counts=True)
    if ip_address is not None:
        failures = failures.filter(ip_address=ip_address)
    return failures.update(counts=False)


def signin_attempts_purge(*, before: datetime.datetime) -> int:
    """Remove sign-in attempts made before `before` (for `lineofsight purge`, inside its
    transaction); how many."""
    deleted, _ = SignInAttempt.objects.filter(at__lt=before).delete()
    return deleted


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


# --- separation of duties: roles that see children's records -----------------------------------

GRANT_FIELDS = ("user", "role", "requested_by", "status", "decided_by", "decided_at", "reason")
DEMONSTRATION_REASON = (
    "Demonstration account: approved by the demonstration set-up command, never in production"
)


def _role_grants_withdraw(*, actor: User | None, user: User, reason: str) -> None:
    for grant in RoleGrant.objects.select_for_update().filter(
        user=user, status=RoleGrantStatus.PENDING
    ):
        before = capture(grant, GRANT_FIELDS)
        grant.status = RoleGrantStatus.WITHDRAWN
        grant.decided_at = timezone.now()
        grant.reason = reason
        grant.save(update_fields=["status", "decided_at", "reason"])
        record_change(actor=actor, action="role_grant_withdraw", obj=grant, before=before)


@transaction.atomic
def role_grant_request(*, actor: User | None, user: User, role: str, reason: str = "") -> RoleGrant:
    """Ask for `user` to hold `role`, a role that sees children's records.

    The user's role becomes `role` at once, but it counts only when a senior leader approves it:
    until then they see no child. An earlier request still waiting is withdrawn. `actor` is the
    administrator asking (None: a command run on the server).
    """
    if actor is not None and not can(actor, Capability.MANAGE_USERS):
        raise PermissionDenied("Only administrators may ask for a role to be given.")
    return _role_grant_open(actor=actor, user=user, role=role, reason=reason)


def _role_grant_open(*, actor: User | None, user: User, role: str, reason: str) -> RoleGrant:
    if role not in Role.values:
        raise ServiceError(f"Unknown role {role!r}", field="role")
    if not needs_approval(role):
        raise ServiceError(f"The role {Role(role).label} needs no approval.", field="role")
    _role_grants_withdraw(actor=actor, user=user, reason="Replaced by a later request")
    if user.role != role or user.approved_role:
        user_before = capture(user, ("role",))
        user.role, user.approved_role = role, ""
        user.save(update_fields=["role", "approved_role"])
        record_change(actor=actor, action="user_update", obj=user, before=user_before)
    grant = RoleGrant.objects.create(
        user=user, role=role, requested_by=actor, reason=reason.strip()[:1000]
    )
    record_creation(actor=actor, action="role_grant_request", obj=grant, fields=GRANT_FIELDS)
    return grant


def _decide(*, actor: User | None, grant: RoleGrant, status: str, reason: str) -> RoleGrant:
    grant = RoleGrant.objects.select_for_update().select_related("user").get(pk=grant.pk)
    reason = (reason or "").strip()
    if actor is not None:
        # A request about oneself is refused first: a pending request has already taken away
        # the person's own approval, so this is also the clearer message.
        if actor.pk == grant.user_id:
            raise PermissionDenied(
                "You cannot decide a request about your own role: another senior leader must."
            )
        if not can(actor, Capability.APPROVE_ROLE_GRANTS):
            raise PermissionDenied("Only a senior leader may approve or refuse a role.")
        if actor.pk == grant.requested_by_id:
            raise PermissionDenied("You cannot decide a request you made yourself.")
    if grant.status != RoleGrantStatus.PENDING:
        raise ServiceError(
            f"This request has already been decided: {grant.get_status_display().lower()}."
        )
    if grant.user.role != grant.role:
        raise ServiceError("The person's role has changed since this request was made.")
    if not reason:
        verb = "approving" if status == RoleGrantStatus.APPROVED else "refusing"
        raise ServiceError(f"Enter your reason for {verb} this request", field="reason")
    if len(reason) > 1000:
        raise ServiceError("The reason must be 1,000 characters or fewer", field="reason")
    before = capture(grant, GRANT_FIELDS)
    grant.status = status
    grant.decided_by = actor
    grant.decided_at = timezone.now()
    grant.reason = reason
    grant.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    action = "role_grant_approve" if status == RoleGrantStatus.APPROVED else "role_grant_refuse"
    record_change(actor=actor, action=action, obj=grant, before=before)
    if status == RoleGrantStatus.APPROVED:
        user = grant.user
        user.approved_role = grant.role
        user.save(update_fields=["approved_role"])
    return grant


@transaction.atomic
def role_grant_approve(*, actor: User, grant: RoleGrant, reason: str) -> RoleGrant:
    """A senior leader (not the person themselves) approves: the role now counts."""
    if actor is None:
        raise PermissionDenied("A role is approved by a senior leader.")
    return _decide(actor=actor, grant=grant, status=RoleGrantStatus.APPROVED, reason=reason)


@transaction.atomic
def role_grant_refuse(*, actor: User, grant: RoleGrant, reason: str) -> RoleGrant:
    """A senior leader refuses: the person keeps the role's name but sees no child."""
    if actor is None:
        raise PermissionDenied("A role is refused by a senior leader.")
    return _decide(actor=actor, grant=grant, status=RoleGrantStatus.REFUSED, reason=reason)


@transaction.atomic
def role_grant_approve_from_server(*, grant: RoleGrant, reason: str) -> RoleGrant:
    """Approval by someone with access to the server, who runs a command: used to give a new
    council its first senior leader, and by the demonstration set-up. Recorded with no actor
    and the reason given."""
    return _decide(actor=None, grant=grant, status=RoleGrantStatus.APPROVED, reason=reason)
