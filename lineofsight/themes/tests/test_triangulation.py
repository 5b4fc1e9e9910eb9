"""The practice themes index and the triangulation page for one theme."""

from __future__ import annotations

import functools
import re

import pytest
from django.urls import reverse

from lineofsight.framework import vocabulary
from lineofsight.themes import selectors
from lineofsight.themes.tests import evidence

pytestmark = pytest.mark.django_db


def test_audit_paths_match_ignoring_underscores_and_hyphens():
    theme = vocabulary.get("voice-of-the-child")
    assert selectors.covers_question(theme, "golden-threads", "childs-voice", "seen")
    assert selectors.covers_question(theme, "recording", "journey", "wishes-feelings")
    assert not selectors.covers_question(theme, "recording", "journey", "journey-visible")


def test_detail_brings_audits_and_feedback_together(council, client_for):
    concerning = evidence.audit(council, person_id="W101", team="west", answer="no")
    evidence.audit(council, person_id="W102", team="west", answer="yes")
    care = evidence.audit(council, person_id="C103", team="cic", answer="no")
    item = evidence.feedback(council, consent=False)

    response = client_for("qa_lead").get(
        reverse("themes:detail", kwargs={"key": "voice-of-the-child"})
    )
    assert response.status_code == 200
    text = response.text
    assert "The voice of the child" in text
    assert reverse("audits:audit_detail", kwargs={"pk": concerning.pk}) in text
    assert reverse("feedback:detail", kwargs={"pk": item.pk}) in text
    assert "(not shared: no consent)" in text
    assert item.text not in text

    t = selectors.triangulation(council["users"]["qa_lead"], "voice-of-the-child")
    # Every linked question was answered by all three audits: one "yes", two "no".
    assert t.audits and all((r.yes, r.partly, r.no) == (1, 0, 2) for r in t.audits)
    for row in t.audits:
        assert {a.reference for a in row.concerning} == {concerning.reference, care.reference}


def test_counts_and_links_are_scoped(council):
    west = evidence.audit(council, person_id="W201", team="west", answer="no")
    care = evidence.audit(council, person_id="C202", team="cic", answer="no")
    evidence.feedback(council, team="east")
    evidence.feedback(council, team="cic")
    manager = council["users"]["service_manager"]  # Safeguarding: East and West
    t = selectors.triangulation(manager, "voice-of-the-child")
    refs = {a.reference for row in t.audits for a in row.concerning}
    assert west.reference in refs and care.reference not in refs
    assert all(row.no == 1 for row in t.audits)
    assert len(t.feedback) == 1 and t.feedback[0].team_name == "East"


def test_index_counts_by_source(council, client_for):
    evidence.audit(council, person_id="W301", team="west", answer="no")
    evidence.feedback(council, themes=("voice-of-the-child", "keeping-promises"))
    themes, free = selectors.theme_index(council["users"]["qa_lead"])
    voice = next(s for s in themes if s.theme.key == "voice-of-the-child")
    assert voice.feedback == 1
    assert voice.audit_answers > 0
    assert voice.indicators >= 2  # from the vocabulary's list
    assert [s.theme.key for s in free] == ["keeping-promises"]
    response = client_for("senior_leader").get(reverse("themes:index"))
    assert response.status_code == 200
    for theme in vocabulary.themes():
        assert reverse("themes:detail", kwargs={"key": theme.key}) in response.text
    assert "Keeping promises" in response.text


def test_free_tag_in_use_has_a_page_and_unknown_keys_are_404(council, client_for):
    evidence.feedback(council, themes=("keeping-promises",))
    client = client_for("qa_lead")
    assert (
        client.get(reverse("themes:detail", kwargs={"key": "keeping-promises"})).status_code == 200
    )
    assert client.get(reverse("themes:detail", kwargs={"key": "no-such-theme"})).status_code == 404
    assert client.get(reverse("themes:detail", kwargs={"key": "Not_A_Key"})).status_code == 404


def test_a_free_tag_outside_scope_is_404(council, client_for):
    evidence.feedback(council, team="cic", themes=("keeping-promises",))
    url = reverse("themes:detail", kwargs={"key": "keeping-promises"})
    assert client_for("team_manager").get(url).status_code == 404
    assert client_for("qa_lead").get(url).status_code == 200


@pytest.mark.parametrize("role", ["practitioner", "administrator"])
def test_practitioners_and_administrators_get_403(council, client_for, role):
    client = client_for(role)
    assert client.get(reverse("themes:index")).status_code == 403
    url = reverse("themes:detail", kwargs={"key": "voice-of-the-child"})
    assert client.get(url).status_code == 403


def test_actions_tagged_with_the_theme_are_shown_within_scope(council, client_for):
    # Three actions raised from the same feedback.
    raise_action = functools.partial(evidence.action, council, source=evidence.feedback(council))
    east = raise_action(
        team="east",
        issue="Children are not asked before meetings.",
        action="Visit every child before their review.",
        owner=council["users"]["team_manager"],
    )
    care = raise_action(
        team="cic", issue="Same in the care team.", action="Ask children in care before reviews."
    )
    untagged = raise_action(team="east", issue="Something else.", action="Unrelated.", themes=())
    urls = {
        e.url
        for e in selectors.action_evidence(council["users"]["team_manager"], "voice-of-the-child")
    }
    assert reverse("actions:detail", kwargs={"pk": east.pk}) in urls
    assert reverse("actions:detail", kwargs={"pk": care.pk}) not in urls
    assert reverse("actions:detail", kwargs={"pk": untagged.pk}) not in urls
    page = client_for("qa_lead").get(reverse("themes:detail", kwargs={"key": "voice-of-the-child"}))
    assert reverse("actions:detail", kwargs={"pk": care.pk}) in page.text


def test_the_staff_health_check_is_read_beside_the_other_sources(council, client_for):
    from lineofsight.feedback.tests.healthcheck_support import survey_with_answers

    survey_with_answers(council, {"east": 5}, value="agree", title="Spring check")
    url = reverse("themes:detail", kwargs={"key": "workforce-and-wellbeing"})
    html = client_for("senior_leader").get(url).content.decode()
    assert 'id="staff"' in html and "Spring check" in html
    # A theme no standard of the health check is linked to has no such section.
    other = reverse("themes:detail", kwargs={"key": "care-leavers"})
    assert 'id="staff"' not in client_for("senior_leader").get(other).content.decode()


def test_a_training_need_is_raised_from_a_theme(council, client_for):
    url = reverse("themes:detail", kwargs={"key": "voice-of-the-child"})
    html = client_for("qa_lead").get(url).content.decode()
    assert "Raise a training need" in html
    raise_url = re.search(r'href="([^"]*source_type=training_need[^"]*)"', html).group(1)
    form = client_for("qa_lead").get(raise_url.replace("&amp;", "&"))
    assert form.status_code == 200
    assert "Learning and development" in form.content.decode()
    # Roles that may not raise actions are not offered it.
    analyst = client_for("analyst").get(url).content.decode()
    assert "Raise a training need" not in analyst
