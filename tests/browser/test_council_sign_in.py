"""Signing in with the council's account in a real browser: the button on the sign-in page, the
round trip through a real OpenID Connect provider on loopback (lineofsight/accounts/tests/
oidc_provider.py), a refusal, and sign-out through the provider; axe-core on each page."""

from __future__ import annotations

import copy

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from lineofsight.accounts.oidc_config import csp_form_action, oidc_settings_for
from lineofsight.accounts.tests.oidc_provider import LoopbackProvider

from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TENANT = "6f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
CLIENT_ID = "11111111-2222-4333-8444-555555555555"
CLIENT_SECRET = "loopback-client-secret"  # noqa: S105 - the loopback provider's only


@pytest.fixture
def provider(live_server):
    provider = LoopbackProvider(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        redirect_uris=[
            live_server.url + reverse("accounts:council_sign_in_callback"),
            live_server.url + reverse("accounts:sign_in"),
        ],
    ).start()
    provider.reset(tenant_id=TENANT)
    oidc = oidc_settings_for(
        tenant_id=TENANT,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        authority=provider.base_url,
    )
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"] += csp_form_action(oidc)
    with override_settings(
        **oidc, OIDC_VERIFY_SSL=str(provider.ca_file), CONTENT_SECURITY_POLICY=policy
    ):
        yield provider
    provider.stop()


@pytest.fixture
def browser_page(browser, live_server):
    # The provider's certificate is its own: the browser is told to accept it, while the
    # service's calls to the provider check it against that certificate.
    context = browser.new_context(base_url=live_server.url, ignore_https_errors=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_sign_in_and_out_with_the_council_account(browser_page, council, provider):
    page = browser_page
    provider.add_person("tm", email="team_manager@example.org", name="Directory Name")
    provider.sign_in_as("tm")

    page.goto(reverse("accounts:sign_in"))
    assert_accessible(page)
    page.get_by_role("button", name="Sign in with your council account").click()
    page.wait_for_url("**/")
    assert "Team manager Person" in page.inner_text(".los-account-bar")
    assert_accessible(page)

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/sign-in/**")
    assert provider.signed_in is None
    assert provider.end_session_requests


def test_a_person_without_an_account_is_told_why(browser_page, council, provider):
    page = browser_page
    provider.add_person("new", email="someone.new@example.org", name="Someone New")
    provider.sign_in_as("new")

    page.goto(reverse("accounts:sign_in"))
    page.get_by_role("button", name="Sign in with your council account").click()
    page.wait_for_url("**/accounts/sign-in/council/callback/**")
    summary = page.locator(".govuk-error-summary")
    assert "does not give you access to Line of Sight" in summary.inner_text()
    assert_accessible(page)
    # The error links to the button that starts again.
    assert summary.locator("a").get_attribute("href") == "#council-sign-in"
