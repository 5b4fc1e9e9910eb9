"""A person's sessions in a real browser: signed in with the form and the second factor, they
open "Your sessions" from the account bar, see this browser and another, and end the other;
axe-core on each page; and the page without JavaScript at 320 px, ending one session."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from lineofsight.accounts.models import UserSession
from lineofsight.accounts.sessions import user_session_start

from .conftest import open_link, press, sign_in_with_the_form

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
WIDTH = 320


def _another_session(user) -> str:
    """The person also signed in on their phone: a session of theirs in another browser."""
    phone = Client()
    phone.force_login(user)
    key = phone.cookies["sessionid"].value
    user_session_start(user=user, session_key=key, user_agent=PHONE, ip_address="203.0.113.9")
    return key


def test_see_your_sessions_and_end_the_others(page, council):
    person = council["users"]["team_manager"]
    page.goto(reverse("accounts:sign_in"))
    sign_in_with_the_form(page, "team_manager")
    phone_key = _another_session(person)

    open_link(page, "Your sessions")
    main = page.inner_text("main")
    assert "Your sessions" in main
    assert "Safari on an iPhone" in main
    assert "203.0.113.9" in main
    assert page.locator(".govuk-tag", has_text="This session").count() == 1

    press(page, "End all other sessions", says="1 other session ended", url="**/sessions/")
    assert "Safari on an iPhone" not in page.inner_text("main")
    assert "You are not signed in anywhere else" in page.inner_text("main")
    assert not Session.objects.filter(session_key=phone_key).exists()
    assert UserSession.objects.filter(user=person).count() == 1


def test_the_sessions_page_works_without_javascript_at_320_px(browser, live_server, council):
    person = council["users"]["practitioner"]
    _another_session(person)
    here = Client()
    here.force_login(person)
    context = browser.new_context(
        base_url=live_server.url,
        java_script_enabled=False,
        viewport={"width": WIDTH, "height": 800},
    )
    context.add_cookies(
        [{"name": "sessionid", "value": here.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(reverse("accounts:sessions"))
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= WIDTH, f"the sessions page is {width} px wide at {WIDTH} px"
        # axe runs in the journey above: it needs JavaScript, which this browser has not.
        page.get_by_role("button", name="End this session").click()
        page.wait_for_url("**/accounts/sessions/")
        assert "That session has ended" in page.inner_text("main")
        assert "Safari on an iPhone" not in page.inner_text("main")
    finally:
        context.close()
