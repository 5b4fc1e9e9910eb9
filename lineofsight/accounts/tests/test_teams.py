"""A team's case-system id is unique: the database, the service and the admin form say so."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as global_apps
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from lineofsight.accounts import services
from lineofsight.accounts.models import TEAM_CASE_SYSTEM_ID_TAKEN, Team
from lineofsight.history.models import ChangeEvent
from lineofsight.history.services import capture
from lineofsight.web.errors import ServiceError

pytestmark = pytest.mark.django_db


def test_database_refuses_a_second_team_with_the_same_id(council):
    with pytest.raises(IntegrityError), transaction.atomic():
        Team.objects.create(name="Copy", service=council["services"]["east"], case_system_id="T-E")


def test_many_teams_may_have_no_id(council):
    service = council["services"]["east"]
    Team.objects.create(name="No id one", service=service)
    Team.objects.create(name="No id two", service=service)
    assert Team.objects.filter(case_system_id="").count() == 2


def test_service_refuses_a_duplicate_and_changes_nothing(council):
    west = council["teams"]["west"]
    before = capture(west, services.TEAM_FIELDS)
    west.case_system_id = " T-E "
    with pytest.raises(ServiceError) as caught:
        services.team_save(actor=council["users"]["administrator"], team=west, before=before)
    assert caught.value.errors == {"case_system_id": TEAM_CASE_SYSTEM_ID_TAKEN}
    assert Team.objects.get(pk=west.pk).case_system_id == "T-W"


def test_admin_form_says_which_field_is_wrong(council, client_for):
    west = council["teams"]["west"]
    response = client_for("administrator").post(
        reverse("admin:accounts_team_change", args=[west.pk]),
        {"name": "West", "service": west.service_id, "case_system_id": "T-E"},
    )
    assert response.status_code == 200  # the form again, with the error
    assert "Another team already has this case-system id" in response.text
    assert response.context["adminform"].form.errors["case_system_id"] == [
        TEAM_CASE_SYSTEM_ID_TAKEN
    ]
    assert Team.objects.get(pk=west.pk).case_system_id == "T-W"


@pytest.mark.django_db(transaction=True)
def test_migration_keeps_the_first_and_clears_later_duplicates(council):
    migration = importlib.import_module(
        "lineofsight.accounts.migrations.0003_approve_existing_roles_and_clear_duplicate_team_ids"
    )
    east, west, cic = (council["teams"][k] for k in ("east", "west", "cic"))
    (constraint,) = [c for c in Team._meta.constraints if c.name == "team_case_system_id_unique"]
    # Data from before the constraint: East (created first) and West share an id.
    with connection.schema_editor() as editor:
        editor.remove_constraint(Team, constraint)
    try:
        Team.objects.filter(pk__in=[east.pk, west.pk]).update(case_system_id="T-X")
        migration.clear_duplicate_team_ids(global_apps, None)
    finally:
        with connection.schema_editor() as editor:
            editor.add_constraint(Team, constraint)
    east.refresh_from_db()
    west.refresh_from_db()
    cic.refresh_from_db()
    assert (east.case_system_id, west.case_system_id, cic.case_system_id) == ("T-X", "", "T-C")
    cleared = ChangeEvent.objects.get(object_type="accounts.team", object_id=str(west.pk))
    assert cleared.changes["case_system_id"] == ["T-X", ""]
