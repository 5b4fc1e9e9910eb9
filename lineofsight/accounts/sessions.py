"""A person's signed-in sessions: when each began, when it was last used, and from where; an
absolute lifetime beside the idle timeout; and ending sessions.

Django's session store holds each session; `UserSession` ties its key to the person, so that
they can see their sessions and end the others, and so that a password change or a disabled
account ends every session of that person at once rather than at their next request. Every
start and end writes the change history. Noting that a session was used again does not: it
would write a row per person per minute, and the time is on the session's own row.
"""

from __future__ import annotations

import datetime
import re
import time
from importlib import import_module

from django.conf import settings
from django.contrib.auth import logout, update_session_auth_hash
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from lineofsight.history.services import record_change, record_creation, record_removal

from .client_address import client_address
from .models import User, UserSession

# When the session was signed in (seconds since the epoch), for the absolute lifetime.
SIGNED_IN_AT_KEY = "signed_in_at"
# When last_seen was last written, so that it is written at most once a minute per session.
LAST_SEEN_KEY = "last_seen_written_at"
LAST_SEEN_EVERY_SECONDS = 60
SESSION_FIELDS = ("user", "created", "user_agent", "ip_address")
ENDED_FOR_LIFETIME = (
    "You have been signed out because you signed in more than {lifetime} ago. "
    "Sign in again to carry on."
)


def absolute_lifetime_seconds() -> int:
    return int(getattr(settings, "SESSION_ABSOLUTE_SECONDS", 12 * 3600))


