"""The rules file: complete, consistent with the code that measures it, and validated."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from lineofsight.timeliness import expectations, flags
from lineofsight.timeliness.rules import (
    DEFAULT_RULES_FILE,
    Interval,
    InvalidTimescale,
    Kind,
    LocalValue,
    RulesFileError,
    Unit,
    default_rules,
    in_force,
    parse_rules,
)

# The shipped rules: id, kind, and the timescale's amount and unit.
EXPECTED_DEFAULTS = """
    assessment_45wd          statutory  45  working_days
    icpc_15wd                statutory  15  working_days
    cp_first_review_3m       statutory   3  months
    cp_review_6m             statutory   6  months
    cp_visit                 local      10  working_days
    cin_visit                local      20  working_days
    cla_first_review_20wd    statutory  20  working_days
    cla_second_review_3m     statutory   3  months
    cla_review_6m            statutory   6  months
    cla_visit_6w             statutory   6  weeks
    cla_placement_visit_1w   statutory   1  weeks
    cla_health_assessment    statutory  20  working_days
    pathway_plan_6m          statutory   6  months
"""


def test_the_shipped_rules_and_their_defaults():
    found = [
        [r.id, r.kind.value, str(r.due.amount), r.due.unit.value] for r in default_rules().values()
    ]
    assert sorted(found) == sorted(line.split() for line in EXPECTED_DEFAULTS.strip().splitlines())


def test_every_rule_is_measured_or_says_why_not():
    measured = {rule_id for group in expectations.GROUPS for rule_id in group.rule_ids}
    assert measured.isdisjoint(expectations.NOT_MEASURABLE)
    assert measured | set(expectations.NOT_MEASURABLE) == set(default_rules())


def test_every_flag_names_known_rules():
    assert len(flags.FLAG_IDS) == 15
    for flag in flags.FLAGS:
        assert set(flag.rules) <= set(default_rules()), flag.id


def test_cla_visits_know_long_term_placements():
    long_term = default_rules()["cla_visit_6w"].long_term
    assert long_term is not None
    assert long_term.due == Interval(3, Unit.MONTHS)
    assert long_term.after == Interval(12, Unit.MONTHS)
    assert long_term.placement_types == ("U1", "U4")


def test_only_local_rules_are_editable():
    editable = {r.id for r in default_rules().values() if r.editable}
    assert editable == {"cp_visit", "cin_visit"}
    assert all(r.maximum for r in default_rules().values() if r.kind is Kind.LOCAL)


@pytest.mark.parametrize("raw", ["", "abc", "0", "-3", "2.5", "1e3", " ", "١٢", True, 0, -1])
def test_values_that_are_not_whole_numbers_above_zero_are_refused(raw):
    rule = default_rules()["cp_visit"]
    with pytest.raises(InvalidTimescale) as exc:
        rule.check_value(raw)
    assert str(exc.value) == (
        "Child protection visits: enter a whole number of working days greater than 0"
    )


def test_values_above_the_rules_maximum_are_refused():
    rule = default_rules()["cp_visit"]
    with pytest.raises(InvalidTimescale) as exc:
        rule.check_value("31")
    assert str(exc.value) == (
        "Child protection visits: enter a whole number of working days no more than 30"
    )
    assert rule.check_value(" 30 ") == 30
    assert rule.check_value(1) == 1


def test_local_values_override_defaults_for_local_rules_only():
    when = datetime.datetime(2026, 1, 5, 9, 30, tzinfo=datetime.UTC)
    rules = in_force(
        [
            LocalValue("cp_visit", 15, "working_days", "Ada Admin", when),
            LocalValue("assessment_45wd", 60, "working_days"),  # statutory: ignored
            LocalValue("no_such_rule", 5, "days"),  # unknown: ignored
        ]
    )
    assert rules["cp_visit"].due == Interval(15, Unit.WORKING_DAYS)
    assert rules["cp_visit"].default == Interval(10, Unit.WORKING_DAYS)
    assert rules["cp_visit"].is_changed
    assert rules["cp_visit"].changed_by == "Ada Admin"
    assert rules["assessment_45wd"].due == Interval(45, Unit.WORKING_DAYS)
    assert "no_such_rule" not in rules
    assert default_rules()["cp_visit"].due == Interval(10, Unit.WORKING_DAYS)


def test_interval_words():
    assert Interval(1, Unit.WEEKS).words() == "1 week"
    assert Interval(10, Unit.WORKING_DAYS).words() == "10 working days"
    assert Interval(3, Unit.MONTHS).words() == "3 months"


def test_a_broken_rules_file_is_refused_with_a_reason():
    good = DEFAULT_RULES_FILE.read_text()
    with pytest.raises(RulesFileError, match="unit must be one of"):
        parse_rules(good.replace("unit: working_days}", "unit: fortnights}", 1))
    with pytest.raises(RulesFileError, match="defined twice"):
        parse_rules(good.replace("id: icpc_15wd", "id: assessment_45wd"))
    with pytest.raises(RulesFileError, match="kind must be"):
        parse_rules(good.replace("kind: statutory", "kind: optional", 1))


def test_the_guide_defines_every_flag_and_rule():
    guide = (Path(__file__).resolve().parents[3] / "docs" / "drift-flags.md").read_text()
    for name in (*flags.FLAG_IDS, *default_rules()):
        assert f"`{name}`" in guide, name
