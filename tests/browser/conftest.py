"""Browser tests: Playwright drives Debian's Chromium against the live test server.

Without Chromium these tests skip, saying why; under CI (CI=true) they are mandatory and fail.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import PASSWORD
from lineofsight.accounts.tests.second_factor_helpers import finish_sign_in_in_browser

# Playwright's sync API runs an event loop in this thread; the test's own database calls are
# still ordinary synchronous calls, which Django would otherwise refuse in that situation.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="session")
def browser():
    path = _chromium_path()
    if path is None:
        message = "Chromium is not installed (apt-get install -y chromium); browser tests need it"
        if os.environ.get("CI"):
            pytest.fail(message + ", and under CI they are mandatory")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    # axe is injected by evaluate(), which the page's content security policy does not block.
    context = browser.new_context(base_url=live_server.url, java_script_enabled=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def session_cookie(user, url: str) -> dict:
    """A signed-in session for `user` as a browser cookie, without typing the form."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": url}


@pytest.fixture
def sign_in_as(page, live_server, council):
    """Put a signed-in session for the role into the browser without typing the form."""

    def sign_in(role: str):
        page.context.clear_cookies()
        page.context.add_cookies([session_cookie(council["users"][role], live_server.url)])
        return page

    return sign_in


def page_without_javascript(browser, live_server, user, **options):
    """A new page signed in as `user`, in a browser context of its own with JavaScript off
    (`options` go to the context, a viewport say); close `page.context` when done."""
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, **options)
    context.add_cookies([session_cookie(user, live_server.url)])
    return context.new_page()


def axe_violations(page) -> list[dict]:
    page.evaluate(AXE_SOURCE)
    result = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + n.failureSummary)
            }));
        }""",
        WCAG_TAGS,
    )
    return result


def format_violations(url: str, violations: list[dict]) -> str:
    lines = [f"{len(violations)} WCAG 2.2 AA violation(s) on {url}:"]
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}")
        lines.extend(f"    {n}" for n in v["nodes"])
    return "\n".join(lines)


def assert_accessible(page) -> None:
    """No WCAG 2.2 AA violation that axe finds on the page as it is now."""
    violations = axe_violations(page)
    assert not violations, format_violations(page.url, violations)


# The steps every journey repeats, each written once.
def go(page, url: str) -> None:
    """Open a page and check it is accessible."""
    page.goto(url)
    assert_accessible(page)


def open_link(page, name, **options) -> None:
    """Follow the link of that name and check the page it opens is accessible."""
    page.get_by_role("link", name=name, **options).click()
    assert_accessible(page)


def press(page, button: str, *, says: str, url: str | None = None) -> None:
    """Press the button of that name; check the page it leads to (once at `url`, when given) says
    `says` in its main part and is accessible."""
    page.get_by_role("button", name=button).click()
    if url is not None:
        page.wait_for_url(url)
    assert says in page.inner_text("main")
    assert_accessible(page)


def sign_in_with_the_form(page, role: str, password: str = PASSWORD) -> None:
    """Type the role's email address and the password into the sign-in form on the page, and
    send it."""
    page.get_by_label("Email address").fill(f"{role}@example.org")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    if password == PASSWORD:
        finish_sign_in_in_browser(page, f"{role}@example.org")


def fill_in(page, answers: dict[str, str]) -> None:
    """Type each answer into the field its label names, in order."""
    for label, answer in answers.items():
        page.get_by_label(label).fill(answer)