def lifetime_in_words() -> str:
    seconds = absolute_lifetime_seconds()
    if seconds >= 3600 and seconds % 3600 == 0:
        hours = seconds // 3600
        return f"{hours} hour{'s' if hours != 1 else ''}"
    minutes = max(1, round(seconds / 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def _session_store_delete(session_keys: list[str]) -> None:
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for key in session_keys:
        store().delete(key)


# --- writes -------------------------------------------------------------------------------------


@transaction.atomic
def user_session_start(
    *, user: User, session_key: str, user_agent: str, ip_address: str | None
) -> UserSession:
    """Note a session just signed in (or, for a session from before sessions were noted, first
    seen signed in)."""
    now = timezone.now()
    session, _ = UserSession.objects.update_or_create(
        session_key=session_key,
        defaults={
            "user": user,
            "created": now,
            "last_seen": now,
            "user_agent": (user_agent or "")[:300],
            "ip_address": ip_address,
        },
    )
    record_creation(actor=user, action="user_session_start", obj=session, fields=SESSION_FIELDS)
    return session


def user_session_touch(
    *, user: User, session_key: str, user_agent: str, ip_address: str | None
) -> None:
    """The session was used now: one UPDATE, or a start for a session not noted yet."""
    updated = UserSession.objects.filter(session_key=session_key, user=user).update(
        last_seen=timezone.now(), ip_address=ip_address
    )
    if not updated:
        user_session_start(
            user=user, session_key=session_key, user_agent=user_agent, ip_address=ip_address
        )


def _end(*, actor: User | None, sessions: list[UserSession], action: str) -> int:
    for session in sessions:
        record_removal(actor=actor, action=action, obj=session, fields=SESSION_FIELDS)
    keys = [s.session_key for s in sessions]
    UserSession.objects.filter(pk__in=[s.pk for s in sessions]).delete()
    # In the same transaction: with the database store (the default) both go or neither does.
    _session_store_delete(keys)
    return len(keys)


@transaction.atomic
def user_session_end(*, actor: User, session: UserSession) -> None:
    """The person ends one of their own sessions (another browser, a shared computer)."""
    if session.user_id != actor.pk:
        raise PermissionDenied("A person ends only their own sessions.")
    _end(actor=actor, sessions=[session], action="user_session_end")


@transaction.atomic
def user_sessions_end_others(*, actor: User, current_session_key: str | None) -> int:
    """The person ends every session of theirs except the one they are using; how many."""
    others = UserSession.objects.select_for_update().filter(user=actor)
    if current_session_key:
        others = others.exclude(session_key=current_session_key)
    return _end(actor=actor, sessions=list(others), action="user_session_end")


@transaction.atomic
def user_sessions_end_all(
    *, actor: User | None, user: User, reason: str, keep_session_key: str | None = None
) -> int:
    """End every session of `user` (their password changed, their account was disabled); how
    many. `actor` is who made the change (None: a command run on the server). The person who
    changed their own password keeps the session they did it in (`keep_session_key`)."""
    query = UserSession.objects.select_for_update().filter(user=user)
    if keep_session_key:
        query = query.exclude(session_key=keep_session_key)
    sessions = list(query)
    ended = _end(actor=actor, sessions=sessions, action="user_session_end")
    record_change(
        actor=actor,
        action="user_sessions_end_all",
        obj=user,
        before={"sessions_ended": None},
        after={"sessions_ended": f"{ended} ({reason})"},
    )
    return ended


@transaction.atomic
def user_session_forget(*, actor: User | None, session_key: str, action: str) -> None:
    """Forget a session the browser is leaving: signed out (`actor` the person), past its
    absolute lifetime, or its second factor reset (`actor` None). The caller logs it out."""
    sessions = list(UserSession.objects.select_for_update().filter(session_key=session_key))
    for session in sessions:
        record_removal(actor=actor, action=action, obj=session, fields=SESSION_FIELDS)
    UserSession.objects.filter(session_key=session_key).delete()


def user_sessions_purge(*, before: datetime.datetime) -> int:
    """Forget sessions not used since `before`: the store has ended them by now (idle timeout,
    absolute lifetime). For `lineofsight purge`, inside its transaction; how many."""
    deleted, _ = UserSession.objects.filter(last_seen__lt=before).delete()
    return deleted


# --- the request's side ---------------------------------------------------------------------------


def session_begin(*, request: HttpRequest, user: User) -> None:
    """Just after Django's `login` (which gave the session a new key): start the clock of the
    absolute lifetime and note the session."""
    now = time.time()
    request.session[SIGNED_IN_AT_KEY] = now
    request.session[LAST_SEEN_KEY] = now
    if request.session.session_key is None:
        request.session.save()
    user_session_start(
        user=user,
        session_key=request.session.session_key,
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
        ip_address=client_address(request),
    )


def session_password_changed(*, request: HttpRequest, user: User) -> None:
    """After the person changed their own password in this session: it stays signed in, with the
    new password's hash (Django's check on every request) and a new key, as at sign-in, and stays
    on their list of sessions under that key."""
    old_key = request.session.session_key
    update_session_auth_hash(request, user)
    UserSession.objects.filter(user=user, session_key=old_key).update(
        session_key=request.session.session_key
    )


def session_too_old(*, request: HttpRequest, now: float) -> bool:
    signed_in_at = request.session.get(SIGNED_IN_AT_KEY)
    if signed_in_at is None:
        # A session signed in before the lifetime was kept: its clock starts now.
        request.session[SIGNED_IN_AT_KEY] = now
        return False
    return now - float(signed_in_at) > absolute_lifetime_seconds()


def session_seen(*, request: HttpRequest, now: float, force: bool = False) -> None:
    """Note that the signed-in session was used, at most once a minute unless `force`."""
    last = request.session.get(LAST_SEEN_KEY)
    if not force and last is not None and now - float(last) < LAST_SEEN_EVERY_SECONDS:
        return
    if request.session.session_key is None:
        request.session.save()
    user_session_touch(
        user=request.user,
        session_key=request.session.session_key,
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
        ip_address=client_address(request),
    )
    request.session[LAST_SEEN_KEY] = now


def session_leave(*, request: HttpRequest, action: str) -> None:
    """Sign the browser out and forget its session: `action` is user_session_sign_out (the
    person), user_session_expire (the absolute lifetime) or user_session_second_factor_reset."""
    if request.session.session_key:
        actor = request.user if action == "user_session_sign_out" else None
        user_session_forget(actor=actor, session_key=request.session.session_key, action=action)
    logout(request)


# --- browsers in plain words --------------------------------------------------------------------

# Order matters: Edge and Opera say "Chrome", Chrome says "Safari".
_BROWSERS = (
    (re.compile(r"Edg(?:e|A|iOS)?/"), "Microsoft Edge"),
    (re.compile(r"OPR/|Opera"), "Opera"),
    (re.compile(r"SamsungBrowser/"), "Samsung Internet"),
    (re.compile(r"Firefox/|FxiOS/"), "Firefox"),
    (re.compile(r"Chrome/|CriOS/|Chromium/"), "Chrome"),
    (re.compile(r"Safari/"), "Safari"),
    (re.compile(r"MSIE |Trident/"), "Internet Explorer"),
)
_SYSTEMS = (
    (re.compile(r"iPhone"), "an iPhone"),
    (re.compile(r"iPad"), "an iPad"),
    (re.compile(r"Android"), "Android"),
    (re.compile(r"CrOS"), "a Chromebook"),
    (re.compile(r"Windows"), "Windows"),
    (re.compile(r"Macintosh|Mac OS X"), "a Mac"),
    (re.compile(r"Linux"), "Linux"),
)


def browser_in_words(user_agent: str) -> str:
    """'Chrome on Windows', from what the browser said it was; 'An unknown browser' otherwise."""
    browser = next((name for pattern, name in _BROWSERS if pattern.search(user_agent)), None)
    system = next((name for pattern, name in _SYSTEMS if pattern.search(user_agent)), None)
    if browser and system:
        return f"{browser} on {system}"
    if browser:
        return browser
    if system:
        return f"A browser on {system}"
    return "An unknown browser"
