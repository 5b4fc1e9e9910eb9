import pytest
from django.urls import reverse

from lineofsight.accounts import services
from lineofsight.accounts.models import Membership, Role, Team, User
from lineofsight.history.models import ChangeEvent
from lineofsight.history.services import capture, history_for, record_change

pytestmark = pytest.mark.django_db


def test_record_change_keeps_old_and_new_values(council):
    team = council["teams"]["east"]
    before = capture(team, services.TEAM_FIELDS)
    team.name = "East Locality"
    services.team_save(actor=council["users"]["administrator"], team=team, before=before)
    event = history_for(team).get()
    assert event.action == "team_update"
    assert event.actor == council["users"]["administrator"]
    assert event.changes == {"name": ["East", "East Locality"]}


def test_nothing_changed_writes_nothing(council):
    team = council["teams"]["east"]
    assert record_change(actor=None, action="x", obj=team, before=capture(team, ["name"])) is None
    assert ChangeEvent.objects.count() == 0


def test_user_create_records_history_and_memberships(council):
    user = services.user_create(
        actor=council["users"]["administrator"],
        email="New.Person@Example.org",
        full_name="New Person",
        role=Role.PRACTITIONER,
        password="a-long-enough-password",
        teams=[council["teams"]["west"]],
    )
    assert user.email == "new.person@example.org"
    actions = list(history_for(user).values_list("action", flat=True))
    assert sorted(actions) == ["membership_add", "user_create"]


def test_history_is_rolled_back_with_a_failed_write(council):
    with pytest.raises(ValueError):
        services.user_create(
            actor=None, email="x@example.org", full_name="X", role="wizard", password=None
        )
    assert not User.objects.filter(email="x@example.org").exists()
    assert ChangeEvent.objects.count() == 0


def test_admin_edit_goes_through_the_service(client_for, council):
    admin_client = client_for("administrator")
    target = council["users"]["practitioner"]
    response = admin_client.post(
        reverse("admin:accounts_user_change", args=[target.pk]),
        {
            "email": target.email,
            "full_name": "Renamed Practitioner",
            "role": Role.TEAM_MANAGER,
            "is_active": "on",
            "service": "",
            "professional_id": "P-1",
            "new_password": "",
            "memberships-TOTAL_FORMS": "2",
            "memberships-INITIAL_FORMS": "1",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
            "memberships-0-id": str(target.memberships.get().pk),
            "memberships-0-user": str(target.pk),
            "memberships-0-team": str(council["teams"]["east"].pk),
            "memberships-0-since": str(target.memberships.get().since),
            "memberships-1-id": "",
            "memberships-1-user": str(target.pk),
            "memberships-1-team": str(council["teams"]["west"].pk),
            "memberships-1-since": "2026-01-05",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    target.refresh_from_db()
    assert target.full_name == "Renamed Practitioner"
    assert set(Membership.objects.filter(user=target).values_list("team__name", flat=True)) == {
        "East",
        "West",
    }
    update = history_for(target).get(action="user_update")
    assert update.actor == council["users"]["administrator"]
    assert update.changes["full_name"] == ["Practitioner Person", "Renamed Practitioner"]
    assert update.changes["role"] == [Role.PRACTITIONER, Role.TEAM_MANAGER]
    assert history_for(target).filter(action="membership_add").count() == 1


def test_admin_creates_a_team_with_history(client_for, council):
    response = client_for("administrator").post(
        reverse("admin:accounts_team_add"),
        {"name": "North", "service": council["services"]["east"].pk, "case_system_id": "T-N"},
    )
    assert response.status_code == 302
    team = Team.objects.get(name="North")
    assert history_for(team).get().action == "team_create"


def test_admin_cannot_delete_people(client_for, council):
    target = council["users"]["practitioner"]
    response = client_for("administrator").post(
        reverse("admin:accounts_user_delete", args=[target.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert User.objects.filter(pk=target.pk).exists()
