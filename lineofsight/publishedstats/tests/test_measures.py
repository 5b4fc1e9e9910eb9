"""The published measures, checked against figures read by hand from the copied DfE files.

Each expected value quotes the CSV row it was read from (trimmed to the columns that matter).
"""

from __future__ import annotations

import pytest

from lineofsight.publishedstats import loader
from lineofsight.publishedstats.measures import MEASURES, Measure, published, years

ENGLAND = "ENGLAND"
NOTTS = "891"
EAST_MIDLANDS = "E12000004"

CATALOGUE_KEYS = {
    "referrals_per_10k",
    "rereferral_pct",
    "nfa_pct",
    "cin_per_10k",
    "cp_per_10k",
    "cp_2y_pct",
    "cp_subsequent_pct",
    "cla_per_10k",
    "cla_3plus_pct",
    "care_leavers_in_touch_pct",
    "caseload_fte",
    "agency_rate_pct",
    "turnover_rate_pct",
    "vacancy_rate_pct",
    "sickness_days_per_fte",
}


def test_exactly_the_keys_the_catalogue_uses() -> None:
    assert set(MEASURES) == CATALOGUE_KEYS
    for key, m in MEASURES.items():
        assert isinstance(m, Measure) and m.key == key
        assert m.unit in {"percent", "per_10k", "mean"}
        assert m.label and m.description and m.source_files
        for name in m.source_files:
            assert (loader.DATA_DIR / name).exists()


def test_published_percentages_for_nottinghamshire_and_england() -> None:
    # c1: 2025,...,Local authority,...,891,E10000024,Nottinghamshire,Referrals and Re-referrals,
    #     referral_count 6390, rereferral_count 1475, rereferral_percent 23.1,
    #     no_further_action_count 0, no_further_action_percent 0, ...
    assert published("rereferral_pct", NOTTS, 2025) == 23.1
    assert published("nfa_pct", NOTTS, 2025) == 0.0  # a real zero stays a zero
    # c1: 2025,Reporting year,National,...,Referrals and Re-referrals,
    #     632830,142900,22.6,41340,6.5,...
    assert published("rereferral_pct", ENGLAND, 2025) == 22.6
    assert published("nfa_pct", "england", 2025) == 6.5
    # d3: 2025,...,891,...,Child Protection Plans which are a second or subsequent plan,727,203,27.9
    assert published("cp_subsequent_pct", NOTTS, 2025) == 27.9
    # d5: 2025,...,891,...,Child Protection Plans by length of time,577,200,34.7,...,9,1.6
    assert published("cp_2y_pct", NOTTS, 2025) == 1.6
    # placement stability: 2025,...,891,...,CLA on 31 March,
    #     With 3 or more placements during the year,43,5
    assert published("cla_3plus_pct", NOTTS, 2025) == 5.0
    # cla: 2025,...,891,...,Children looked after on 31 March each year,171572,901,53
    #      2025,Reporting year,National,...,Children looked after on 31 March each year,
    #      12183016,81770,67
    assert published("cla_per_10k", NOTTS, 2025) == 53.0
    assert published("cla_per_10k", ENGLAND, 2025) == 67.0
    # csww: 2025,...,891,...,Nottinghamshire,457.6 (inpost_fte),...,38.5 (agency_fte),...,
    #       7.8 (agency_rate_fte),...,13.3 (caseload_fte),...
    assert published("caseload_fte", NOTTS, 2025) == 13.3
    assert published("agency_rate_pct", NOTTS, 2025) == round(100 * 38.5 / (457.6 + 38.5), 1)
    assert published("agency_rate_pct", NOTTS, 2025) == 7.8
    # csww: 2025,Reporting year,National,...,caseload_fte 15.2
    assert published("caseload_fte", ENGLAND, 2025) == 15.2


def test_rates_divide_by_the_previous_mid_year_population() -> None:
    # ONS: 2024,...,891,E10000024,Nottinghamshire,Children aged 0 to 17 years,171572
    # (the cla file's own denominator for 2025 is the same 171572: the previous mid-year)
    # c1 2025 891 referral_count 6390 -> 6390 / 171572 * 10000 = 372.44
    assert published("referrals_per_10k", NOTTS, 2025) == 372.4
    # b1: 2025,...,891,...,Children in Need,...,At31_episodes 4014 -> 233.95
    assert published("cin_per_10k", NOTTS, 2025) == 234.0
    # d5 2025 891 CPP_At31 577 -> 33.63
    assert published("cp_per_10k", NOTTS, 2025) == 33.6
    # ONS: 2024,...,National,...,12183016; b1 2025 National At31_episodes 402400 -> 330.30
    assert published("cin_per_10k", ENGLAND, 2025) == 330.3
    # c1 2025 National referral_count 632830 -> 519.43
    assert published("referrals_per_10k", ENGLAND, 2025) == 519.4


def test_care_leavers_in_touch_combines_both_age_bands() -> None:
    # la_care_leavers_activity 2025 891: 17 to 18 years Total 211, Total information not known 2;
    # 19 to 21 years Total 513, Total information not known 10 -> 100 - 100*12/724 = 98.34
    assert published("care_leavers_in_touch_pct", NOTTS, 2025) == 98.3
    # National 2025: 14800 / 870 and 38440 / 2390 -> 100 - 100*3260/53240 = 93.88
    assert published("care_leavers_in_touch_pct", ENGLAND, 2025) == 93.9


