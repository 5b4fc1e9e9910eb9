"""Separation of duties in a real browser: an administrator adds a team manager in the admin,
the account sees no child until a senior leader approves the role, then it does; axe-core on
every page on the way."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lineofsight.accounts.models import RoleGrant, RoleGrantStatus, User
from lineofsight.worklists.tests.snapshots import east_snapshot

from .conftest import assert_accessible, press, session_cookie

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in_user(page, live_server, user: User) -> None:
    page.context.clear_cookies()
    page.context.add_cookies([session_cookie(user, live_server.url)])


def test_grant_is_requested_by_admin_and_approved_by_senior_leader(
    page, sign_in_as, live_server, council
):
    east_snapshot()
    east = council["teams"]["east"]

    # The administrator adds a team manager for East in the admin.
    sign_in_as("administrator")
    page.goto(reverse("admin:accounts_user_add"))
    assert_accessible(page)
    page.get_by_label("Email").fill("nia.newcomer@example.org")
    page.get_by_label("Full name").fill("Nia Newcomer")
    page.get_by_label("Role").select_option("team_manager")
    page.locator("#id_memberships-0-team").select_option(str(east.pk))
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url("**/admin/accounts/user/")
    assert "A senior leader must approve it" in page.inner_text("body")
    assert_accessible(page)
    newcomer = User.objects.get(email="nia.newcomer@example.org")
    grant = RoleGrant.objects.get(user=newcomer)
    assert grant.status == RoleGrantStatus.PENDING

    # The administrator cannot decide it.
    page.goto(reverse("accounts:role_grant_detail", kwargs={"pk": grant.pk}))
    assert page.get_by_role("button", name="Record decision").count() == 0
    assert_accessible(page)

    # Until approved, the newcomer sees no child.
    _sign_in_user(page, live_server, newcomer)
    page.goto(reverse("home:home"))
    assert "Access awaiting approval" in page.inner_text("main")
    assert_accessible(page)
    worklist = reverse("worklists:team", kwargs={"team_id": east.pk})
    response = page.goto(worklist)
    assert response.status in (403, 404)
    assert "Ben Brook" not in page.inner_text("body")

    # The senior leader finds the request from the home page and approves it.
    sign_in_as("senior_leader")
    page.goto(reverse("home:home"))
    page.get_by_role("link", name="1 request for a role that sees children's records").click()
    page.wait_for_url("**/people/grants/")
    assert_accessible(page)
    page.get_by_role("link", name="Decide on the request for Nia Newcomer").click()
    page.wait_for_url(f"**/people/grants/{grant.pk}/")
    assert_accessible(page)
    # Without a reason: an error, nothing changes.
    page.get_by_label("Approve: they will see children's records").check()
    page.get_by_role("button", name="Record decision").click()
    summary = page.locator(".govuk-error-summary")
    assert "Enter your reason for this decision" in summary.inner_text()
    assert_accessible(page)
    grant.refresh_from_db()
    assert grant.status == RoleGrantStatus.PENDING
    page.get_by_label("Approve: they will see children's records").check()
    page.get_by_label("Your reason").fill("Nia manages the East team from Monday.")
    press(
        page,
        "Record decision",
        says="Approved: Team manager for Nia Newcomer",
        url="**/people/grants/",
    )
    grant.refresh_from_db()
    assert grant.status == RoleGrantStatus.APPROVED

    # The newcomer now sees the team's children.
    _sign_in_user(page, live_server, newcomer)
    response = page.goto(worklist)
    assert response.status == 200
    assert "Ben Brook" in page.inner_text("main")

    # The access log shows the request and the approval.
    sign_in_as("qa_lead")
    page.goto(reverse("accounts:access_log"))
    section = page.locator("table", has=page.locator("caption", has_text="to roles"))
    text = section.inner_text()
    assert "Requested" in text and "Approved" in text and "Nia Newcomer" in text
    assert_accessible(page)
