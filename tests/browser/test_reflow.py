"""Reflow at 320 CSS pixels (WCAG 2.2 SC 1.4.10): no page of the product scrolls sideways.

Every HTML page of the role-by-URL matrix is opened at a 320 px wide window, as the first role
allowed to see it, and the page's own scroll width must fit the window. A data table may scroll
sideways inside its own focusable region (`.los-table-scroll`, which SC 1.4.10 allows for data
tables); the page around it may not.
"""

from __future__ import annotations

from collections import defaultdict

import pytest
from django.urls import reverse

from tests.test_url_matrix import all_url_names, expectation_for
from tests.url_matrix import NOBODY, ROLES

from .conftest import axe_violations, format_violations, session_cookie

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = 320

# Pages whose templates other engineers were still changing when this test was written (issue 12,
# daily use): they are measured and reported, but not yet held to 320 px. Remove a name here once
# its page reflows, so the test holds it from then on.
STILL_BEING_CHANGED: set[str] = set()  # pages allowed to be wider than 320 px: none

# Pages with a scrollable table region, checked with axe (scrollable-region-focusable et al.).
AXE_PAGES = (
    "accounts:access_log",
    "actions:list",
    "audits:my_audits",
    "audits:programme_report",
    "feedback:list",
    "themes:index",
)


# Where to look when a page is too wide: the outermost elements that reach past the window (an
# element clipped inside a scroll region is listed too, but only if nothing outside it is).
WIDEST_JS = """(width) => {
    const out = [];
    for (const el of document.querySelectorAll('body *')) {
        const r = el.getBoundingClientRect();
        if (r.right > width + 1 && el.parentElement) {
            const parent = el.parentElement.getBoundingClientRect();
            if (parent.right <= width + 1) {
                const classes = el.className ? '.' + el.className.split(' ').join('.') : '';
                out.push(el.tagName.toLowerCase() + classes + ' (' + Math.round(r.right) + ' px)');
            }
        }
    }
    return out.slice(0, 3).join(', ');
}"""


def _pages_by_viewer() -> dict:
    """Every HTML page once, grouped by the first viewer allowed to see it."""
    grouped: dict = defaultdict(list)
    for name in sorted(all_url_names()):
        if name.startswith("admin:"):
            continue  # the Django admin is not a page of the product for council staff
        exp = expectation_for(name)
        if exp is None or not exp.html:
            continue
        viewer = next((v for v in (NOBODY, *ROLES) if exp.statuses[v] == 200), "missing")
        if viewer == "missing":
            continue  # no one is shown this page (POST only, or a redirect)
        grouped[viewer].append(name)
    return grouped


def _context_for(browser, live_server, council, viewer):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": WIDTH, "height": 800},
        java_script_enabled=True,
    )
    if viewer is not NOBODY:
        context.add_cookies([session_cookie(council["users"][viewer], live_server.url)])
    return context


def test_every_page_reflows_at_320_px(browser, live_server, council):
    widths: dict[str, int] = {}
    failures: list[str] = []
    axe_failures: list[str] = []
    for viewer, pages in _pages_by_viewer().items():
        context = _context_for(browser, live_server, council, viewer)
        page = context.new_page()
        page.set_default_timeout(15_000)
        for name in pages:
            exp = expectation_for(name)
            kwargs = exp.kwargs(council) if exp.kwargs else {}
            url = reverse(name, kwargs=kwargs)
            response = page.goto(url)
            assert response is not None and response.status == 200, f"{url} as {viewer}"
            width = page.evaluate("document.documentElement.scrollWidth")
            widths[name] = width
            if width > WIDTH and name not in STILL_BEING_CHANGED:
                culprits = page.evaluate(WIDEST_JS, WIDTH)
                failures.append(f"{name} ({url}, as {viewer}): {width} px wide; {culprits}")
            if name in AXE_PAGES:
                if not page.locator(".los-table-scroll").count():
                    axe_failures.append(f"{url}: no scrollable table region")
                violations = axe_violations(page)
                if violations:
                    axe_failures.append(format_violations(url, violations))
        context.close()
    report = "\n".join(f"  {n}: {w}" for n, w in sorted(widths.items()))
    print(f"Page widths at {WIDTH} px:\n{report}")
    assert set(AXE_PAGES) <= set(widths), "a page checked with axe was not opened"
    assert not failures, "Pages wider than the window at 320 px:\n" + "\n".join(failures)
    assert not axe_failures, "\n".join(axe_failures)
    # The allow-list only names pages that exist and are still wide: tighten it as they reflow.
    fixed = sorted(n for n in STILL_BEING_CHANGED if widths.get(n, 0) <= WIDTH)
    assert not fixed, f"These pages now reflow; take them off STILL_BEING_CHANGED: {fixed}"
