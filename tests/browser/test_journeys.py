"""Main journeys in a real browser, and axe-core on every page of the product."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.test_url_matrix import _admin_kwargs, all_url_names, expectation_for
from tests.url_matrix import NOBODY, ROLES

from .conftest import (
    assert_accessible,
    axe_violations,
    format_violations,
    sign_in_with_the_form,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_reach_home_and_sign_out(page, council):
    page.goto("/")
    assert page.url.endswith("/accounts/sign-in/?next=/")
    sign_in_with_the_form(page, "practitioner")
    page.wait_for_url("**/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Welcome")
    assert "Practitioner Person" in page.inner_text(".los-account-bar")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/sign-in/")
    page.goto("/")
    assert "/accounts/sign-in/" in page.url


def test_failed_sign_in_shows_an_accessible_error(page, council):
    page.goto(reverse("accounts:sign_in"))
    sign_in_with_the_form(page, "practitioner", password="wrong")
    summary = page.locator(".govuk-error-summary")
    assert "Enter a correct email address and password" in summary.inner_text()
    assert_accessible(page)


def test_pages_work_without_javascript(browser, live_server, council):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto(reverse("accounts:sign_in"))
    sign_in_with_the_form(page, "qa_lead")
    page.get_by_role("main").get_by_role("link", name="Access log").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Access log"
    page.get_by_role("button", name="Sign out").click()
    assert "/accounts/sign-in/" in page.url
    context.close()


def _pages():
    """Every HTML page once, as the first viewer allowed to see it."""
    for name, route in sorted(all_url_names().items()):
        exp = expectation_for(name)
        if exp is None or not exp.html:
            continue
        viewer = next((v for v in (NOBODY, *ROLES) if exp.statuses[v] == 200), "missing")
        if viewer == "missing":
            continue  # no one is shown this page (e.g. POST-only, or a redirect)
        yield pytest.param(name, route, viewer, id=name)


@pytest.mark.parametrize(("name", "route", "viewer"), list(_pages()))
def test_every_page_passes_axe(name, route, viewer, page, sign_in_as, council):
    if viewer is not NOBODY:
        sign_in_as(viewer)
    exp = expectation_for(name)
    if name.startswith("admin:"):
        kwargs = _admin_kwargs(name, route, council)
    else:
        kwargs = exp.kwargs(council) if exp.kwargs else {}
    url = reverse(name, kwargs=kwargs)
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{url}: {response and response.status}"
    violations = axe_violations(page)
    assert not violations, format_violations(url, violations)


@pytest.mark.parametrize(
    ("role", "url"), [("practitioner", "/accounts/access-log/"), ("qa_lead", "/nope/")]
)
def test_error_pages_pass_axe(role, url, page, sign_in_as):
    sign_in_as(role)
    response = page.goto(url)
    assert response.status in (403, 404)
    violations = axe_violations(page)
    assert not violations, format_violations(url, violations)
