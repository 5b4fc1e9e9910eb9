"""The person's own sessions: where they are signed in, and ending the others."""

from __future__ import annotations

import time

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from .selectors import get_user_session_for_user, user_sessions_for_user
from .sessions import (
    browser_in_words,
    lifetime_in_words,
    session_seen,
    user_session_end,
    user_sessions_end_others,
)


@require_GET
def sessions(request: HttpRequest) -> HttpResponse:
    # This session is on the list even if the middleware noted it less than a minute ago.
    session_seen(request=request, now=time.time(), force=True)
    current_key = request.session.session_key
    rows = [
        {
            "session": s,
            "browser": browser_in_words(s.user_agent),
            "current": s.session_key == current_key,
        }
        for s in user_sessions_for_user(request.user)
    ]
    return render(
        request,
        "accounts/sessions.html",
        {
            "rows": rows,
            "others": sum(1 for r in rows if not r["current"]),
            "lifetime": lifetime_in_words(),
        },
    )


@require_POST
def sessions_end_others(request: HttpRequest) -> HttpResponse:
    ended = user_sessions_end_others(
        actor=request.user, current_session_key=request.session.session_key
    )
    if ended:
        noun = "session" if ended == 1 else "sessions"
        messages.success(request, f"{ended} other {noun} ended. They are signed out.")
    else:
        messages.info(request, "You were not signed in anywhere else.")
    return redirect("accounts:sessions")


@require_POST
def session_end(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_user_session_for_user(request.user, pk)
    current = session.session_key == request.session.session_key
    user_session_end(actor=request.user, session=session)
    if current:
        logout(request)
        return redirect("accounts:sign_in")
    messages.success(request, "That session has ended. It is signed out.")
    return redirect("accounts:sessions")
