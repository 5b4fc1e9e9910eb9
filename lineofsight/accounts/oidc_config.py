"""Settings for signing in with the council's Microsoft Entra ID, built from the environment.

Kept apart from `accounts.oidc` because settings.py reads it before Django's apps are loaded, so
it imports nothing from Django's models. Sign-in with the council's account is on only when the
tenant, client id and client secret are all given; otherwise this returns no settings at all and
the sign-in page offers email and password alone.

The endpoints follow Entra ID's published layout for one tenant
(`<authority>/<tenant>/v2.0/.well-known/openid-configuration`), so only the tenant is needed;
`LINEOFSIGHT_OIDC_AUTHORITY` moves them to another host (a national cloud, or the provider the
tests start on loopback).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

BACKEND = "lineofsight.accounts.oidc.CouncilAccountBackend"
DEFAULT_AUTHORITY = "https://login.microsoftonline.com"
# Entra ID's own aliases for "any organisation": each would let other councils' staff in.
_MULTI_TENANT = {"common", "organizations", "consumers"}


def oidc_endpoints(*, authority: str, tenant_id: str) -> dict[str, str]:
    """The endpoints of one Entra ID tenant, as its discovery document names them."""
    base = f"{authority.rstrip('/')}/{tenant_id}"
    return {
        "OIDC_OP_ISSUER": f"{base}/v2.0",
        "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{base}/oauth2/v2.0/authorize",
        "OIDC_OP_TOKEN_ENDPOINT": f"{base}/oauth2/v2.0/token",
        "OIDC_OP_JWKS_ENDPOINT": f"{base}/discovery/v2.0/keys",
        "OIDC_OP_LOGOUT_ENDPOINT": f"{base}/oauth2/v2.0/logout",
        # Entra ID's userinfo lives on Microsoft Graph; the backend reads the signed id token
        # instead, but mozilla-django-oidc requires the setting.
        "OIDC_OP_USER_ENDPOINT": f"{base}/oidc/userinfo",
    }


def oidc_settings(env: Callable[[str, str], str]) -> dict[str, object]:
    """Django settings for the council's single sign-on, or {} when it is not configured.

    `env` is settings.py's `env()`, so each variable read here is one the README must document.
    """
    tenant_id = env("LINEOFSIGHT_OIDC_TENANT_ID", "").strip().lower()
    client_id = env("LINEOFSIGHT_OIDC_CLIENT_ID", "").strip()
    client_secret = env("LINEOFSIGHT_OIDC_CLIENT_SECRET", "").strip()
    authority = env("LINEOFSIGHT_OIDC_AUTHORITY", DEFAULT_AUTHORITY).strip() or DEFAULT_AUTHORITY
    if not (tenant_id or client_id or client_secret):
        return {}
    if not (tenant_id and client_id and client_secret):
        raise ImproperlyConfigured(
            "Single sign-on needs all three of LINEOFSIGHT_OIDC_TENANT_ID, "
            "LINEOFSIGHT_OIDC_CLIENT_ID and LINEOFSIGHT_OIDC_CLIENT_SECRET"
        )
    if tenant_id in _MULTI_TENANT:
        raise ImproperlyConfigured(
            f"LINEOFSIGHT_OIDC_TENANT_ID must be the council's own tenant id, not {tenant_id!r}"
        )
    try:
        # The id token's `tid` claim is always the tenant's GUID, never a domain name.
        uuid.UUID(tenant_id)
    except ValueError as exc:
        raise ImproperlyConfigured(
            "LINEOFSIGHT_OIDC_TENANT_ID must be the tenant id (a GUID such as "
            f"00000000-0000-0000-0000-000000000000), not {tenant_id!r}"
        ) from exc
    return oidc_settings_for(
        tenant_id=tenant_id, client_id=client_id, client_secret=client_secret, authority=authority
    )


def oidc_settings_for(
    *, tenant_id: str, client_id: str, client_secret: str, authority: str = DEFAULT_AUTHORITY
) -> dict[str, object]:
    """The settings themselves; tests pass the loopback provider's address as `authority`."""
    return {
        "OIDC_TENANT_ID": tenant_id,
        "OIDC_RP_CLIENT_ID": client_id,
        "OIDC_RP_CLIENT_SECRET": client_secret,
        **oidc_endpoints(authority=authority, tenant_id=tenant_id),
        # Entra ID signs id tokens with RS256 and publishes the keys at the JWKS endpoint.
        "OIDC_RP_SIGN_ALGO": "RS256",
        "OIDC_RP_SCOPES": "openid email profile",
        "OIDC_USE_PKCE": True,
        "OIDC_PKCE_CODE_CHALLENGE_METHOD": "S256",
        "OIDC_USE_NONCE": True,
        # Accounts are made by administrators in Line of Sight, never by signing in.
        "OIDC_CREATE_USER": False,
        # Kept for the id_token_hint of the provider's sign-out.
        "OIDC_STORE_ID_TOKEN": True,
        "OIDC_AUTHENTICATION_CALLBACK_URL": "accounts:council_sign_in_callback",
        "OIDC_TIMEOUT": 10,
        "AUTHENTICATION_BACKENDS": [
            "django.contrib.auth.backends.ModelBackend",
            BACKEND,
        ],
    }


def csp_form_action(oidc: dict[str, object]) -> list[str]:
    """The provider's origin for the content security policy's `form-action`, or [].

    The sign-out button is a form; a browser applies `form-action` to every redirect that
    follows a form, so without this it stops at the redirect to the provider's sign-out.
    """
    endpoint = str(oidc.get("OIDC_OP_LOGOUT_ENDPOINT") or "")
    if not endpoint:
        return []
    parts = urlsplit(endpoint)
    return [f"{parts.scheme}://{parts.netloc}"]
