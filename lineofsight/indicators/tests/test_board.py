"""The improvement board, one indicator's page and the children behind a figure."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from lineofsight.accounts.models import AccessLogEntry, Role
from lineofsight.indicators import catalogue, engine, selectors
from lineofsight.indicators.engine import ChildRow
from lineofsight.indicators.models import IndicatorTarget
from lineofsight.indicators.types import IndicatorValue, Polarity, Unit
from lineofsight.worklists.tests.snapshots import east_snapshot

pytestmark = pytest.mark.django_db

BOARD = reverse("indicators:board")


def _first(polarity: Polarity | None = None, unit: Unit | None = None, counts="children"):
    for ind in catalogue.catalogue():
        if polarity is not None and ind.polarity != polarity:
            continue
        if unit is not None and ind.unit != unit:
            continue
        if selectors.counts_of(ind) != counts:
            continue
        return ind
    pytest.fail(f"no indicator with polarity {polarity} and unit {unit}")


def _children_url(indicator_id: str, **params) -> str:
    url = reverse("indicators:children", kwargs={"indicator_id": indicator_id})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


# -- with nothing imported -----------------------------------------------------------------------


def test_board_without_a_snapshot_says_nothing_is_imported(client_for):
    response = client_for(Role.SENIOR_LEADER).get(BOARD)
    assert response.status_code == 200
    assert "No casework data has been imported yet" in response.content.decode()


def test_detail_and_children_without_a_snapshot_answer_200(client_for):
    indicator = catalogue.catalogue()[0]
    client = client_for(Role.ANALYST)
    detail = client.get(reverse("indicators:detail", kwargs={"indicator_id": indicator.id}))
    assert detail.status_code == 200 and escape(indicator.title) in detail.content.decode()
    children = client.get(_children_url(_first().id))
    assert children.status_code == 200
    assert "No casework data has been imported yet" in children.content.decode()


def test_unknown_indicator_is_404(client_for):
    client = client_for(Role.SENIOR_LEADER)
    assert client.get("/indicators/no_such_thing/").status_code == 404
    assert client.get("/indicators/no_such_thing/children/").status_code == 404


# -- the board with a snapshot -------------------------------------------------------------------


def test_board_shows_every_indicator_with_chart_table_and_links(client_for):
    east_snapshot()
    response = client_for(Role.SENIOR_LEADER).get(BOARD)
    assert response.status_code == 200
    page = response.content.decode()
    for indicator in catalogue.catalogue():
        assert escape(indicator.title) in page
    charts = page.count('<svg role="img"') + page.count("so there is no chart.</p>")
    assert charts == len(catalogue.catalogue())
    assert page.count('<details class="govuk-details') == len(catalogue.catalogue())
    assert "style=" not in page
    assert "fewer than 5" in page  # the suppression note


def test_board_period_choices_are_month_ends_and_year_ends_up_to_the_snapshot(client_for):
    snapshot = east_snapshot()  # as at 28 June 2024
    choices = selectors.period_choices(snapshot)
    assert choices[0] == datetime.date(2024, 5, 31)
    assert datetime.date(2024, 3, 31) in choices and datetime.date(2019, 3, 31) in choices
    assert all(d <= snapshot.as_at for d in choices)
    assert choices == sorted(choices, reverse=True)
    response = client_for(Role.ANALYST).get(BOARD, {"period": "2024-05-31"})
    assert '<option value="2024-05-31" selected>' in response.content.decode()
    # A period not offered is an error, never the default period shown as if it were asked for.
    response = client_for(Role.ANALYST).get(BOARD, {"period": "2031-01-01"})
    assert response.status_code == 400
    assert "Choose a period from the list" in response.content.decode()
    assert "<option" not in response.content.decode()


def test_team_and_service_filters_offer_only_the_users_scope(client_for, council):
    east_snapshot()
    manager_page = client_for(Role.TEAM_MANAGER).get(BOARD).content.decode()
    assert f'<option value="{council["teams"]["east"].pk}"' in manager_page
    assert f'<option value="{council["teams"]["west"].pk}"' not in manager_page
    # A team manager is not offered the service: its figure would include other teams.
    assert 'name="service"' not in manager_page
    service_page = client_for(Role.SERVICE_MANAGER).get(BOARD).content.decode()
    assert f'<option value="{council["teams"]["west"].pk}"' in service_page
    assert f'<option value="{council["teams"]["cic"].pk}"' not in service_page
    assert f'<option value="{council["services"]["east"].pk}"' in service_page


def test_team_outside_scope_is_404(client_for, council):
    east_snapshot()
    manager = client_for(Role.TEAM_MANAGER)
    assert manager.get(BOARD, {"team": council["teams"]["west"].pk}).status_code == 404
    assert manager.get(BOARD, {"team": council["teams"]["east"].pk}).status_code == 200
    # Not a team at all: a bad filter, said so (400), not the whole council's figures.
    assert manager.get(BOARD, {"team": "abc"}).status_code == 400
    service = client_for(Role.SERVICE_MANAGER)
    assert service.get(BOARD, {"service": council["services"]["care"].pk}).status_code == 404
    assert service.get(BOARD, {"team": council["teams"]["cic"].pk}).status_code == 404
    assert service.get(BOARD, {"service": council["services"]["east"].pk}).status_code == 200
    indicator = catalogue.catalogue()[0]
    detail = reverse("indicators:detail", kwargs={"indicator_id": indicator.id})
    assert manager.get(detail, {"team": council["teams"]["west"].pk}).status_code == 404


def test_team_filter_computes_for_that_team(client_for, council, monkeypatch):
    east_snapshot()
    seen = []
    real_trend = engine.trend

    def spy(**kwargs):
        seen.append(kwargs.get("team_ids"))
        return real_trend(**kwargs)

    monkeypatch.setattr(engine, "trend", spy)
    east, west = council["teams"]["east"].pk, council["teams"]["west"].pk
    client = client_for(Role.SERVICE_MANAGER)
    client.get(BOARD)
    client.get(BOARD, {"team": east})
    client.get(BOARD, {"service": council["services"]["east"].pk})
    client_for(Role.SENIOR_LEADER).get(BOARD)
    # A service manager's board is their service's by default, never the council's.
    assert sorted(seen[0]) == sorted([east, west])
    assert seen[1] == [east]
    assert sorted(seen[2]) == sorted([east, west])
    assert seen[3] is None  # council-wide, for a role that sees everything


def _fixed_values(
    monkeypatch, value: float | None, numerator: float, denominator: float, no_data_reason=""
) -> None:
    """Every indicator has the same figure, so the board's red/amber/green can be checked."""

    def fake_compute(*, snapshot, period_end, team_ids=None, ids=None):
        return [
            IndicatorValue(
                ind,
                datetime.date(2023, 4, 1),
                period_end,
                value,
                numerator,
                denominator,
                no_data_reason,
            )
            for ind in catalogue.catalogue()
            if ids is None or ind.id in ids
        ]

    def fake_trend(*, snapshot, period_end, months=12, team_ids=None, ids=None):
        values = fake_compute(snapshot=snapshot, period_end=period_end, ids=ids)
        return {v.indicator.id: [v] for v in values}

    monkeypatch.setattr(engine, "compute", fake_compute)
    monkeypatch.setattr(engine, "trend", fake_trend)


