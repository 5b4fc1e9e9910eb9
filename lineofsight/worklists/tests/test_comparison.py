"""Issue 12: teams side by side. Teams are rows under a total row for their service; each flag
shows a count and a share of the team's children; the table sorts by any column through the
page address (400 for a column it does not have); every figure is suppressed; scope holds."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from .snapshots import AS_AT, build_snapshot, east_tables

pytestmark = pytest.mark.django_db

URL = reverse("worklists:service")


def _case(pid: str, team: str) -> dict:
    return {"person_id": pid, "cohort": "cin", "team_id": team, "worker_id": "P-1"}


def _flag(pid: str, flag_id: str) -> dict:
    return {"person_id": pid, "flag": flag_id, "since": "2024-05-01", "detail": ""}


@pytest.fixture
def teams(db):
    """East: 11 children (E01-E10 and X1), 7 with a visit overdue, 2 with an assessment over 45
    days. West: 21 (W01-W20 and X1), 6 visits overdue, 10 assessments. X1 is open to both, so
    Safeguarding has 31 children, 12 with a visit overdue, 24 with a flag. Care Team: 8
    children, every one with a visit overdue. Leavers: none."""
    east = [f"E{i:02}" for i in range(1, 11)]
    west = [f"W{i:02}" for i in range(1, 21)]
    care = [f"C{i:02}" for i in range(1, 9)]
    cases = [_case(p, "T-E") for p in east + ["X1"]]
    cases += [_case(p, "T-W") for p in west + ["X1"]]
    cases += [_case(p, "T-C") for p in care]
    flags = [_flag(p, "visit_overdue") for p in east[:6] + west[:5] + ["X1"] + care]
    flags += [_flag(p, "assessment_over_45wd") for p in east[6:8] + west[5:15]]
    derived = {"open_cases": cases, "drift_flags": flags}
    return build_snapshot(tables=east_tables(), derived=derived, as_at=AS_AT)


def _rows(html: str) -> list[str]:
    """The row headings of the table, in order (service totals and teams)."""
    body = html[html.index("<tbody") :]
    return [
        re.sub(r"<[^>]+>", "", h).strip()
        for h in re.findall(r'<th scope="row"[^>]*>(.*?)</th>', body, re.S)
    ]


def _row(html: str, name: str) -> list[str]:
    """A row's cells as text (visually hidden words left out), by its heading."""
    body = html[html.index("<tbody") :]
    match = re.search(
        rf'<th scope="row"[^>]*>(?:<a[^>]*>)?{re.escape(name)}(?:</a>)?</th>(.*?)</tr>',
        body,
        re.S,
    )
    assert match, f"no row {name}"
    cells = re.findall(r"<td[^>]*>(.*?)</td>", match[1], re.S)
    out = []
    for cell in cells:
        cell = re.sub(r'<span class="govuk-visually-hidden">.*?</span>', "", cell)
        out.append(" / ".join(p for p in re.sub(r"<[^>]+>", "|", cell).split("|") if p.strip()))
    return out


