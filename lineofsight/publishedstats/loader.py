"""Read the copied DfE statistics: one area (a local authority or England) in one reporting year."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"

FILES: dict[str, str] = {
    "cin": "b1_children_in_need_2013_to_2025.csv",
    "referrals": "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv",
    "cp_subsequent": "d3_cpps_subsequent_plan_2013_to_2025.csv",
    "cp_duration": "d5_cpps_at31march_by_duration_2013_to_2025.csv",
    "cla": "cla_number_and_rate_per_10k_children.csv",
    "placement_stability": "la_cla_placement_stability.csv",
    "care_leavers": "la_care_leavers_activity.csv",
    "workforce": "csww_indicators_2017_to_2025.csv",
    "population": "ons_mid-year_population_estimates_2012_to_2024.csv",
    "neighbours": "sn_model_2025_wide.csv",
}

ENGLAND = "ENGLAND"


def normalise_area(area: str) -> str:
    """'england', ' 891 ' -> 'ENGLAND', '891'."""
    area = area.strip()
    return ENGLAND if area.upper() == ENGLAND else area


@cache
def rows(name: str) -> tuple[dict[str, str], ...]:
    """Every row of one of the FILES, as read (strings)."""
    with (DATA_DIR / FILES[name]).open(encoding="utf-8-sig", newline="") as handle:
        return tuple(csv.DictReader(handle))


@cache
def _index(name: str) -> dict[tuple[str, int], tuple[dict[str, str], ...]]:
    grouped: dict[tuple[str, int], list[dict[str, str]]] = {}
    for row in rows(name):
        level = row.get("geographic_level", "")
        if level == "National":
            key = ENGLAND
        elif level == "Local authority":
            key = row.get("old_la_code", "").strip()
        else:
            continue
        try:
            year = int(row["time_period"][:4])
        except (KeyError, ValueError):
            continue
        grouped.setdefault((key, year), []).append(row)
    return {k: tuple(v) for k, v in grouped.items()}


def area_rows(name: str, area: str, year: int) -> tuple[dict[str, str], ...]:
    """The rows of one file for one area (old_la_code or ENGLAND) and reporting year."""
    return _index(name).get((normalise_area(area), year), ())


def number(text: str | None) -> float | None:
    """A published value, or None where it is suppressed ('c'), not applicable ('z') or missing."""
    if text is None:
        return None
    text = text.strip().replace(",", "")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        return None


def value(name: str, area: str, year: int, column: str, **match: str) -> float | None:
    """One number from one file: the first row of the area and year whose columns equal `match`."""
    for row in area_rows(name, area, year):
        if all(row.get(k) == v for k, v in match.items()):
            return number(row.get(column))
    return None


def latest_year() -> int:
    """The latest reporting year with children-in-need figures."""
    return max(year for _, year in _index("cin"))


def years(name: str = "cin") -> list[int]:
    return sorted({year for _, year in _index(name)})


def area_name(area: str, year: int | None = None) -> str | None:
    """'Nottinghamshire' for '891', 'England' for ENGLAND, None when unknown."""
    area = normalise_area(area)
    if area == ENGLAND:
        return "England"
    candidates: Iterable[int] = [year] if year is not None else reversed(years())
    for y in candidates:
        found = area_rows("cin", area, y)
        if found:
            return found[0].get("la_name") or None
    return None


def areas(year: int) -> list[tuple[str, str]]:
    """(old_la_code, name) of every local authority with children-in-need figures in `year`."""
    return sorted(
        (key, group[0].get("la_name", ""))
        for (key, y), group in _index("cin").items()
        if y == year and key != ENGLAND
    )


def child_population(area: str, year: int) -> float | None:
    """ONS mid-year estimate of children aged 0 to 17 in the area, for the latest mid-year on or
    before `year` (the DfE divides a year ending 31 March by the previous mid-year's estimate)."""
    for y in range(year, year - 5, -1):
        found = value("population", area, y, "population_estimate")
        if found is not None:
            return found
    return None