@pytest.mark.parametrize(
    ("polarity", "target", "expected"),
    [
        (Polarity.HIGHER_IS_BETTER, 50, "Green"),
        (Polarity.HIGHER_IS_BETTER, 55, "Green"),
        (Polarity.HIGHER_IS_BETTER, 57, "Amber"),
        (Polarity.HIGHER_IS_BETTER, 70, "Red"),
        (Polarity.LOWER_IS_BETTER, 60, "Green"),
        (Polarity.LOWER_IS_BETTER, 55, "Green"),
        (Polarity.LOWER_IS_BETTER, 53, "Amber"),
        (Polarity.LOWER_IS_BETTER, 40, "Red"),
    ],
)
def test_board_rates_against_the_target_in_the_indicators_direction(
    client_for, council, monkeypatch, polarity, target, expected
):
    east_snapshot()
    indicator = _first(polarity=polarity, unit=Unit.PERCENT)
    _fixed_values(monkeypatch, 55.0, 55, 100)
    IndicatorTarget.objects.create(
        indicator_id=indicator.id,
        target=target,
        amber_margin=5,
        updated_by=council["users"][Role.ANALYST],
    )
    response = client_for(Role.SENIOR_LEADER).get(
        reverse("indicators:detail", kwargs={"indicator_id": indicator.id})
    )
    page = response.content.decode()
    assert f">{expected}</strong> against the target" in page
    board = selectors.board(council["users"][Role.SENIOR_LEADER], {})
    (row,) = [r for r in board.rows if r.indicator.id == indicator.id]
    assert row.rag is not None and row.rag.label == expected


