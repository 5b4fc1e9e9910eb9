"""The board keeps the cards a snapshot fixes between requests (views._board_cards). Kept cards
are never shown to a user with another scope, and a new snapshot, a changed target or a changed
audit shows at once."""

from __future__ import annotations

import datetime
import re
import shutil

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lineofsight.accounts.models import Role, User
from lineofsight.audits.grades import Grade
from lineofsight.audits.models import Audit
from lineofsight.audits.tests import factories
from lineofsight.casework import store
from lineofsight.indicators import by_team, catalogue, engine
from lineofsight.indicators.models import IndicatorTarget
from lineofsight.indicators.types import IndicatorValue, Source, Unit
from lineofsight.worklists.tests.snapshots import AS_AT, east_snapshot, register

pytestmark = pytest.mark.django_db

BOARD = reverse("indicators:board")
EAST, WEST, COUNCIL, SMALL = 432, 987, 8765, 3
TARGETED = "assessment_45wd_pct"  # a percentage where higher is better
AUDITS = "audits_good_or_better_pct"


def _fake_engine(monkeypatch, figures: dict) -> list:
    """Every snapshot indicator's figure says whose it is: `figures` maps (snapshot pk, the
    sorted team ids or None for the council) to a number. A count shows the number; a percentage
    is the number out of 1,000 (432 -> 43.2%). Returns the ids asked for on each call, so a test
    can tell a kept card from a computed one (None: every indicator, as on a miss)."""
    asked: list = []

    def fake_trend(*, snapshot, period_end, months=12, team_ids=None, ids=None):
        asked.append(None if ids is None else tuple(ids))
        key = (snapshot.pk, None if team_ids is None else tuple(sorted(team_ids)))
        number = float(figures[key])
        out = {}
        for ind in catalogue.catalogue():
            if ind.source is not Source.SNAPSHOT or (ids is not None and ind.id not in ids):
                continue
            start = engine.period_start(period_end)
            if ind.unit is Unit.COUNT:
                value = IndicatorValue(ind, start, period_end, number, number, None)
            elif ind.unit is Unit.PERCENT:
                value = IndicatorValue(ind, start, period_end, number / 10, number, 1000.0)
            else:
                continue
            out[ind.id] = [value]
        return out

    monkeypatch.setattr(engine, "trend", fake_trend)
    return asked


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _west_manager(council) -> User:
    user = User.objects.create_user(
        email="west.manager@example.org", password=None, full_name="West Manager",
        role=Role.TEAM_MANAGER,
    )  # fmt: skip
    user.memberships.create(team=council["teams"]["west"])
    return user


def _cards(page: str) -> dict[str, str]:
    """Each card's markup, by the indicator id in its chart's id."""
    found = {}
    for card in page.split('<li class="los-card">')[1:]:
        chart = re.search(r'id="chart-([a-z0-9-]+)-title"', card)
        found[chart[1].replace("-", "_") if chart else card[:80]] = card
    return found


def _big(markup: str) -> list[str]:
    """The figures in the cards' large type."""
    return re.findall(r'govuk-!-font-size-(?:36|27) govuk-!-font-weight-bold">([^<]*)<', markup)


def _misses(asked: list) -> int:
    return sum(1 for ids in asked if ids is None)


def test_kept_cards_are_never_shown_to_a_team_manager_of_another_team(council, monkeypatch):
    snapshot = east_snapshot()
    east, west = council["teams"]["east"].pk, council["teams"]["west"].pk
    asked = _fake_engine(monkeypatch, {(snapshot.pk, (east,)): EAST, (snapshot.pk, (west,)): WEST})
    east_manager = _signed_in(council["users"][Role.TEAM_MANAGER])
    west_manager = _signed_in(_west_manager(council))

    first = east_manager.get(BOARD).content.decode()
    assert set(_big(first)) == {"432", "43.2%"}
    west_page = west_manager.get(BOARD).content.decode()
    assert set(_big(west_page)) == {"987", "98.7%"}
    assert "432" not in " ".join(_big(west_page))
    again = east_manager.get(BOARD).content.decode()
    assert set(_big(again)) == {"432", "43.2%"}
    # The East manager's second board was the kept one: only two computations of every figure
    # (one per team); the hit asked for the records indicators alone.
    assert _misses(asked) == 2
    assert asked[-1] is not None and set(asked[-1]) == {
        i.id for i in catalogue.catalogue() if i.source is Source.RECORDS
    }


