"""Every figure on the improvement board is limited to the user's scope and goes through the
small-number rule (issue 11, item 3)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from lineofsight.accounts.models import Role
from lineofsight.indicators import catalogue, engine, selectors
from lineofsight.indicators.engine import ChildRow
from lineofsight.indicators.types import IndicatorValue, Unit
from lineofsight.worklists.tests.snapshots import east_snapshot

pytestmark = pytest.mark.django_db

BOARD = reverse("indicators:board")
COUNCIL_FIGURE, TEAM_FIGURE, SERVICE_FIGURE = 8765, 432, 1357


def _count_indicator():
    return next(
        i
        for i in catalogue.catalogue()
        if i.unit is Unit.COUNT and selectors.counts_of(i) == "children"
    )


def _values_by_area(monkeypatch, council, by_area: dict | None = None) -> list:
    """Every count indicator's figure says whose it is: the council's, the East team's or the
    East service's (East and West teams). Returns the team_ids each computation was asked for."""
    east, west = council["teams"]["east"].pk, council["teams"]["west"].pk
    figures = by_area or {
        None: COUNCIL_FIGURE,
        (east,): TEAM_FIGURE,
        tuple(sorted((east, west))): SERVICE_FIGURE,
    }
    asked: list = []

    def fake_compute(*, snapshot, period_end, team_ids=None, ids=None):
        asked.append(team_ids)
        key = None if team_ids is None else tuple(sorted(team_ids))
        value = float(figures.get(key, 0))
        return [
            IndicatorValue(ind, datetime.date(2023, 4, 1), period_end, value, value, None)
            for ind in catalogue.catalogue()
            if ind.unit is Unit.COUNT and (ids is None or ind.id in ids)
        ]

    def fake_trend(*, snapshot, period_end, months=12, team_ids=None, ids=None):
        values = fake_compute(snapshot=snapshot, period_end=period_end, team_ids=team_ids, ids=ids)
        return {v.indicator.id: [v] for v in values}

    monkeypatch.setattr(engine, "compute", fake_compute)
    monkeypatch.setattr(engine, "trend", fake_trend)
    return asked


def _big(page: str) -> list[str]:
    """The figures in the cards' large type."""
    return re.findall(r'govuk-!-font-size-(?:36|27) govuk-!-font-weight-bold">([^<]*)<', page)


def test_team_managers_board_shows_their_teams_figures_never_the_councils(
    client_for, council, monkeypatch
):
    east_snapshot()
    asked = _values_by_area(monkeypatch, council)
    page = client_for(Role.TEAM_MANAGER).get(BOARD).content.decode()
    assert set(_big(page)) == {f"{TEAM_FIGURE:,}"}
    assert f"{COUNCIL_FIGURE:,}" not in page
    assert "East team, for the period ending" in page
    assert "Whole council</option>" not in page and "Show the whole council" not in page
    assert all(ids == [council["teams"]["east"].pk] for ids in asked)
    # The indicator's own page too.
    indicator = _count_indicator()
    detail = client_for(Role.TEAM_MANAGER).get(
        reverse("indicators:detail", kwargs={"indicator_id": indicator.id})
    )
    assert f"{TEAM_FIGURE:,}" in detail.content.decode()
    assert f"{COUNCIL_FIGURE:,}" not in detail.content.decode()


def test_service_managers_board_is_their_services_and_may_narrow_to_a_team(
    client_for, council, monkeypatch
):
    east_snapshot()
    _values_by_area(monkeypatch, council)
    client = client_for(Role.SERVICE_MANAGER)
    page = client.get(BOARD).content.decode()
    assert set(_big(page)) == {f"{SERVICE_FIGURE:,}"} and f"{COUNCIL_FIGURE:,}" not in page
    assert "Safeguarding service, for the period ending" in page
    assert "Whole council</option>" not in page
    page = client.get(BOARD, {"team": council["teams"]["east"].pk}).content.decode()
    assert set(_big(page)) == {f"{TEAM_FIGURE:,}"}
    # Another service's team, or another service, is not there for them.
    indicator = _count_indicator()
    cic, care = council["teams"]["cic"].pk, council["services"]["care"].pk
    for url in (
        BOARD,
        reverse("indicators:detail", kwargs={"indicator_id": indicator.id}),
        reverse("indicators:children", kwargs={"indicator_id": indicator.id}),
        reverse("indicators:children_export", kwargs={"indicator_id": indicator.id}),
    ):
        assert client.get(url, {"team": cic}).status_code == 404, url
        assert client.get(url, {"service": care}).status_code == 404, url


def test_roles_that_see_everything_see_the_council_and_may_filter(client_for, council, monkeypatch):
    east_snapshot()
    _values_by_area(monkeypatch, council)
    client = client_for(Role.SENIOR_LEADER)
    page = client.get(BOARD).content.decode()
    assert set(_big(page)) == {f"{COUNCIL_FIGURE:,}"}
    assert "Whole council</option>" in page
    page = client.get(BOARD, {"team": council["teams"]["east"].pk}).content.decode()
    assert set(_big(page)) == {f"{TEAM_FIGURE:,}"} and "Show the whole council" in page


