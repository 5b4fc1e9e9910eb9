"""Action plans from any source: raising through the source registry, the plan per source in
the seed's six columns, the board by theme, themes, re-checks, and overdue actions at home."""

from __future__ import annotations

import csv
import io

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from lineofsight.accounts.models import AccessLogEntry
from lineofsight.actions import selectors, services, sources
from lineofsight.actions.models import ImprovementAction, SourceType, Status
from lineofsight.actions.tests import helpers
from lineofsight.audits.tests import factories
from lineofsight.audits.tests import matrix as audit_matrix
from lineofsight.history.models import ChangeEvent
from lineofsight.supervision.models import Session, SessionCase

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


_days = helpers.days
_raise_url = helpers.raise_url


def _form(owner, **extra) -> dict:
    return helpers.raise_form(
        owner,
        **{
            "risk_if_not_done": "Plans are made without the child",
            "due_date": _days(30).isoformat(),
            "recheck_date": _days(60).isoformat(),
            **extra,
        },
    )


def _action(council, **fields) -> ImprovementAction:
    return helpers.action_create(**helpers.action_values(council, **fields))


# -- sources ----------------------------------------------------------------------------------


def _audit_source(council) -> str:
    return str(audit_matrix.submitted_audit(council)["pk"])


def _moderation_source(council) -> str:
    return str(audit_matrix.moderation(council)["pk"])


def _supervision_source(council) -> str:
    qa = council["users"]["qa_lead"]
    session = Session.objects.create(
        team=council["teams"]["east"], held_on=_days(-3), facilitator=qa, created_by=qa
    )
    case = SessionCase.objects.create(session=session, person_id="E042", nominated_by=qa)
    return str(case.pk)


SOURCES = {
    "audit": (_audit_source, "Case-file audit A-", "west", "W007"),
    "moderation": (_moderation_source, "Moderation of case-file audit", "west", "W007"),
    "supervision": (_supervision_source, "East group supervision on", "east", "E042"),
    "indicator": (lambda council: "referrals", "Indicator: ", None, ""),
}


def test_the_four_sources_this_app_describes_are_registered():
    assert set(SOURCES) <= set(sources.registered())


@pytest.mark.parametrize("source_type", sorted(SOURCES))
def test_an_action_is_raised_from_each_registered_source(source_type, client_for, council):
    make, title, team_key, person_id = SOURCES[source_type]
    source_id = make(council)
    client = client_for("qa_lead")
    url = _raise_url(source_type=source_type, source_id=source_id)
    page = client.get(url)
    assert page.status_code == 200 and title in page.text
    owner = council["users"]["service_manager"]  # sees East and West
    extra = {} if team_key else {"team": council["teams"]["east"].pk}
    response = client.post(url, _form(owner, themes=["voice-of-the-child"], **extra))
    assert response.status_code == 302, response.content.decode()[:2000]
    action = ImprovementAction.objects.get(source_type=source_type, source_id=source_id)
    assert response["Location"] == reverse("actions:detail", args=[action.pk])
    assert action.team == council["teams"][team_key or "east"]
    assert action.person_id == person_id
    assert (action.issue, action.priority, action.owner) == (
        "Children's wishes are not recorded",
        "high",
        owner,
    )
    assert action.risk_if_not_done == "Plans are made without the child"
    assert action.recheck_date == _days(60) and action.themes == ["voice-of-the-child"]
    assert action.created_by == council["users"]["qa_lead"]
    detail = client.get(reverse("actions:detail", args=[action.pk]))
    assert title in detail.text and "The voice of the child" in detail.text


def test_a_source_registered_by_another_app_is_raised_through_the_registry(
    client_for, council, monkeypatch
):
    seen = []

    def practice_week(user, source_id):
        seen.append((user.role, source_id))
        if source_id != "7":
            raise Http404
        return sources.SourceInfo(title="Practice week, 2 to 6 March 2026", url="/")

    monkeypatch.setitem(sources._RESOLVERS, SourceType.PRACTICE_WEEK.value, practice_week)
    client = client_for("service_manager")
    assert client.get(_raise_url(source_type="practice_week", source_id="8")).status_code == 404
    url = _raise_url(source_type="practice_week", source_id="7", team=council["teams"]["west"].pk)
    page = client.get(url)
    assert page.status_code == 200 and "Practice week, 2 to 6 March 2026" in page.text
    west = council["teams"]["west"].pk
    assert f'<option value="{west}" selected>West</option>' in page.text
    # A suggested team the user may not see is simply not offered.
    care = _raise_url(source_type="practice_week", source_id="7", team=council["teams"]["cic"].pk)
    assert "Care Team" not in client.get(care).text
    owner = council["users"]["team_manager"]  # East: cannot see West's work
    refused = client.post(url, _form(owner, team=council["teams"]["west"].pk))
    assert refused.status_code == 400 and "cannot see West" in refused.text
    ok = client.post(url, _form(owner, team=council["teams"]["east"].pk))
    assert ok.status_code == 302
    assert ImprovementAction.objects.get(source_type="practice_week").source_id == "7"


