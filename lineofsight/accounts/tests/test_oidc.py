"""Signing in with the council's account, end to end against a real OpenID Connect provider
started on loopback (oidc_provider.py): real authorisation codes, PKCE, RS256-signed id tokens
and a published JWKS, over TLS. Only the provider's own login page is skipped: it consents at
once for whoever the test signed in there."""

from __future__ import annotations

import base64
import hashlib
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.urls import reverse
from django.utils.html import escape

from conftest import PASSWORD
from lineofsight.accounts.models import Role, SignInAttempt, User
from lineofsight.accounts.oidc import CouncilSignInRefused, Refusal, check_issued_for_council
from lineofsight.accounts.oidc_config import csp_form_action, oidc_settings, oidc_settings_for
from lineofsight.accounts.second_factor import PROVIDER_SIGN_IN_KEY
from lineofsight.accounts.views_oidc import NO_ACCOUNT, UNFINISHED, WRONG_TENANT

from .oidc_provider import LoopbackProvider

TENANT = "6f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
OTHER_TENANT = "0a9b8c7d-6e5f-4d3c-2b1a-0f9e8d7c6b5a"
CLIENT_ID = "11111111-2222-4333-8444-555555555555"
CLIENT_SECRET = "loopback-client-secret"  # noqa: S105 - the loopback provider's only
CALLBACK = "http://testserver/accounts/sign-in/council/callback/"
SIGNED_OUT = "http://testserver/accounts/sign-in/"
BUTTON = "Sign in with your council account"

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def running_provider():
    provider = LoopbackProvider(
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, redirect_uris=[CALLBACK, SIGNED_OUT]
    ).start()
    yield provider
    provider.stop()


@pytest.fixture
def provider(running_provider):
    running_provider.reset(tenant_id=TENANT)
    return running_provider


@pytest.fixture
def configured(provider):
    """The council's single sign-on configured for TENANT, at the loopback provider."""
    oidc = oidc_settings_for(
        tenant_id=TENANT,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        authority=provider.base_url,
    )
    with override_settings(**oidc, OIDC_VERIFY_SSL=str(provider.ca_file)):
        yield oidc


