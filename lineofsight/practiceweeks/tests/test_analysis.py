from __future__ import annotations

import datetime

import pytest

from lineofsight.practiceweeks import analysis
from lineofsight.practiceweeks.models import Heading

from . import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("teams", "visited", "words"),
    [
        (5, 5, analysis.HIGH),
        (4, 8, analysis.HIGH),  # exactly the high share
        (3, 8, analysis.SOME),
        (2, 8, analysis.SOME),  # exactly the low share
        (1, 8, analysis.SMALL),
        (0, 8, analysis.NONE),
        (1, 0, analysis.NONE),
        # Fewer than 5 teams visited: too few for a share (issue 11).
        (4, 4, analysis.TOO_FEW),
        (1, 4, analysis.TOO_FEW),
    ],
)
def test_words_from_the_default_thresholds(teams, visited, words):
    assert analysis.share_words(teams, visited) == words


def test_thresholds_are_configurable(settings):
    settings.PRACTICE_WEEK_HIGH_SHARE = 0.75
    settings.PRACTICE_WEEK_LOW_SHARE = 0.5
    assert analysis.share_words(4, 8) == analysis.SOME
    assert analysis.share_words(6, 8) == analysis.HIGH
    assert analysis.share_words(3, 8) == analysis.SMALL


def _observe(council, week, team, assessor, tagged: dict[str, list[str]], texts=None):
    visit = factories.visit(council, week, team=team, assessor=assessor)
    return factories.observation(council, visit, submit=True, texts=texts, themes=tagged)


def test_themes_count_distinct_teams_and_split_strength_and_area(council):
    week = factories.week(council)
    sm, qa = council["users"]["service_manager"], council["users"]["qa_lead"]
    teams = council["teams"]
    # Two visits to the Care Team count as one team.
    _observe(council, week, teams["cic"], sm, {"Caseloads are high": ["workforce-and-wellbeing"]})
    _observe(council, week, teams["cic"], qa, {"Caseloads are high": ["workforce-and-wellbeing"]})
    _observe(
        council,
        week,
        teams["leavers"],
        sm,
        {
            "Managers are visible and supervision is regular": ["workforce-and-wellbeing"],
            "Direct work shows the child's wishes": ["voice-of-the-child"],
        },
    )
    _observe(council, week, teams["east"], qa, {})
    # A draft is not counted.
    draft_visit = factories.visit(council, week, team=teams["west"], assessor=qa)
    factories.observation(council, draft_visit, themes={"Caseloads are high": ["planning"]})

    result = analysis.week_analysis(week)
    assert result.visited == 3
    assert result.visits == 5 and result.drafts == 1
    counts = {c.key: c for c in result.themes}
    assert set(counts) == {"workforce-and-wellbeing", "voice-of-the-child"}
    workforce = counts["workforce-and-wellbeing"]
    assert workforce.count == 2
    assert [t.name for t in workforce.area_teams] == ["Care Team"]
    assert [t.name for t in workforce.strength_teams] == ["Leavers"]
    # Only 3 teams were visited: too few to say how widely, and every count is small.
    assert workforce.words == analysis.TOO_FEW
    assert counts["voice-of-the-child"].words == analysis.TOO_FEW
    assert (
        f"Seen in fewer than 5 of fewer than 5 teams visited ({analysis.TOO_FEW})"
        in workforce.sentence
    )
    assert result.themes[0].key == "workforce-and-wellbeing"  # most widely seen first

    leadership = next(h for h in result.headings if h.heading == Heading.LEADERSHIP)
    assert [t.key for t in leadership.themes] == ["workforce-and-wellbeing"]
    care_row = next(r for r in leadership.rows if r.team.name == "Care Team")
    assert len(care_row.observations) == 2
    assert [f.text for f in care_row.areas] == ["Caseloads are high", "Caseloads are high"]


def test_comparison_with_the_previous_week(council):
    sm = council["users"]["service_manager"]
    teams = council["teams"]
    before = factories.week(
        council, title="Autumn", starts_on=datetime.date.today() - datetime.timedelta(days=200)
    )
    # Planned for the past: the visits are made directly within that week.
    for team, tagged in (
        (teams["cic"], {"Caseloads are high": ["workforce-and-wellbeing", "planning"]}),
        (teams["leavers"], {"Caseloads are high": ["workforce-and-wellbeing"]}),
    ):
        visit = factories.visit(
            council, before, team=team, starts_at=factories.at(before.starts_on)
        )
        factories.observation(council, visit, submit=True, themes=tagged)
    now = factories.week(council, title="Spring")
    _observe(council, now, teams["cic"], sm, {"Caseloads are high": ["workforce-and-wellbeing"]})
    _observe(council, now, teams["leavers"], sm, {"Caseloads are high": ["recording"]})

    comparison = analysis.compare(analysis.week_analysis(now), analysis.week_analysis(before))
    assert comparison.previous == before
    assert [c.key for c in comparison.continuing] == ["workforce-and-wellbeing"]
    change = comparison.continuing[0]
    assert (change.then.count, change.now.count) == (2, 1)
    # Two teams visited in each week: too few to compare (issue 11).
    assert change.direction == analysis.CANNOT_COMPARE
    assert not comparison.comparable
    assert [c.key for c in comparison.new] == ["recording"]
    assert [c.key for c in comparison.gone] == ["planning"]