def test_region_figures() -> None:
    # c1: 2025,Reporting year,Regional,E92000001,England,E12000004,East Midlands,...,
    #     53190,13120,24.7,4710,8.9,...
    assert published("rereferral_pct", EAST_MIDLANDS, 2025) == 24.7
    assert published("nfa_pct", EAST_MIDLANDS, 2025) == 8.9
    # ONS: 2024,...,Regional,...,E12000004,East Midlands,...,1032130 -> 53190/1032130*1e4 = 515.34
    assert published("referrals_per_10k", EAST_MIDLANDS, 2025) == 515.3
    # cla: 2025,...,Regional,...,E12000004,East Midlands,...,on 31 March each year,1032130,6410,62
    assert published("cla_per_10k", EAST_MIDLANDS, 2025) == 62.0
    assert published("cla_per_10k", "e12000004", 2025) == 62.0


def test_suppressed_values_are_none_not_zero() -> None:
    # c1: 2024,...,201,...,City of London,...,63,c,c,32,50.8,...  ("c": suppressed)
    assert published("rereferral_pct", "201", 2024) is None
    # csww: 2025,...,213,...,Westminster,...,x,...  ("x": not available)
    assert published("caseload_fte", "213", 2025) is None
    assert published("agency_rate_pct", "213", 2025) is None
    # cla: 2025,...,420,Isles of Scilly,...,on 31 March each year,319,z,z  ("z": not applicable)
    assert published("cla_per_10k", "420", 2025) is None
    # c1: 2025,...,392,...,North Tyneside,...,1893,468,24.7,c,c,...
    assert published("nfa_pct", "392", 2025) is None
    assert published("rereferral_pct", "392", 2025) == 24.7


def test_blank_and_coded_cells_read_as_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    for text in ("c", "x", "z", "u", "low", "k", "", "  ", None):
        assert loader.number(text) is None
    assert loader.number("0") == 0.0
    assert loader.number("1,234") == 1234.0
    row = {"caseload_fte": "", "cases": "c"}
    monkeypatch.setattr(loader, "rows_for", lambda *a, **k: (row,))
    assert loader.published_value("workforce", "999", 2025, "caseload_fte") is None
    assert loader.published_value("workforce", "999", 2025, "cases") is None


def test_absent_areas_and_years_are_none() -> None:
    assert published("cla_per_10k", NOTTS, 1999) is None
    assert published("cla_per_10k", "000", 2025) is None
    with pytest.raises(KeyError, match="no_such_measure"):
        published("no_such_measure", NOTTS, 2025)


def test_years_ascending() -> None:
    assert years("cla_per_10k") == (2021, 2022, 2023, 2024, 2025)
    assert years("referrals_per_10k") == tuple(range(2013, 2026))
    assert years("caseload_fte") == tuple(range(2017, 2026))
    for key in MEASURES:
        found = years(key)
        assert found and list(found) == sorted(found)


def test_regions_are_matched_by_name() -> None:
    assert loader.region_code("East Midlands") == EAST_MIDLANDS
    assert loader.region_code(" yorkshire & the  humber ") == "E12000003"
    assert loader.region_code("London") == "E12000007"
    assert loader.region_code("Inner London") == "E13000001"
    assert loader.region_code("Atlantis") is None
    assert loader.regions()["E12000007"] == "London"


def test_councils_sharing_a_workforce_row() -> None:
    # csww: 2025,...,940 / 941,...,North Northamptonshire / West Northamptonshire,...
    # (one children's trust): each council reads the shared row.
    assert published("caseload_fte", "940", 2025) is not None
    assert published("caseload_fte", "940", 2025) == published("caseload_fte", "941", 2025)


def test_existing_reader_still_skips_regions() -> None:
    """The synthetic council relies on `area_rows`/`value` covering England and councils only."""
    assert loader.area_rows("cin", EAST_MIDLANDS, 2025) == ()
    assert loader.value("cin", "891", 2025, "At31_episodes") == 4014.0
    assert loader.value("workforce", "940", 2025, "caseload_fte") is None
    assert loader.child_population("891", 2024) == 171572.0


def test_workforce_census_measures() -> None:
    # csww: 2025,...,891,...,Nottinghamshire,457.6 (inpost_fte),...,45 (leavers_fte),...,
    #       9.8 (turnover_rate_fte),...,51.3 (vacancy_fte),10.1 (vacancy_rate_fte),...,
    #       6079 (working_days_lost_fte),5.3 (absence_rate_fte)
    assert published("turnover_rate_pct", NOTTS, 2025) == 9.8
    assert published("vacancy_rate_pct", NOTTS, 2025) == 10.1
    # 6079 / 457.6 = 13.28 -> 13.3 days per FTE in post
    assert published("sickness_days_per_fte", NOTTS, 2025) == 13.3
    # England 2025: 322786.3 / 36186.3 = 8.92 -> 8.9
    assert published("sickness_days_per_fte", ENGLAND, 2025) == 8.9
    assert published("turnover_rate_pct", ENGLAND, 2025) == 11.8
    assert years("vacancy_rate_pct") == tuple(range(2017, 2026))