def test_a_team_manager_cannot_raise_against_another_teams_audit(client_for, council):
    programme = factories.programme(council["users"]["qa_lead"])
    audit = factories.audit(programme, person_id="C900", team=council["teams"]["cic"], auditor=None)
    url = _raise_url(source_type="audit", source_id=audit.pk)
    manager = client_for("team_manager")
    assert manager.get(url).status_code == 404
    assert manager.post(url, _form(council["users"]["team_manager"])).status_code == 404
    assert not ImprovementAction.objects.exists()
    assert manager.get(_raise_url(source_type="audit", source_id="nonsense")).status_code == 404
    assert client_for("qa_lead").get(url).status_code == 200


def test_roles_that_may_not_raise_actions_get_403(client_for, council):
    url = _raise_url(source_type="indicator", source_id="referrals")
    for role in ("practitioner", "analyst", "administrator"):
        assert client_for(role).get(url).status_code == 403
    assert (
        client_for("practitioner").post(url, _form(council["users"]["practitioner"])).status_code
        == 403
    )


def test_an_unknown_or_missing_source_gets_a_clear_400(client_for, council):
    client = client_for("team_manager")
    missing = client.get(reverse("actions:raise"))
    assert missing.status_code == 400 and "needs to know what the action is about" in missing.text
    unknown = client.get(_raise_url(source_type="gossip", source_id="1"))
    assert unknown.status_code == 400 and "cannot be raised from “gossip”" in unknown.text
    assert client.get(_raise_url(source_type="indicator", source_id="no_such")).status_code == 404


def test_next_is_followed_only_when_it_is_a_local_url(client_for, council):
    client = client_for("qa_lead")
    owner = council["users"]["practitioner"]
    base = {"source_type": "indicator", "source_id": "referrals"}
    for unsafe in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        response = client.post(_raise_url(next=unsafe, **base), _form(owner))
        assert response.status_code == 302
        assert response["Location"].startswith("/actions/") and "evil" not in response["Location"]
    safe = client.post(_raise_url(next="/actions/board/?team=1", **base), _form(owner))
    assert safe["Location"] == "/actions/board/?team=1"


def test_owners_are_people_who_may_see_the_team(council):
    council_wide = {"qa_lead", "senior_leader", "analyst"}
    east = {u.role for u in selectors.owner_choices([council["teams"]["east"]])}
    assert east == {"practitioner", "team_manager", "service_manager"} | council_wide
    cic = {u.role for u in selectors.owner_choices([council["teams"]["cic"]])}
    assert cic == council_wide


def test_a_form_with_mistakes_says_what_and_changes_nothing(client_for, council):
    client = client_for("qa_lead")
    url = _raise_url(source_type="indicator", source_id="referrals")
    bad = client.post(url, _form(council["users"]["practitioner"], issue="", due_date="2020-01-01"))
    assert bad.status_code == 400
    assert "Enter the issue identified" in bad.text
    assert "must be today or later" in bad.text
    assert not ImprovementAction.objects.exists()


# -- themes -----------------------------------------------------------------------------------


def test_themes_are_parsed_from_free_text(client_for, council):
    client = client_for("qa_lead")
    url = _raise_url(source_type="indicator", source_id="referrals", theme="Planning")
    page = client.get(url)
    assert 'value="planning" checked' in page.text
    client.post(
        url,
        _form(
            council["users"]["practitioner"],
            themes=["planning"],
            other_themes="voice of the CHILD, Housing need,\nplanning, ",
            team=council["teams"]["east"].pk,
        ),
    )
    action = ImprovementAction.objects.get()
    assert action.themes == ["planning", "voice-of-the-child", "housing-need"]


def test_an_indicators_themes_are_offered_when_none_is_given(client_for, council):
    page = client_for("qa_lead").get(
        _raise_url(source_type="indicator", source_id="cp_visits_in_time_pct")
    )
    assert 'value="voice-of-the-child" checked' in page.text


