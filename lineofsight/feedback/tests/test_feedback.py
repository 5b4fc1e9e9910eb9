"""Feedback: recording, scope, responses ("you said, we did") and the source for actions."""

from __future__ import annotations

import datetime

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from lineofsight.actions import sources
from lineofsight.feedback import selectors, services
from lineofsight.feedback.models import Channel, Feedback, FromWhom, Kind
from lineofsight.framework.evidence import Leaning
from lineofsight.history.models import ChangeEvent

pytestmark = pytest.mark.django_db


def record(
    council, *, team="east", consent=True, kind=Kind.COMPLAINT, themes=("planning",), **fields
):
    """Feedback a practitioner recorded; `fields` replace any of the other values."""
    values = {
        "from_whom": FromWhom.PARENT,
        "received_on": timezone.localdate(),
        "text": "Nobody told us the review date until the day before.",
        "channel": Channel.PHONE,
        **fields,
    }
    return services.feedback_record(
        actor=council["users"]["practitioner"],
        kind=kind,
        team=council["teams"][team],
        themes=list(themes),
        consent_to_share=consent,
        **values,
    )


def respond(item: Feedback, *, actor, response: str, expected_version: int | None = None):
    """A response to `item` today, from `actor` who opened it at `expected_version` (its current
    version unless given)."""
    return services.feedback_respond(
        actor=actor,
        feedback=item,
        expected_version=item.version if expected_version is None else expected_version,
        response=response,
        responded_on=timezone.localdate(),
    )


def test_record_writes_history_and_normalises_themes(council):
    item = record(
        council,
        consent=False,
        kind=Kind.COMMENT,
        from_whom=FromWhom.PARTNER,
        text="  The school was kept informed.  ",
        channel=Channel.EMAIL,
        themes=["Working with partner agencies", "school contact", "school contact"],
    )
    assert item.text == "The school was kept informed."
    assert item.themes == ["multi-agency-working", "school-contact"]
    event = ChangeEvent.objects.get(action="feedback_record")
    assert event.object_id == str(item.pk)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"text": "  "}, "Enter what they said"),
        ({"channel": Channel.ONE_TIME_LINK}, "cannot be recorded by hand"),
        ({"received_on": datetime.date.today() + datetime.timedelta(days=2)}, "future"),
    ],
)
def test_record_refuses_what_is_wrong(council, changes, message):
    with pytest.raises(services.FeedbackError, match=message):
        record(council, kind=Kind.COMMENT, consent=False, themes=(), **{"text": "Fine."} | changes)
    assert not Feedback.objects.exists()


def _post_compliment(client, team, **fields):
    """The record page's form: a compliment from a child, received today in person."""
    return client.post(
        reverse("feedback:create"),
        {
            "kind": "compliment",
            "from_whom": "child",
            "received_on": timezone.localdate().isoformat(),
            "channel": "in_person",
            "team": team.pk,
            **fields,
        },
    )


def test_record_page_creates_feedback(council, client_for):
    response = _post_compliment(
        client_for("practitioner"),
        council["teams"]["east"],
        text="My worker listens to me.",
        consent_to_share="on",
        themes=["voice-of-the-child"],
        other_themes="Keeping promises",
    )
    item = Feedback.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("feedback:detail", kwargs={"pk": item.pk})
    assert item.themes == ["voice-of-the-child", "keeping-promises"]
    assert item.consent_to_share is True
    assert item.created_by == council["users"]["practitioner"]


def test_record_page_refuses_a_team_outside_scope(council, client_for):
    response = _post_compliment(client_for("practitioner"), council["teams"]["cic"], text="Good.")
    assert response.status_code == 400
    assert "Select a valid choice" in response.text
    assert not Feedback.objects.exists()


def test_scope_outsiders_get_404(council, client_for):
    care = record(council, team="cic")
    east = record(council, team="east")
    url = reverse("feedback:detail", kwargs={"pk": care.pk})
    for role in ("practitioner", "team_manager", "service_manager", "administrator"):
        assert client_for(role).get(url).status_code == 404, role
    for role in ("qa_lead", "senior_leader", "analyst"):
        assert client_for(role).get(url).status_code == 200, role
    assert (
        client_for("practitioner")
        .get(reverse("feedback:detail", kwargs={"pk": east.pk}))
        .status_code
        == 200
    )
    listed = client_for("practitioner").get(reverse("feedback:list")).text
    assert east.reference in listed and care.reference not in listed


def test_practitioner_may_read_but_not_respond(council, client_for):
    item = record(council)
    url = reverse("feedback:respond", kwargs={"pk": item.pk})
    assert client_for("practitioner").get(url).status_code == 403
    response = client_for("practitioner").post(
        url, {"response": "x", "responded_on": "2025-01-01", "version": 1}
    )
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.response == ""


