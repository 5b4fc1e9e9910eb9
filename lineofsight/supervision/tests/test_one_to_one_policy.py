"""The council's supervision policy: due dates worked out by hand."""

from __future__ import annotations

import datetime

import pytest

from lineofsight.supervision.one_to_one_policy import (
    PolicyFileError,
    add_months,
    current_policy,
    parse_policy,
)

DAY0 = datetime.date(2025, 1, 6)  # the day the worker was newly qualified


def day(n: int) -> datetime.date:
    return DAY0 + datetime.timedelta(days=n)


@pytest.fixture
def rules():
    return current_policy()  # the policy shipped with the product


@pytest.mark.parametrize(
    ("supervised", "due"),
    [
        (0, 7),  # week 1: weekly
        (7, 14),
        (35, 42),  # week 6, the last weekly one
        (41, 48),  # still in the first six weeks
        (42, 56),  # week 7: fortnightly
        (100, 114),
        (364, 378),  # the last day of the first year
    ],
)
def test_a_newly_qualified_worker_is_due_by_their_stage_on_the_last_supervision(
    rules, supervised, due
):
    assert rules.next_due(last=day(supervised), newly_qualified_since=DAY0, started=None) == day(
        due
    )


def test_after_the_first_year_supervision_is_monthly(rules):
    # Day 365 is 2026-01-06: the same day a month later.
    assert day(365) == datetime.date(2026, 1, 6)
    assert rules.next_due(last=day(365), newly_qualified_since=DAY0, started=None) == datetime.date(
        2026, 2, 6
    )


def test_other_workers_are_due_monthly_and_month_ends_are_kept(rules):
    assert rules.next_due(
        last=datetime.date(2024, 1, 31), newly_qualified_since=None, started=None
    ) == datetime.date(2024, 2, 29)
    assert add_months(datetime.date(2024, 12, 15), 1) == datetime.date(2025, 1, 15)
    assert add_months(datetime.date(2025, 3, 31), -1) == datetime.date(2025, 2, 28)


def test_never_supervised_is_due_one_interval_after_the_later_start(rules):
    assert rules.start == datetime.date(2024, 1, 1)
    # Joined after the policy began: a month after joining.
    assert rules.next_due(
        last=None, newly_qualified_since=None, started=datetime.date(2024, 3, 10)
    ) == datetime.date(2024, 4, 10)
    # Joined before the policy began: a month after the policy began.
    assert rules.next_due(
        last=None, newly_qualified_since=None, started=datetime.date(2020, 5, 1)
    ) == datetime.date(2024, 2, 1)
    # Newly qualified, never supervised: a week after qualifying.
    assert rules.next_due(last=None, newly_qualified_since=DAY0, started=None) == day(7)


def test_a_council_file_replaces_the_policy(settings, tmp_path):
    own = tmp_path / "policy.yml"
    own.write_text(
        "start: 2025-01-01\n"
        "stages:\n"
        "  - {key: nq, label: Newly qualified, newly_qualified_days: 183, every_days: 14}\n"
        "  - {key: all, label: Everyone, every_days: 21}\n"
    )
    settings.SUPERVISION_POLICY_FILE = str(own)
    rules = current_policy()
    assert [s.key for s in rules.stages] == ["nq", "all"]
    assert rules.next_due(last=day(0), newly_qualified_since=DAY0, started=None) == day(14)
    assert rules.next_due(last=day(200), newly_qualified_since=DAY0, started=None) == day(221)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("stages: []", "start must be a date"),
        ("start: 2025-01-01\nstages: []", "at least one stage"),
        ("start: 2025-01-01\nstages:\n  - {key: a, label: A}", "every_days or every_months"),
        (
            "start: 2025-01-01\nstages:\n  - {key: a, label: A, every_days: 7, "
            "newly_qualified_days: 30}",
            "last stage must fit everyone",
        ),
    ],
)
def test_a_bad_policy_file_is_refused_saying_why(text, says):
    with pytest.raises(PolicyFileError, match=says):
        parse_policy(text)
