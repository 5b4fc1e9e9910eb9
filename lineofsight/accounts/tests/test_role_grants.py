"""Separation of duties: an administrator asks for a role that sees children's records, a
senior leader (never the person themselves) approves or refuses it, and until then the account
sees no child."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse

from lineofsight.accounts import policy, services
from lineofsight.accounts.models import AccessLogEntry, Role, RoleGrant, RoleGrantStatus, User
from lineofsight.accounts.selectors import AccessLogFilter, role_grant_events
from lineofsight.history.models import ChangeEvent
from lineofsight.history.services import capture
from lineofsight.web.errors import ServiceError

pytestmark = pytest.mark.django_db


def _newcomer(council, role=Role.TEAM_MANAGER, email="newcomer@example.org") -> User:
    user = services.user_create(
        actor=council["users"]["administrator"],
        email=email,
        full_name="Nia Newcomer",
        role=role,
        password=None,
        teams=[council["teams"]["east"]],
    )
    return User.objects.get(pk=user.pk)


def _leader_from_server(email: str, full_name: str) -> User:
    """A senior leader made on the server (no actor), their role still to be approved."""
    return services.user_create(
        actor=None, email=email, full_name=full_name, role=Role.SENIOR_LEADER, password=None
    )


def _grant(user: User) -> RoleGrant:
    return user.role_grants.get(status=RoleGrantStatus.PENDING)


def _history(grant: RoleGrant) -> list[str]:
    return list(
        ChangeEvent.objects.filter(object_type="accounts.rolegrant", object_id=str(grant.pk))
        .order_by("at", "id")
        .values_list("action", flat=True)
    )


def test_a_new_casework_user_waits_for_approval_and_sees_no_team(council):
    user = _newcomer(council)
    grant = _grant(user)
    assert grant.requested_by == council["users"]["administrator"]
    assert not policy.role_approved(user)
    assert policy.scope_for(user) is policy.Scope.CONFIGURATION
    assert not policy.can(user, policy.Capability.VIEW_CASEWORK)
    assert list(policy.visible_teams(user)) == []
    assert policy.describe(user).awaiting_approval
    assert _history(grant) == ["role_grant_request"]


def test_senior_leader_approves_and_the_user_sees_their_team(council):
    user = _newcomer(council)
    grant = services.role_grant_approve(
        actor=council["users"]["senior_leader"], grant=_grant(user), reason="Joined East team"
    )
    assert grant.status == RoleGrantStatus.APPROVED
    assert grant.decided_by == council["users"]["senior_leader"]
    assert grant.decided_at is not None
    user.refresh_from_db()
    assert policy.role_approved(user)
    assert list(policy.visible_teams(user)) == [council["teams"]["east"]]
    assert _history(grant) == ["role_grant_request", "role_grant_approve"]


def test_refusal_needs_a_reason_and_leaves_the_user_without_access(council):
    user = _newcomer(council)
    leader = council["users"]["senior_leader"]
    with pytest.raises(ServiceError, match="reason"):
        services.role_grant_refuse(actor=leader, grant=_grant(user), reason="  ")
    assert _grant(user).status == RoleGrantStatus.PENDING
    grant = services.role_grant_refuse(actor=leader, grant=_grant(user), reason="Not our staff")
    assert grant.status == RoleGrantStatus.REFUSED
    user.refresh_from_db()
    assert not policy.role_approved(user)
    assert list(policy.visible_teams(user)) == []
    with pytest.raises(ServiceError, match="already been decided"):
        services.role_grant_approve(actor=leader, grant=grant, reason="Changed my mind")
    assert _history(grant) == ["role_grant_request", "role_grant_refuse"]


def test_administrator_cannot_approve_nor_give_themselves_a_casework_role(council):
    admin = council["users"]["administrator"]
    user = _newcomer(council)
    with pytest.raises(PermissionDenied):
        services.role_grant_approve(actor=admin, grant=_grant(user), reason="I say so")
    assert _grant(user).status == RoleGrantStatus.PENDING

    # The administrator gives themselves a casework role: it is only a request.
    before = capture(admin, services.USER_FIELDS)
    admin.role = Role.QA_LEAD
    services.user_update(actor=admin, user=admin, before=before)
    admin.refresh_from_db()
    assert admin.role == Role.QA_LEAD
    assert not policy.role_approved(admin)
    assert not policy.can(admin, policy.Capability.VIEW_CASEWORK)
    assert admin.role_grants.get().status == RoleGrantStatus.PENDING


def test_senior_leader_cannot_approve_their_own_grant(council, client):
    leader = council["users"]["senior_leader"]
    grant = services.role_grant_request(
        actor=council["users"]["administrator"], user=leader, role=Role.QA_LEAD
    )
    # Even an object still carrying the old approval (as a request in flight would) is refused.
    stale = User.objects.get(pk=leader.pk)
    stale.approved_role = stale.role = Role.SENIOR_LEADER
    assert policy.can(stale, policy.Capability.APPROVE_ROLE_GRANTS)
    with pytest.raises(PermissionDenied, match="your own role"):
        services.role_grant_approve(actor=stale, grant=grant, reason="Me")
    assert RoleGrant.objects.get(pk=grant.pk).status == RoleGrantStatus.PENDING
    # In the product: the leader has lost their own approval, and the page offers no decision.
    client.force_login(leader)
    url = reverse("accounts:role_grant_detail", kwargs={"pk": grant.pk})
    assert client.get(url).status_code == 403
    assert client.post(url, {"decision": "approve", "reason": "Me"}).status_code == 403
    assert RoleGrant.objects.get(pk=grant.pk).status == RoleGrantStatus.PENDING

    # Another senior leader may.
    other = _leader_from_server("s2@example.org", "Second Leader")
    services.role_grant_approve_from_server(grant=other.role_grants.get(), reason="First leader")
    other.refresh_from_db()
    services.role_grant_approve(actor=other, grant=grant, reason="Moving to QA")
    leader.refresh_from_db()
    assert leader.role == Role.QA_LEAD
    assert policy.role_approved(leader)


def test_changing_the_role_withdraws_an_approval(council):
    tm = council["users"]["team_manager"]
    assert policy.role_approved(tm)
    before = capture(tm, services.USER_FIELDS)
    tm.role = Role.SERVICE_MANAGER
    services.user_update(actor=council["users"]["administrator"], user=tm, before=before)
    tm.refresh_from_db()
    assert not policy.role_approved(tm)
    # and back again: still a new request, not the old approval
    before = capture(tm, services.USER_FIELDS)
    tm.role = Role.TEAM_MANAGER
    services.user_update(actor=council["users"]["administrator"], user=tm, before=before)
    tm.refresh_from_db()
    assert not policy.role_approved(tm)
    assert tm.role_grants.filter(status=RoleGrantStatus.PENDING).count() == 1


def test_pending_account_sees_no_child(council, client):
    from lineofsight.worklists.tests.snapshots import east_snapshot

    east_snapshot()
    user = _newcomer(council)
    client.force_login(user)
    team_url = reverse("worklists:team", kwargs={"team_id": council["teams"]["east"].pk})
    assert client.get(team_url).status_code in (403, 404)
    child = client.get(reverse("children:chronology", kwargs={"person_id": "E2"}))
    assert child.status_code in (403, 404)
    home = client.get(reverse("home:home"))
    assert "Access awaiting approval" in home.text
    assert AccessLogEntry.objects.filter(user=user).count() == 0

    services.role_grant_approve(
        actor=council["users"]["senior_leader"], grant=_grant(user), reason="Joined East team"
    )
    assert client.get(team_url).status_code == 200
    assert client.get(reverse("children:chronology", kwargs={"person_id": "E2"})).status_code == 200
    assert AccessLogEntry.objects.filter(user=user, person_id="E2").exists()


def test_pages_approve_and_refuse(council, client_for):
    user = _newcomer(council)
    grant = _grant(user)
    url = reverse("accounts:role_grant_detail", kwargs={"pk": grant.pk})
    leader = client_for("senior_leader")
    listing = leader.get(reverse("accounts:role_grants"))
    assert "Nia Newcomer" in listing.text
    assert "1 request for a role that sees children" in leader.get(reverse("home:home")).text

    # The administrator can see the request but not decide it.
    admin = client_for("administrator")
    assert admin.get(url).status_code == 200
    assert "Record decision" not in admin.get(url).text
    assert admin.post(url, {"decision": "approve", "reason": "x"}).status_code == 403
    assert _grant(user).status == RoleGrantStatus.PENDING

    missing = leader.post(url, {"decision": "approve", "reason": ""})
    assert missing.status_code == 400
    assert "Enter your reason for this decision" in missing.text
    assert _grant(user).status == RoleGrantStatus.PENDING

    done = leader.post(url, {"decision": "approve", "reason": "Starts on Monday"})
    assert done.status_code == 302
    grant.refresh_from_db()
    assert grant.status == RoleGrantStatus.APPROVED
    assert grant.reason == "Starts on Monday"

    assert "Record decision" not in leader.get(url).text  # decided: no form any more
    again = leader.post(url, {"decision": "refuse", "reason": "Too late"})
    assert again.status_code == 400
    assert "This request has already been decided: approved." in again.text
    grant.refresh_from_db()
    assert grant.status == RoleGrantStatus.APPROVED


def test_other_roles_cannot_see_the_grants(council, client_for):
    for role in ("practitioner", "team_manager", "qa_lead", "analyst"):
        assert client_for(role).get(reverse("accounts:role_grants")).status_code == 403


def test_access_log_page_shows_grant_events(council, client_for):
    user = _newcomer(council)
    services.role_grant_refuse(
        actor=council["users"]["senior_leader"], grant=_grant(user), reason="Wrong person"
    )
    rows, more = role_grant_events(council["users"]["qa_lead"], AccessLogFilter())
    assert [r.event for r in rows] == ["Refused", "Requested"]
    assert not more
    page = client_for("qa_lead").get(reverse("accounts:access_log"))
    assert page.status_code == 200
    assert "Team manager for Nia Newcomer" in page.text
    assert "Wrong person" in page.text
    assert "Refused" in page.text
    narrowed = client_for("administrator").get(
        reverse("accounts:access_log"), {"user": "nobody-matches"}
    )
    assert "Wrong person" not in narrowed.text


def test_admin_site_user_with_casework_role_waits(council, client_for):
    admin = client_for("administrator")
    response = admin.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "added@example.org",
            "full_name": "Added Person",
            "role": Role.PRACTITIONER,
            "is_active": "on",
            "professional_id": "P-9",
            "new_password": "",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
        },
        follow=True,
    )
    assert response.status_code == 200
    added = User.objects.get(email="added@example.org")
    assert not policy.role_approved(added)
    assert added.role_grants.get().status == RoleGrantStatus.PENDING
    assert "must approve it" in response.text


def test_demo_users_are_approved_with_a_demonstration_reason(db, settings):
    settings.PRODUCTION = False
    call_command("demo_council", stdout=open("/dev/null", "w"))  # noqa: SIM115
    for user in User.objects.all():
        assert policy.role_approved(user), user
    grants = RoleGrant.objects.all()
    assert grants.count() == 7  # every role but the administrator; two QA leads
    assert {g.reason for g in grants} == {services.DEMONSTRATION_REASON}
    assert {g.decided_by for g in grants} == {None}


def test_command_approves_a_first_senior_leader(db, capsys):
    leader = _leader_from_server("first@example.org", "First")
    grant = leader.role_grants.get()
    call_command("role_grants")
    assert "first@example.org" in capsys.readouterr().out
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="reason"):
        call_command("role_grants", approve=grant.pk)
    call_command("role_grants", approve=grant.pk, reason="New council's first director")
    leader.refresh_from_db()
    assert policy.role_approved(leader)
    assert ChangeEvent.objects.filter(action="role_grant_approve", actor=None).exists()


def test_migration_keeps_existing_people_approved(council):
    import importlib

    from django.apps import apps as global_apps

    migration = importlib.import_module(
        "lineofsight.accounts.migrations.0003_approve_existing_roles_and_clear_duplicate_team_ids"
    )
    User.objects.update(approved_role="")  # as the column arrives, empty
    assert not policy.role_approved(User.objects.get(email="qa_lead@example.org"))
    migration.approve_existing(global_apps, None)
    for user in User.objects.all():
        assert policy.role_approved(user), user
    grants = RoleGrant.objects.filter(status=RoleGrantStatus.APPROVED)
    assert grants.count() == 6  # every role but the administrator's
    assert ChangeEvent.objects.filter(action="role_grant_approve", actor=None).count() == 6
    rows, _ = role_grant_events(council["users"]["qa_lead"], AccessLogFilter())
    assert "Quality assurance lead for Quality assurance lead Person" in {
        r.about.split(" <")[0] for r in rows
    }
