"""Issue 12: every indicator's page has a team-by-team table, computed for all teams in one pass,
limited to the teams the user may see, every figure through the small-number rule."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from lineofsight.accounts.models import Team
from lineofsight.indicators import by_team, catalogue, engine

from .handmade import PERIOD_END, handmade_snapshot

pytestmark = pytest.mark.django_db


def _table(html: str) -> str:
    start = html.index('id="by-team"')
    return html[start : html.index("</table>", start)]


def _team_rows(html: str) -> dict[str, list[str]]:
    rows = {}
    for name, cells in re.findall(
        r'<th scope="row"[^>]*><a[^>]*>([^<]+)</a></th>(.*?)</tr>', _table(html), re.S
    ):
        rows[name] = [
            re.sub(r"<br>.*", "", c, flags=re.S).strip()
            for c in re.findall(r"<td[^>]*>(.*?)</td>", cells, re.S)
        ]
    return rows


def test_one_pass_gives_each_teams_figure_as_the_engine_does(council):
    """For every indicator, the grouped query's value for each team equals the engine's own
    figure for that team alone."""
    snapshot = handmade_snapshot()
    teams = list(Team.objects.order_by("name"))
    for indicator in catalogue.catalogue():
        got = by_team.team_values(
            snapshot=snapshot, indicator_id=indicator.id, period_end=PERIOD_END, teams=teams
        )
        for team in teams:
            expected = engine.compute(
                snapshot=snapshot, period_end=PERIOD_END, team_ids=[team.pk], ids=[indicator.id]
            )[0]
            value = got[team.pk]
            assert (value.value, value.numerator, value.denominator) == (
                expected.value,
                expected.numerator,
                expected.denominator,
            ), (indicator.id, team.name)
            assert bool(value.no_data_reason) == bool(expected.no_data_reason)


def test_snapshot_indicator_runs_one_query_for_all_teams(council, monkeypatch):
    snapshot = handmade_snapshot()
    calls = []
    real = by_team._grouped_sql
    monkeypatch.setattr(by_team, "_grouped_sql", lambda spec: calls.append(spec) or real(spec))
    teams = list(Team.objects.all())
    by_team.team_values(
        snapshot=snapshot, indicator_id="referrals", period_end=PERIOD_END, teams=teams
    )
    assert len(calls) == 1 and len(teams) == 4


def test_table_is_scoped_to_the_users_teams(client_for, council):
    handmade_snapshot()
    url = reverse("indicators:detail", kwargs={"indicator_id": "referrals"})
    assert set(_team_rows(client_for("team_manager").get(url).content.decode())) == {"East"}
    assert set(_team_rows(client_for("service_manager").get(url).content.decode())) == {
        "East",
        "West",
    }
    assert set(_team_rows(client_for("qa_lead").get(url).content.decode())) == {
        "Care Team",
        "East",
        "Leavers",
        "West",
    }


def test_table_is_suppressed(client_for, council):
    """The hand-made council is small: East has 3 referrals in the year (C1's two and C3's),
    shown as "fewer than 5"; its re-referral share (1 of 3) is withheld."""
    handmade_snapshot()
    client = client_for("qa_lead")
    url = reverse("indicators:detail", kwargs={"indicator_id": "referrals"})
    rows = _team_rows(client.get(url).content.decode())
    assert rows["East"] == ["fewer than 5", "fewer than 5"]  # figure, counted
    assert rows["Leavers"] == ["0", "0"]

    url = reverse("indicators:detail", kwargs={"indicator_id": "rereferral_12m_pct"})
    rows = _team_rows(client.get(url).content.decode())
    assert rows["East"] == ["suppressed: fewer than 5", "fewer than 5", "fewer than 5"]
    assert rows["Leavers"][0] == "No data"
    for indicator in catalogue.catalogue():
        url = reverse("indicators:detail", kwargs={"indicator_id": indicator.id})
        html = client.get(url).content.decode()
        cells = [c for row in _team_rows(html).values() for c in row]
        assert cells, indicator.id
        assert not {"1", "2", "3", "4", "1.0", "2.0", "3.0", "4.0"} & set(cells), indicator.id
        assert not [c for c in cells if re.fullmatch(r"[1-4](\.\d)?", c)], indicator.id


def test_team_link_opens_the_teams_figure(client_for, council):
    handmade_snapshot()
    url = reverse("indicators:detail", kwargs={"indicator_id": "referrals"})
    html = client_for("service_manager").get(url).content.decode()
    east = council["teams"]["east"].pk
    link = f"?period={PERIOD_END.isoformat()}&amp;team={east}"
    assert link in _table(html)
    response = client_for("service_manager").get(url + link.replace("&amp;", "&"))
    assert response.status_code == 200
    assert "East team" in response.content.decode()