def test_the_same_team_seen_from_another_scope_is_worked_out_again(council, monkeypatch):
    snapshot = east_snapshot()
    east = council["teams"]["east"].pk
    asked = _fake_engine(monkeypatch, {(snapshot.pk, (east,)): EAST})
    _signed_in(council["users"][Role.TEAM_MANAGER]).get(BOARD)
    leader = _signed_in(council["users"][Role.SENIOR_LEADER])
    page = leader.get(BOARD, {"team": east}).content.decode()
    # The same figures, but the senior leader's links name the team filter and they may see
    # every team: their cards are their own, never the manager's.
    assert _misses(asked) == 2
    assert set(_big(page)) == {"432", "43.2%"}
    assert f"team={east}" in _cards(page)["referrals"]


def test_small_numbers_stay_suppressed_on_a_kept_board(council, monkeypatch):
    snapshot = east_snapshot()
    east = council["teams"]["east"].pk
    asked = _fake_engine(monkeypatch, {(snapshot.pk, (east,)): SMALL})
    manager = _signed_in(council["users"][Role.TEAM_MANAGER])
    for _ in range(2):
        page = manager.get(BOARD).content.decode()
        # 3 children: "fewer than 5"; 3 out of 1,000: the percentage is withheld.
        assert set(_big(page)) == {"Fewer than 5", "Suppressed: fewer than 5"}
        # Nor in any month of the charts' tables.
        assert ">0.3%<" not in page and ">3<" not in page
    assert _misses(asked) == 1


def test_a_new_snapshot_shows_at_once(council, monkeypatch):
    first = east_snapshot()
    copy = store.snapshot_dir() / "east-again.duckdb"
    shutil.copyfile(first.path, copy)
    figures = {(first.pk, None): COUNCIL}
    _fake_engine(monkeypatch, figures)
    leader = _signed_in(council["users"][Role.SENIOR_LEADER])
    assert set(_big(leader.get(BOARD).content.decode())) == {"8,765", "876.5%"}
    second = register(copy, as_at=AS_AT, make_current=True, absolute=False)
    figures[(second.pk, None)] = 1234
    page = leader.get(BOARD).content.decode()
    assert set(_big(page)) == {"1,234", "123.4%"}
    assert "8,765" not in page


def test_a_changed_target_shows_at_once(council, monkeypatch):
    snapshot = east_snapshot()
    _fake_engine(monkeypatch, {(snapshot.pk, None): EAST})
    leader_user = council["users"][Role.SENIOR_LEADER]
    target = IndicatorTarget.objects.create(
        indicator_id=TARGETED, target=40.0, amber_margin=0, updated_by=leader_user
    )
    leader = _signed_in(leader_user)
    card = _cards(leader.get(BOARD).content.decode())[TARGETED]
    assert "Green</strong> against the target of 40.0%" in card
    target.target, target.version = 50.0, 2
    target.save()
    card = _cards(leader.get(BOARD).content.decode())[TARGETED]
    # 43.2% against 50.0% with no amber margin, higher being better: red.
    assert "Red</strong> against the target of 50.0%" in card


