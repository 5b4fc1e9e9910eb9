"""Pages of signing in with the council's account (Microsoft Entra ID, accounts.oidc).

Both are open to a session that is not signed in, and both answer 404 while the council's single
sign-on is not configured. A refused sign-in shows the sign-in page again with the reason, and is
recorded as a failed sign-in attempt, as a wrong password is.
"""

from __future__ import annotations

import logging

import requests
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from . import services
from .client_address import client_address
from .forms import SignInForm
from .oidc import (
    CouncilSignInRefused,
    Refusal,
    council_sign_in_enabled,
    mark_session,
    outcome_of,
)
from .sessions import session_begin

logger = logging.getLogger(__name__)

NO_ACCOUNT = (
    "Your council account does not give you access to Line of Sight. "
    "Ask an administrator of Line of Sight to set up your access"
)
WRONG_TENANT = "That account is not from the council's directory. Sign in with your council account"
NO_EMAIL = (
    "Your council account has no email address, so Line of Sight cannot tell who you are. "
    "Ask the council's IT service desk"
)
UNFINISHED = (
    "Signing in with your council account did not finish. Try again, or sign in with your "
    "email address and password"
)
MESSAGES = {
    Refusal.NO_ACCOUNT: NO_ACCOUNT,
    Refusal.WRONG_TENANT: WRONG_TENANT,
    Refusal.NOT_FOR_US: WRONG_TENANT,
    Refusal.NO_EMAIL: NO_EMAIL,
}


def _refused(request: HttpRequest, *, refusal: str, email: str) -> HttpResponse:
    if email and refusal != Refusal.WRONG_TENANT:
        services.signin_attempt_record(
            email=email, ip_address=client_address(request), succeeded=False
        )
    elif email:
        # Another tenant's directory vouches for nothing here: recorded for the audit, but under
        # a name that never counts towards the throttle of the account with that address.
        services.signin_attempt_record(
            email=f"{email} (another tenant)", ip_address=client_address(request), succeeded=False
        )
    return render(
        request,
        "accounts/sign_in.html",
        {
            "form": SignInForm(),
            "error": MESSAGES.get(refusal, UNFINISHED),
            "error_target": "council-sign-in",
            "next": "",
            "council_sign_in": True,
        },
        status=403 if refusal else 400,
    )


class _CouncilCallback(OIDCAuthenticationCallbackView):
    def login_failure(self) -> HttpResponse:
        outcome = outcome_of(self.request)
        return _refused(self.request, refusal=outcome.refusal, email=outcome.email)

    def login_success(self) -> HttpResponse:
        response = super().login_success()
        request = self.request
        mark_session(request=request, tenant=settings.OIDC_TENANT_ID)
        session_begin(request=request, user=self.user)
        address = client_address(request)
        services.signin_attempt_record(email=self.user.email, ip_address=address, succeeded=True)
        # As after a password and code: earlier failures from here stop counting.
        services.signin_throttle_reset(email=self.user.email, ip_address=address)
        return response

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            return super().get(request)
        except CouncilSignInRefused as exc:
            logger.warning("council sign-in refused: %s", exc)
            return _refused(request, refusal=exc.refusal, email=exc.email)
        except (SuspiciousOperation, requests.RequestException) as exc:
            # An unknown or reused state, a bad signature, the provider out of reach: nobody is
            # signed in, and the person may try again.
            logger.warning("council sign-in did not finish: %s", exc)
            return _refused(request, refusal="", email="")


_start = OIDCAuthenticationRequestView.as_view()
_callback = _CouncilCallback.as_view()


@login_not_required
@require_GET
def council_sign_in(request: HttpRequest) -> HttpResponse:
    """Send the person to the council's identity provider (with state, nonce and PKCE)."""
    if not council_sign_in_enabled():
        raise Http404("Single sign-on is not configured")
    return _start(request)


@login_not_required
@require_GET
def council_sign_in_callback(request: HttpRequest) -> HttpResponse:
    """The provider sends the person back here with an authorisation code (or an error)."""
    if not council_sign_in_enabled():
        raise Http404("Single sign-on is not configured")
    return _callback(request)