def _through_provider(client, provider, *, start_query: str = ""):
    """Press the button, let the browser follow the provider's redirects, come back."""
    start = client.get(reverse("accounts:council_sign_in") + start_query)
    assert start.status_code == 302
    authorize = start["Location"]
    assert authorize.startswith(f"{provider.base_url}/{TENANT}/oauth2/v2.0/authorize?")
    at_provider = requests.get(
        authorize, allow_redirects=False, verify=str(provider.ca_file), timeout=10
    )
    assert at_provider.status_code == 302, at_provider.text
    back = urlsplit(at_provider.headers["Location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == CALLBACK
    return client.get(f"{back.path}?{back.query}")


def _signed_in_user_id(client) -> str | None:
    return client.session.get(SESSION_KEY)


def test_sign_in_with_the_council_account(client, council, provider, configured):
    manager = council["users"]["team_manager"]
    # The directory spells the address its own way: matched whatever the case.
    provider.add_person("tm", email="Team_Manager@Example.ORG", name="T. Manager (directory)")
    provider.sign_in_as("tm")

    response = _through_provider(client, provider)

    assert response.status_code == 302
    assert response["Location"] == reverse("home:home")
    assert _signed_in_user_id(client) == str(manager.pk)
    assert client.session[PROVIDER_SIGN_IN_KEY]["tenant"] == TENANT
    home = client.get(reverse("home:home"))
    assert home.status_code == 200
    assert "Team manager Person" in home.text  # the name is Line of Sight's, not the directory's
    manager.refresh_from_db()
    assert (manager.role, manager.full_name) == (Role.TEAM_MANAGER, "Team manager Person")
    # No second factor of the product's own was asked for: the provider asked for the council's.
    assert "second-factor" not in response["Location"]
    # Authorisation code with PKCE (S256): the provider checked the verifier against the
    # challenge before it gave the tokens.
    asked = provider.authorization_requests[-1]
    assert asked["response_type"] == "code"
    assert asked["code_challenge_method"] == "S256"
    verifier = provider.token_requests[-1]["code_verifier"]
    digest = hashlib.sha256(verifier.encode()).digest()
    assert base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == asked["code_challenge"]
    assert provider.token_requests[-1]["client_secret"] == CLIENT_SECRET
    attempt = SignInAttempt.objects.get()
    assert (attempt.email, attempt.succeeded) == (manager.email, True)
    assert User.objects.count() == len(Role.values)


def test_sign_in_takes_the_person_where_they_were_going(client, council, provider, configured):
    provider.add_person("qa", email="qa_lead@example.org", name="QA")
    provider.sign_in_as("qa")
    target = reverse("accounts:access_log")
    response = _through_provider(client, provider, start_query=f"?next={target}")
    assert response["Location"] == target
    assert client.get(target).status_code == 200


def test_an_account_of_another_tenant_is_refused(client, council, provider, configured):
    # The provider answering is another council's directory: its issuer and `tid` are its own.
    provider.reset(tenant_id=OTHER_TENANT)
    provider.add_person("p", email="practitioner@example.org", name="P")
    provider.sign_in_as("p")

    response = _through_provider(client, provider)

    assert response.status_code == 403
    assert escape(WRONG_TENANT) in response.text
    assert _signed_in_user_id(client) is None
    assert client.get(reverse("home:home")).status_code == 302
    assert not SignInAttempt.objects.filter(succeeded=True).exists()
    # Recorded, but never against the throttle of the account with that address.
    assert SignInAttempt.objects.filter(email="practitioner@example.org").count() == 0
    assert SignInAttempt.objects.filter(succeeded=False).count() == 1


def test_a_token_claiming_another_tenant_is_refused_even_from_our_issuer(
    client, council, provider, configured
):
    provider.add_person("guest", email="practitioner@example.org", name="P", tid=OTHER_TENANT)
    provider.sign_in_as("guest")

    response = _through_provider(client, provider)

    assert response.status_code == 403
    assert escape(WRONG_TENANT) in response.text
    assert _signed_in_user_id(client) is None


def test_an_unknown_person_is_refused_and_no_account_is_made(client, council, provider, configured):
    provider.add_person("new", email="someone.new@example.org", name="Someone New")
    provider.sign_in_as("new")
    before = User.objects.count()

    response = _through_provider(client, provider)

    assert response.status_code == 403
    assert escape(NO_ACCOUNT) in response.text
    assert _signed_in_user_id(client) is None
    assert User.objects.count() == before
    assert not User.objects.filter(email__iexact="someone.new@example.org").exists()
    attempt = SignInAttempt.objects.get()
    assert (attempt.email, attempt.succeeded) == ("someone.new@example.org", False)


def test_a_deactivated_account_is_refused_with_the_same_answer_as_an_unknown_one(
    client, council, provider, configured
):
    practitioner = council["users"]["practitioner"]
    practitioner.is_active = False
    practitioner.save(update_fields=["is_active"])
    provider.add_person("p", email="practitioner@example.org", name="P")
    provider.sign_in_as("p")

    response = _through_provider(client, provider)

    assert response.status_code == 403
    assert escape(NO_ACCOUNT) in response.text
    assert _signed_in_user_id(client) is None
    assert SignInAttempt.objects.get().succeeded is False


def test_an_account_deactivated_after_signing_in_is_signed_out(
    client, council, provider, configured
):
    practitioner = council["users"]["practitioner"]
    provider.add_person("p", email="practitioner@example.org", name="P")
    provider.sign_in_as("p")
    assert _through_provider(client, provider).status_code == 302
    assert client.get(reverse("home:home")).status_code == 200

    User.objects.filter(pk=practitioner.pk).update(is_active=False)

    assert client.get(reverse("home:home")).status_code == 302


def test_sign_out_ends_the_session_here_and_at_the_provider(client, council, provider, configured):
    provider.add_person("sm", email="service_manager@example.org", name="SM")
    provider.sign_in_as("sm")
    assert _through_provider(client, provider).status_code == 302
    id_token = client.session["oidc_id_token"]

    out = client.post(reverse("accounts:sign_out"))

    assert out.status_code == 302
    logout_url = out["Location"]
    assert logout_url.startswith(f"{provider.base_url}/{TENANT}/oauth2/v2.0/logout?")
    assert _signed_in_user_id(client) is None
    assert client.get(reverse("home:home")).status_code == 302
    # The browser follows on to the provider, which ends its own session and sends it back.
    at_provider = requests.get(
        logout_url, allow_redirects=False, verify=str(provider.ca_file), timeout=10
    )
    assert at_provider.status_code == 302
    assert at_provider.headers["Location"].rstrip("?") == SIGNED_OUT
    assert provider.signed_in is None
    ended = provider.end_session_requests[-1]
    assert ended["id_token_hint"] == id_token
    assert ended["client_id"] == CLIENT_ID
    # Signing in again needs the provider's sign-in again.
    start = client.get(reverse("accounts:council_sign_in"))
    again = requests.get(
        start["Location"], allow_redirects=False, verify=str(provider.ca_file), timeout=10
    )
    assert again.status_code == 403


def test_sign_out_after_a_password_sign_in_stays_here(client, council, provider, configured):
    client.force_login(council["users"]["analyst"])
    out = client.post(reverse("accounts:sign_out"))
    assert out["Location"] == reverse("accounts:sign_in")
    assert provider.end_session_requests == []


def test_a_callback_replayed_signs_nobody_in(client, council, provider, configured):
    provider.add_person("p", email="practitioner@example.org", name="P")
    provider.sign_in_as("p")
    start = client.get(reverse("accounts:council_sign_in"))
    at_provider = requests.get(
        start["Location"], allow_redirects=False, verify=str(provider.ca_file), timeout=10
    )
    back = urlsplit(at_provider.headers["Location"])
    callback = f"{back.path}?{back.query}"
    assert client.get(callback).status_code == 302

    other = type(client)()
    replayed = other.get(callback)

    assert replayed.status_code == 400
    assert escape(UNFINISHED) in replayed.text
    assert _signed_in_user_id(other) is None


def test_a_cancelled_sign_in_at_the_provider_says_so(client, council, provider, configured):
    start = client.get(reverse("accounts:council_sign_in"))
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    response = client.get(
        reverse("accounts:council_sign_in_callback"),
        {"error": "access_denied", "state": state},
    )
    assert response.status_code == 400
    assert escape(UNFINISHED) in response.text
    assert _signed_in_user_id(client) is None


def test_a_password_sign_in_never_calls_the_provider(client, council, provider, configured):
    url = reverse("accounts:sign_in") + "?code=made-up&state=made-up"
    response = client.post(url, {"email": "practitioner@example.org", "password": "wrong"})
    assert response.status_code == 400
    assert provider.token_requests == []
    ok = client.post(url, {"email": "practitioner@example.org", "password": PASSWORD})
    assert ok.status_code == 302
    assert provider.token_requests == []


def test_the_sign_in_page_offers_the_council_account_only_when_configured(
    client, council, provider
):
    page = client.get(reverse("accounts:sign_in"))
    assert BUTTON not in page.text
    assert client.get(reverse("accounts:council_sign_in")).status_code == 404
    assert client.get(reverse("accounts:council_sign_in_callback")).status_code == 404
    oidc = oidc_settings_for(
        tenant_id=TENANT, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, authority="https://x"
    )
    with override_settings(**oidc):
        page = client.get(reverse("accounts:sign_in") + "?next=/accounts/access-log/")
        assert BUTTON in page.text
        assert 'href="/accounts/sign-in/council/?next=/accounts/access-log/"' in page.text


# --- the checks on an id token, one at a time ------------------------------------------------


def _payload(**changes) -> dict:
    payload = {
        "iss": f"https://login.microsoftonline.com/{TENANT}/v2.0",
        "tid": TENANT,
        "aud": CLIENT_ID,
        "exp": int(time.time()) + 600,
        "email": "practitioner@example.org",
    }
    payload.update(changes)
    return {k: v for k, v in payload.items() if v is not None}


@pytest.mark.parametrize(
    ("changes", "refusal"),
    [
        ({"iss": f"https://login.microsoftonline.com/{OTHER_TENANT}/v2.0"}, Refusal.WRONG_TENANT),
        ({"tid": OTHER_TENANT}, Refusal.WRONG_TENANT),
        ({"tid": None}, Refusal.WRONG_TENANT),
        ({"aud": "another-client"}, Refusal.NOT_FOR_US),
        ({"aud": [CLIENT_ID, "another-client"], "azp": "another-client"}, Refusal.NOT_FOR_US),
        ({"exp": None}, Refusal.NOT_FOR_US),
    ],
)
def test_an_id_token_not_for_the_council_is_refused(changes, refusal):
    oidc = oidc_settings_for(tenant_id=TENANT, client_id=CLIENT_ID, client_secret="s")
    with override_settings(**oidc):
        check_issued_for_council(_payload())  # the unchanged token passes
        with pytest.raises(CouncilSignInRefused) as refused:
            check_issued_for_council(_payload(**changes))
    assert refused.value.refusal == refusal


# --- configuration from the environment -------------------------------------------------------


def _env(values: dict[str, str]):
    return lambda name, default: values.get(name, default)


def test_single_sign_on_is_off_unless_configured():
    assert oidc_settings(_env({})) == {}


def test_configuration_derives_the_tenants_endpoints():
    built = oidc_settings(
        _env(
            {
                "LINEOFSIGHT_OIDC_TENANT_ID": TENANT.upper(),
                "LINEOFSIGHT_OIDC_CLIENT_ID": CLIENT_ID,
                "LINEOFSIGHT_OIDC_CLIENT_SECRET": "secret",
            }
        )
    )
    base = f"https://login.microsoftonline.com/{TENANT}"
    assert built["OIDC_OP_ISSUER"] == f"{base}/v2.0"
    assert built["OIDC_OP_AUTHORIZATION_ENDPOINT"] == f"{base}/oauth2/v2.0/authorize"
    assert built["OIDC_OP_TOKEN_ENDPOINT"] == f"{base}/oauth2/v2.0/token"
    assert built["OIDC_OP_JWKS_ENDPOINT"] == f"{base}/discovery/v2.0/keys"
    assert built["OIDC_USE_PKCE"] is True
    assert built["OIDC_CREATE_USER"] is False
    assert built["AUTHENTICATION_BACKENDS"][-1] == "lineofsight.accounts.oidc.CouncilAccountBackend"


@pytest.mark.parametrize(
    "values",
    [
        {"LINEOFSIGHT_OIDC_TENANT_ID": TENANT},  # half configured
        {
            "LINEOFSIGHT_OIDC_TENANT_ID": "organizations",
            "LINEOFSIGHT_OIDC_CLIENT_ID": CLIENT_ID,
            "LINEOFSIGHT_OIDC_CLIENT_SECRET": "secret",
        },
        {
            "LINEOFSIGHT_OIDC_TENANT_ID": "council.onmicrosoft.com",
            "LINEOFSIGHT_OIDC_CLIENT_ID": CLIENT_ID,
            "LINEOFSIGHT_OIDC_CLIENT_SECRET": "secret",
        },
    ],
)
def test_a_configuration_that_would_let_others_in_or_not_work_is_refused(values):
    with pytest.raises(ImproperlyConfigured):
        oidc_settings(_env(values))


def test_the_content_security_policy_lets_sign_out_go_on_to_the_provider():
    oidc = oidc_settings_for(tenant_id=TENANT, client_id=CLIENT_ID, client_secret="s")
    assert csp_form_action(oidc) == ["https://login.microsoftonline.com"]
    assert csp_form_action({}) == []