def _graded_audits(council, grades: list[int]) -> list[Audit]:
    """Audits of East children, first submitted on 1 March 2024 (inside the year to 31 March
    2024, the board's default period for the East snapshot, as at 28 June 2024)."""
    qa = council["users"][Role.QA_LEAD]
    programme = factories.programme(qa)
    when = timezone.make_aware(datetime.datetime(2024, 3, 1, 12, 0))
    made = []
    for i, grade in enumerate(grades):
        audit = factories.audit(programme, person_id=f"E{i}", team=council["teams"]["east"])
        Audit.objects.filter(pk=audit.pk).update(first_submitted_at=when, overall_grade=grade)
        made.append(audit)
    return made


def test_a_changed_audit_shows_at_once(council):
    east_snapshot()
    audits = _graded_audits(council, [Grade.GOOD] * 6)
    leader = _signed_in(council["users"][Role.SENIOR_LEADER])
    assert _big(_cards(leader.get(BOARD).content.decode())[AUDITS]) == ["100.0%"]
    Audit.objects.filter(pk=audits[0].pk).update(overall_grade=Grade.INADEQUATE)
    # Five of the six good or better: 83.3%.
    card = _cards(leader.get(BOARD).content.decode())[AUDITS]
    assert _big(card) == ["83.3%"]
    assert "5 out of 6" in card


def test_a_kept_board_is_the_board_worked_out_afresh(council):
    east_snapshot()
    east_manager = _signed_in(council["users"][Role.TEAM_MANAGER])
    west_manager = _signed_in(_west_manager(council))

    def grid(client: Client) -> str:
        page = client.get(BOARD).content.decode()
        return page.split('<ul class="los-card-grid">', 1)[1].split("</main>", 1)[0]

    east_kept = [grid(east_manager), grid(east_manager)][1]
    west_kept = [grid(west_manager), grid(west_manager)][1]
    cache.clear()
    assert grid(east_manager) == east_kept
    cache.clear()
    assert grid(west_manager) == west_kept
    assert east_kept != west_kept


# -- the by-team table on an indicator's page ----------------------------------------------------


def _team_rows(page: str) -> list[str]:
    """The team names in the by-team table."""
    table = page.split('id="by-team-caption"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'&amp;team=\d+">([^<]*)</a></th>', table)


def test_a_kept_team_table_lists_only_the_users_own_teams(council, monkeypatch):
    east_snapshot()
    computed = []
    real = by_team.team_table

    def counting(**kwargs):
        computed.append([t.name for t in kwargs["teams"]])
        return real(**kwargs)

    monkeypatch.setattr(by_team, "team_table", counting)
    detail = reverse("indicators:detail", kwargs={"indicator_id": "referrals"})
    east_manager = _signed_in(council["users"][Role.TEAM_MANAGER])
    west_manager = _signed_in(_west_manager(council))
    leader = _signed_in(council["users"][Role.SENIOR_LEADER])
    assert _team_rows(east_manager.get(detail).content.decode()) == ["East"]
    assert _team_rows(west_manager.get(detail).content.decode()) == ["West"]
    assert _team_rows(east_manager.get(detail).content.decode()) == ["East"]
    # Every team, ordered by service then name (Children in Care before Safeguarding).
    assert _team_rows(leader.get(detail).content.decode()) == [
        "Care Team", "Leavers", "East", "West",
    ]  # fmt: skip
    # The East manager's second page was the kept table.
    assert computed == [["East"], ["West"], ["Care Team", "Leavers", "East", "West"]]


def test_a_records_team_table_shows_a_changed_audit_at_once(council):
    east_snapshot()
    audits = _graded_audits(council, [Grade.GOOD] * 6)
    detail = reverse("indicators:detail", kwargs={"indicator_id": AUDITS})
    manager = _signed_in(council["users"][Role.TEAM_MANAGER])

    def east_figure() -> str:
        table = manager.get(detail).content.decode().split('id="by-team-caption"', 1)[1]
        return re.search(r'numeric">([^<]*)</td>', table)[1]

    assert east_figure() == "100.0%"
    Audit.objects.filter(pk=audits[0].pk).update(overall_grade=Grade.INADEQUATE)
    assert east_figure() == "83.3%"
