"""The shared improvement action: raised, moved on, noted, re-checked; seen by the right people."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from lineofsight.accounts.models import AccessLogEntry, Role, User
from lineofsight.actions import selectors, services
from lineofsight.actions.models import ImprovementAction, SourceType, Status
from lineofsight.actions.tests import helpers
from lineofsight.history.models import ChangeEvent

pytestmark = pytest.mark.django_db


def _action(council, **fields) -> ImprovementAction:
    """A supervision's action about child C-1, raised by East's team manager for the practitioner,
    due in 5 days; `fields` over that."""
    supervision = {
        "actor": council["users"]["team_manager"],
        "source_type": SourceType.SUPERVISION,
        "source_id": "17",
        "issue": "Plan not reviewed in time",
        "action": "Hold the review and record it",
        "due_date": helpers.days(5),
        "person_id": "C-1",
    }
    return helpers.action_create(**helpers.action_values(council, **{**supervision, **fields}))


def test_an_action_from_any_source_is_recorded_with_history(council):
    action = _action(council, source_type=SourceType.PRACTICE_WEEK, risk_if_not_done="Drift")
    assert action.status == Status.OPEN and action.priority == "medium"
    assert ChangeEvent.objects.filter(action="action_create", object_id=str(action.pk)).exists()
    with pytest.raises(services.ActionError):
        _action(council, source_type="gossip")
    with pytest.raises(services.ActionError, match="issue"):
        _action(council, issue=" ")


def test_closing_or_reopening_needs_a_note_and_is_tracked_to_done(council):
    action = _action(council)
    owner = council["users"]["practitioner"]
    services.action_update_status(actor=owner, action=action, status=Status.IN_PROGRESS)
    with pytest.raises(services.ActionError, match="Say what was done"):
        services.action_update_status(actor=owner, action=action, status=Status.DONE)
    done = services.action_update_status(
        actor=owner, action=action, status=Status.DONE, note="Review held on Monday"
    )
    assert done.closed_at is not None
    assert [n.text for n in done.notes.all()] == ["Review held on Monday"]
    reopened = services.action_update_status(
        actor=owner, action=done, status=Status.OPEN, note="The review was not recorded"
    )
    assert reopened.closed_at is None


def test_a_recheck_records_whether_practice_changed(council):
    action = _action(council)
    services.action_record_recheck(
        actor=council["users"]["team_manager"],
        action=action,
        result="partly",
        notes="Two of three plans now reviewed",
        next_recheck_date=timezone.localdate() + datetime.timedelta(days=30),
    )
    action.refresh_from_db()
    assert action.recheck_result == "partly" and action.rechecked_at is not None


def test_who_sees_and_who_may_change_an_action(council):
    action = _action(council)
    users = council["users"]
    outsider = User.objects.create_user(
        email="x@example.org", full_name="Other", role=Role.PRACTITIONER, password="x"
    )
    visible = {
        role: selectors.actions_visible_to(u).filter(pk=action.pk).exists()
        for role, u in users.items()
    }
    assert visible == {
        "practitioner": True,
        "team_manager": True,
        "service_manager": True,
        "qa_lead": True,
        "senior_leader": True,
        "analyst": True,
        "administrator": False,
    }
    assert not selectors.actions_visible_to(outsider).exists()
    assert selectors.can_update(users["practitioner"], action)
    assert not selectors.can_recheck(users["practitioner"], action)
    assert selectors.can_recheck(users["service_manager"], action)
    assert not selectors.can_update(users["senior_leader"], action)


def test_my_actions_lists_open_and_overdue_and_the_detail_page_logs_the_child(client_for, council):
    _action(council, due_date=timezone.localdate() - datetime.timedelta(days=2), action="Late one")
    _action(council, action="On time one")
    client = client_for("practitioner")
    page = client.get(reverse("actions:mine"))
    assert "Overdue: fewer than 5." in page.text
    assert "Late one" in page.text and "On time one" in page.text
    action = ImprovementAction.objects.get(action="Late one")
    detail = client.get(reverse("actions:detail", args=[action.pk]))
    assert detail.status_code == 200 and "Overdue" in detail.text
    # Both the list and the detail page name the child, so each view is logged.
    assert AccessLogEntry.objects.filter(person_id="C-1", path=reverse("actions:mine")).exists()
    entry = AccessLogEntry.objects.get(
        person_id="C-1", path=reverse("actions:detail", args=[action.pk])
    )
    assert entry.purpose == "supervision"


def test_the_detail_page_moves_an_action_on_without_javascript(client_for, council):
    action = _action(council)
    client = client_for("practitioner")
    url = reverse("actions:detail", args=[action.pk])
    bad = client.post(url, {"form": "status", "status-status": "done", "status-note": ""})
    assert bad.status_code == 400 and "Say what was done" in bad.text
    ok = client.post(url, {"form": "status", "status-status": "done", "status-note": "Held"})
    assert ok.status_code == 302
    assert (
        client.post(
            url, {"form": "recheck", "recheck-result": "improved", "recheck-notes": "ok"}
        ).status_code
        == 403
    )
    assert (
        client.post(url, {"form": "note", "note-text": "Shared with the family"}).status_code == 302
    )
    action.refresh_from_db()
    assert action.status == Status.DONE and action.notes.count() == 2


def test_list_pages_make_a_fixed_number_of_queries(
    client_for, council, django_assert_max_num_queries
):
    for i in range(25):
        _action(council, action=f"Action {i}")
    qa, practitioner = client_for("qa_lead"), client_for("practitioner")
    with django_assert_max_num_queries(10):
        assert qa.get(reverse("actions:list")).status_code == 200
    with django_assert_max_num_queries(10):
        assert practitioner.get(reverse("actions:mine")).status_code == 200
