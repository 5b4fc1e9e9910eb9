"""Line of sight on the framework's standards: the audit share and its interval worked out by
hand from known answers in two periods, small numbers suppressed, everything scoped as the
practice theme pages are, and the pages."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from lineofsight.framework import content
from lineofsight.standards import selectors
from lineofsight.standards.tests import factories
from lineofsight.themes.tests import evidence
from lineofsight.web.figures import FEWER_THAN_5, SUPPRESSED

pytestmark = pytest.mark.django_db

STANDARD = factories.STANDARD
_audit = factories.voice_audit


@pytest.fixture
def two_periods(council):
    """This period (the last 12 months): 9 of 11 answered "yes", 1 not applicable.
    The 12 months before: 6 of 8 answered "yes"."""
    _audit(council, "E1", "east", ("yes", "yes", "partly", "not_applicable"))  # 2 of 3
    _audit(council, "E2", "east", ("yes", "yes", "yes", "no"))  # 3 of 4
    _audit(council, "W3", "west", ("yes", "yes", "yes", "yes"))  # 4 of 4
    _audit(council, "E4", "east", ("yes", "yes", "yes", "yes"), days_ago=400)  # 4 of 4
    _audit(council, "W5", "west", ("yes", "yes", "no", "no"), days_ago=400)  # 2 of 4


def test_audit_share_and_interval_in_two_periods(council, two_periods):
    found = selectors.line_of_sight(council["users"]["qa_lead"], STANDARD)
    now, before = found.audit_now, found.audit_before
    assert (now.yes, now.answered, now.not_applicable) == (9, 11, 1)
    assert now.share_text == "82%"
    # Wilson: p = 9/11, z = 1.96: (p + z²/2n ± z√(p(1-p)/n + z²/4n²)) / (1 + z²/n)
    assert now.interval == pytest.approx((0.5230, 0.9486), abs=1e-4)
    assert now.interval_text == "52% to 95%"
    assert (before.yes, before.answered) == (6, 8)
    assert before.share_text == "75%"
    assert before.interval_text == "41% to 93%"
    # The questions behind it, this period, with the audit answered "no" linked.
    no_rows = [r for r in found.audit_rows if r.no]
    assert len(no_rows) == 1
    assert [a.reference for a in no_rows[0].concerning] == [f"A-{_pk(council, 'E2'):05d}"]


def test_a_team_manager_counts_only_their_teams_audits_and_small_shares_are_withheld(
    council, two_periods, client_for
):
    found = selectors.line_of_sight(council["users"]["team_manager"], STANDARD)  # East only
    assert (found.audit_now.yes, found.audit_now.answered) == (5, 7)
    assert found.audit_now.interval_text == "36% to 92%"
    # Before: East's one audit, 4 of 4 "yes": both counts are small, so no share, no interval.
    assert (found.audit_before.yes, found.audit_before.answered) == (4, 4)
    assert found.audit_before.share_text == SUPPRESSED
    assert found.audit_before.interval_text == ""
    assert found.audit_before.answered_text == FEWER_THAN_5
    # The service manager sees both teams of their service.
    service = selectors.line_of_sight(council["users"]["service_manager"], STANDARD)
    assert (service.audit_now.yes, service.audit_now.answered) == (9, 11)

    html = client_for("team_manager").get(reverse("standards:detail", kwargs={"key": STANDARD}))
    html = html.content.decode()
    assert "71%" in html and "36% to 92%" in html
    assert "82%" not in html  # West's answers are not counted for East's manager
    assert SUPPRESSED in html


def test_the_period_is_chosen_by_the_query_string(council, two_periods):
    user = council["users"]["qa_lead"]
    today = timezone.localdate()
    six = selectors.line_of_sight(user, STANDARD, "6m")
    assert six.choice.key == "6m"
    assert six.choice.current.end == today
    assert six.choice.previous.end == six.choice.current.start - datetime.timedelta(days=1)
    assert (six.audit_now.yes, six.audit_now.answered) == (9, 11)
    assert six.audit_before.answered == 0
    assert six.audit_before.share_text == "No data"
    nonsense = selectors.line_of_sight(user, STANDARD, "forever")
    assert nonsense.choice.key == selectors.DEFAULT_PERIOD


def test_periods_and_quarters_since_the_launch():
    framework = content.default()
    today = datetime.date(2026, 12, 6)
    choices = selectors.period_choices(framework, today)
    first = choices[0]
    assert first.current == selectors.Period(datetime.date(2025, 12, 7), today)
    assert first.previous == selectors.Period(
        datetime.date(2024, 12, 7), datetime.date(2025, 12, 6)
    )
    fy = {c.key: c for c in choices}
    assert set(fy) >= {"fy2026", "fy2025"} and "fy2024" not in fy  # launched April 2025
    assert fy["fy2025"].current == selectors.Period(
        datetime.date(2025, 4, 1), datetime.date(2026, 3, 31)
    )
    quarters = selectors.quarters_since(datetime.date(2025, 4, 1), today)
    assert len(quarters) == 7
    assert quarters[0] == selectors.Period(datetime.date(2025, 4, 1), datetime.date(2025, 6, 30))
    assert quarters[-1] == selectors.Period(datetime.date(2026, 10, 1), today)
    assert selectors.quarter_label(quarters[-1]) == "October to December 2026 (to 6 December 2026)"


def test_audit_share_each_quarter_since_the_launch(council, two_periods):
    found = selectors.line_of_sight(council["users"]["qa_lead"], STANDARD)
    by_quarter = {q.period: q.share for q in found.quarters}
    assert sum(s.answered for s in by_quarter.values()) == 19  # every answer counted once
    latest = found.quarters[-1]
    assert latest.period.holds(timezone.localdate())
    assert (latest.share.yes, latest.share.answered) == (9, 11)


def test_feedback_and_actions_tagged_with_the_standards_themes(council):
    item = evidence.feedback(council, team="east", by="qa_lead")
    evidence.action(council, team="east", issue="Ask every child first.", source=item)
    evidence.feedback(council, team="west", by="qa_lead")
    manager = selectors.line_of_sight(council["users"]["team_manager"], STANDARD)
    assert manager.feedback_now.total == 1  # not West's
    assert manager.feedback_now.total_text == FEWER_THAN_5
    assert (manager.actions.open, manager.actions.overdue, manager.actions.raised_now) == (1, 0, 1)
    assert manager.actions.open_text == FEWER_THAN_5
    qa = selectors.line_of_sight(council["users"]["qa_lead"], STANDARD)
    assert qa.feedback_now.total == 2
    # A standard whose themes do not include the feedback's has none of it.
    plans = selectors.line_of_sight(council["users"]["qa_lead"], "plans")
    assert plans.feedback_now.total == 0 and plans.actions.open == 0


def test_index_headlines(council, two_periods):
    index = selectors.standards_index(council["users"]["qa_lead"])
    visits = next(h for h in index.headlines if h.item.key == STANDARD)
    assert (visits.now.yes, visits.now.answered, visits.before.yes) == (9, 11, 6)
    assert visits.indicators == 3
    families = next(h for h in index.headlines if h.item.key == "families")
    assert families.indicators == 0


def test_evaluation_says_where_there_is_no_data_yet(council):
    framework, measures = selectors.evaluation(council["users"]["qa_lead"])
    by_key = {m.item.key: m for m in measures}
    assert set(by_key) == {m.key for m in framework.measures}
    # Workers' morale (a staff survey) has nothing linked that the product counts.
    assert by_key["morale"].no_data == [
        "No data yet: nothing the product counts is linked to this measure."
    ]
    # Less pressure on workers is linked to caseload indicators, but no case data is imported:
    # the page says so rather than showing points.
    assert by_key["pressure"].no_data == []
    assert by_key["pressure"].trends.trends == []
    assert by_key["pressure"].trends.note == "No data yet: no case data has been imported."


# -- the pages ---------------------------------------------------------------------------------


def test_pages_show_the_evidence_and_link_to_it(council, client_for, two_periods):
    client = client_for("qa_lead")
    index = client.get(reverse("standards:index")).content.decode()
    assert reverse("standards:detail", kwargs={"key": STANDARD}) + "?period=12m" in index
    assert "82%" in index and "75%" in index

    page = client.get(reverse("standards:detail", kwargs={"key": STANDARD}) + "?period=12m")
    html = page.content.decode()
    assert page.status_code == 200
    assert "52% to 95%" in html and "41% to 93%" in html
    assert reverse("themes:detail", kwargs={"key": "voice-of-the-child"}) in html
    assert reverse("indicators:detail", args=["cp_visits_in_time_pct"]) in html
    assert reverse("actions:board") + "#theme-voice-of-the-child" in html
    assert reverse("audits:audit_detail", kwargs={"pk": _pk(council, "E2")}) in html
    assert 'name="period"' in html and 'method="get"' in html

    evaluation = client.get(reverse("standards:evaluation")).content.decode()
    assert "Evaluating the framework" in evaluation
    assert "No data yet:" in evaluation


def _pk(council, person_id: str) -> int:
    from lineofsight.audits.models import Audit

    return Audit.objects.get(person_id=person_id).pk


def test_an_unknown_standard_is_404(client_for, council):
    response = client_for("qa_lead").get(reverse("standards:detail", kwargs={"key": "no-such"}))
    assert response.status_code == 404


def test_practitioners_may_not_read_the_pages(client_for, council):
    response = client_for("practitioner").get(reverse("standards:index"))
    assert response.status_code == 403


def test_indicator_trend_each_quarter_end_from_the_current_case_data(council):
    from lineofsight.indicators import engine, presentation
    from lineofsight.indicators.tests.handmade import AS_AT, handmade_snapshot

    snapshot = handmade_snapshot()
    trends = selectors.indicator_trends(
        council["users"]["qa_lead"],
        ["referrals", "not-an-indicator"],
        datetime.date(2024, 4, 1),
        datetime.date(2025, 8, 15),
    )
    assert trends.as_at == AS_AT
    # Whole quarters since the launch; the one under way (to 15 August 2025) is not a point.
    assert trends.ends == [
        datetime.date(2024, 6, 30),
        datetime.date(2024, 9, 30),
        datetime.date(2024, 12, 31),
        datetime.date(2025, 3, 31),
        datetime.date(2025, 6, 30),
    ]
    [referrals] = trends.trends  # an id the catalogue does not have is left out
    monthly = engine.trend(
        snapshot=snapshot, period_end=datetime.date(2025, 3, 31), months=10, ids=["referrals"]
    )["referrals"]
    expected = {p.period_end: p.text for p in presentation.chart_points(monthly)}
    texts = [text for _, text in referrals.points]
    assert texts[:4] == [expected[e] for e in trends.ends[:4]]
    assert FEWER_THAN_5 in texts  # the year to 30 June 2024 counts 2 referrals
    assert not {"1", "2", "3", "4"} & set(texts)
    # The quarter ending after the date the case data describes has no point.
    assert texts[-1] == "No data"
