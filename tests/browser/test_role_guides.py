"""A normal day for each role, on the demonstration council that `make demo` builds: every page
answers, names its purpose and passes axe-core. The same walk takes the screenshots in the role
guides (`docs/guides/`) and the README, so they stay current: run

    LOS_SCREENSHOTS=docs/images .venv/bin/python -m pytest tests/browser/test_role_guides.py

and commit the PNG files it writes. Without LOS_SCREENSHOTS the pictures go to a temporary folder.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from lineofsight.accounts.models import User

from .conftest import assert_accessible, session_cookie

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCALE = 0.03  # a small council: enough children in every list, quick to build

# Each demo user's day starts at their home page ("<user>-home.png", heading "Welcome"), then goes
# on to these: (demo user, screenshot name, URL name, URL kwargs from the user, heading it shows).
DAYS: tuple[tuple[str, str, str, object, str], ...] = (
    ("practitioner", "practitioner-caseload", "worklists:mine", None, "Your caseload"),
    ("team.manager", "team-worklist", "worklists:team", "team", ""),
    ("team.manager", "supervision-sessions", "supervision:sessions", None, "supervision"),
    ("service.manager", "teams-side-by-side", "worklists:service", None, "side by side"),
    ("service.manager", "action-board", "actions:board", None, "action"),
    ("qa.lead", "audit-programmes", "audits:programmes", None, "audit"),
    ("qa.lead", "concerns", "concerns:list", None, "concern"),
    ("senior.leader", "improvement-board", "indicators:board", None, "Improvement board"),
    ("senior.leader", "committee-reports", "reports:committee", None, "report"),
    ("analyst", "imports", "intake:imports", None, "Imports"),
    ("analyst", "snapshots", "intake:snapshots", None, "napshot"),
)


def _days() -> dict[str, list[tuple[str, str, object, str]]]:
    """Each demo user's pages in order, their home page first."""
    days: dict[str, list[tuple[str, str, object, str]]] = {}
    for email_local, *stop in DAYS:
        home = (f"{email_local.replace('.', '-')}-home", "home:home", None, "Welcome")
        days.setdefault(email_local, [home]).append(tuple(stop))
    return days


@pytest.fixture
def demonstration(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("demo_data", scale=SCALE, stdout=io.StringIO())


def _shots_folder(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("LOS_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _sign_in(page, base_url: str, user: User) -> None:
    page.context.clear_cookies()
    page.context.add_cookies([session_cookie(user, base_url)])


def test_each_role_walks_a_normal_day_on_the_demonstration(
    page, live_server, demonstration, tmp_path
):
    folder = _shots_folder(tmp_path)
    page.set_viewport_size({"width": 1100, "height": 900})
    page.goto(live_server.url + "/accounts/sign-in/")
    for email_local, pages in _days().items():
        user = User.objects.get(email=f"{email_local}@demo.invalid")
        _sign_in(page, live_server.url, user)
        for name, url_name, kwargs, heading in pages:
            if kwargs == "team":  # the manager's own team, whose name heads its worklist
                team = user.memberships.select_related("team").first().team
                kwargs, heading = {"team_id": team.pk}, team.name
            response = page.goto(live_server.url + reverse(url_name, kwargs=kwargs))
            assert response.status == 200, f"{url_name} as {email_local}: {response.status}"
            title = page.get_by_role("heading", level=1).first.inner_text()
            assert heading.lower() in title.lower(), f"{url_name} as {email_local}: {title!r}"
            assert_accessible(page)
            path = folder / f"{name}.png"
            page.screenshot(path=str(path), full_page=False)
            assert path.stat().st_size > 10_000, f"{path} looks empty"
            # The same page on a 320 px wide phone reflows: nothing scrolls sideways.
            page.set_viewport_size({"width": 320, "height": 900})
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 320, f"{url_name} as {email_local} is {width}px wide at 320px"
            page.set_viewport_size({"width": 1100, "height": 900})
