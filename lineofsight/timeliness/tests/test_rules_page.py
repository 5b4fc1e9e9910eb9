"""The Timescales pages: administrators only; bad values refused with the rule's name and why,
and nothing changed; good values recorded in the change history."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from lineofsight.accounts.models import Role
from lineofsight.history.models import ChangeEvent
from lineofsight.timeliness import selectors, services
from lineofsight.timeliness.models import ClosurePeriod, LocalTimescale
from lineofsight.timeliness.rules import InvalidTimescale
from lineofsight.web.errors import ServiceError

D = datetime.date
OTHERS = [r for r in Role.values if r != Role.ADMINISTRATOR]


def test_administrators_see_every_rule(client_for):
    response = client_for(Role.ADMINISTRATOR).get(reverse("timeliness:rules"))
    assert response.status_code == 200
    page = response.content.decode()
    for title in (
        "Child protection visits",
        "Child and family assessments",
        "Health assessments of looked-after children",
    ):
        assert title in page
    assert reverse("timeliness:rule_edit", args=["cp_visit"]) in page
    # Statutory rules are shown, with no way to change them.
    assert reverse("timeliness:rule_edit", args=["assessment_45wd"]) not in page
    # A rule the data cannot measure says so.
    assert "Not checked" in page and "No table in the snapshot holds health assessments" in page


@pytest.mark.parametrize("role", OTHERS)
def test_other_roles_are_refused(client_for, role):
    client = client_for(role)
    assert client.get(reverse("timeliness:rules")).status_code == 403
    url = reverse("timeliness:rule_edit", args=["cp_visit"])
    assert client.get(url).status_code == 403
    assert client.post(url, {"value": "5"}).status_code == 403
    assert client.post(reverse("timeliness:closure_add"), {}).status_code == 403
    assert not LocalTimescale.objects.exists()


def test_nobody_is_sent_to_sign_in(client_for):
    response = client_for(None).get(reverse("timeliness:rules"))
    assert response.status_code == 302


def test_statutory_and_unknown_rules_cannot_be_edited(client_for):
    client = client_for(Role.ADMINISTRATOR)
    for rule_id in ("assessment_45wd", "no_such_rule"):
        url = reverse("timeliness:rule_edit", args=[rule_id])
        assert client.get(url).status_code == 404
        assert client.post(url, {"value": "5"}).status_code == 404
    assert not LocalTimescale.objects.exists()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Child protection visits: enter a whole number of working days greater than 0"),
        ("abc", "Child protection visits: enter a whole number of working days greater than 0"),
        ("0", "Child protection visits: enter a whole number of working days greater than 0"),
        ("-5", "Child protection visits: enter a whole number of working days greater than 0"),
        ("7.5", "Child protection visits: enter a whole number of working days greater than 0"),
        ("31", "Child protection visits: enter a whole number of working days no more than 30"),
    ],
)
def test_invalid_values_are_refused_and_change_nothing(client_for, value, message):
    url = reverse("timeliness:rule_edit", args=["cp_visit"])
    response = client_for(Role.ADMINISTRATOR).post(url, {"value": value})
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert message in page
    assert not LocalTimescale.objects.exists()
    assert not ChangeEvent.objects.filter(action="timescale_rule_update").exists()
    assert selectors.rules_in_force()["cp_visit"].due.amount == 10


def test_a_valid_change_is_saved_and_recorded_in_history(client_for, council):
    admin = council["users"][Role.ADMINISTRATOR]
    client = client_for(Role.ADMINISTRATOR)
    url = reverse("timeliness:rule_edit", args=["cp_visit"])
    assert client.get(url).status_code == 200
    response = client.post(url, {"value": " 15 "}, follow=True)
    assert response.redirect_chain == [(reverse("timeliness:rules"), 302)]
    assert "Child protection visits changed to 15 working days" in response.content.decode()
    stored = LocalTimescale.objects.get(rule_id="cp_visit")
    assert (stored.value, stored.unit, stored.changed_by) == (15, "working_days", admin)
    event = ChangeEvent.objects.get(action="timescale_rule_update")
    assert event.actor == admin
    assert event.changes == {
        "rule_id": [None, "cp_visit"],
        "unit": [None, "working_days"],
        "value": [None, 15],
    }
    # A second change records the old and new values.
    client.post(url, {"value": "20"})
    latest = ChangeEvent.objects.filter(action="timescale_rule_update").order_by("-id").first()
    assert latest.changes == {"value": [15, 20]}
    assert selectors.rules_in_force()["cp_visit"].due.amount == 20
    # Saving the same value again changes nothing and records nothing.
    client.post(url, {"value": "20"})
    assert ChangeEvent.objects.filter(action="timescale_rule_update").count() == 2


def test_the_service_refuses_statutory_rules_and_bad_values(db):
    with pytest.raises(InvalidTimescale, match="statutory timescale and cannot be changed"):
        services.timescale_rule_update(actor=None, rule_id="icpc_15wd", value=10)
    with pytest.raises(InvalidTimescale, match="There is no timescale rule called nope"):
        services.timescale_rule_update(actor=None, rule_id="nope", value=10)
    with pytest.raises(InvalidTimescale, match="Child in need visits: enter a whole number"):
        services.timescale_rule_update(actor=None, rule_id="cin_visit", value="twenty")
    with pytest.raises(InvalidTimescale, match="no more than 65"):
        services.timescale_rule_update(actor=None, rule_id="cin_visit", value=66)
    assert not LocalTimescale.objects.exists()
    saved = services.timescale_rule_update(actor=None, rule_id="cin_visit", value=25)
    assert (saved.value, saved.changed_by) == (25, None)


# -- closure days --------------------------------------------------------------------------------


def test_closure_days_are_added_listed_and_removed(client_for, council):
    client = client_for(Role.ADMINISTRATOR)
    assert client.get(reverse("timeliness:closure_add")).status_code == 200
    response = client.post(
        reverse("timeliness:closure_add"),
        {"description": "Christmas closure", "first_day": "2026-12-29", "last_day": "2026-12-31"},
    )
    assert response.status_code == 302
    closure = ClosurePeriod.objects.get()
    page = client.get(reverse("timeliness:rules")).content.decode()
    assert "Christmas closure" in page and "29/12/2026" in page
    calendar = selectors.working_calendar()
    assert not calendar.is_working_day(D(2026, 12, 30))
    assert ChangeEvent.objects.filter(action="closure_period_add").count() == 1

    remove = reverse("timeliness:closure_remove", args=[closure.pk])
    assert client.get(remove).status_code == 200
    assert ClosurePeriod.objects.exists()  # a GET only asks
    assert client.post(remove).status_code == 302
    assert not ClosurePeriod.objects.exists()
    event = ChangeEvent.objects.get(action="closure_period_remove")
    assert event.changes["description"] == ["Christmas closure", None]
    assert selectors.working_calendar().is_working_day(D(2026, 12, 30))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"description": "", "first_day": "2026-12-29", "last_day": "2026-12-31"},
         "Enter a description of the closure"),
        ({"description": "Xmas", "first_day": "2026-12-31", "last_day": "2026-12-29"},
         "The last day must be the same as or after the first day"),
        ({"description": "Xmas", "first_day": "2026-12-01", "last_day": "2027-01-31"},
         "A closure can be at most 31 days long"),
        ({"description": "Xmas", "first_day": "2026-02-30", "last_day": "2026-03-01"},
         "Enter the first day as a real date"),
        ({"description": "Xmas", "first_day": "", "last_day": "2026-03-01"},
         "Enter the first day of the closure"),
    ],
)  # fmt: skip
def test_bad_closures_are_refused_and_change_nothing(client_for, data, message):
    response = client_for(Role.ADMINISTRATOR).post(reverse("timeliness:closure_add"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ClosurePeriod.objects.exists()
    assert not ChangeEvent.objects.filter(action="closure_period_add").exists()


def test_the_closure_service_validates_by_field(db):
    with pytest.raises(ServiceError) as exc:
        services.closure_period_add(
            actor=None, first_day=D(2026, 1, 2), last_day=D(2026, 1, 1), description="x" * 101
        )
    assert set(exc.value.errors) == {"description", "last_day"}


def test_removing_an_unknown_closure_is_404(client_for):
    url = reverse("timeliness:closure_remove", args=[999])
    assert client_for(Role.ADMINISTRATOR).get(url).status_code == 404
