"""The regional page in a real browser: accessible (axe), reflows at 320 px, and its form works
without JavaScript."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lineofsight.accounts.models import Role
from lineofsight.region.tests.conftest import synthetic_extracts  # noqa: F401  (a fixture)
from lineofsight.region.tests.test_page import region_dir  # noqa: F401  (a fixture)

from .conftest import axe_violations, format_violations, page_without_javascript, session_cookie

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("region_dir"),
]

WIDTH = 320


def test_the_page_is_accessible_and_reflows(browser, live_server, council):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": WIDTH, "height": 800}
    )
    context.add_cookies([session_cookie(council["users"][Role.ANALYST], live_server.url)])
    page = context.new_page()
    try:
        response = page.goto(
            reverse("region:index") + "?indicator=cp_per_10k&period_end=2025-03-31"
        )
        assert response is not None and response.status == 200
        assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
        assert page.locator(".los-table-scroll").count() == 1
        violations = axe_violations(page)
        assert not violations, format_violations(page.url, violations)
    finally:
        context.close()


def test_choosing_an_indicator_works_without_javascript(browser, live_server, council):
    page = page_without_javascript(browser, live_server, council["users"][Role.ANALYST])
    try:
        page.goto(reverse("region:index"))
        page.select_option("#id_indicator", "cla_per_10k")
        page.get_by_role("button", name="Show").click()
        caption = page.locator("caption").inner_text()
        assert caption.startswith("Looked-after children per 10,000")
        assert page.locator("tbody tr").count() == 5  # three councils, the region, England
    finally:
        page.context.close()
