"""A person changes their own password in a real browser: from the account bar, a wrong current
password first, then the right one; signed out everywhere else and still signed in here. axe-core
at 1280 and 320 px, and the whole change again without JavaScript at 320 px."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD
from lineofsight.accounts.models import UserSession
from lineofsight.accounts.sessions import user_session_start

from .conftest import (
    assert_accessible,
    open_link,
    page_without_javascript,
    press,
    sign_in_with_the_form,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW = "a-much-longer-passphrase-91"
WIDTH = 320


def _another_session(user) -> str:
    """The person is also signed in in another browser."""
    other = Client()
    other.force_login(user)
    key = other.cookies["sessionid"].value
    user_session_start(user=user, session_key=key, user_agent="Firefox/133.0", ip_address=None)
    return key


def _the_form(page, current: str, new: str = NEW) -> None:
    # Exact labels: "New password" is also the start of "New password again".
    for label, value in (
        ("Current password", current),
        ("New password", new),
        ("New password again", new),
    ):
        page.get_by_label(label, exact=True).fill(value)


def test_change_your_password_from_the_account_bar(page, council):
    person = council["users"]["team_manager"]
    page.goto(reverse("accounts:sign_in"))
    sign_in_with_the_form(page, "team_manager")
    other_key = _another_session(person)

    open_link(page, "Change your password")
    assert page.get_by_role("heading", level=1).inner_text() == "Change your password"

    # The wrong current password: the summary and the field say so, and nothing changes.
    _the_form(page, "not-my-password-at-all")
    press(page, "Change password", says="The password is not correct")
    assert page.title().startswith("Error:")
    page.get_by_role("link", name="The password is not correct").click()
    assert page.evaluate("document.activeElement.id") == "id_current_password"
    person.refresh_from_db()
    assert person.check_password(PASSWORD)

    # At 320 px the page with its errors reflows and is still accessible.
    page.set_viewport_size({"width": WIDTH, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 800})

    _the_form(page, PASSWORD)
    press(
        page,
        "Change password",
        says="Your password has been changed. 1 other session ended",
        url="**/accounts/sessions/",
    )
    # Still signed in here, and nowhere else.
    assert page.locator(".govuk-tag", has_text="This session").count() == 1
    assert "You are not signed in anywhere else" in page.inner_text("main")
    assert not Session.objects.filter(session_key=other_key).exists()
    assert UserSession.objects.filter(user=person).count() == 1
    person.refresh_from_db()
    assert person.check_password(NEW)

    page.set_viewport_size({"width": WIDTH, "height": 800})
    page.goto(reverse("accounts:password_change"))
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    assert_accessible(page)


def test_change_your_password_without_javascript_at_320_px(browser, live_server, council):
    person = council["users"]["practitioner"]
    page = page_without_javascript(
        browser, live_server, person, viewport={"width": WIDTH, "height": 800}
    )
    page.set_default_timeout(15_000)
    try:
        page.goto(reverse("accounts:password_change"))
        assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
        # A new password that breaks the product's rule: the page says which.
        _the_form(page, PASSWORD, new="short-one")
        page.get_by_role("button", name="Change password").click()
        assert "at least 12 characters" in page.inner_text("main")
        assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH

        _the_form(page, PASSWORD)
        page.get_by_role("button", name="Change password").click()
        page.wait_for_url("**/accounts/sessions/")
        assert "Your password has been changed" in page.inner_text("main")
        assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
        person.refresh_from_db()
        assert person.check_password(NEW)
        # This browser is still signed in.
        page.goto(reverse("home:home"))
        assert "/accounts/sign-in/" not in page.url
    finally:
        page.context.close()