def test_a_small_count_on_the_board_and_indicator_page_is_never_a_bare_digit(
    client_for, council, monkeypatch
):
    east_snapshot()
    east = council["teams"]["east"].pk
    _values_by_area(monkeypatch, council, {None: 3, (east,): 3})
    page = client_for(Role.TEAM_MANAGER).get(BOARD).content.decode()
    assert _big(page) and set(_big(page)) == {"Fewer than 5"}
    # The month-by-month table under each card says so too.
    cells = re.findall(r'govuk-table__cell--numeric">([^<]*)<', page)
    assert cells and "3" not in cells and set(cells) == {"fewer than 5"}
    indicator = _count_indicator()
    detail = client_for(Role.SENIOR_LEADER).get(
        reverse("indicators:detail", kwargs={"indicator_id": indicator.id})
    )
    text = detail.content.decode()
    assert _big(text) == ["Fewer than 5"]
    month_cells = re.findall(r'govuk-table__cell--numeric">([^<]*)<', text.split("Month by")[1])
    assert "3" not in month_cells and "fewer than 5" in month_cells


def test_published_comparisons_beside_a_team_figure_say_they_are_for_whole_councils(
    client_for, council
):
    east_snapshot()
    comparisons = selectors.all_comparisons()
    compared = next(
        i
        for i in catalogue.catalogue()
        if i.id in comparisons and comparisons[i.id].council is not None
    )
    url = reverse("indicators:detail", kwargs={"indicator_id": compared.id})
    leader = client_for(Role.SENIOR_LEADER).get(url).content.decode()
    assert "The council (published)" in leader
    assert "are for whole councils, not for a team or service" not in leader
    manager = client_for(Role.TEAM_MANAGER).get(url).content.decode()
    assert "England" in manager  # the public comparison stays
    assert "The council (published)" not in manager  # but not the council's own figure
    assert "are for whole councils, not for a team or service" in manager
    board = client_for(Role.TEAM_MANAGER).get(BOARD).content.decode()
    assert "for whole councils:" in board


def test_children_list_count_is_suppressed_though_the_children_are_listed(
    client_for, council, monkeypatch
):
    east_snapshot()
    east = council["teams"]["east"].pk
    rows = [ChildRow(pid, "numerator", east, "") for pid in ("E1", "E2", "E3")]
    monkeypatch.setattr(engine, "children_behind", lambda **kwargs: rows)
    indicator = next(
        i for i in catalogue.catalogue() if i.denominator and selectors.counts_of(i) == "children"
    )
    page = (
        client_for(Role.TEAM_MANAGER)
        .get(reverse("indicators:children", kwargs={"indicator_id": indicator.id}))
        .content.decode()
    )
    assert "Fewer than 5 children, fewer than 5 counted in the figure." in page
    assert "3 children" not in page and "3 counted" not in page
    assert all(f">{pid}<" in page for pid in ("E1", "E2", "E3"))  # the list itself is not hidden


def test_children_csv_has_one_row_per_child_and_no_count(client_for, council, monkeypatch):
    import csv
    import io

    east_snapshot()
    east = council["teams"]["east"].pk
    rows = [ChildRow(pid, "numerator", east, "") for pid in ("E1", "E2", "E3")]
    monkeypatch.setattr(engine, "children_behind", lambda **kwargs: rows)
    indicator = _count_indicator()
    response = client_for(Role.TEAM_MANAGER).get(
        reverse("indicators:children_export", kwargs={"indicator_id": indicator.id})
    )
    table = list(csv.reader(io.StringIO(response.content.decode())))
    assert not {"count", "total", "children"} & {h.lower() for h in table[0]}
    assert [r[3] for r in table[1:]] == ["E1", "E2", "E3"]  # no totals row
    assert not [c for r in table[1:] for c in r if c.strip() in {"1", "2", "3", "4"}]
    assert {r[2] for r in table[1:]} == {"East team"}  # the area is the team's, not the council


def test_a_manager_of_teams_in_two_services_sees_those_teams_together(client_for, council):
    from lineofsight.accounts.models import Membership

    east_snapshot()
    manager = council["users"][Role.TEAM_MANAGER]
    Membership.objects.create(user=manager, team=council["teams"]["cic"])
    found = selectors.board(manager, {})
    east, cic = council["teams"]["east"].pk, council["teams"]["cic"].pk
    assert sorted(found.filters.team_ids) == sorted([east, cic])
    assert found.filters.area.startswith("Your teams: ")
    page = client_for(Role.TEAM_MANAGER).get(BOARD).content.decode()
    assert "All your teams</option>" in page and "Whole council" not in page
