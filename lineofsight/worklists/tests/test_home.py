"""Caseload figures on the home page (worklists.home): right, scoped, small numbers suppressed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lineofsight.web.figures import FEWER_THAN_5

from ..home import home_panels
from .snapshots import AS_AT, build_snapshot, east_tables

pytestmark = pytest.mark.django_db


def _case(pid, cohort, team, worker):
    return {"person_id": pid, "cohort": cohort, "team_id": team, "worker_id": worker,
            "start_date": "2024-01-01", "case_start_date": "2024-01-01"}  # fmt: skip


def _flag(pid, flag_id):
    return {"person_id": pid, "flag": flag_id, "since": "2024-05-01", "detail": ""}


@pytest.fixture
def busy(db):
    """East (T-E): 8 children, 6 of them P-1's; 6 with a visit overdue (one also looked after
    and overdue there too: counted once per flag), 2 with a review overdue. West (T-W): 5
    children, none flagged. Care Team (T-C): 6 children, all with a visit overdue."""
    cases = [_case(f"E{i}", "cin", "T-E", "P-1" if i <= 6 else "P-2") for i in range(1, 9)]
    cases.append(_case("E1", "cla", "T-E", "P-1"))  # E1 twice: one child, two cohorts
    cases += [_case(f"W{i}", "cin", "T-W", "P-9") for i in range(1, 6)]
    cases += [_case(f"C{i}", "cla", "T-C", "P-8") for i in range(1, 7)]
    flags = [_flag(f"E{i}", "visit_overdue") for i in range(1, 7)]
    flags += [_flag("E1", "cla_visit_overdue"), _flag("E7", "review_overdue")]
    flags += [_flag("E8", "review_overdue")]
    flags += [_flag(f"C{i}", "cla_visit_overdue") for i in range(1, 7)]
    return build_snapshot(
        tables=east_tables(),
        derived={"open_cases": cases, "drift_flags": flags},
        as_at=AS_AT,
    )


def _figures(panel) -> dict[str, tuple[str, str]]:
    return {f.label: (f.value, f.url) for f in panel.figures}


def test_a_team_manager_sees_their_teams_figures_only(council, busy):
    (panel,) = home_panels(council["users"]["team_manager"])
    figures = _figures(panel)
    team_url = reverse("worklists:team", kwargs={"team_id": council["teams"]["east"].pk})
    assert panel.title == "East team's children"
    # 8 children in East: West's 5 and the Care Team's 6 are not counted.
    assert figures["Children with an open case"] == ("8", team_url)
    assert figures["Children with a sign of drift or delay"] == ("8", f"{team_url}?flag=any")
    assert figures["Children with a visit overdue"] == ("6", f"{team_url}?flag=visit_overdue")
    # 1 and 2 children: suppressed, still linking to the list where each child is named.
    assert figures["Looked-after children with a visit overdue"][0] == FEWER_THAN_5
    assert figures["Children with a child protection review overdue"] == (
        FEWER_THAN_5,
        f"{team_url}?flag=review_overdue",
    )
    assert "Care leavers with a pathway plan review overdue" not in figures  # none: left out
    assert "as at 28/06/2024" in panel.summary


def test_a_practitioner_sees_their_own_caseload(council, busy):
    (panel,) = home_panels(council["users"]["practitioner"])
    figures = _figures(panel)
    mine = reverse("worklists:mine")
    assert panel.key == "caseload"
    assert figures["Children with an open case"] == ("6", mine)  # P-1's six, not P-2's two
    assert figures["Children with a visit overdue"] == ("6", f"{mine}?flag=visit_overdue")
    assert "Children with a child protection review overdue" not in figures  # P-2's children


def test_a_service_manager_sees_each_team_and_the_totals(council, busy):
    (panel,) = home_panels(council["users"]["service_manager"])
    figures = _figures(panel)
    # The Safeguarding service: East (8) and West (5); not the Care Team.
    assert figures["Children with an open case"][0] == "13"
    assert figures["Children with a visit overdue"] == ("6", "")
    details = {item.text: item.detail for item in panel.items}
    assert set(details) == {"East", "West"}
    assert details["East"] == "8 children, 8 with a sign of drift, 8 with a visit or review overdue"
    assert details["West"] == "5 children, 0 with a sign of drift, 0 with a visit or review overdue"
    assert panel.more_url == reverse("worklists:service")


def test_small_caseloads_are_suppressed(council):
    from .snapshots import east_snapshot

    east_snapshot()  # P-1 holds two children, one with a visit overdue
    (panel,) = home_panels(council["users"]["practitioner"])
    figures = _figures(panel)
    assert figures["Children with an open case"][0] == FEWER_THAN_5
    assert figures["Children with a visit overdue"][0] == FEWER_THAN_5
    assert all(f.value in (FEWER_THAN_5, "0") for f in panel.figures)


def test_no_figures_without_case_data_or_a_worker_link(council):
    (panel,) = home_panels(council["users"]["team_manager"])
    assert panel.figures == () and panel.summary == "No case data has been imported yet."
    practitioner = council["users"]["practitioner"]
    practitioner.professional_id = ""
    (panel,) = home_panels(practitioner)
    assert "not linked to a worker" in panel.summary


@pytest.mark.parametrize("role", ["qa_lead", "senior_leader", "analyst", "administrator"])
def test_roles_that_see_everything_get_no_caseload_panel(council, busy, role):
    assert home_panels(council["users"][role]) == []
