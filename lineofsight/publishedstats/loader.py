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


# --- Every geography (England, regions, councils), for the published comparisons -------------
#
# `_index` above keeps its original behaviour (England and councils only) because the synthetic
# council generator relies on it. The functions below read the same files once more, keyed by
# every geography the DfE publishes: ENGLAND, a region code ("E12000004", and "E13000001" /
# "E13000002" for Inner and Outer London) and a council's old_la_code.


def _region_key(text: str) -> str:
    """'Yorkshire and The Humber', 'yorkshire & the humber ' -> 'yorkshire and the humber'."""
    text = text.replace("&", " and ").casefold()
    return " ".join(text.split())


@cache
def _full_index(name: str) -> dict[tuple[str, int], tuple[dict[str, str], ...]]:
    grouped: dict[tuple[str, int], list[dict[str, str]]] = {}
    shared: dict[tuple[str, int], list[dict[str, str]]] = {}
    for row in rows(name):
        level = row.get("geographic_level", "")
        try:
            year = int(row["time_period"][:4])
        except (KeyError, ValueError):
            continue
        if level == "National":
            key = ENGLAND
        elif level == "Regional":
            key = row.get("region_code", "").strip()
        elif level == "Local authority":
            key = row.get("old_la_code", "").strip()
            # The workforce file publishes some councils that share a children's service as one
            # row ("940 / 941", "314 / 318"); each council also gets that shared row unless it has
            # a row of its own that year.
            if "/" in key:
                for part in key.split("/"):
                    if part.strip():
                        shared.setdefault((part.strip(), year), []).append(row)
        else:
            continue
        if key:
            grouped.setdefault((key, year), []).append(row)
    for key, found in shared.items():
        grouped.setdefault(key, found)
    return {k: tuple(v) for k, v in grouped.items()}


def rows_for(name: str, area: str, year: int) -> tuple[dict[str, str], ...]:
    """The rows of one file for one area - old_la_code, ENGLAND or a region code - and year."""
    return _full_index(name).get((normalise_area(area), year), ())


def published_value(name: str, area: str, year: int, column: str, **match: str) -> float | None:
    """Like `value`, for any geography (regions too): None where suppressed or absent."""
    for row in rows_for(name, area, year):
        if all(row.get(k) == v for k, v in match.items()):
            return number(row.get(column))
    return None


def published_years(name: str) -> tuple[int, ...]:
    """Every reporting year in one file, ascending."""
    return tuple(sorted({year for _, year in _full_index(name)}))


@cache
def regions() -> dict[str, str]:
    """Region code -> name, from the Regional rows of the DfE files ('E12000004' -> 'East
    Midlands'; 'E13000001' -> 'Inner London')."""
    found: dict[str, str] = {}
    for name in FILES:
        if name == "neighbours":
            continue
        for row in rows(name):
            if row.get("geographic_level") == "Regional" and row.get("region_code"):
                found.setdefault(row["region_code"].strip(), row.get("region_name", "").strip())
    return dict(sorted(found.items()))


def region_code(region_name: str) -> str | None:
    """The DfE region code for a region's name, matched case- and spacing-insensitively
    ('East Midlands' -> 'E12000004'). 'Inner London' and 'Outer London' have codes of their
    own (E13000001, E13000002); 'London' is E12000007. None when no DfE file names the region."""
    wanted = _region_key(region_name)
    for code, name in regions().items():
        if _region_key(name) == wanted:
            return code
    return None


@cache
def neighbour_model() -> dict[str, dict[str, str]]:
    """The DfE statistical-neighbour model, one row per council keyed by old_la_code: la_name,
    region_name, SN_1..SN_10 (neighbours' old_la_codes, closest first), SN_1P..SN_10P (how
    close, in words)."""
    return {
        row["old_la_code"].strip(): {k: (v or "").strip() for k, v in row.items()}
        for row in rows("neighbours")
        if row.get("old_la_code", "").strip()
    }


@cache
def council_name(area: str) -> str | None:
    """A council's name from the neighbour model, or from the DfE files when it is not there."""
    area = normalise_area(area)
    model = neighbour_model().get(area)
    if model and model.get("la_name"):
        return model["la_name"]
    for name in FILES:
        if name in ("neighbours", "workforce"):
            continue
        for (key, _), found in _full_index(name).items():
            if key == area and found[0].get("la_name"):
                return found[0]["la_name"]
    return None