def test_respond_records_you_said_we_did(council, client_for):
    item = record(council)
    response = client_for("team_manager").post(
        reverse("feedback:respond", kwargs={"pk": item.pk}),
        {
            "response": "Review dates are now sent to families a fortnight ahead.",
            "responded_on": timezone.localdate().isoformat(),
            "version": item.version,
            "themes": ["planning", "parent-carer-experience"],
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.response.startswith("Review dates")
    assert item.responded_by == council["users"]["team_manager"]
    assert item.version == 2
    assert item.themes == ["planning", "parent-carer-experience"]
    assert ChangeEvent.objects.filter(action="feedback_respond", object_id=str(item.pk)).exists()


def test_a_stale_response_is_refused_and_nothing_is_overwritten(council, client_for):
    item = record(council)
    manager, qa = council["users"]["team_manager"], council["users"]["qa_lead"]
    respond(item, actor=qa, response="First response.", expected_version=1)
    with pytest.raises(services.FeedbackChangedMeanwhile):
        respond(item, actor=manager, response="Second response.", expected_version=1)
    response = client_for("team_manager").post(
        reverse("feedback:respond", kwargs={"pk": item.pk}),
        {
            "response": "Second response.",
            "responded_on": timezone.localdate().isoformat(),
            "version": 1,
        },
    )
    assert response.status_code == 409
    assert "was not saved" in response.text
    assert "First response." in response.text
    item.refresh_from_db()
    assert item.response == "First response."


def test_detail_logs_a_view_of_the_child(council, client_for):
    from lineofsight.accounts.models import AccessLogEntry

    item = record(
        council,
        consent=False,
        kind=Kind.COMMENT,
        themes=(),
        from_whom=FromWhom.CHILD,
        text="I want to see my brother more.",
        channel=Channel.IN_PERSON,
        person_id="E4",
    )
    client_for("team_manager").get(reverse("feedback:detail", kwargs={"pk": item.pk}))
    entry = AccessLogEntry.objects.get()
    assert entry.person_id == "E4"
    assert entry.user == council["users"]["team_manager"]


def test_list_filters(council, client_for):
    complaint = record(council, kind=Kind.COMPLAINT, themes=("planning",))
    compliment = record(council, kind=Kind.COMPLIMENT, themes=("voice-of-the-child",))
    client = client_for("qa_lead")
    text = client.get(reverse("feedback:list"), {"kind": "compliment"}).text
    assert compliment.reference in text and complaint.reference not in text
    text = client.get(reverse("feedback:list"), {"theme": "planning"}).text
    assert complaint.reference in text and compliment.reference not in text
    text = client.get(reverse("feedback:list"), {"team": council["teams"]["cic"].pk}).text
    assert complaint.reference not in text and "No feedback matches" in text


def test_feedback_for_theme_hides_words_without_consent(council):
    shared = record(council, consent=True, kind=Kind.COMPLIMENT)
    private = record(council, consent=False, kind=Kind.COMPLAINT)
    record(council, team="cic")
    evidence = selectors.feedback_for_theme(council["users"]["team_manager"], "planning")
    by_url = {e.url: e for e in evidence}
    assert set(by_url) == {
        reverse("feedback:detail", kwargs={"pk": shared.pk}),
        reverse("feedback:detail", kwargs={"pk": private.pk}),
    }
    shared_e = by_url[reverse("feedback:detail", kwargs={"pk": shared.pk})]
    private_e = by_url[reverse("feedback:detail", kwargs={"pk": private.pk})]
    assert shared_e.summary == shared.text and shared_e.leaning is Leaning.STRENGTH
    assert private_e.summary == "(not shared: no consent)"
    assert private_e.leaning is Leaning.CONCERN
    assert selectors.feedback_for_theme(council["users"]["team_manager"], "recording") == []


def test_you_said_we_did_shows_only_shared_and_responded(council, client_for):
    manager = council["users"]["team_manager"]
    shown = record(council, consent=True)
    private = record(council, consent=False)
    record(council, consent=True)  # no response yet
    for item in (shown, private):
        respond(item, actor=manager, response=f"We acted on {item.reference}.")
    text = client_for("practitioner").get(reverse("feedback:you_said_we_did")).text
    assert f"We acted on {shown.reference}." in text
    assert f"We acted on {private.reference}." not in text
    assert "Plans and planning" in text


def test_source_for_actions(council):
    item = record(council)
    info = sources.describe(council["users"]["team_manager"], "feedback", str(item.pk))
    assert info.title.startswith(f"Complaint {item.reference}, received ")
    assert info.url == reverse("feedback:detail", kwargs={"pk": item.pk})
    assert info.team == council["teams"]["east"]
    care = record(council, team="cic")
    with pytest.raises(Http404):
        sources.describe(council["users"]["team_manager"], "feedback", str(care.pk))
    with pytest.raises(Http404):
        sources.describe(council["users"]["team_manager"], "feedback", "not-a-number")


def test_detail_offers_raising_an_action_to_those_who_may(council, client_for):
    item = record(council)
    url = reverse("feedback:detail", kwargs={"pk": item.pk})
    assert "Raise an improvement action" in client_for("team_manager").get(url).text
    assert "Raise an improvement action" not in client_for("practitioner").get(url).text
