"""Actions are recorded right: due dates and dates to look again are still to come, the owner is
someone who may see the child (the allocated worker first), a child's id is one the user may
see, and a filter that cannot be used is an error, never the whole list."""

from __future__ import annotations

import datetime
import html
import re

import pytest
from django.urls import reverse

from lineofsight.accounts.models import Role, User
from lineofsight.actions import selectors, services
from lineofsight.actions.forms import RecheckForm
from lineofsight.actions.models import ImprovementAction, RecheckResult
from lineofsight.actions.tests import helpers
from lineofsight.children.selectors import CHILD_NOT_IN_SCOPE
from lineofsight.worklists.tests.snapshots import east_snapshot

pytestmark = pytest.mark.django_db


_days = helpers.days
_raise_url = helpers.raise_url


def _uk(day: datetime.date) -> str:
    return f"{day:%d/%m/%Y}"


def _form(owner, **extra) -> dict:
    return helpers.raise_form(owner, **{"due_date": _uk(_days(30)), **extra})


def _create(council, **fields) -> ImprovementAction:
    """Through the service as it is, so that a date in the past is refused."""
    owner = council["users"]["team_manager"]
    return services.action_create(**helpers.action_values(council, **{"owner": owner, **fields}))


# -- dates still to come ------------------------------------------------------------------------


def test_a_due_date_in_the_past_is_refused_by_the_form(client_for, council):
    url = _raise_url(source_type="indicator", source_id="referrals")
    owner = council["users"]["team_manager"]
    response = client_for("qa_lead").post(
        url, _form(owner, team=council["teams"]["east"].pk, due_date=_uk(_days(-1)))
    )
    assert response.status_code == 400
    assert "The proposed date for completion must be today or later" in response.text
    assert f'value="{_uk(_days(-1))}"' in response.text  # shown back as typed
    assert not ImprovementAction.objects.exists()


def test_a_date_to_look_again_in_the_past_is_refused_by_the_form(client_for, council):
    url = _raise_url(source_type="indicator", source_id="referrals")
    response = client_for("qa_lead").post(
        url,
        _form(council["users"]["team_manager"], recheck_date=_uk(_days(-2))),
    )
    assert response.status_code == 400
    assert "The date to look again must be today or later" in response.text
    assert not ImprovementAction.objects.exists()


def test_a_date_typed_wrongly_is_shown_back_as_typed(client_for, council):
    url = _raise_url(source_type="indicator", source_id="referrals")
    response = client_for("qa_lead").post(
        url, _form(council["users"]["team_manager"], due_date="30/02/2031")
    )
    assert response.status_code == 400
    assert 'value="30/02/2031"' in response.text
    assert "Enter the proposed date for completion as a real date" in response.text


def test_the_services_refuse_dates_in_the_past_whoever_calls_them(council):
    with pytest.raises(services.ActionError, match="proposed date for completion"):
        _create(council, due_date=_days(-1))
    with pytest.raises(services.ActionError, match="date to look again"):
        _create(council, recheck_date=_days(-1))
    assert not ImprovementAction.objects.exists()

    action = _create(council)
    with pytest.raises(services.ActionError, match="proposed date for completion"):
        services.action_reassign(
            actor=council["users"]["qa_lead"],
            action=action,
            owner=council["users"]["team_manager"],
            due_date=_days(-3),
        )
    with pytest.raises(services.ActionError, match="date to look again"):
        services.action_record_recheck(
            actor=council["users"]["qa_lead"],
            action=action,
            result=RecheckResult.IMPROVED,
            notes="Looked again",
            rechecked_on=_days(-10),
            next_recheck_date=_days(-5),  # after the re-check, but already gone
        )
    action.refresh_from_db()
    assert action.due_date == _days(10) and action.recheck_date is None


def test_the_service_limits_text_as_the_form_does(council):
    with pytest.raises(services.ActionError, match="Issue must be 4,000 characters or fewer"):
        _create(council, issue="x" * 4001)
    action = _create(council)
    with pytest.raises(services.ActionError, match="Progress note must be 4,000"):
        services.action_add_note(actor=council["users"]["qa_lead"], action=action, text="x" * 4001)
    assert ImprovementAction.objects.count() == 1 and not action.notes.exists()


def test_the_recheck_form_refuses_a_next_date_in_the_past(council):
    form = RecheckForm(
        {
            "rechecked_on": _uk(_days(-10)),
            "method": "reaudit",
            "result": RecheckResult.IMPROVED,
            "notes": "Better",
            "next_recheck_date": _uk(_days(-5)),
        }
    )
    assert not form.is_valid()
    assert form.errors["next_recheck_date"] == ["The date to look again must be today or later"]


