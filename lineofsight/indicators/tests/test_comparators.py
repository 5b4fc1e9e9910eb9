"""Published comparisons: the council's own DfE figure, England, region and statistical
neighbours. Expected values were read by hand from `publishedstats/data/` (rows quoted)."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest

from lineofsight.indicators import catalogue as catalogue_module
from lineofsight.indicators import comparators
from lineofsight.indicators.comparators import comparison, comparisons, council_profile
from lineofsight.indicators.tests.test_catalogue import DFE
from lineofsight.indicators.types import Comparison, Indicator, PeriodKind, Polarity, Unit
from lineofsight.publishedstats.measures import MEASURES

# The measure behind each catalogue indicator (the catalogue's `dfe_measure`).
EXPECTED_MEASURES = DFE

# 891's ten statistical neighbours, closest first (sn_model_2025_wide.csv, row 891:
# 891,Nottinghamshire,1,East Midlands,830,Extremely close,935,Very close,933,Very close,...)
NOTTS_NEIGHBOURS = [
    ("830", "Derbyshire", "Extremely close"),
    ("935", "Suffolk", "Very close"),
    ("933", "Somerset", "Very close"),
    ("886", "Kent", "Very close"),
    ("926", "Norfolk", "Very close"),
    ("937", "Warwickshire", "Very close"),
    ("855", "Leicestershire", "Very close"),
    ("802", "North Somerset", "Very close"),
    ("860", "Staffordshire", "Very close"),
    ("888", "Lancashire", "Very close"),
]


def _indicator(indicator_id: str, measure: str | None) -> Indicator:
    return Indicator(
        id=indicator_id,
        title=indicator_id,
        description="",
        numerator="",
        denominator="",
        unit=Unit.PERCENT,
        polarity=Polarity.NEITHER,
        period=PeriodKind.AT_PERIOD_END,
        definition_source="",
        dfe_measure=measure,
    )


STAND_IN = (
    *(_indicator(i, m) for i, m in EXPECTED_MEASURES.items()),
    _indicator("audits_good_or_better_pct", None),
)


@pytest.fixture
def stand_in_catalogue(monkeypatch: pytest.MonkeyPatch) -> tuple[Indicator, ...]:
    by_id = {i.id: i for i in STAND_IN}
    monkeypatch.setattr(catalogue_module, "catalogue", lambda: STAND_IN)
    monkeypatch.setattr(catalogue_module, "get", lambda indicator_id: by_id[indicator_id])
    return STAND_IN


@pytest.fixture(autouse=True)
def council_891(settings) -> None:  # noqa: ANN001 - pytest-django's settings fixture
    settings.COUNCIL_CODE = "891"


def test_profile_of_891() -> None:
    profile = council_profile()
    assert profile.code == "891"
    assert profile.name == "Nottinghamshire"
    assert (profile.region_code, profile.region_name) == ("E12000004", "East Midlands")
    assert [tuple(n) for n in profile.neighbours] == NOTTS_NEIGHBOURS
    assert council_profile("891") == profile


def test_unknown_code_is_a_clear_error(stand_in_catalogue: tuple[Indicator, ...]) -> None:
    with pytest.raises(ValueError, match="'999'"):
        council_profile("999")
    with pytest.raises(ValueError, match="'999'"):
        comparison("cla_per_10k", la_code="999")
    with pytest.raises(ValueError, match="'999'"):
        comparisons(la_code="999")


def test_london_council_is_compared_with_london_as_a_whole() -> None:
    # The DfE files put Barnet (302) under Outer London; the model says London (E12000007).
    profile = council_profile("302")
    assert (profile.region_code, profile.region_name) == ("E12000007", "London")


def test_comparison_for_looked_after_rate(stand_in_catalogue: tuple[Indicator, ...]) -> None:
    c = comparison("cla_per_10k")
    assert isinstance(c, Comparison)
    assert c.indicator_id == "cla_per_10k"
    assert c.measure_label == "Rate per 10,000 children"
    assert c.latest_year == 2025
    # cla_number_and_rate_per_10k_children.csv, "Children looked after on 31 March each year":
    # 2025,...,891,Nottinghamshire,...,171572,901,53 / 2025,...,National,...,12183016,81770,67 /
    # 2025,...,Regional,...,E12000004,East Midlands,...,1032130,6410,62
    assert c.council is not None and (c.council.area, c.council.code) == ("Nottinghamshire", "891")
    assert c.council.value == 53.0 and c.council.year == 2025
    assert c.england is not None and (c.england.area, c.england.value) == ("England", 67.0)
    assert c.region is not None
    assert (c.region.area, c.region.code, c.region.value) == ("East Midlands", "E12000004", 62.0)
    # Neighbours in model order; 2025 rates: 830 66, 935 60, 933 55, 886 53, 926 62, 937 56,
    # 855 47, 802 63, 860 75, 888 65 -> mean 60.2
    assert [(f.code, f.area) for f in c.neighbours] == [(n[0], n[1]) for n in NOTTS_NEIGHBOURS]
    assert [f.value for f in c.neighbours] == [66, 60, 55, 53, 62, 56, 47, 63, 75, 65]
    assert c.neighbour_average == 60.2


def test_trend_years_ascending_and_capped_at_five(
    stand_in_catalogue: tuple[Indicator, ...],
) -> None:
    c = comparison("rereferral_12m_pct")
    assert c is not None and c.latest_year == 2025
    assert set(c.trend) == {"council", "england", "region", "neighbours"}
    for series in c.trend.values():
        assert [y for y, _ in series] == [2021, 2022, 2023, 2024, 2025]
    # c1 National rereferral_percent: 2025 22.6; 891: 2025 23.1; East Midlands 2025 24.7
    assert c.trend["england"][-1] == (2025, 22.6)
    assert c.trend["council"][-1] == (2025, 23.1)
    assert c.trend["region"][-1] == (2025, 24.7)
    assert c.trend["neighbours"][-1] == (2025, c.neighbour_average)


def test_year_limits_the_latest_year(stand_in_catalogue: tuple[Indicator, ...]) -> None:
    c = comparison("cla_per_10k", year=2023)
    assert c is not None and c.latest_year == 2023
    # cla 2023 891: ...,Children looked after on 31 March each year,166161,956,58
    assert c.council is not None and c.council.value == 58.0
    assert [y for y, _ in c.trend["council"]] == [2021, 2022, 2023]
    assert comparison("cla_per_10k", year=2000) is None


def test_suppressed_neighbour_is_none_and_left_out_of_the_average(
    stand_in_catalogue: tuple[Indicator, ...],
) -> None:
    # Westminster (213): csww 2025 caseload_fte "x". Its neighbours include other councils with
    # figures, so the average is the mean of those present.
    c = comparison("caseload_mean", la_code="213")
    assert c is not None and c.council is not None and c.council.value is None
    present = [f.value for f in c.neighbours if f.value is not None]
    assert present and c.neighbour_average == round(sum(present) / len(present), 1)


def test_indicator_without_a_measure(stand_in_catalogue: tuple[Indicator, ...]) -> None:
    assert comparison("audits_good_or_better_pct") is None


def test_comparisons_cover_every_measured_indicator_quickly(
    stand_in_catalogue: tuple[Indicator, ...],
) -> None:
    found = comparisons()
    assert list(found) == list(EXPECTED_MEASURES)
    assert found["cp_at_period_end"].measure_label == "Rate per 10,000 children"
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        comparisons()
        timings.append(time.perf_counter() - start)
    assert min(timings) < 0.1


def test_the_real_catalogue_agrees_with_the_measures() -> None:
    """Whatever the catalogue says, its measures exist; where it names one for an indicator
    listed here, it is the one expected."""
    for indicator in catalogue_module.catalogue():
        if indicator.dfe_measure:
            assert indicator.dfe_measure in MEASURES, indicator.id
            if indicator.id in EXPECTED_MEASURES:
                assert indicator.dfe_measure == EXPECTED_MEASURES[indicator.id], indicator.id


def test_profile_uses_settings(settings) -> None:  # noqa: ANN001
    settings.COUNCIL_CODE = "830"
    assert council_profile().name == "Derbyshire"
    assert replace(council_profile("891"), neighbours=()).name == "Nottinghamshire"
    assert comparators.council_profile(" 891 ").code == "891"
