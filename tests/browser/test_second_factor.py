"""The second factor in a real browser: set up an app after the password, keep the recovery
codes, sign in again with one, and an administrator's reset; axe-core on every page, the
set-up and code pages without JavaScript and at 320 px."""

from __future__ import annotations

import base64
import re

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from lineofsight.accounts.tests.second_factor_helpers import finish_sign_in_in_browser, set_up_app

from .conftest import assert_accessible, press

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def password_step(page, role: str) -> None:
    """Only the email address and password, stopping where the second factor begins."""
    page.get_by_label("Email address").fill(f"{role}@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _code_from_the_page(page) -> str:
    """What an app given the key shown on the set-up page shows now."""
    key = base64.b32decode(page.locator("#secret").inner_text().replace(" ", ""))
    return f"{totp(key):06d}"


def test_set_up_keep_recovery_codes_and_sign_in_with_one(page, council):
    # The password is right, but the person is not signed in: they set up an app first.
    page.goto(reverse("accounts:sign_in") + "?next=/accounts/second-factor/")
    password_step(page, "practitioner")
    page.wait_for_url("**/accounts/sign-in/set-up/")
    assert page.locator("main svg[role=img]").count() == 1
    assert_accessible(page)
    page.goto("/")  # nothing else is reachable meanwhile
    assert "/accounts/sign-in/" in page.url

    # A wrong code: an accessible error that says what to do.
    page.goto(reverse("accounts:second_factor_setup"))
    page.get_by_label("Code from your app").fill("12345")
    press(page, "Confirm and continue", says="Enter the 6-digit code your app shows")
    assert page.locator(".govuk-error-summary").count() == 1

    page.get_by_label("Code from your app").fill(_code_from_the_page(page))
    # The codes are shown in the answer to the set-up form, once: they are kept only as hashes.
    press(page, "Confirm and continue", says="Your recovery codes")
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    assert all(re.fullmatch(r"[0-9a-z]{4}(-[0-9a-z]{4}){3}", code) for code in codes)
    assert "Practitioner Person" in page.inner_text(".los-account-bar")

    # Sign out, and back in with a recovery code instead of the app.
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/sign-in/")
    password_step(page, "practitioner")
    page.wait_for_url("**/accounts/sign-in/code/")
    assert_accessible(page)
    # Typed as people do: capitals, spaces for the hyphens.
    page.get_by_label("Code", exact=True).fill(codes[0].upper().replace("-", " "))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Welcome")

    # The codes page says one is used, and makes new ones that void the old.
    page.goto(reverse("accounts:second_factor"))
    assert page.locator("#codes-left").inner_text() == "9 of 10"
    assert_accessible(page)
    page.get_by_label("Your password").fill(PASSWORD)
    press(page, "Make new recovery codes", says="Your recovery codes")
    new = page.locator("#recovery-codes li").all_inner_texts()
    assert len(new) == 10 and not set(new) & set(codes)
    page.goto(reverse("accounts:second_factor"))  # shown once: not again
    assert page.locator("#recovery-codes").count() == 0
    assert page.locator("#codes-left").inner_text() == "10 of 10"


def test_set_up_and_code_pages_work_without_javascript_at_320_px(browser, live_server, council):
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport={"width": 320, "height": 800}
    )
    page = context.new_page()
    page.goto(reverse("accounts:sign_in"))
    password_step(page, "administrator")
    page.wait_for_url("**/accounts/sign-in/set-up/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.get_by_label("Code from your app").fill(_code_from_the_page(page))
    page.get_by_role("button", name="Confirm and continue").click()
    page.locator("#recovery-codes").wait_for()
    assert page.locator("#recovery-codes li").count() == 10
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/sign-in/")
    password_step(page, "administrator")
    page.wait_for_url("**/accounts/sign-in/code/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    # The helper other journeys use to sign in gives the app's code, as a person would.
    assert finish_sign_in_in_browser(page, "administrator@example.org") == []
    assert page.get_by_role("heading", level=1).inner_text().startswith("Welcome")
    context.close()


def test_an_administrator_resets_a_second_factor_from_the_user_page(page, sign_in_as, council):
    person = council["users"]["team_manager"]
    set_up_app(person)
    sign_in_as("administrator")
    page.goto(reverse("admin:accounts_user_change", args=[person.pk]))
    page.get_by_role("link", name="Reset second factor").click()
    page.wait_for_url(f"**/accounts/people/{person.pk}/second-factor/reset/")
    assert "Recovery codes left" in page.inner_text("main")
    assert_accessible(page)
    page.get_by_role("button", name="Reset second factor").click()
    page.wait_for_url(f"**/admin/accounts/user/{person.pk}/change/")
    assert "second factor has been reset" in page.inner_text("body")
    assert not TOTPDevice.objects.filter(user=person).exists()

    # At their next sign-in the person sets up an app again, and goes on to where they were going.
    page.context.clear_cookies()
    page.goto(reverse("accounts:sign_in") + "?next=/")
    password_step(page, "team_manager")
    codes = finish_sign_in_in_browser(page, person.email)
    assert len(codes) == 10
    page.wait_for_url("**/")
    assert "Team manager Person" in page.inner_text(".los-account-bar")
    assert TOTPDevice.objects.get(user=person).confirmed