def test_no_rag_for_volumes_even_with_a_target_row(client_for, council, monkeypatch):
    east_snapshot()
    indicator = _first(polarity=Polarity.NEITHER)
    _fixed_values(monkeypatch, 55.0, 55, 100)
    IndicatorTarget.objects.create(
        indicator_id=indicator.id, target=10, updated_by=council["users"][Role.ANALYST]
    )
    board = selectors.board(council["users"][Role.SENIOR_LEADER], {})
    (row,) = [r for r in board.rows if r.indicator.id == indicator.id]
    assert row.rag is None and row.target is None


def test_board_suppresses_small_numbers(client_for, monkeypatch):
    east_snapshot()
    _fixed_values(monkeypatch, 75.0, 3, 4)
    page = client_for(Role.SENIOR_LEADER).get(BOARD).content.decode()
    assert "75.0%" not in page
    assert "Suppressed: fewer than 5" in page or "suppressed: fewer than 5" in page
    assert "fewer than 5" in page


def test_board_says_no_data_and_why_never_zero(client_for, monkeypatch):
    east_snapshot()
    _fixed_values(monkeypatch, None, 0, 0, "Nothing to count here.")
    page = client_for(Role.SENIOR_LEADER).get(BOARD).content.decode()
    assert page.count("Nothing to count here.") == len(catalogue.catalogue())
    assert page.count('font-weight-bold">No data</span>') == len(catalogue.catalogue())
    assert 'font-weight-bold">0' not in page


def test_board_query_count(client_for, council, django_assert_max_num_queries):
    """The board adds a handful of queries to what the engine needs, however many indicators,
    teams and targets there are."""
    snapshot = east_snapshot()
    for indicator in catalogue.catalogue():
        if indicator.polarity != Polarity.NEITHER:
            IndicatorTarget.objects.create(
                indicator_id=indicator.id, target=1, updated_by=council["users"][Role.ANALYST]
            )
    client = client_for(Role.SERVICE_MANAGER)
    client.get(BOARD)  # warm caches (catalogue, published figures, results)
    period_end = engine.default_period_end(snapshot)
    with CaptureQueriesContext(connection) as engine_queries:
        engine.trend(snapshot=snapshot, period_end=period_end, months=12)
    # session, user, snapshot, teams, teams by service, targets (+ savepoints)
    with django_assert_max_num_queries(len(engine_queries) + 10):
        assert client.get(BOARD).status_code == 200


# -- the children behind a figure ----------------------------------------------------------------


def test_children_page_logs_the_list_and_every_child_shown(client_for, council):
    east_snapshot()
    indicator = _first()
    leader = council["users"][Role.SENIOR_LEADER]
    response = client_for(Role.SENIOR_LEADER).get(_children_url(indicator.id))
    assert response.status_code == 200
    shown = {c.person_id for c in response.context["page"].object_list}
    assert shown, "the test snapshot should put children behind this figure"
    entries = AccessLogEntry.objects.filter(user=leader, purpose="performance")
    assert set(entries.values_list("person_id", flat=True)) == shown | {f"list:{indicator.id}"}
    export = client_for(Role.SENIOR_LEADER).get(
        reverse("indicators:children_export", kwargs={"indicator_id": indicator.id})
    )
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    assert entries.count() == 2 * (len(shown) + 1)


def _rows_in_every_team(council, monkeypatch) -> None:
    teams = council["teams"]
    rows = [
        ChildRow("E1", "numerator", teams["east"].pk, "east child"),
        ChildRow("W1", "numerator", teams["west"].pk, "west child"),
        ChildRow("C1", "denominator", teams["cic"].pk, "care child"),
        ChildRow("X9", "numerator", None, "no team"),
    ]
    asked = []

    def fake_children(*, snapshot, indicator_id, period_end, team_ids=None):
        asked.append(team_ids)
        return [r for r in rows if team_ids is None or r.team_id in team_ids]

    monkeypatch.setattr(engine, "children_behind", fake_children)
    return asked


def _has(page: str, person_id: str) -> bool:
    """The id as a word of its own: random tokens in the page (CSRF) can contain it."""
    return re.search(rf"(?<![A-Za-z0-9]){person_id}(?![A-Za-z0-9])", page) is not None


