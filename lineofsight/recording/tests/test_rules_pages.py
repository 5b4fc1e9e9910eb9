"""The recording rules page: read by every role with VIEW_RECORDING, changed only by the QA
lead (403 for the rest); a save over someone else's newer change is refused with the shared
conflict panel (409); each rule shows how often its findings are dismissed, small numbers
suppressed; the page's queries do not grow with its history."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lineofsight.recording import checker
from lineofsight.recording.models import FindingDismissal, RecordingRules
from lineofsight.recording.selectors import rules as selectors
from lineofsight.recording.services import rules as services

from .test_rules_support import check_rows, notes_snapshot

pytestmark = pytest.mark.django_db

READERS = ("team_manager", "service_manager", "qa_lead", "senior_leader", "analyst")
EDIT_PAGES = [
    ("recording:rules_term_add", []),
    ("recording:rules_term_edit", [1]),
    ("recording:rules_term_remove", [1]),
    ("recording:rules_acronyms", []),
]


@pytest.mark.parametrize("role", [*READERS, "practitioner", "administrator", None])
def test_who_may_read_the_rules(client_for, role):
    status = client_for(role).get(reverse("recording:rules")).status_code
    assert status == (200 if role in READERS else 302 if role is None else 403)


@pytest.mark.parametrize(("name", "args"), EDIT_PAGES)
def test_only_the_qa_lead_may_open_the_forms(client_for, name, args):
    url = reverse(name, args=args)
    assert client_for("qa_lead").get(url).status_code == 200
    for role in ("team_manager", "senior_leader", "analyst", "practitioner", "administrator"):
        assert client_for(role).get(url).status_code == 403
        assert client_for(role).post(url, {"version": "0"}).status_code == 403
    assert client_for(None).get(url).status_code == 302


def test_a_reader_sees_no_buttons_and_cannot_switch(client_for):
    html = client_for("team_manager").get(reverse("recording:rules")).content.decode()
    assert "Word list" in html and "Switch off" not in html and "Add a term" not in html
    post = {"version": "0", "rule": "passive-voice", "on": "no"}
    response = client_for("team_manager").post(reverse("recording:rules_switch"), post)
    assert response.status_code == 403
    assert not RecordingRules.objects.exists()


def test_the_qa_lead_adds_a_term_and_it_is_listed_with_its_history(client_for):
    client = client_for("qa_lead")
    response = client.post(
        reverse("recording:rules_term_add"),
        {
            "version": "0",
            "term": "problem family",
            "variants": "problem families",
            "not_when": "",
            "preferred": "the family's name",
            "reason": "It blames a whole family.",
            "legal": "no",
        },
    )
    assert response.status_code == 302
    assert selectors.rules_in_force().terms[-1].term == "problem family"
    html = client.get(reverse("recording:rules")).content.decode()
    assert "problem family" in html and "Term added: problem family" in html


def test_a_refused_term_says_what_and_where(client_for):
    first = checker.Rules.default().as_data()["terms"][0]["term"]
    response = client_for("qa_lead").post(
        reverse("recording:rules_term_add"),
        {"version": "0", "term": first, "preferred": "x", "reason": "y", "legal": "no"},
    )
    assert response.status_code == 400
    assert f"({first}): this term is listed twice" in response.content.decode()
    assert not RecordingRules.objects.exists()


def test_a_stale_form_shows_the_conflict(client_for, council):
    services.rules_acronyms_set(
        actor=council["users"]["qa_lead"], expected_version=0, acronyms="GP\nNHS\nCAMHS"
    )
    client = client_for("qa_lead")
    response = client.post(reverse("recording:rules_acronyms"), {"version": "0", "acronyms": "GP"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else changed the rules" in html and 'id="what-they-saved"' in html
    assert "CAMHS" in html  # what they saved
    switched = client.post(
        reverse("recording:rules_switch"), {"version": "0", "rule": "passive-voice", "on": "no"}
    )
    assert switched.status_code == 409
    assert "Someone else changed the rules" in switched.content.decode()
    assert selectors.rules_in_force().is_on("passive-voice")
    again = client.post(
        reverse("recording:rules_switch"), {"version": "1", "rule": "passive-voice", "on": "no"}
    )
    assert again.status_code == 302
    assert not selectors.rules_in_force().is_on("passive-voice")


def _dismissed(qa, note_id: str, rule: str, *, start: int, text: str) -> None:
    """A dismissed finding in a note about E1, written straight to the table."""
    FindingDismissal.objects.create(
        note_id=note_id,
        person_id="E1",
        rule=rule,
        start=start,
        end=start + len(text),
        text=text,
        reason="fine",
        dismissed_by=qa,
    )


def _line(html: str, title: str) -> str:
    start = html.index(f"<strong>{title}</strong>")
    return html[start : html.index("</tr>", start)]


def test_each_rule_shows_its_dismissal_rate_with_small_numbers_suppressed(client_for, council):
    url = reverse("recording:rules")
    html = client_for("qa_lead").get(url).content.decode()
    assert "No findings yet" in _line(html, "Words the council asks writers to avoid")

    notes_snapshot(check_rows({"discouraged": 40, "acronyms": 3, "passive": 20}))
    qa = council["users"]["qa_lead"]
    for i in range(10):
        _dismissed(qa, f"C{i}", "discouraged-term", start=i, text="abc")
    _dismissed(qa, "C0", "passive-voice", start=1, text="was")
    html = client_for("qa_lead").get(url).content.decode()
    words = _line(html, "Words the council asks writers to avoid")
    assert "40" in words and "10" in words and "25.0%" in words
    acronyms = _line(html, "Acronyms not spelled out")
    assert "fewer than 5" in acronyms and "%" not in acronyms
    passive = _line(html, "Passive voice where who acted matters")
    assert "fewer than 5" in passive and "suppressed" in passive and "5.0%" not in passive
    assert "No findings yet" in _line(html, "Another person named")


def test_the_rules_page_queries_do_not_grow_with_its_history(client_for, council):
    client = client_for("analyst")
    url = reverse("recording:rules")
    client.get(url)
    with CaptureQueriesContext(connection) as empty:
        client.get(url)
    qa = council["users"]["qa_lead"]
    for version, rule in enumerate(("passive-voice", "long-sentence", "hard-to-read")):
        services.rules_switch(actor=qa, expected_version=version, rule=rule, on=False)
    for i in range(3):
        _dismissed(qa, f"N{i}", "long-sentence", start=0, text="abc")
    with CaptureQueriesContext(connection) as full:
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count("Rule switched off:") == 3
    # Session and user (and the session's save), the rules, the dismissals per rule, the
    # current snapshot, the history: the same however long the history.
    assert len(full) == len(empty) <= 9
