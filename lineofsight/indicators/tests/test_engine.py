"""The engine: periods, "no data" instead of 0 or an exception, the cache."""

from __future__ import annotations

import datetime

import pytest

from lineofsight.casework.models import Snapshot
from lineofsight.indicators import engine
from lineofsight.indicators.models import IndicatorResultCache
from lineofsight.indicators.tests.handmade import AS_AT, PERIOD_END, handmade_snapshot, tables
from lineofsight.worklists.tests.snapshots import build_snapshot

D = datetime.date


def test_default_period_end():
    assert engine.default_period_end(Snapshot(as_at=D(2025, 4, 30))) == D(2025, 3, 31)
    assert engine.default_period_end(Snapshot(as_at=D(2025, 3, 31))) == D(2025, 3, 31)
    assert engine.default_period_end(Snapshot(as_at=D(2025, 3, 30))) == D(2024, 3, 31)


def test_periods():
    assert engine.period_start(D(2025, 3, 31)) == D(2024, 4, 1)
    assert engine.period_start(D(2024, 2, 29)) == D(2023, 3, 1)
    assert engine.period_start(D(2025, 5, 15)) == D(2024, 5, 16)
    assert engine.month_ends(D(2025, 3, 31), 3) == [D(2025, 1, 31), D(2025, 2, 28), D(2025, 3, 31)]
    assert engine.month_ends(D(2025, 5, 15), 2) == [D(2025, 4, 15), D(2025, 5, 15)]
    assert engine.population_year(D(2025, 3, 31)) == 2024
    assert engine.population_year(D(2025, 6, 30)) == 2025


@pytest.mark.django_db
def test_missing_tables_and_timeliness_give_reasons_not_zero():
    t = tables()
    del t["ssd_cla_placement"]
    snapshot = build_snapshot(tables=t, as_at=AS_AT)  # derived tables given (empty), no calendar
    snapshot.provided_tables = [n for n in snapshot.provided_tables if n != "ssd_cla_placement"]
    snapshot.save()
    got = {v.indicator.id: v for v in engine.compute(snapshot=snapshot, period_end=PERIOD_END)}
    assert got["cla_3plus_placements_pct"].value is None
    assert "placements" in got["cla_3plus_placements_pct"].no_data_reason
    # no _calendar: working days cannot be counted
    assert got["assessment_45wd_pct"].value is None
    assert "Timeliness" in got["assessment_45wd_pct"].no_data_reason
    # event_timeliness given but empty: nothing fell due, no share
    assert got["cp_visits_in_time_pct"].value is None
    assert got["cp_visits_in_time_pct"].no_data_reason.startswith("No child protection visits")
    assert got["referrals"].value == 4


@pytest.mark.django_db
def test_empty_periods_and_late_period_ends(settings):
    settings.COUNCIL_CODE = "805"
    snapshot = handmade_snapshot()
    early = {
        v.indicator.id: v for v in engine.compute(snapshot=snapshot, period_end=D(2020, 3, 31))
    }
    assert early["referrals"].value == 0  # a count can be 0
    assert early["rereferral_12m_pct"].value is None
    assert (
        early["rereferral_12m_pct"].no_data_reason == "No referrals were received in the 12 months."
    )
    late = engine.compute(snapshot=snapshot, period_end=D(2026, 3, 31), ids=["referrals"])
    assert late[0].value is None and "after the date" in late[0].no_data_reason
    with pytest.raises(KeyError):
        engine.compute(snapshot=snapshot, period_end=PERIOD_END, ids=["nope"])


@pytest.mark.django_db
def test_unknown_council_population(settings):
    settings.COUNCIL_CODE = "999"
    snapshot = handmade_snapshot()
    (v,) = engine.compute(snapshot=snapshot, period_end=PERIOD_END, ids=["cp_per_10k"])
    assert v.value is None and "999" in v.no_data_reason


@pytest.mark.django_db
def test_teams_not_linked_to_the_case_system(council):
    snapshot = handmade_snapshot()
    east = council["teams"]["east"]
    east.case_system_id = ""
    east.save()
    (v,) = engine.compute(
        snapshot=snapshot, period_end=PERIOD_END, team_ids=[east.pk], ids=["referrals"]
    )
    assert v.value is None and v.no_data_reason


@pytest.mark.django_db
def test_results_are_cached_per_period_months_and_teams(council, django_assert_max_num_queries):
    snapshot = handmade_snapshot()
    first = engine.trend(snapshot=snapshot, period_end=PERIOD_END, months=12)
    assert IndicatorResultCache.objects.filter(snapshot=snapshot).count() == 1
    again = engine.trend(snapshot=snapshot, period_end=PERIOD_END, months=12)
    assert again == first
    assert IndicatorResultCache.objects.count() == 1
    engine.trend(snapshot=snapshot, period_end=PERIOD_END, months=12, ids=["referrals"])
    assert IndicatorResultCache.objects.count() == 1
    engine.compute(snapshot=snapshot, period_end=PERIOD_END)
    engine.compute(snapshot=snapshot, period_end=PERIOD_END, team_ids=[council["teams"]["east"].pk])
    assert IndicatorResultCache.objects.count() == 3
    # a warm call reads the cache: a handful of queries (teams, cache row, the records)
    with django_assert_max_num_queries(12):
        engine.compute(snapshot=snapshot, period_end=PERIOD_END)


@pytest.mark.django_db
def test_trend_last_point_equals_compute():
    snapshot = handmade_snapshot()
    series = engine.trend(snapshot=snapshot, period_end=PERIOD_END, months=13)
    single = {v.indicator.id: v for v in engine.compute(snapshot=snapshot, period_end=PERIOD_END)}
    for ind_id, values in series.items():
        assert len(values) == 13
        assert values[0].period_end == D(2024, 3, 31)
        assert values[-1] == single[ind_id]
