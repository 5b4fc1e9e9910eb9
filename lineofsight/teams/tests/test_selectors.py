"""The team figures, worked by hand (tests/snapshots.py and tests/records.py say how)."""

from __future__ import annotations

import pytest

from lineofsight.teams import selectors
from lineofsight.teams.selectors import AGENCY, AUDITS, CASELOAD, TURNOVER

from . import records
from .snapshots import PERIOD_END, teams_snapshot

pytestmark = pytest.mark.django_db


def _lines(user) -> dict[str, selectors.TeamLine]:
    return {line.team.name: line for line in selectors.teams_for(user).lines}


def test_east_figures_worked_by_hand(council):
    teams_snapshot()
    records.supervision(council)
    records.audits(council)
    found = selectors.teams_for(council["users"]["qa_lead"])
    assert found.period_end == PERIOD_END
    east = {line.team.name: line for line in found.lines}["East"]
    assert east.children == 30 and east.children_text == "30"
    assert (east.flagged.numerator, east.flagged.denominator, east.flagged.text) == (6, 30, "20.0%")
    assert [(f.flag.id, f.text) for f in east.flags] == [
        ("visit_overdue", "6"),
        ("cp_plan_9m", "fewer than 5"),
    ]
    assert east.measure(CASELOAD).figure.text == "6.0"
    assert east.measure(AGENCY).figure.text == "33.3%"
    assert east.measure(TURNOVER).figure.text == "50.0%"
    assert east.measure(AUDITS).figure.text == "83.3%"
    assert (east.supervision.numerator, east.supervision.denominator) == (5, 7)
    assert east.supervision.text == "71.4%"


def test_small_numbers_are_withheld(council):
    teams_snapshot()
    records.supervision(council)
    west = _lines(council["users"]["qa_lead"])["West"]
    assert west.children == 3 and west.children_text == "fewer than 5"
    assert west.flagged.numerator_text == "fewer than 5"
    assert west.flagged.text == "suppressed: fewer than 5"
    for indicator_id in (CASELOAD, AGENCY, TURNOVER):
        figure = west.measure(indicator_id).figure
        assert figure.suppressed and figure.text == "suppressed: fewer than 5", indicator_id
    assert west.supervision.text == "suppressed: fewer than 5"
    assert west.measure(AUDITS).figure.no_data  # no audits: "No data", never 0%


def test_council_only_figures_once_for_those_who_see_the_council(council):
    teams_snapshot()
    found = selectors.teams_for(council["users"]["senior_leader"])
    assert found.census
    assert [(m.indicator.id, m.figure.text) for m in found.council] == [
        ("vacancy_pct", "29.4%"),
        ("csww_agency_worker_pct", "33.3%"),
    ]
    # A service manager sees their teams' figures, never the council's.
    mine = selectors.teams_for(council["users"]["service_manager"])
    assert mine.census and mine.council == []


def test_without_a_census_no_council_figures_and_no_turnover(council):
    teams_snapshot(census=False)
    found = selectors.teams_for(council["users"]["qa_lead"])
    assert not found.census and found.council == []
    east = {line.team.name: line for line in found.lines}["East"]
    assert east.measure(TURNOVER).figure.no_data
    assert east.measure(CASELOAD).figure.text == "6.0"


def test_without_casework_only_supervision(council):
    records.supervision(council)
    found = selectors.teams_for(council["users"]["service_manager"])
    assert found.snapshot is None
    east = {line.team.name: line for line in found.lines}["East"]
    assert east.children is None and east.children_text == "No data"
    assert all(m.figure.no_data for m in east.measures.values())
    assert east.supervision.text == "71.4%"


@pytest.mark.parametrize(
    "role, teams",
    [
        ("service_manager", ["East", "West"]),
        ("team_manager", ["East"]),
        ("qa_lead", ["Care Team", "Leavers", "East", "West"]),
        ("analyst", ["Care Team", "Leavers", "East", "West"]),
    ],
)
def test_only_the_teams_the_user_may_see(council, role, teams):
    teams_snapshot()
    assert [line.team.name for line in selectors.teams_for(council["users"][role]).lines] == teams


def test_supervision_evidence_only_for_those_who_lead_it(council):
    teams_snapshot()
    east = council["teams"]["east"]
    assert _lines(council["users"]["team_manager"])["East"].supervision_href.endswith(
        f"/one-to-one/teams/{east.pk}/"
    )
    assert _lines(council["users"]["service_manager"])["East"].supervision_href == ""