def _columns(html: str) -> list[str]:
    head = html[html.index("<thead") : html.index("</thead>")]
    return [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<a [^>]*>(.*?)</a>", head)]


def test_rates_and_service_totals(client_for, teams):
    html = client_for("qa_lead").get(URL).content.decode()
    columns = _columns(html)
    assert columns[:3] == ["Team", "Children with open cases", "At least one flag"]
    visit = columns.index("Visit overdue") - 1  # cells start after the row heading
    assess = columns.index("Assessment over 45 days") - 1
    flagged = columns.index("At least one flag") - 1

    east = _row(html, "East")
    assert east[0] == "11"
    assert east[visit] == "7 / 63.6%"
    assert east[assess] == "fewer than 5 / suppressed: fewer than 5"  # 2 of 11: withheld
    assert east[flagged] == "9 / 81.8%"
    west = _row(html, "West")
    assert west[0] == "21" and west[visit] == "6 / 28.6%" and west[assess] == "10 / 47.6%"

    # The service's total counts X1 (open to both teams) once: 31 children, not 32.
    total = _row(html, "Safeguarding: all teams")
    assert total[0] == "31"
    assert total[visit] == "12 / 38.7%"
    assert total[flagged] == "24 / 77.4%"
    care = _row(html, "Children in Care: all teams")
    assert care[0] == "8" and care[visit] == "8 / 100.0%"
    leavers = _row(html, "Leavers")
    assert leavers[0] == "0" and leavers[visit] == "0 / No data"
    # Each service's teams come straight after its total.
    assert _rows(html) == [
        "Children in Care: all teams",
        "Care Team",
        "Leavers",
        "Safeguarding: all teams",
        "East",
        "West",
    ]
    # A count links to the team's worklist filtered by that flag.
    assert re.search(
        r'href="/worklists/team/\d+/\?flag=visit_overdue" aria-label="7 children in East[^"]*">7<',
        html,
    )


def test_every_count_and_rate_is_suppressed(client_for, teams):
    html = client_for("qa_lead").get(URL).content.decode()
    cells = [c for row in _rows(html) for c in _row(html, row)]
    parts = [p for c in cells for p in c.split(" / ")]
    assert not {"1", "2", "3", "4"} & set(parts)
    # Whenever a count is 1 to 4, its share is withheld.
    for cell in cells:
        if cell.startswith("fewer than 5 / "):
            assert cell.endswith("suppressed: fewer than 5"), cell


def test_sort_by_a_flags_share(client_for, teams):
    client = client_for("qa_lead")
    html = client.get(URL, {"sort": "visit_overdue", "order": "desc"}).content.decode()
    # Services by their total's share (100% before 38.7%), teams by theirs within the service;
    # Leavers has no children, so no share: last either way.
    children_in_care = ["Children in Care: all teams", "Care Team", "Leavers"]
    assert _rows(html) == children_in_care + ["Safeguarding: all teams", "East", "West"]
    header = re.search(
        r'<th[^>]*aria-sort="descending"[^>]*><a[^>]*href="([^"]*)"[^>]*>(.*?)<', html
    )
    assert header and header[2] == "Visit overdue"
    assert header[1].replace("&amp;", "&") == "?sort=visit_overdue&order=asc"  # select again
    assert html.count('aria-sort="none"') == len(_columns(html)) - 1
    assert "sorted by visit overdue (the share of the team's children), highest first" in html

    html = client.get(URL, {"sort": "visit_overdue", "order": "asc"}).content.decode()
    assert _rows(html) == ["Safeguarding: all teams", "West", "East"] + children_in_care


def test_a_withheld_share_sorts_last_either_way(client_for, teams):
    client = client_for("service_manager")
    for order in ("asc", "desc"):
        html = client.get(URL, {"sort": "assessment_over_45wd", "order": order}).content.decode()
        # East's share (2 of 11) is withheld, so it never tells where it would fall.
        assert _rows(html) == ["Safeguarding: all teams", "West", "East"], order


def test_sort_by_team_and_by_children(client_for, teams):
    client = client_for("service_manager")
    html = client.get(URL, {"sort": "team", "order": "desc"}).content.decode()
    assert _rows(html)[1:] == ["West", "East"]
    assert "in Z to A order" in html
    html = client.get(URL, {"sort": "children"}).content.decode()  # numbers: highest first
    assert _rows(html)[1:] == ["West", "East"]
    html = client.get(URL, {"sort": "children", "order": "asc"}).content.decode()
    assert _rows(html)[1:] == ["East", "West"]
    html = client.get(URL).content.decode()  # by default, A to Z
    assert _rows(html)[1:] == ["East", "West"]
    assert re.search(r'aria-sort="ascending"[^>]*><a[^>]*>Team<', html)


@pytest.mark.parametrize(
    "params",
    [
        {"sort": "bogus"},
        {"sort": "visit_overdue", "order": "sideways"},
        {"sort": "person_id"},
    ],
)
def test_a_bad_sort_is_refused(client_for, teams, params):
    response = client_for("qa_lead").get(URL, params)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Sort the table" in html
    assert "Safeguarding: all teams" not in html  # nothing listed


def test_a_known_flag_no_team_has_sorts_by_name(client_for, teams):
    response = client_for("service_manager").get(URL, {"sort": "cla_health_overdue"})
    assert response.status_code == 200
    assert _rows(response.content.decode())[1:] == ["East", "West"]


def test_scope_team_manager_sees_their_team_and_its_own_total(client_for, teams):
    html = client_for("team_manager").get(URL).content.decode()
    assert _rows(html) == ["Safeguarding: your teams", "East"]
    assert _row(html, "Safeguarding: your teams")[0] == "11"  # not the service's 31
    assert "West" not in html and "Care Team" not in html


def test_scope_service_manager_sees_only_their_service(client_for, teams):
    html = client_for("service_manager").get(URL).content.decode()
    assert _rows(html) == ["Safeguarding: all teams", "East", "West"]
    assert "Children in Care" not in html


def test_practitioner_is_refused(client_for, teams):
    assert client_for("practitioner").get(URL).status_code == 403


def test_the_table_scrolls_in_a_labelled_focusable_region(client_for, teams):
    html = client_for("qa_lead").get(URL).content.decode()
    region = re.search(r'<div class="moj-scrollable-pane"([^>]*)>', html)
    assert region
    assert 'role="region"' in region[1] and 'tabindex="0"' in region[1]
    label = re.search(r'aria-labelledby="([^"]+)"', region[1])[1]
    assert f'id="{label}"' in html
