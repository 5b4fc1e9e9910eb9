"""An Annex A snapshot says, on the board (and in the committee report, reports/tests), which
figures it cannot support; an SSD snapshot says nothing of the kind."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.urls import reverse

from lineofsight.indicators import coverage
from lineofsight.worklists.tests.snapshots import east_snapshot

pytestmark = pytest.mark.django_db

FIXTURE = Path("/work/shared/fixtures/annex_a/Annex_A_2024_Jan.xlsx")
AS_AT = datetime.date(2024, 3, 31)


def _annex_a_snapshot():
    from lineofsight.intake import services as intake

    fixture = Path(__file__).resolve().parents[4] / "shared/fixtures/annex_a" / FIXTURE.name
    path = fixture if fixture.exists() else FIXTURE
    run = intake.annex_a_import(path=path, as_at=AS_AT)
    assert run.snapshot is not None, run.failure_message
    return run.snapshot


def test_what_each_indicator_needs_is_read_from_its_sql() -> None:
    history, fields = coverage.needs("rereferral_12m_pct")
    assert history and "cine_referral_date" in fields
    assert coverage.needs("cp_second_plan_pct")[0]  # an earlier plan at any time
    assert coverage.needs("cla_3plus_placements_pct")[0]  # every placement in the year
    assert not coverage.needs("referrals")[0]
    assert not coverage.needs("cp_at_period_end")[0]


def test_an_annex_a_snapshot_lists_the_figures_it_cannot_support(council, client) -> None:
    snapshot = _annex_a_snapshot()

    found = {u.indicator.id: u.reason for u in coverage.unsupported(snapshot)}

    assert "earlier ones" in found["rereferral_12m_pct"]
    assert "last 12 months" in found["rereferral_12m_pct"]
    assert "cp_second_plan_pct" in found and "cla_3plus_placements_pct" in found
    assert "latest one" in found["cp_visits_in_time_pct"]  # one visit per child, not every one
    assert "prof_agency_worker_flag" in found["agency_worker_pct"]  # Annex A has no such field
    for supported in ("referrals", "cp_at_period_end", "cla_at_period_end"):
        assert supported not in found

    client.force_login(council["users"]["senior_leader"])
    board = client.get(reverse("indicators:board")).content.decode()
    assert "Figures this data cannot support" in board
    assert "Re-referrals within 12 months" in board
    # The committee report says the same: lineofsight/reports/tests/test_coverage.py.


def test_an_ssd_snapshot_lists_nothing(council, client) -> None:
    snapshot = east_snapshot()
    assert coverage.unsupported(snapshot) == []
    client.force_login(council["users"]["senior_leader"])
    board = client.get(reverse("indicators:board")).content.decode()
    assert "Figures this data cannot support" not in board
