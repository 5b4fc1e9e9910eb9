"""Number formats, small-number suppression, red/amber/green and run charts."""

from __future__ import annotations

from datetime import date

import pytest
from django.template import Context, Template

from lineofsight.indicators.presentation import (
    FEWER_THAN_5,
    SUPPRESSED,
    ChartPoint,
    Rag,
    chart_points,
    figure,
    format_number,
    median,
    rag,
)
from lineofsight.indicators.types import (
    Indicator,
    IndicatorValue,
    PeriodKind,
    Polarity,
    Unit,
)

HIGHER, LOWER, NEITHER = Polarity.HIGHER_IS_BETTER, Polarity.LOWER_IS_BETTER, Polarity.NEITHER


@pytest.mark.parametrize(
    ("value", "expected"),
    [(90, Rag.GREEN), (85, Rag.GREEN), (84.9, Rag.AMBER), (80, Rag.AMBER), (79.9, Rag.RED)],
)
def test_rag_higher_is_better(value, expected):
    assert rag(value=value, target=85, amber_margin=5, polarity=HIGHER) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(10, Rag.GREEN), (15, Rag.GREEN), (15.1, Rag.AMBER), (20, Rag.AMBER), (20.1, Rag.RED)],
)
def test_rag_lower_is_better_is_the_mirror_image(value, expected):
    assert rag(value=value, target=15, amber_margin=5, polarity=LOWER) is expected


def test_rag_without_margin_goes_straight_to_red():
    assert rag(value=84.99, target=85, amber_margin=0, polarity=HIGHER) is Rag.RED
    assert rag(value=15.01, target=15, amber_margin=0, polarity=LOWER) is Rag.RED


def test_no_rag_for_volumes_missing_targets_or_values():
    assert rag(value=50, target=10, amber_margin=1, polarity=NEITHER) is None
    assert rag(value=50, target=None, amber_margin=1, polarity=HIGHER) is None
    assert rag(value=None, target=10, amber_margin=1, polarity=LOWER) is None


def test_rag_labels_and_tag_colours():
    assert (Rag.GREEN.label, Rag.GREEN.tag_colour) == ("Green", "green")
    assert (Rag.AMBER.label, Rag.AMBER.tag_colour) == ("Amber", "yellow")
    assert (Rag.RED.label, Rag.RED.tag_colour) == ("Red", "red")


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (1234, Unit.COUNT, "1,234"),
        (1234.6, Unit.COUNT, "1,235"),
        (0, Unit.COUNT, "0"),
        (85.04, Unit.PERCENT, "85.0%"),
        (0, Unit.PERCENT, "0.0%"),
        (42.46, Unit.PER_10K, "42.5"),
        (17.25, Unit.MEAN, "17.2"),
        (12345.67, Unit.MEAN, "12,345.7"),
    ],
)
def test_format_number_by_unit(value, unit, expected):
    assert format_number(value, unit) == expected


@pytest.mark.parametrize("count", [1, 2, 3, 4])
def test_small_counts_read_fewer_than_5(count):
    shown = figure(unit=Unit.COUNT, value=count, numerator=count, denominator=None)
    assert shown.text == FEWER_THAN_5 and shown.suppressed and shown.value is None


@pytest.mark.parametrize("count", [0, 5, 120])
def test_zero_and_five_or_more_counts_are_shown(count):
    shown = figure(unit=Unit.COUNT, value=count, numerator=count, denominator=None)
    assert not shown.suppressed and shown.value == count


@pytest.mark.parametrize(
    ("unit", "numerator", "denominator"),
    [
        (Unit.PERCENT, 3, 40),  # small numerator
        (Unit.PERCENT, 3, 4),  # both small
        (Unit.PERCENT, 0, 4),  # small denominator, even with 0 above it
        (Unit.PER_10K, 2, 300000),  # a rate of a handful of children
        (Unit.MEAN, 60, 4),  # an average over four workers
    ],
)
def test_rates_from_small_numbers_are_suppressed(unit, numerator, denominator):
    value = (numerator / denominator) * (100 if unit is Unit.PERCENT else 1)
    shown = figure(unit=unit, value=value, numerator=numerator, denominator=denominator)
    assert shown.text == SUPPRESSED
    assert shown.value is None and shown.numerator == "" and shown.denominator == ""


def test_zero_numerator_is_shown():
    shown = figure(unit=Unit.PERCENT, value=0.0, numerator=0, denominator=25)
    assert (shown.text, shown.numerator, shown.denominator) == ("0.0%", "0", "25")


def test_rate_with_enough_children_is_shown_with_numerator_and_denominator():
    shown = figure(unit=Unit.PERCENT, value=62.5, numerator=1250, denominator=2000)
    assert (shown.text, shown.numerator, shown.denominator) == ("62.5%", "1,250", "2,000")


def test_nothing_to_count_is_no_data_with_a_reason_never_zero():
    shown = figure(
        unit=Unit.PERCENT,
        value=None,
        numerator=0,
        denominator=0,
        no_data_reason="No child protection plans started in the year.",
    )
    assert shown.no_data and shown.text == "No data"
    assert shown.no_data_reason == "No child protection plans started in the year."
    assert figure(unit=Unit.COUNT, value=None, numerator=None, denominator=None).no_data_reason


INDICATOR = Indicator(
    id="test_pct",
    title="Test percentage",
    description="",
    numerator="",
    denominator="",
    unit=Unit.PERCENT,
    polarity=HIGHER,
    period=PeriodKind.TWELVE_MONTHS,
    definition_source="",
)


def _value(month: int, value, numerator, denominator) -> IndicatorValue:
    end = date(2024, month, 28)
    return IndicatorValue(INDICATOR, date(2023, month, 28), end, value, numerator, denominator)


def test_chart_points_leave_gaps_for_suppressed_and_missing_months():
    points = chart_points(
        [
            _value(1, 50.0, 10, 20),
            _value(2, 75.0, 3, 4),
            _value(3, None, 0, 0),
            _value(4, 60, 6, 10),
        ]
    )
    assert [p.value for p in points] == [50.0, None, None, 60]
    assert [p.text for p in points] == ["50.0%", "Suppressed", "No data", "60.0%"]


def test_median_ignores_gaps():
    assert median([1.0, None, 3.0, 10.0]) == 3.0
    assert median([None, None]) is None


def _render(points, **kwargs) -> str:
    template = Template(
        "{% load indicator_charts %}"
        "{% run_chart points chart_id='c-test' title='Test' unit=unit target=target %}"
    )
    return template.render(Context({"points": points, "unit": Unit.PERCENT, **kwargs}))


def test_run_chart_is_an_accessible_svg_without_inline_style():
    points = [
        ChartPoint(date(2024, m, 28), v, f"{v}%" if v is not None else "Suppressed")
        for m, v in [(1, 40.0), (2, 50.0), (3, None), (4, 45.0), (5, 55.0)]
    ]
    svg = _render(points, target=50)
    assert '<svg role="img" aria-labelledby="c-test-title c-test-desc"' in svg
    assert '<title id="c-test-title">Run chart: Test' in svg
    assert "style=" not in svg and "<script" not in svg
    # Two runs of points either side of the gap; a median line and a target line.
    assert svg.count("<polyline") == 2
    assert svg.count("<circle") == 4
    assert 'stroke-dasharray="6 4"' in svg and 'stroke-dasharray="2 3"' in svg
    assert "1 month suppressed or with no data" in svg


def test_run_chart_with_nothing_to_show_says_so():
    points = [ChartPoint(date(2024, 1, 31), None, "No data")]
    svg = _render(points, target="")
    assert "no chart" in svg and "<svg" not in svg
