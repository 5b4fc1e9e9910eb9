"""Signing in with the council's Microsoft Entra ID, through OpenID Connect.

The council's identity provider proves who the person is (and asks for the council's own
multi-factor authentication); Line of Sight still decides who may use it and with which role.
The flow is mozilla-django-oidc's authorisation code flow with PKCE (S256) and a nonce; this
module adds what a council needs on top of it:

- only the council's tenant: the id token's issuer must be the tenant's issuer and its `tid`
  claim the tenant's id, since Entra ID signs every tenant's tokens with the same keys;
- the id token is addressed to this service (`aud`), and has an expiry;
- the person is matched by email, case-insensitively, to an active account an administrator
  made; nobody is created by signing in, and nothing about them (role, name, teams) is taken
  from the provider;
- a deactivated account is refused at sign-in and, through `get_user`, on every later request of
  a session signed in before it was deactivated.

Settings come from `accounts.oidc_config`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest
from django.shortcuts import resolve_url
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from .models import User
from .second_factor import PROVIDER_SIGN_IN_KEY

# Where a refused sign-in leaves what the view needs to record and explain it.
_OUTCOME_ATTR = "council_sign_in_outcome"


class Refusal:
    NO_ACCOUNT = "no_account"  # unknown email, or a deactivated account: one answer for both
    WRONG_TENANT = "wrong_tenant"
    NOT_FOR_US = "not_for_us"  # addressed to another client, or without an expiry
    NO_EMAIL = "no_email"


@dataclass
class Outcome:
    email: str = ""
    refusal: str = ""


class CouncilSignInRefused(SuspiciousOperation):
    def __init__(self, refusal: str, message: str, *, email: str = "") -> None:
        super().__init__(message)
        self.refusal = refusal
        self.email = email


def council_sign_in_enabled() -> bool:
    """Whether the council's single sign-on is configured (accounts.oidc_config)."""
    return bool(
        getattr(settings, "OIDC_TENANT_ID", "") and getattr(settings, "OIDC_RP_CLIENT_ID", "")
    )


def claimed_email(claims: dict) -> str:
    """The email the provider vouches for: `email`, or Entra ID's `preferred_username` (the
    user principal name, an address) when the tenant does not send `email`."""
    for name in ("email", "preferred_username"):
        value = str(claims.get(name) or "").strip()
        if "@" in value:
            return value.lower()
    return ""


def outcome_of(request: HttpRequest) -> Outcome:
    return getattr(request, _OUTCOME_ATTR, None) or Outcome()


def _note(request: HttpRequest, **fields: str) -> None:
    outcome = outcome_of(request)
    for name, value in fields.items():
        setattr(outcome, name, value)
    setattr(request, _OUTCOME_ATTR, outcome)


def check_issued_for_council(payload: dict) -> None:
    """Refuse an id token that is not from the council's tenant or not addressed to us.

    mozilla-django-oidc has checked the signature (against the provider's published keys), the
    algorithm, the nonce and, when present, the expiry; it does not check issuer or audience.
    """
    email = claimed_email(payload)
    tenant_id = settings.OIDC_TENANT_ID.lower()
    if payload.get("iss") != settings.OIDC_OP_ISSUER:
        raise CouncilSignInRefused(
            Refusal.WRONG_TENANT, f"id token issued by {payload.get('iss')!r}", email=email
        )
    if str(payload.get("tid") or "").lower() != tenant_id:
        raise CouncilSignInRefused(
            Refusal.WRONG_TENANT, f"id token for tenant {payload.get('tid')!r}", email=email
        )
    audience = payload.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    client_id = settings.OIDC_RP_CLIENT_ID
    if client_id not in audiences or (len(audiences) > 1 and payload.get("azp") != client_id):
        raise CouncilSignInRefused(
            Refusal.NOT_FOR_US, f"id token addressed to {audience!r}", email=email
        )
    if "exp" not in payload:
        raise CouncilSignInRefused(Refusal.NOT_FOR_US, "id token without expiry", email=email)


class CouncilAccountBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend, for one tenant and for accounts that already exist."""

    def authenticate(self, request, **kwargs):
        # Only the callback of the council's sign-in (which always passes a nonce) comes here:
        # an email and password are the ModelBackend's, and never start a token request.
        if request is None or "nonce" not in kwargs or "password" in kwargs:
            return None
        return super().authenticate(request, **kwargs)

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        check_issued_for_council(payload)
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        # The verified id token already carries the claims (email, tid); Entra ID's userinfo is
        # on Microsoft Graph and adds nothing this service uses.
        return payload

    def verify_claims(self, claims) -> bool:
        email = claimed_email(claims)
        _note(self.request, email=email)
        if not email:
            _note(self.request, refusal=Refusal.NO_EMAIL)
        return bool(email)

    def filter_users_by_claims(self, claims):
        email = claimed_email(claims)
        users = User.objects.filter(email__iexact=email, is_active=True) if email else None
        if users is None or not users.exists():
            _note(self.request, email=email, refusal=Refusal.NO_ACCOUNT)
            return User.objects.none()
        return users

    def create_user(self, claims):
        # OIDC_CREATE_USER is False, so this is not reached; if a setting ever changed that,
        # still nobody is created by signing in.
        _note(self.request, refusal=Refusal.NO_ACCOUNT)
        raise SuspiciousOperation("No self-registration: an administrator creates accounts")

    def update_user(self, user, claims):
        # Role, name and teams belong to Line of Sight: nothing is copied from the provider.
        return user

    def get_user(self, user_id):
        # Every request of a session signed in this way finds its user here: a deactivated
        # account is signed out at once, as with Django's ModelBackend.
        return User.objects.filter(pk=user_id, is_active=True).first()


def mark_session(*, request: HttpRequest, tenant: str) -> None:
    """Record on the session that the council's provider signed this person in (and so gave
    the second factor: accounts.second_factor)."""
    request.session[PROVIDER_SIGN_IN_KEY] = {"tenant": tenant, "at": time.time()}


def council_sign_out_url(*, request: HttpRequest) -> str | None:
    """Where to send a person signing out so that the council's provider ends its session too,
    or None when this session was not signed in by it. Read it before `logout` empties the
    session."""
    if not council_sign_in_enabled() or not request.session.get(PROVIDER_SIGN_IN_KEY):
        return None
    endpoint = getattr(settings, "OIDC_OP_LOGOUT_ENDPOINT", "")
    if not endpoint:
        return None
    params = {
        "client_id": settings.OIDC_RP_CLIENT_ID,
        # Registered with the app in Entra ID: the provider sends the person back here.
        "post_logout_redirect_uri": request.build_absolute_uri(
            resolve_url(settings.LOGOUT_REDIRECT_URL)
        ),
    }
    id_token = request.session.get("oidc_id_token")
    if id_token:
        params["id_token_hint"] = id_token
    return f"{endpoint}?{urlencode(params)}"