def test_audit_grades_by_team_match_the_indicators_by_team(council):
    """One read of the rows behind the figure gives each team what the indicators give it."""
    from lineofsight.accounts.models import Team
    from lineofsight.indicators import by_team

    snapshot = teams_snapshot()
    records.audits(council)
    teams = list(Team.objects.all())
    expected = by_team.team_values(
        snapshot=snapshot, indicator_id=AUDITS, period_end=PERIOD_END, teams=teams
    )
    found = selectors.teams_for(council["users"]["qa_lead"])
    for line in found.lines:
        value = expected[line.team.pk]
        figure = line.measure(AUDITS).figure
        assert (figure.value, figure.no_data) == (value.value, value.value is None), line.team.name
    assert expected[council["teams"]["east"].pk].value == pytest.approx(500 / 6)


def test_core_training_coverage_for_those_who_read_the_workforce(council):
    """East: the team manager and seven practitioners (8 members), six attended the core
    course: 75%. West: three members, withheld. Analysts do not read the workforce pages."""
    from lineofsight.accounts.models import User
    from lineofsight.workforce import services
    from lineofsight.workforce.tests import factories

    teams_snapshot()
    records.supervision(council)
    core = factories.course(council, "Core one")
    factories.course(council, "Optional", core=False)
    session = factories.session(council, core)
    east = User.objects.filter(memberships__team=council["teams"]["east"]).order_by("pk")
    west = User.objects.filter(memberships__team=council["teams"]["west"])
    for person in [*east[:6], *west]:
        services.attendance_record(
            actor=council["users"]["qa_lead"], session=session, worker=person, attended=True
        )
    found = selectors.teams_for(council["users"]["service_manager"])
    assert [c.title for c in found.core_courses] == ["Core one"]
    lines = {line.team.name: line for line in found.lines}
    assert [(c.attended, c.members, c.text) for c in lines["East"].training] == [(6, 8, "75%")]
    assert [c.text for c in lines["West"].training] == ["suppressed: fewer than 5"]
    analyst = selectors.teams_for(council["users"]["analyst"])
    assert analyst.core_courses is None
    assert all(line.training == [] for line in analyst.lines)


def _health_check(council, east: int, west: int) -> None:
    """A closed survey of East and West: `east` of East's staff and `west` of West's answer;
    every statement "agree" (75, high) but supervision, "disagree" (25, low)."""
    from lineofsight.feedback.tests import healthcheck_support as hc

    hc.add_staff(council, "east", 6)
    hc.add_staff(council, "west", 6)
    survey = hc.open_survey(council, ("east", "west"))
    links = hc.send_links(council, survey)
    for team, n in (("east", east), ("west", west)):
        for path in [p for e, p in sorted(links.items()) if e.startswith(f"{team}-")][:n]:
            answers = hc.all_answers(survey, "agree", supervision="disagree")
            assert hc.answer(path, answers).status_code == 302
    hc.close(council, survey)


def test_health_check_for_a_team_only_where_five_or_more_answered(council):
    """East: 6 answered, shown (seven standards high, supervision low). West: none answered,
    so nothing is left out of the council's figure and East can be shown; West is not."""
    _health_check(council, east=6, west=0)
    found = selectors.teams_for(council["users"]["service_manager"])
    assert found.health_check is not None
    assert found.health_href == ""  # the results page is for quality assurance leads
    lines = {line.team.name: line for line in found.lines}
    assert lines["East"].health.answered == 6
    scores = {s.key: s.score for s in lines["East"].health.standards}
    assert scores["supervision"] == 25 and scores["wellbeing"] == 75
    assert lines["East"].health_bands == [("High", 7), ("Low", 1)]
    assert lines["West"].health is None
    assert selectors.teams_for(council["users"]["qa_lead"]).health_href.endswith("/results/")


def test_health_check_withheld_where_a_small_group_could_be_worked_out(council):
    """West: 3 answered, left out; East (6) would then let West's 3 be worked out from the
    council's figure, so East is left out too."""
    _health_check(council, east=6, west=3)
    lines = {
        line.team.name: line for line in selectors.teams_for(council["users"]["qa_lead"]).lines
    }
    assert lines["East"].health is None and lines["West"].health is None


def test_leavers_no_team_can_be_given_are_said_not_hidden(council):
    teams_snapshot(unmatched_leavers=6)
    found = selectors.teams_for(council["users"]["qa_lead"])
    assert found.unmatched_leavers == "6"
    # East's turnover still counts only its own five leavers over its ten in post.
    east = next(line for line in found.lines if line.team.name == "East")
    assert east.turnover.figure.text == "50.0%"


def test_a_few_unmatched_leavers_are_counted_as_fewer_than_5(council):
    teams_snapshot(unmatched_leavers=2)
    assert selectors.teams_for(council["users"]["qa_lead"]).unmatched_leavers == "fewer than 5"


def test_no_note_when_every_leaver_has_a_team(council):
    teams_snapshot()
    assert selectors.teams_for(council["users"]["qa_lead"]).unmatched_leavers == ""