def test_team_manager_sees_only_their_teams_children(client_for, council, monkeypatch):
    east_snapshot()
    asked = _rows_in_every_team(council, monkeypatch)
    indicator = _first()
    page = client_for(Role.TEAM_MANAGER).get(_children_url(indicator.id)).content.decode()
    assert "Amy Ashby" in page  # E1, named from the snapshot
    assert reverse("children:chronology", kwargs={"person_id": "E1"}) in page
    assert not _has(page, "W1") and not _has(page, "C1") and not _has(page, "X9")
    assert asked == [[council["teams"]["east"].pk]]
    # The service manager sees East and West; everything roles see every child.
    page = client_for(Role.SERVICE_MANAGER).get(_children_url(indicator.id)).content.decode()
    assert _has(page, "E1") and _has(page, "W1") and not _has(page, "C1")
    page = client_for(Role.QA_LEAD).get(_children_url(indicator.id)).content.decode()
    assert all(_has(page, pid) for pid in ("E1", "W1", "C1", "X9"))
    # Filtering by team narrows an everything role too; outside scope is 404.
    page = (
        client_for(Role.QA_LEAD)
        .get(_children_url(indicator.id, team=council["teams"]["west"].pk))
        .content.decode()
    )
    assert _has(page, "W1") and not _has(page, "E1")
    west = council["teams"]["west"].pk
    assert (
        client_for(Role.TEAM_MANAGER).get(_children_url(indicator.id, team=west)).status_code == 404
    )


def test_children_csv_is_scoped_too(client_for, council, monkeypatch):
    east_snapshot()
    _rows_in_every_team(council, monkeypatch)
    indicator = _first()
    response = client_for(Role.TEAM_MANAGER).get(
        reverse("indicators:children_export", kwargs={"indicator_id": indicator.id})
    )
    body = response.content.decode()
    assert "E1" in body and "W1" not in body
    assert body.splitlines()[0].startswith("Indicator,Period ending,Area,Child's ID")


def test_practitioners_and_administrators_never_reach_the_board(client_for):
    east_snapshot()
    indicator = _first()
    for role in (Role.PRACTITIONER, Role.ADMINISTRATOR):
        client = client_for(role)
        assert client.get(BOARD).status_code == 403
        assert client.get(_children_url(indicator.id)).status_code == 403
    assert client_for(None).get(BOARD).status_code == 302


def test_children_behind_real_figures_are_limited_to_the_team_managers_team(client_for, council):
    from lineofsight.indicators.tests.handmade import PERIOD_END, handmade_snapshot

    handmade_snapshot()
    url = _children_url("referrals", period=PERIOD_END.isoformat())
    manager = client_for(Role.TEAM_MANAGER).get(url).content.decode()

    def listed(pid: str, page: str) -> bool:
        return f'<span class="govuk-body-s">{pid}</span>' in page

    assert listed("C1", manager) and listed("C3", manager)  # East referrals in the year
    assert not listed("C2", manager) and not listed("C10", manager)  # West and the care team
    everyone = client_for(Role.SENIOR_LEADER).get(url).content.decode()
    assert all(listed(pid, everyone) for pid in ("C1", "C2", "C3", "C10"))
    # The board for the East team counts East's referrals only; the council counts them all.
    leader = council["users"][Role.SENIOR_LEADER]
    east = council["teams"]["east"].pk
    council_wide = selectors.board(leader, {"period": PERIOD_END.isoformat()})
    east_only = selectors.board(leader, {"period": PERIOD_END.isoformat(), "team": str(east)})

    def referrals(board):
        return next(r for r in board.rows if r.indicator.id == "referrals").value.value

    assert referrals(east_only) < referrals(council_wide)


def test_workforce_figures_list_workers_and_actions_link_to_the_actions_list(client_for):
    from lineofsight.indicators.tests.handmade import PERIOD_END, handmade_snapshot

    handmade_snapshot()
    workers = _first(counts="workers")
    before = AccessLogEntry.objects.count()
    response = client_for(Role.SENIOR_LEADER).get(
        _children_url(workers.id, period=PERIOD_END.isoformat())
    )
    page = response.content.decode()
    assert response.status_code == 200 and "Workers behind the figure" in page
    assert "/children/" not in page.split("<main", 1)[1].split("</main>", 1)[0].replace(
        f"/indicators/{workers.id}/children/", ""
    )
    assert AccessLogEntry.objects.count() == before  # workers, not children's records
    actions = _first(counts="actions")
    board = client_for(Role.SENIOR_LEADER).get(BOARD).content.decode()
    assert reverse("actions:list") in board
    assert client_for(Role.SENIOR_LEADER).get(_children_url(actions.id)).status_code == 404
