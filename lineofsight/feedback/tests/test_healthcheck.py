"""The staff health check: scoring worked by hand, the bands, the comparison with the previous
survey, and the rules that keep answers anonymous (no person or link on an answer, nothing for a
team of fewer than 5, not even a count, on the page, in the CSV export or in the themes)."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.core import mail
from django.db import models
from django.urls import reverse
from django.utils import timezone

from lineofsight.accounts.models import User
from lineofsight.feedback import healthcheck_selectors as hc_selectors
from lineofsight.feedback import healthcheck_services as hc_services
from lineofsight.feedback import services
from lineofsight.feedback.healthcheck_demo import make_demo_health_check
from lineofsight.feedback.models import FeedbackLink, HealthCheck, HealthCheckAnswer
from lineofsight.history.models import ChangeEvent

from .healthcheck_support import (
    add_staff,
    all_answers,
    answer,
    close,
    open_survey,
    send_links,
    survey_with_answers,
)

pytestmark = pytest.mark.django_db


def _score(result, group_name, key):
    groups = [result.council, *result.teams]
    group = next(g for g in groups if g.name == group_name)
    return next(s for s in group.standards if s.key == key)


def test_scores_worked_by_hand(council):
    """Five people in East. Wellbeing (3 statements): three answer agree (75), two strongly
    disagree (0): (9 x 75 + 6 x 0) / 15 = 45, low. Safe workloads (4 statements): two answer
    neither (50), three agree (75): (8 x 50 + 12 x 75) / 20 = 65, moderate. Supervision: all
    strongly agree, 100, high. Registration: all disagree (25), low."""
    add_staff(council, "east", 5)
    survey = open_survey(council, ("east",))
    links = [p for e, p in send_links(council, survey).items() if e.startswith("east-")]
    plan = [
        ("agree", "neither"),
        ("agree", "neither"),
        ("agree", "agree"),
        ("strongly-disagree", "agree"),
        ("strongly-disagree", "agree"),
    ]
    for path, (wellbeing, workloads) in zip(links, plan, strict=True):
        answers = all_answers(
            survey,
            "disagree",
            wellbeing=wellbeing,
            workloads=workloads,
            supervision="strongly-agree",
        )
        assert answer(path, answers).status_code == 302
    close(council, survey)
    result = hc_selectors.results(survey)
    assert result.council.answered == 5
    wellbeing = _score(result, "Whole council", "wellbeing")
    assert (wellbeing.score, wellbeing.band.key) == (45, "low")
    workloads = _score(result, "Whole council", "workloads")
    assert (workloads.score, workloads.band.key) == (65, "moderate")
    supervision = _score(result, "Whole council", "supervision")
    assert (supervision.score, supervision.band.key) == (100, "high")
    assert _score(result, "East", "registration").score == 25


def test_bands_and_rounding():
    assert [hc_selectors.band_for(n).key for n in (0, 49, 50, 74, 75, 100)] == [
        "low",
        "low",
        "moderate",
        "moderate",
        "high",
        "high",
    ]
    survey = HealthCheck(
        standards=[{"key": "s", "name": "S", "items": [{"key": "a", "text": "A"}]}],
        scale=[{"key": "y", "label": "Y", "score": 75}, {"key": "n", "label": "N", "score": 0}],
    )
    # (75 + 0) / 2 = 37.5: halves round up.
    assert hc_selectors.score_answers(survey, [{"a": "y"}, {"a": "n"}]) == {"s": 38}


def test_compared_with_the_previous_survey(council):
    earlier = survey_with_answers(council, {"east": 5}, value="disagree", title="Last year")
    HealthCheck.objects.filter(pk=earlier.pk).update(
        opens_on=timezone.localdate() - datetime.timedelta(days=400),
        closes_on=timezone.localdate() - datetime.timedelta(days=370),
    )
    later = open_survey(council, ("east",), title="This year")
    links = [p for e, p in send_links(council, later).items() if e.startswith("east-")]
    for path in links:
        answer(path, all_answers(later, "agree"))
    close(council, later)
    result = hc_selectors.results(later)
    assert result.previous.pk == earlier.pk
    wellbeing = _score(result, "Whole council", "wellbeing")
    assert (wellbeing.score, wellbeing.previous, wellbeing.difference) == (75, 25, 50)
    assert _score(result, "East", "wellbeing").difference_text == "+50"


def test_an_answer_holds_no_person_no_link_and_no_time(council):
    fields = {f.name for f in HealthCheckAnswer._meta.get_fields()}
    assert fields == {"id", "health_check", "team", "answers"}
    related = {f.related_model for f in HealthCheckAnswer._meta.get_fields() if f.is_relation}
    assert User not in related and FeedbackLink not in related
    assert not any(
        isinstance(f, models.DateField | models.DateTimeField)
        for f in HealthCheckAnswer._meta.get_fields()
    )
    survey = survey_with_answers(council, {"east": 5})
    saved = HealthCheckAnswer.objects.filter(health_check=survey)
    assert saved.count() == 5
    # The history says links were used, and never names an answer.
    answer_ids = {str(a.pk) for a in saved}
    assert not ChangeEvent.objects.filter(object_id__in=answer_ids).exists()
    assert not ChangeEvent.objects.filter(object_type="feedback.healthcheckanswer").exists()
    assert ChangeEvent.objects.filter(action="healthcheck_link_use").count() == 5


def _four_team_survey(council):
    """East 6 and Care Team 5 shown; West 4 and Leavers 1 hidden (5 left out together)."""
    return survey_with_answers(council, {"east": 6, "cic": 5, "west": 4, "leavers": 1})


def test_a_team_of_four_shows_nothing_on_the_page(council, client_for):
    survey = _four_team_survey(council)
    page = client_for("qa_lead").get(reverse("feedback:healthcheck_results", args=[survey.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "East" in text and "Care Team" in text
    assert "West" not in text and "Leavers" not in text
    assert "16 people answered" in text and "6 people answered" in text
    assert "4 people" not in text and "1 people" not in text
    # Only aggregates: no answer's id, no statement's text, nothing per person.
    for saved in HealthCheckAnswer.objects.all():
        assert str(saved.pk) not in text
    assert "I feel valued as a social worker" not in text


def test_a_team_of_four_is_not_in_the_csv(council, client_for):
    survey = _four_team_survey(council)
    response = client_for("qa_lead").get(
        reverse("feedback:healthcheck_results_csv", args=[survey.pk])
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    groups = {row[0] for row in rows[1:]}
    assert groups == {"Whole council", "East", "Care Team"}
    assert len(rows) == 1 + 3 * 8
    assert all(row[1] in {"16", "6", "5"} for row in rows[1:])


def test_a_team_of_four_is_not_in_the_theme_evidence(council):
    _four_team_survey(council)
    evidence = hc_selectors.healthcheck_for_theme(
        council["users"]["qa_lead"], "workforce-and-wellbeing"
    )
    teams = {e.team_name for e in evidence}
    assert teams == {"", "East", "Care Team"}
    assert len(evidence) == 3 * 8  # every standard bears on workforce and wellbeing
    assert not any("West" in e.summary or "Leavers" in e.summary for e in evidence)
    # A team manager sees the council's figures and their own team's only.
    mine = hc_selectors.healthcheck_for_theme(
        council["users"]["team_manager"], "workforce-and-wellbeing"
    )
    assert {e.team_name for e in mine} == {"", "East"}
    assert (
        hc_selectors.healthcheck_for_theme(
            council["users"]["practitioner"], "workforce-and-wellbeing"
        )
        == []
    )
    supervision_only = hc_selectors.healthcheck_for_theme(
        council["users"]["qa_lead"], "leadership-and-oversight"
    )
    assert {e.title.split(":")[0] for e in supervision_only} == {
        "A clear framework for social work and who is accountable for it",
        "Supervision that works",
    }


def test_one_more_team_is_left_out_when_the_rest_could_be_worked_out(council):
    """East 5 and West 4: showing East beside the council's figures would give West's."""
    survey = survey_with_answers(council, {"east": 5, "west": 4})
    result = hc_selectors.results(survey)
    assert result.council.answered == 9
    assert result.teams == []


def test_fewer_than_five_in_all_shows_nothing(council, client_for):
    survey = survey_with_answers(council, {"east": 4})
    assert hc_selectors.results(survey).council is None
    assert hc_selectors.latest_health_check_summary() is None
    page = client_for("qa_lead").get(reverse("feedback:healthcheck_results", args=[survey.pk]))
    assert "fewer than 5 people answered" in page.content.decode()
    rows = list(
        csv.reader(
            io.StringIO(
                client_for("qa_lead")
                .get(reverse("feedback:healthcheck_results_csv", args=[survey.pk]))
                .content.decode()
            )
        )
    )
    assert len(rows) == 1


def test_no_results_while_the_survey_is_open(council, client_for):
    add_staff(council, "east", 5)
    survey = open_survey(council, ("east",))
    for email, path in send_links(council, survey).items():
        if email.startswith("east-"):
            answer(path, all_answers(survey, "agree"))
    assert hc_selectors.results(survey).council is None
    page = client_for("qa_lead").get(reverse("feedback:healthcheck_results", args=[survey.pk]))
    assert "Results are shown once the survey has closed" in page.content.decode()


def test_summary_for_the_committee_report(council):
    _four_team_survey(council)
    summary = hc_selectors.latest_health_check_summary()
    assert summary["answered"] == 16
    assert summary["teams_shown"] == 2
    assert [s["key"] for s in summary["standards"]][:2] == ["accountability", "workforce-planning"]
    assert all(s["score"] == 75 and s["band"] == "High" for s in summary["standards"])


def test_links_are_emailed_one_per_person_and_only_hashed(council):
    add_staff(council, "east", 3)
    add_staff(council, "west", 2)
    # Someone in two of the survey's teams gets one link.
    council["users"]["practitioner"].memberships.create(team=council["teams"]["west"])
    survey = open_survey(council)
    sent = send_links(council, survey)
    # 3 + 2 new staff, and the practitioner and team manager of East.
    assert len(sent) == 7 and len(mail.outbox) == 7
    assert FeedbackLink.objects.filter(health_check=survey).count() == 7
    assert send_links(council, survey) == {}
    again = hc_services.healthcheck_send_links(
        actor=council["users"]["qa_lead"], health_check=survey
    )
    assert (again.sent, again.already) == (0, 7)
    token = sent["east-0@example.org"].rstrip("/").rsplit("/", 1)[1]
    assert not FeedbackLink.objects.filter(token_hash=token).exists()
    assert FeedbackLink.objects.filter(token_hash=services.token_hash(token)).exists()
    assert ChangeEvent.objects.filter(action="healthcheck_open").exists()
    assert ChangeEvent.objects.filter(action="healthcheck_send_links").exists()


def test_a_link_records_its_team_and_is_used_once(council):
    add_staff(council, "west", 1)
    survey = open_survey(council)
    path = send_links(council, survey)["west-0@example.org"]
    assert answer(path, all_answers(survey, "agree")).status_code == 302
    saved = HealthCheckAnswer.objects.get()
    assert saved.team == council["teams"]["west"]
    again = answer(path, all_answers(survey, "disagree"))
    assert again.status_code == 404
    assert "already been used, has expired" in again.content.decode()
    assert HealthCheckAnswer.objects.count() == 1
    assert FeedbackLink.objects.get(token_hash=services.token_hash(path.split("/")[-2])).used_at


def test_an_unanswered_statement_is_an_error_and_uses_nothing(council):
    add_staff(council, "east", 1)
    survey = open_survey(council, ("east",))
    path = send_links(council, survey)["east-0@example.org"]
    answers = all_answers(survey, "agree")
    answers.pop("wellbeing-safe")
    response = answer(path, answers)
    assert response.status_code == 400
    assert "Choose an answer for this statement" in response.content.decode()
    assert not HealthCheckAnswer.objects.exists()
    assert answer(path, all_answers(survey, "agree")).status_code == 302


def test_expired_and_closed_links_do_not_work(council):
    add_staff(council, "east", 2)
    survey = open_survey(council, ("east",))
    links = send_links(council, survey)
    first, second = links["east-0@example.org"], links["east-1@example.org"]
    FeedbackLink.objects.filter(token_hash=services.token_hash(first.split("/")[-2])).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert answer(first, all_answers(survey, "agree")).status_code == 404
    close(council, survey)
    assert answer(second, all_answers(survey, "agree")).status_code == 404
    assert not HealthCheckAnswer.objects.exists()


def test_links_do_not_cross_between_feedback_and_the_health_check(council, client):
    add_staff(council, "east", 1)
    survey = open_survey(council, ("east",))
    path = send_links(council, survey)["east-0@example.org"]
    token = path.split("/")[-2]
    assert client.get(reverse("feedback:public", kwargs={"token": token})).status_code == 404
    child = services.feedback_link_create(
        actor=council["users"]["practitioner"], team=council["teams"]["east"], for_whom="child"
    )
    url = reverse("feedback:healthcheck_public", kwargs={"token": child.token})
    assert client.get(url).status_code == 404
    with pytest.raises(services.FeedbackError):
        services.feedback_link_create(
            actor=council["users"]["practitioner"],
            team=council["teams"]["east"],
            for_whom="staff",
        )


def test_bad_links_are_throttled(council, client, settings):
    settings.FEEDBACK_LINK_MAX_FAILURES = 3
    add_staff(council, "east", 1)
    survey = open_survey(council, ("east",))
    path = send_links(council, survey)["east-0@example.org"]
    for n in range(3):
        bad = reverse("feedback:healthcheck_public", kwargs={"token": f"made-up-token-{n:04d}-xx"})
        assert client.get(bad).status_code == 404
    # Even a good link waits now.
    assert client.get(path).status_code == 429
    assert not HealthCheckAnswer.objects.exists()


def test_the_public_page_needs_no_sign_in_and_shows_the_statements(council, client):
    add_staff(council, "east", 1)
    survey = open_survey(council, ("east",))
    path = send_links(council, survey)["east-0@example.org"]
    page = client.get(path)
    assert page.status_code == 200
    text = page.content.decode()
    assert "I feel valued as a social worker in this council." in text
    assert "Strongly disagree" in text
    assert "no-store" in page["Cache-Control"]
    done = answer(path, all_answers(survey, "agree"), client)
    assert done.url == reverse("feedback:healthcheck_thanks")
    thanks = client.get(done.url).content.decode()
    # Nothing that was sent is shown back.
    assert "agree" not in thanks.lower()


def test_staff_pages_open_send_and_close(council, client_for):
    add_staff(council, "east", 2)
    lead = client_for("qa_lead")
    today = timezone.localdate()
    response = lead.post(
        reverse("feedback:healthcheck_create"),
        {
            "title": "Spring survey",
            "opens_on": today.strftime("%d/%m/%Y"),
            "closes_on": (today + datetime.timedelta(days=7)).strftime("%d/%m/%Y"),
            "teams": [council["teams"]["east"].pk],
        },
    )
    survey = HealthCheck.objects.get()
    assert response.url == reverse("feedback:healthcheck_detail", args=[survey.pk])
    sent = lead.post(reverse("feedback:healthcheck_send", args=[survey.pk]), follow=True)
    assert "Links sent: 4." in sent.content.decode()
    closed = lead.post(
        reverse("feedback:healthcheck_close", args=[survey.pk]),
        {"version": survey.version},
        follow=True,
    )
    assert "The survey is closed" in closed.content.decode()
    survey.refresh_from_db()
    assert survey.is_closed()
    # A second close from the old page changes nothing.
    stale = lead.post(
        reverse("feedback:healthcheck_close", args=[survey.pk]), {"version": 1}, follow=True
    )
    assert "changed or closed since" in stale.content.decode()
    # Other roles may not run the health check.
    assert client_for("team_manager").get(reverse("feedback:healthcheck_list")).status_code == 403
    bad = lead.post(reverse("feedback:healthcheck_create"), {"title": ""})
    assert bad.status_code == 400


def test_the_demo_is_idempotent(council):
    actor = council["users"]["qa_lead"]
    first = make_demo_health_check(actor=actor)
    assert len(first) == 2
    assert HealthCheck.objects.count() == 2
    latest = HealthCheck.objects.get(title="Staff health check, this year")
    result = hc_selectors.results(latest)
    assert result.previous is not None and result.previous.title == "Staff health check, last year"
    # Care Team (7) and East (6) shown; Leavers (3) and West (2) never.
    assert [g.name for g in result.teams] == ["Care Team", "East"]
    assert result.council.answered == 18
    assert all(s.previous is not None for s in result.council.standards)
    assert make_demo_health_check(actor=actor) == []  # already there: nothing more is made
    assert HealthCheck.objects.count() == 2
    assert HealthCheckAnswer.objects.count() == 36