def test_themes_are_changed_on_the_action_page_with_history(client_for, council):
    action = _action(council, themes=["planning"])
    url = reverse("actions:detail", args=[action.pk])
    client = client_for("practitioner")  # the owner
    response = client.post(
        url,
        {"form": "themes", "themes-themes": ["recording"], "themes-other_themes": "Housing need"},
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.themes == ["recording", "housing-need"]
    event = ChangeEvent.objects.get(action="action_set_themes", object_id=str(action.pk))
    assert event.changes["themes"] == ["planning", "recording housing-need"]
    page = client.get(url)
    assert "Housing need" in page.text and "Themes changed" in page.text
    other = _action(council, owner=council["users"]["qa_lead"], team=council["teams"]["cic"])
    outsider = client_for("team_manager")
    assert outsider.get(reverse("actions:detail", args=[other.pk])).status_code == 404


# -- the plan ---------------------------------------------------------------------------------

# The six columns of the council's action plan template, written out here so that the tests
# (and the browser journey) check the pages against them, not against the code's own copy.
SIX = (
    "Issue identified",
    "Action to be taken",
    "Anticipated risk if not completed",
    "Priority",
    "Proposed date for completion",
    "Responsibility for completion",
)


def test_the_plan_shows_the_six_columns_grouped_by_main_theme(client_for, council):
    _action(council, action="Audit front-door decisions", themes=["assessment-quality"])
    _action(
        council,
        action="Ask families how the first contact felt",
        themes=["parent-carer-experience", "assessment-quality"],
        risk_if_not_done="Families disengage",
    )
    _action(council, action="Untagged one")
    _action(council, source_id="nfa_pct", action="Another indicator's action")
    page = client_for("service_manager").get(
        reverse("actions:plan", kwargs={"source_type": "indicator", "source_id": "referrals"})
    )
    assert page.status_code == 200
    text = page.text
    for column in SIX:
        assert f'class="govuk-table__header">{column}</th>' in text
    assert "Action plan: Indicator: " in text
    assert 'href="/indicators/referrals/"' in text  # the indicator's own page
    assert "Another indicator" not in text and "Fewer than 5 actions you can see" in text
    # Vocabulary order: parents' experience comes before assessment quality, then no theme.
    assert (
        text.index("Parents&#x27; and carers&#x27; experience</h2>")
        < text.index("Quality of assessment</h2>")
        < text.index("No theme</h2>")
    )
    assert "Families disengage" in text
    assert "Raise an action" in text


def test_the_plan_csv_has_the_six_columns(client_for, council):
    _action(council, action="=cmd()", risk_if_not_done="Drift", themes=["planning"])
    action = ImprovementAction.objects.get()
    services.action_record_recheck(
        actor=council["users"]["qa_lead"],
        action=action,
        result="improved",
        notes="Seen at the practice day",
        method="practice_day",
        rechecked_on=TODAY(),
    )
    response = client_for("qa_lead").get(
        reverse("actions:plan_csv", kwargs={"source_type": "indicator", "source_id": "referrals"})
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert tuple(rows[0][1:7]) == SIX
    # After the plan's six columns: its status, themes and re-checks.
    after = "Status,Themes,Re-check due,Re-checked on,Re-checked by,Re-check result"
    assert rows[0][7:] == after.split(",")
    row = rows[1]
    assert row[2] == "'=cmd()" and row[3] == "Drift" and row[4] == "Medium"
    assert row[5] == _days(10).isoformat() and row[6] == "Practitioner Person"
    assert row[8] == "Plans and planning" and row[11] == "Focused practice day"
    assert row[12] == "Practice has improved"


def test_the_plan_of_a_source_out_of_sight_is_404(client_for, council):
    programme = factories.programme(council["users"]["qa_lead"])
    audit = factories.audit(programme, person_id="C900", team=council["teams"]["cic"])
    _action(
        council,
        source_type="audit",
        source_id=audit.pk,
        team=audit.team,
        person_id="C900",
        owner=council["users"]["qa_lead"],
    )
    kwargs = {"source_type": "audit", "source_id": str(audit.pk)}
    assert client_for("team_manager").get(reverse("actions:plan", kwargs=kwargs)).status_code == 404
    assert (
        client_for("team_manager").get(reverse("actions:plan_csv", kwargs=kwargs)).status_code
        == 404
    )
    assert client_for("qa_lead").get(reverse("actions:plan", kwargs=kwargs)).status_code == 200
    # The audit's child is on the page, so the view is logged.
    assert AccessLogEntry.objects.filter(person_id="C900", purpose="audit").count() == 1
    assert (
        client_for("qa_lead")
        .get(reverse("actions:plan", kwargs={"source_type": "gossip", "source_id": "1"}))
        .status_code
        == 404
    )


def test_an_actions_owner_sees_its_plan_even_without_seeing_the_source(client_for, council):
    # The practitioner does not see indicators, but owns an action raised from one.
    _action(council, action="Practitioner's own")
    page = client_for("practitioner").get(
        reverse("actions:plan", kwargs={"source_type": "indicator", "source_id": "referrals"})
    )
    assert page.status_code == 200 and "Practitioner&#x27;s own" in page.text
    assert "Raise an action" not in page.text


# -- the board --------------------------------------------------------------------------------


def test_the_board_counts_actions_by_theme(client_for, council):
    users, cic = council["users"], council["teams"]["cic"]
    # voice: open on time, open overdue, done and improved -> open 2, overdue 1, done 1, improved 1
    _action(council, themes=["voice-of-the-child"])
    _action(council, themes=["voice-of-the-child", "planning"], due_date=_days(-2))
    done = _action(council, themes=["voice-of-the-child"])
    services.action_update_status(
        actor=users["qa_lead"], action=done, status=Status.DONE, note="ok"
    )
    services.action_record_recheck(
        actor=users["qa_lead"], action=done, result="improved", notes="Better", method="re_audit"
    )
    # planning: the overdue one above + 1 not done -> open 1, overdue 1, done 0
    not_done = _action(council, themes=["planning"])
    services.action_update_status(
        actor=users["qa_lead"], action=not_done, status=Status.NOT_DONE, note="Dropped"
    )
    # free tag and none
    _action(council, themes=["housing-need"], source_type="feedback", source_id="3")
    _action(council, team=cic, owner=users["qa_lead"])
    rows = {r.key: r for r in selectors.board(users["qa_lead"], selectors.BoardFilter())}
    counts = {k: (r.open, r.overdue, r.done, r.improved) for k, r in rows.items()}
    assert counts["voice-of-the-child"] == (2, 1, 1, 1)
    assert counts["planning"] == (1, 1, 0, 0)
    assert counts["housing-need"] == (1, 0, 0, 0)
    assert counts[""] == (1, 0, 0, 0)
    assert counts["recording"] == (0, 0, 0, 0)
    keys = list(rows)
    assert keys.index("planning") < keys.index("housing-need") < keys.index("") == len(keys) - 1

    page = client_for("qa_lead").get(reverse("actions:board"))
    assert page.status_code == 200 and "Housing need" in page.text and "No theme" in page.text
    # Filters: by source, team and status.
    feedback = client_for("qa_lead").get(reverse("actions:board"), {"source_type": "feedback"})
    assert feedback.status_code == 200 and 'id="theme-housing-need"' in feedback.text
    assert 'id="theme-planning"' not in feedback.text
    only = {
        r.key: r.open
        for r in selectors.board(users["qa_lead"], selectors.BoardFilter(source_type="feedback"))
        if r.actions
    }
    assert only == {"housing-need": 1}
    by_team = selectors.board(users["qa_lead"], selectors.BoardFilter(team_id=cic.pk))
    assert [r.key for r in by_team if r.actions] == [""]
    overdue = selectors.board(users["qa_lead"], selectors.BoardFilter(status="overdue"))
    assert {r.key for r in overdue if r.actions} == {"voice-of-the-child", "planning"}
    # A team manager's board holds East's actions only.
    tm_rows = selectors.board(users["team_manager"], selectors.BoardFilter())
    assert sum(1 for r in tm_rows if r.key == "" and r.actions) == 0
    assert client_for("administrator").get(reverse("actions:board")).status_code == 403


def test_board_and_plan_make_a_fixed_number_of_queries(
    client_for, council, django_assert_max_num_queries
):
    for i in range(30):
        _action(
            council,
            action=f"Action {i}",
            themes=[["planning"], ["recording", "housing-need"], []][i % 3],
            person_id="" if i % 2 else f"E{i:03d}",
        )
    client = client_for("service_manager")
    with django_assert_max_num_queries(10):
        assert client.get(reverse("actions:board"), {"status": "open"}).status_code == 200
    plan = reverse("actions:plan", kwargs={"source_type": "indicator", "source_id": "referrals"})
    # One query per child shown, for the access log, plus a fixed number.
    with django_assert_max_num_queries(10 + 15):
        assert client.get(plan).status_code == 200


# -- re-checks --------------------------------------------------------------------------------


def test_a_manager_records_when_and_how_practice_was_looked_at_again(client_for, council):
    action = _action(council)
    url = reverse("actions:detail", args=[action.pk])
    future = client_for("team_manager").post(
        url,
        {
            "form": "recheck",
            "recheck-rechecked_on": _days(3).isoformat(),
            "recheck-method": "practice_day",
            "recheck-result": "partly",
            "recheck-notes": "Two of three",
        },
    )
    assert future.status_code == 400 and "must be today or earlier" in future.text
    ok = client_for("team_manager").post(
        url,
        {
            "form": "recheck",
            "recheck-rechecked_on": _days(-1).isoformat(),
            "recheck-method": "practice_day",
            "recheck-result": "partly",
            "recheck-notes": "Two of three plans now reviewed",
        },
    )
    assert ok.status_code == 302
    action.refresh_from_db()
    assert (action.recheck_method, action.rechecked_on, action.recheck_result) == (
        "practice_day",
        _days(-1),
        "partly",
    )
    page = client_for("team_manager").get(url)
    assert "re-checked on" in page.text and "by focused practice day" in page.text
    owner_only = client_for("practitioner").post(
        url, {"form": "recheck", "recheck-method": "other", "recheck-result": "improved"}
    )
    assert owner_only.status_code == 403


# -- home page --------------------------------------------------------------------------------


@pytest.mark.parametrize("source_type", ["practice_week", "feedback"])
def test_an_overdue_action_from_any_source_is_on_its_owners_home_page(
    source_type, client_for, council
):
    _action(
        council,
        source_type=source_type,
        source_id="5",
        action=f"Late {source_type} action",
        due_date=_days(-4),
    )
    owner_home = client_for("practitioner").get(reverse("home:home"))
    assert f"Late {source_type} action" in owner_home.text and "Overdue" in owner_home.text
    for other in ("team_manager", "qa_lead", "senior_leader"):
        assert f"Late {source_type} action" not in client_for(other).get(reverse("home:home")).text


# -- small numbers (issue 11) -------------------------------------------------------------------

NUMERIC_CELL = r'<td class="govuk-table__cell govuk-table__cell--numeric">\s*([^<]*?)\s*</td>'


def test_board_list_and_plan_never_show_a_count_of_1_to_4(client_for, council):
    import re

    _action(council, themes=["voice-of-the-child"])
    _action(council, themes=["voice-of-the-child"], due_date=_days(-2))
    rows = {r.key: r for r in selectors.board(council["users"]["qa_lead"], selectors.BoardFilter())}
    assert (rows["voice-of-the-child"].open, rows["voice-of-the-child"].overdue) == (2, 1)

    client = client_for("qa_lead")
    board = client.get(reverse("actions:board")).text
    row = board[board.index('href="#theme-voice-of-the-child"') :]
    row = row[: row.index("</tr>")]
    assert re.findall(NUMERIC_CELL, row) == ["fewer than 5", "fewer than 5", "0", "0"]
    assert not [c for c in re.findall(NUMERIC_CELL, board) if c in {"1", "2", "3", "4"}]

    listing = client.get(reverse("actions:list")).text
    assert "you can see: fewer than 5 open, fewer than 5 overdue." in listing

    plan = client.get(
        reverse("actions:plan", kwargs={"source_type": "indicator", "source_id": "referrals"})
    ).text
    assert "Fewer than 5 actions you can see" in plan
    assert not re.search(r"<p class=\"govuk-body\">[1-4] actions? you can see", plan)


def test_the_plan_csv_is_one_row_per_action_and_formula_guarded(client_for, council):
    """The plan CSV holds no count (one row per action, no totals); text that a spreadsheet
    would run as a formula is guarded."""
    _action(council, issue="+SUM(A1)", action="@cmd", themes=["planning"])
    _action(council, issue="-1", action="Second")
    response = client_for("qa_lead").get(
        reverse("actions:plan_csv", kwargs={"source_type": "indicator", "source_id": "referrals"})
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    body = rows[1:]
    assert len(body) == 2
    assert {r[0] for r in body} == {str(a.pk) for a in ImprovementAction.objects.all()}
    cells = [c for r in body for c in r]
    assert "'+SUM(A1)" in cells and "'@cmd" in cells and "'-1" in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")]
