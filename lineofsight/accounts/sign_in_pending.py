"""A sign-in half done: the password was right, the second factor is still to come.

Until the second factor is given the person is not signed in at all (Django's `login` has not
run), so every page that needs a signed-in user stays out of reach by the same rule that keeps
out strangers. The session remembers only who gave the right password, with which backend, where
they were going and when: after `PENDING_MINUTES` they start again from the password.
"""

from __future__ import annotations

import time

import django_otp
from django.contrib.auth import login
from django.http import HttpRequest
from django.shortcuts import resolve_url
from django_otp.models import Device

from . import services
from .client_address import client_address
from .models import User
from .sessions import session_begin

PENDING_KEY = "second_factor_pending"
PENDING_MINUTES = 10


def pending_begin(*, request: HttpRequest, user: User, next_url: str) -> None:
    """Remember that `user` gave the right password; a new session key, as at a sign-in."""
    request.session.cycle_key()
    request.session[PENDING_KEY] = {
        "user_id": user.pk,
        "backend": getattr(user, "backend", "django.contrib.auth.backends.ModelBackend"),
        "next": resolve_url(next_url),  # a path, though the setting may name a URL
        "at": time.time(),
    }


def pending_user(*, request: HttpRequest) -> User | None:
    """The person half signed in on this session, or None (never began, too long ago, or their
    account was deactivated meanwhile)."""
    data = request.session.get(PENDING_KEY)
    if not isinstance(data, dict):
        return None
    if time.time() - float(data.get("at", 0)) > PENDING_MINUTES * 60:
        pending_clear(request=request)
        return None
    return User.objects.filter(pk=data.get("user_id"), is_active=True).first()


def pending_next(*, request: HttpRequest) -> str:
    data = request.session.get(PENDING_KEY) or {}
    return data.get("next") or "/"


def pending_clear(*, request: HttpRequest) -> None:
    request.session.pop(PENDING_KEY, None)


def pending_finish(*, request: HttpRequest, user: User, device: Device) -> str:
    """Sign `user` in, recording in the session the device that proved the second factor; return
    where they were going."""
    data = request.session.pop(PENDING_KEY)
    login(request, user, backend=data["backend"])
    django_otp.login(request, device)
    session_begin(request=request, user=user)
    services.signin_throttle_reset(email=user.email, ip_address=client_address(request))
    return data.get("next") or "/"