# -- who may own an action about a child --------------------------------------------------------


def _owner_options(page: str) -> list[str]:
    select = re.search(r'<select[^>]*name="owner".*?</select>', page, re.S).group(0)
    return [
        html.unescape(label)
        for value, label in re.findall(r'<option value="(\d*)"[^>]*>([^<]*)<', select)
        if value
    ]


def test_owners_of_a_childs_action_start_with_the_allocated_worker(client_for, council):
    east_snapshot()  # E1 is open in East (T-E), allocated to P-1: the test council's practitioner
    west_manager = User.objects.create_user(
        email="west.tm@example.org", password="x", full_name="Aaron West", role=Role.TEAM_MANAGER
    )
    west_manager.memberships.create(team=council["teams"]["west"])
    User.objects.create_user(
        email="p2@example.org",
        password="x",
        full_name="Abel Other",
        role=Role.PRACTITIONER,
        professional_id="P-8",
    )
    url = _raise_url(source_type="indicator", source_id="referrals", person_id="E1")
    page = client_for("qa_lead").get(url)
    assert page.status_code == 200
    options = _owner_options(page.text)
    assert options[0] == "Practitioner Person (Practitioner, the child's allocated worker)"
    names = [o.split(" (")[0] for o in options]
    assert "Team manager Person" in names and "Service manager Person" in names
    assert "Performance analyst Person" in names and "Quality assurance lead Person" in names
    # Who cannot see E1 is not offered: another team's manager, another worker, an administrator.
    assert "Aaron West" not in names and "Abel Other" not in names
    assert "Administrator Person" not in names
    # Then those closest to the child's work: the team, its service's manager, then the rest.
    assert names[1:3] == ["Team manager Person", "Service manager Person"]
    assert names[3:] == sorted(names[3:])

    # Choosing someone who cannot see the child is refused, and nothing is recorded.
    refused = client_for("qa_lead").post(url, _form(west_manager))
    assert refused.status_code == 400
    assert not ImprovementAction.objects.exists()
    ok = client_for("qa_lead").post(url, _form(council["users"]["practitioner"]))
    assert ok.status_code == 302
    assert ImprovementAction.objects.get().person_id == "E1"


def test_owners_for_a_child_with_no_open_case_are_those_who_see_the_team(council):
    east_snapshot()
    owners = selectors.owners_for_child(
        "GONE-1", teams=[council["teams"]["east"]], worker_ids=("P-1",)
    )
    people = list(owners.people)
    assert people[0] == council["users"]["practitioner"]
    assert owners.allocated == {council["users"]["practitioner"].pk}
    assert {u.role for u in people} == set(
        selectors.owner_choices([council["teams"]["east"]]).values_list("role", flat=True)
    )


# -- a child's id typed in must be a child the user may see -------------------------------------


@pytest.mark.parametrize("person_id", ["W1", "NO-SUCH-CHILD"])
def test_a_child_outside_the_users_teams_is_refused_without_saying_whether_it_exists(
    client_for, council, person_id
):
    east_snapshot()  # W1 is open in West, which East's team manager cannot see
    url = _raise_url(source_type="indicator", source_id="referrals", person_id=person_id)
    manager = client_for("team_manager")
    for response in (manager.get(url), manager.post(url, _form(council["users"]["team_manager"]))):
        assert response.status_code == 400
        assert CHILD_NOT_IN_SCOPE in response.text
    assert not ImprovementAction.objects.exists()
    # A child in the manager's own team is accepted.
    own = _raise_url(source_type="indicator", source_id="referrals", person_id="E2")
    assert manager.get(own).status_code == 200


# -- filters ------------------------------------------------------------------------------------


def test_an_unusable_filter_on_the_list_of_actions_is_an_error_not_every_action(
    client_for, council
):
    _create(council, action="Visible to everyone who may see East")
    client = client_for("qa_lead")
    ok = client.get(reverse("actions:list"), {"state": "all"})
    assert ok.status_code == 200 and "Visible to everyone" in ok.text
    response = client.get(reverse("actions:list"), {"state": "everything", "source_type": "x"})
    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert "Choose status from the list" in response.text
    assert "Visible to everyone" not in response.text


def test_an_unusable_filter_on_the_board_is_an_error_not_every_action(client_for, council):
    _create(council, action="On the board", themes=["voice-of-the-child"])
    client = client_for("qa_lead")
    assert "On the board" in client.get(reverse("actions:board")).text
    for bad in ({"team": "abc"}, {"status": "lost"}, {"source_type": "rumour"}):
        response = client.get(reverse("actions:board"), bad)
        assert response.status_code == 400, bad
        assert "There is a problem" in response.text and "from the list" in response.text
        assert "On the board" not in response.text
