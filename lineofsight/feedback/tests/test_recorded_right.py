"""Feedback is recorded right: a child's id is one the recorder may see, what is typed is cleaned
and limited, a date is shown back as typed, and a filter that cannot be used is an error."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from lineofsight.children.selectors import CHILD_NOT_IN_SCOPE
from lineofsight.feedback.models import Channel, Feedback, FromWhom, Kind
from lineofsight.worklists.tests.snapshots import east_snapshot

from .test_feedback import record

pytestmark = pytest.mark.django_db

URL = reverse("feedback:create")


def _form(council, **extra) -> dict:
    data = {
        "kind": Kind.COMPLIMENT,
        "from_whom": FromWhom.CARER,
        "received_on": f"{timezone.localdate():%d/%m/%Y}",
        "channel": Channel.PHONE,
        "team": council["teams"]["east"].pk,
        "text": "Our worker always rings back.",
        "person_id": "",
        "other_themes": "",
    }
    data.update(extra)
    return data


@pytest.mark.parametrize("person_id", ["W1", "NOT-A-CHILD"])
def test_a_child_outside_the_recorders_teams_is_refused(client_for, council, person_id):
    east_snapshot()  # W1 is open in West; East's team manager cannot see West's children
    response = client_for("team_manager").post(URL, _form(council, person_id=person_id))
    assert response.status_code == 400
    assert CHILD_NOT_IN_SCOPE in response.text  # the same words whether the id exists or not
    assert not Feedback.objects.exists()


def test_a_child_in_the_recorders_team_is_accepted(client_for, council):
    east_snapshot()
    response = client_for("team_manager").post(URL, _form(council, person_id=" E2 "))
    assert response.status_code == 302
    assert Feedback.objects.get().person_id == "E2"


def test_a_practitioner_may_name_only_a_child_on_their_caseload(client_for, council):
    east_snapshot()  # E1 is allocated to P-1 (the practitioner); E2 to P-2
    client = client_for("practitioner")
    assert client.post(URL, _form(council, person_id="E2")).status_code == 400
    assert client.post(URL, _form(council, person_id="E1")).status_code == 302


def test_what_they_said_is_cleaned_and_limited(client_for, council):
    client = client_for("team_manager")
    page = client.get(URL).text
    assert "You can enter up to 4,000 characters" in page
    too_long = client.post(URL, _form(council, text="x" * 4001))
    assert too_long.status_code == 400
    assert "What they said must be 4,000 characters or fewer" in too_long.text
    assert client.post(URL, _form(council, text="Pasted\x07 from\x0bWord")).status_code == 302
    assert Feedback.objects.get().text == "Pasted from\nWord"


def test_a_date_typed_wrongly_is_shown_back_as_typed(client_for, council):
    response = client_for("team_manager").post(URL, _form(council, received_on="32/13/2026"))
    assert response.status_code == 400
    assert 'value="32/13/2026"' in response.text
    assert "Enter the date received as a real date" in response.text


def test_an_unusable_filter_is_an_error_not_every_piece_of_feedback(client_for, council):
    record(council)
    client = client_for("qa_lead")
    listed = client.get(reverse("feedback:list"))
    assert listed.status_code == 200 and "F-0" in listed.text
    for bad in ({"kind": "gossip"}, {"team": "abc"}, {"responded": "maybe"}):
        response = client.get(reverse("feedback:list"), bad)
        assert response.status_code == 400, bad
        assert "There is a problem" in response.text and "from the list" in response.text
        assert "F-0" not in response.text
