"""The "Check my writing" page: findings highlighted where they stand, the three markers in
words, the text kept in the box to edit, and nothing of what was typed stored or logged."""

from __future__ import annotations

import logging

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.urls import reverse

from lineofsight.history.models import ChangeEvent
from lineofsight.recording import checker
from lineofsight.recording.annotate import annotate
from lineofsight.recording.forms_pages import TOO_LONG
from lineofsight.recording.usage import writing_check_uses

pytestmark = pytest.mark.django_db

# A word that appears nowhere else, so finding it anywhere means the text was kept.
SECRET = "Quillhaven"
DRAFT = (
    f"I visited {SECRET} at her placement with the LAC team. "
    "Maya said she wants to stay with her carers because she feels safe there."
)


def _url() -> str:
    return reverse("recording:check")


def test_signed_out_is_sent_to_sign_in_and_a_role_without_casework_is_refused(client_for):
    response = client_for(None).get(_url())
    assert response.status_code == 302 and "sign-in" in response["Location"]
    assert client_for("administrator").get(_url()).status_code == 403
    assert client_for("administrator").post(_url(), {"text": DRAFT}).status_code == 403


@pytest.mark.parametrize("role", ["practitioner", "team_manager", "qa_lead", "analyst"])
def test_every_role_that_sees_casework_may_check_their_writing(client_for, role):
    response = client_for(role).get(_url())
    assert response.status_code == 200
    assert "Nothing you type here is kept" in response.content.decode()


def test_the_text_comes_back_annotated_with_findings_and_markers(client_for):
    response = client_for("practitioner").post(
        _url(), {"text": DRAFT, "child": "Maya", "child_age": "9"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    # Highlighted where they stand, each with its number linking to the list.
    assert '<mark class="los-mark">' in page
    assert 'placement<span class="govuk-visually-hidden">]</span></mark>' in page
    assert 'href="#finding-1"' in page and 'id="finding-1"' in page
    result = checker.check(DRAFT, child="Maya", child_age=9)
    for finding in result.findings:
        assert finding.suggestion.replace("'", "&#x27;") in page
    # The markers, said as "may", with the words that show them.
    assert "May be there" in page and "May be missing" in page
    assert "“Maya said”" in page
    # The text stays in the box to edit and check again.
    assert "placement with the LAC team" in page.split("<textarea", 1)[1].split("</textarea>")[0]


def test_the_text_is_escaped_everywhere_it_is_shown(client_for):
    text = '<script>alert("x")</script> The placement & the <b>LAC</b> plan.'
    page = client_for("practitioner").post(_url(), {"text": text}).content.decode()
    assert "<script>alert" not in page and "<b>LAC</b>" not in page
    assert "&lt;script&gt;alert" in page


def test_nothing_typed_is_stored_or_logged_only_a_use_is_counted(client_for, caplog):
    caplog.set_level(logging.DEBUG)
    client = client_for("practitioner")
    client.get(_url())
    before = {m: m.objects.count() for m in apps.get_models()}
    uses = writing_check_uses()

    response = client.post(_url(), {"text": DRAFT, "child": "Maya", "child_age": "9"})
    assert response.status_code == 200
    live = client.post(reverse("recording:check_live"), {"text": DRAFT})
    assert live.status_code == 200

    after = {m: m.objects.count() for m in apps.get_models()}
    changed = {m._meta.label: after[m] - before[m] for m in after if after[m] != before[m]}
    assert changed == {"history.ChangeEvent": 1}  # the one use counted (the live check is not)
    assert writing_check_uses() == uses + 1
    use = ChangeEvent.objects.latest("pk")
    assert use.actor is None and use.changes == {}
    for model in apps.get_models():
        for row in model.objects.values_list():
            assert SECRET not in repr(row), f"{model._meta.label} kept the text"
    for session in Session.objects.all():
        assert SECRET not in repr(session.get_decoded())
    assert not [r for r in caplog.records if SECRET in r.getMessage()]
    assert SECRET not in response.get("Location", "")
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


def test_an_empty_text_gets_a_field_error(client_for):
    response = client_for("practitioner").post(_url(), {"text": "   "})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter or paste the text you want to check" in page
    assert 'href="#id_text"' in page  # the error summary links to the box
    assert writing_check_uses() == 0


def test_a_text_over_1_mb_gets_a_field_error_and_is_not_checked(client_for):
    response = client_for("practitioner").post(
        _url(), {"text": "a" * (checker.MAX_TEXT_CHARACTERS + 1)}
    )
    assert response.status_code == 400
    assert TOO_LONG in response.content.decode()
    assert writing_check_uses() == 0


def test_a_bad_age_gets_a_field_error_and_the_refusal_logs_no_text(client_for, caplog):
    caplog.set_level(logging.DEBUG)
    response = client_for("practitioner").post(_url(), {"text": DRAFT, "child_age": "two"})
    assert response.status_code == 400
    assert "Enter the child&#x27;s age as a whole number of years" in response.content.decode()
    assert SECRET in response.content.decode()  # still in the box to correct
    assert caplog.records  # the refusal is logged (Bad Request), without the text
    assert not [r for r in caplog.records if SECRET in r.getMessage()]


def test_the_live_check_answers_with_the_results_and_errors_as_json(client_for):
    client = client_for("practitioner")
    answer = client.post(reverse("recording:check_live"), {"text": DRAFT}).json()
    assert '<mark class="los-mark">placement' in answer["html"].replace(
        '<span class="govuk-visually-hidden">[finding 1: </span>', ""
    )
    refused = client.post(reverse("recording:check_live"), {"text": ""})
    assert refused.status_code == 400
    assert refused.json()["errors"]["text"] == ["Enter or paste the text you want to check"]
    assert client.get(reverse("recording:check_live")).status_code == 405
    assert client_for("administrator").post(reverse("recording:check_live")).status_code == 403


# -- annotate: the text cut at the findings' edges ---------------------------------------------


def test_overlapping_findings_print_each_character_once_and_name_every_finding():
    text = "The LAC review was held."
    result = checker.check(text)
    lac = [f for f in result.findings if f.text.startswith("LAC")]
    assert len(lac) >= 2, result.findings  # an acronym that is also a discouraged term
    annotated = annotate(text, result)
    assert "".join(s.text for s in annotated.segments) == text
    covered = [s for s in annotated.segments if len(s.numbers) > 1]
    assert covered and covered[0].text in ("LAC", "LAC review")
    ended = [f.number for s in annotated.segments for f in s.ends]
    assert sorted(ended) == [f.number for f in annotated.findings if f.in_place]


def test_a_finding_about_the_whole_text_is_listed_but_marks_nothing():
    result = checker.Result(
        child_voice=False,
        analysis=False,
        decision_rationale=False,
        findings=(
            checker.Finding("hard-to-read", 0, 0, "", "It may be hard to read.", "Shorter.", "G"),
        ),
    )
    annotated = annotate("Some text.", result, key="n1")
    assert annotated.segments[0].text == "Some text." and not annotated.segments[0].marked
    assert annotated.findings[0].anchor == "finding-n1-1"
    assert not annotated.findings[0].in_place
