"""Pages and downloads are never kept in a browser's or a proxy's cache.

Children's names and case details appear on most pages and in every export, and a shared council
computer's cache (or a proxy between the office and the server) must not keep them. The simplest
rule that holds: every HTML page and every CSV, Word, PDF or Excel download is sent with
`Cache-Control: no-store, private`, whoever asked for it. Static files (served by WhiteNoise
before this middleware runs), the council stylesheet and the health check are not documents, so
they keep their own caching.

SecondFactorMiddleware ends a session whose second factor has been reset.

SessionLifetimeMiddleware ends a session signed in longer ago than the absolute lifetime, and
notes (at most once a minute) that a session was used, for the person's sessions page.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django_otp import DEVICE_ID_SESSION_KEY

from .second_factor import device_still_holds, second_factor_by_provider
from .sessions import (
    ENDED_FOR_LIFETIME,
    lifetime_in_words,
    session_leave,
    session_seen,
    session_too_old,
)

NO_STORE = "no-store, private"

DOCUMENT_TYPES = frozenset(
    {
        "text/html",
        "text/csv",
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
)


def is_document(response: HttpResponse) -> bool:
    content_type = (response.get("Content-Type") or "").split(";", 1)[0].strip().lower()
    return content_type in DOCUMENT_TYPES


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if is_document(response):
            response["Cache-Control"] = NO_STORE
            response.headers.pop("Expires", None)
        return response


class SecondFactorMiddleware:
    """A session signed in with a second factor lasts only as long as that factor does.

    A password alone never signs anyone in who must give a second factor: `views.sign_in` hands
    them to the code or set-up page, and Django's `login` runs only once the code is right, so
    the pages that need a signed-in user stay out of reach until then. This middleware covers
    what happens afterwards: when an administrator resets someone's second factor (a lost phone),
    every session signed in with the old device ends at its next request. It asks the database
    only for sessions that recorded a device, so other pages cost nothing more. Place it after
    AuthenticationMiddleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        # A session the council's identity provider signed in has no device of ours to check.
        if user.is_authenticated and not second_factor_by_provider(session=request.session):
            device_id = request.session.get(DEVICE_ID_SESSION_KEY)
            if device_id and not device_still_holds(user=user, persistent_id=device_id):
                return self._sign_out(request)
        return self.get_response(request)

    @staticmethod
    def _sign_out(request: HttpRequest) -> HttpResponse:
        session_leave(request=request, action="user_session_second_factor_reset")
        return redirect_to_login(request.get_full_path())


class SessionLifetimeMiddleware:
    """A session lasts at most SESSION_ABSOLUTE_SECONDS (12 hours by default) from sign-in,
    however active, beside the idle timeout: a session taken from a shared computer cannot be
    kept alive for ever. The person is sent to the sign-in page with a message that says why.

    Place it after AuthenticationMiddleware and MessageMiddleware (the message needs it).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            if session_too_old(request=request, now=now):
                session_leave(request=request, action="user_session_expire")
                messages.info(request, ENDED_FOR_LIFETIME.format(lifetime=lifetime_in_words()))
                return redirect_to_login(request.get_full_path())
            session_seen(request=request, now=now)
        return self.get_response(request)
