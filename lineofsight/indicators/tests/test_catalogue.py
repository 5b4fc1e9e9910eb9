"""The catalogue: the ids others rely on, complete metadata, and portable SQL."""

from __future__ import annotations

import logging
import re

import pytest
import sqlglot
from sqlglot import ErrorLevel

from lineofsight.casework import schema
from lineofsight.framework import vocabulary
from lineofsight.indicators import catalogue as cat
from lineofsight.indicators import engine
from lineofsight.indicators.types import PeriodKind, Polarity, Source, Unit

IDS = [
    "referrals",
    "rereferral_12m_pct",
    "nfa_pct",
    "assessment_45wd_pct",
    "s47_to_icpc_15wd_pct",
    "cin_at_period_end",
    "cp_at_period_end",
    "cp_per_10k",
    "cp_open_2y_pct",
    "cp_second_plan_pct",
    "cp_visits_in_time_pct",
    "cp_reviews_in_time_pct",
    "cla_at_period_end",
    "cla_per_10k",
    "cla_3plus_placements_pct",
    "cla_reviews_in_time_pct",
    "cla_visits_in_time_pct",
    "care_leavers_in_touch_pct",
    "caseload_mean",
    "caseload_over_threshold_pct",
    "children_3plus_workers_pct",
    "agency_worker_pct",
    "turnover_pct",
    "vacancy_pct",
    "csww_agency_worker_pct",
    "sickness_days_per_fte",
    "csww_caseload_mean",
    "leavers_under_2y_pct",
    "audits_good_or_better_pct",
    "moderation_agreement_pct",
    "actions_overdue",
    "recording_child_voice_pct",
    "recording_analysis_pct",
    "recording_decision_reason_pct",
    "recording_discouraged_per_100",
    "recording_acronyms_per_100",
]

DFE = {
    "referrals": "referrals_per_10k",
    "rereferral_12m_pct": "rereferral_pct",
    "nfa_pct": "nfa_pct",
    "cin_at_period_end": "cin_per_10k",
    "cp_at_period_end": "cp_per_10k",
    "cp_per_10k": "cp_per_10k",
    "cp_open_2y_pct": "cp_2y_pct",
    "cp_second_plan_pct": "cp_subsequent_pct",
    "cla_at_period_end": "cla_per_10k",
    "cla_per_10k": "cla_per_10k",
    "cla_3plus_placements_pct": "cla_3plus_pct",
    "care_leavers_in_touch_pct": "care_leavers_in_touch_pct",
    "caseload_mean": "caseload_fte",
    "agency_worker_pct": "agency_rate_pct",
    "turnover_pct": "turnover_rate_pct",
    "vacancy_pct": "vacancy_rate_pct",
    "csww_agency_worker_pct": "agency_rate_pct",
    "sickness_days_per_fte": "sickness_days_per_fte",
    "csww_caseload_mean": "caseload_fte",
}
# Tables the import's post-load steps derive (timeliness; recording's checked case notes).
DERIVED = {"_calendar", "event_timeliness", "recording_checks"}


def test_ids_in_display_order():
    assert [i.id for i in cat.catalogue()] == IDS


def test_get():
    assert cat.get("referrals").title == "Referrals"
    with pytest.raises(KeyError):
        cat.get("no_such_indicator")


def test_dfe_measures_use_the_agreed_keys():
    assert {i.id: i.dfe_measure for i in cat.catalogue() if i.dfe_measure} == DFE


@pytest.mark.parametrize("indicator", cat.catalogue(), ids=lambda i: i.id)
def test_metadata_is_complete(indicator):
    assert indicator.title and indicator.description and indicator.numerator
    assert indicator.definition_source
    assert isinstance(indicator.unit, Unit)
    assert isinstance(indicator.polarity, Polarity)
    assert isinstance(indicator.period, PeriodKind)
    assert bool(indicator.denominator) == (indicator.unit is not Unit.COUNT)
    if indicator.unit is Unit.COUNT:
        assert indicator.polarity is Polarity.NEITHER or indicator.source is Source.RECORDS
    keys = {t.key for t in vocabulary.themes()}
    assert indicator.themes and set(indicator.themes) <= keys
    # every theme that names the indicator in the shipped vocabulary is on it
    for theme in vocabulary.themes_for_indicator(indicator.id):
        assert theme.key in indicator.themes
    if indicator.source is Source.SNAPSHOT:
        assert indicator.sql and indicator.children_sql
        assert set(indicator.tables) <= set(schema.tables()) | DERIVED
        assert cat.spec(indicator.id).empty
    else:
        assert not indicator.sql


def _portable(sql: str, caplog) -> None:
    # DuckDB-only syntax sqlglot lets through to Spark unchanged
    assert not re.search(r"\bASOF\b|\bQUALIFY\b|::|\bUSING\s+SAMPLE\b", sql, re.I)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="sqlglot"):
        sqlglot.parse_one(sql, read="duckdb")
        spark = sqlglot.transpile(
            sql, read="duckdb", write="spark", unsupported_level=ErrorLevel.RAISE
        )
    assert spark and spark[0]
    assert not [r for r in caplog.records if r.name.startswith("sqlglot")], caplog.text
    sqlglot.parse_one(spark[0], read="spark")


@pytest.mark.parametrize(
    "indicator",
    [i for i in cat.catalogue() if i.source is Source.SNAPSHOT],
    ids=lambda i: i.id,
)
def test_definition_is_portable(indicator, caplog):
    _portable(indicator.sql, caplog)
    # what the engine wraps around it, too
    spec = cat.spec(indicator.id)
    for filtered in (False, True):
        _portable(engine._aggregate_sql(spec, filtered), caplog)


def test_team_attribution_is_portable(caplog):
    _portable(engine.ATTRIBUTION_SQL, caplog)


def test_caseload_threshold_comes_from_settings(settings):
    settings.CASELOAD_THRESHOLD = 7
    assert "h.cases > 7 " in cat.get("caseload_over_threshold_pct").sql
    assert "{{" not in cat.get("caseload_over_threshold_pct").sql
