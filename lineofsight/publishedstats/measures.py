"""The DfE-published measures Line of Sight compares a council with.

Each measure is one published figure per area and reporting year, read from the copied DfE files
(`data/`, see SOURCE.md). An area is a council's old_la_code, "ENGLAND", or a DfE region code
("E12000004" East Midlands; "E12000007" London, "E13000001"/"E13000002" Inner/Outer London).

Where the DfE publishes the figure itself (a percentage, a rate) it is used as published. Where it
publishes only the counts, the figure is computed from them and rounded to one decimal place, and
the measure's description says so. Suppressed or unavailable values ("c", "x", "z", "u", "low",
blank) give None, never 0.

Rates per 10,000 children divide by the ONS mid-year estimate of children aged 0 to 17 for the
mid-year *before* the reporting year ends (year ending 31 March 2025 -> mid-2024), the convention
of the DfE's own figures: the looked-after file publishes its denominator and it is the previous
mid-year's estimate, and the DfE's outcomes and enablers dashboard shifts the ONS year by one
before dividing children in need by it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from . import loader
from .loader import ENGLAND


@dataclass(frozen=True)
class Measure:
    key: str
    label: str  # what the figure is, for a table heading ("Rate per 10,000 children")
    unit: str  # "percent" | "per_10k" | "mean"
    description: str  # how it is read or computed, in plain words
    source_files: tuple[str, ...]  # file names in data/


def _file(name: str) -> str:
    return loader.FILES[name]


def _round(x: float) -> float:
    return round(x, 1)


def _pct(num: float | None, den: float | None) -> float | None:
    if num is None or den is None or den <= 0:
        return None
    return _round(100.0 * num / den)


def _per_10k(count: float | None, area: str, year: int) -> float | None:
    """count per 10,000 children, using the ONS estimate for the previous mid-year."""
    if count is None:
        return None
    population = loader.published_value("population", area, year - 1, "population_estimate")
    if not population:
        return None
    return _round(10000.0 * count / population)


def _published_or_computed(
    name: str, area: str, year: int, percent: str, num: str, den: str, **match: str
) -> float | None:
    """The published percentage; when only that cell is missing, numerator over denominator."""
    v = loader.published_value
    found = v(name, area, year, percent, **match)
    if found is not None:
        return found
    return _pct(v(name, area, year, num, **match), v(name, area, year, den, **match))


# --- the calculators, one per measure: (area, year) -> value ----------------------------------


Calculator = Callable[[str, int], float | None]


def _count_per_10k(name: str, column: str) -> Calculator:
    """A published count per 10,000 children."""
    return lambda area, year: _per_10k(loader.published_value(name, area, year, column), area, year)


def _percent(name: str, percent: str, num: str, den: str) -> Calculator:
    """A published percentage, or numerator over denominator where only it is missing."""
    return lambda area, year: _published_or_computed(name, area, year, percent, num, den)


def _as_published(name: str, column: str) -> Calculator:
    return lambda area, year: loader.published_value(name, area, year, column)


CLA_AT_31_MARCH = "Children looked after on 31 March each year"


def _cla_per_10k(area: str, year: int) -> float | None:
    v = loader.published_value
    rate = v("cla", area, year, "rate_per_10000", population_type=CLA_AT_31_MARCH)
    if rate is not None:
        return rate
    return _per_10k(
        v("cla", area, year, "children_count", population_type=CLA_AT_31_MARCH), area, year
    )


def _cla_3plus_pct(area: str, year: int) -> float | None:
    def stability(column: str, measure: str) -> float | None:
        return loader.published_value(
            "placement_stability", area, year, column,
            cla_group="CLA on 31 March", placement_stability=measure,
        )  # fmt: skip

    three = "With 3 or more placements during the year"
    found = stability("children_percent", three)
    if found is not None:
        return found
    return _pct(stability("children_count", three), stability("children_count", "Total children"))


CARE_LEAVER_AGES = ("17 to 18 years", "19 to 21 years")


def _care_leavers_in_touch_pct(area: str, year: int) -> float | None:
    total = unknown = 0.0
    for age in CARE_LEAVER_AGES:
        t = loader.published_value(
            "care_leavers", area, year, "care_leaver_count", care_leaver_age=age, breakdown="Total"
        )
        u = loader.published_value(
            "care_leavers", area, year, "care_leaver_count",
            care_leaver_age=age, breakdown="Total information not known",
        )  # fmt: skip
        if t is None or u is None:
            return None
        total += t
        unknown += u
    share = _pct(unknown, total)
    return None if share is None else _round(100.0 - share)


def _agency_rate_pct(area: str, year: int) -> float | None:
    v = loader.published_value
    in_post = v("workforce", area, year, "inpost_fte")
    agency = v("workforce", area, year, "agency_fte")
    if in_post is not None and agency is not None:
        return _pct(agency, in_post + agency)
    return v("workforce", area, year, "agency_rate_fte")


def _turnover_rate_pct(area: str, year: int) -> float | None:
    v = loader.published_value
    found = v("workforce", area, year, "turnover_rate_fte")
    if found is not None:
        return found
    return _pct(v("workforce", area, year, "leavers_fte"), v("workforce", area, year, "inpost_fte"))


def _vacancy_rate_pct(area: str, year: int) -> float | None:
    v = loader.published_value
    found = v("workforce", area, year, "vacancy_rate_fte")
    if found is not None:
        return found
    vacancies = v("workforce", area, year, "vacancy_fte")
    in_post = v("workforce", area, year, "inpost_fte")
    if vacancies is None or in_post is None:
        return None
    return _pct(vacancies, vacancies + in_post)


def _sickness_days_per_fte(area: str, year: int) -> float | None:
    v = loader.published_value
    days = v("workforce", area, year, "working_days_lost_fte")
    in_post = v("workforce", area, year, "inpost_fte")
    if days is None or not in_post:
        return None
    return _round(days / in_post)


_POPULATION = _file("population")

MEASURES: dict[str, Measure] = {
    m.key: m
    for m in (
        Measure(
            "referrals_per_10k",
            "Rate per 10,000 children",
            "per_10k",
            "Referrals to children's social care in the year to 31 March per 10,000 children "
            "aged 0 to 17. The DfE file gives the count only, so the rate is computed: "
            "referral_count divided by the ONS estimate for the previous mid-year.",
            (_file("referrals"), _POPULATION),
        ),
        Measure(
            "rereferral_pct",
            "Percentage of referrals",
            "percent",
            "Referrals in the year that came within 12 months of a previous referral of the "
            "same child, as published (rereferral_percent).",
            (_file("referrals"),),
        ),
        Measure(
            "nfa_pct",
            "Percentage of referrals",
            "percent",
            "Referrals in the year that led to no further action, as published "
            "(no_further_action_percent).",
            (_file("referrals"),),
        ),
        Measure(
            "cin_per_10k",
            "Rate per 10,000 children",
            "per_10k",
            "Children in need on 31 March per 10,000 children aged 0 to 17. Computed from the "
            "published count (At31_episodes) and the ONS estimate for the previous mid-year.",
            (_file("cin"), _POPULATION),
        ),
        Measure(
            "cp_per_10k",
            "Rate per 10,000 children",
            "per_10k",
            "Children on a child protection plan on 31 March per 10,000 children aged 0 to 17. "
            "Computed from the published count (CPP_At31) and the ONS estimate for the previous "
            "mid-year.",
            (_file("cp_duration"), _POPULATION),
        ),
        Measure(
            "cp_2y_pct",
            "Percentage of child protection plans on 31 March",
            "percent",
            "Child protection plans open on 31 March that had lasted 2 years or more, as "
            "published (2_years_or_more_percent).",
            (_file("cp_duration"),),
        ),
        Measure(
            "cp_subsequent_pct",
            "Percentage of child protection plans started",
            "percent",
            "Child protection plans started in the year that were the child's second or "
            "subsequent plan, as published (CPP_subsequent_percent).",
            (_file("cp_subsequent"),),
        ),
        Measure(
            "cla_per_10k",
            "Rate per 10,000 children",
            "per_10k",
            "Children looked after on 31 March per 10,000 children aged 0 to 17, as published "
            "(rate_per_10000, a whole number).",
            (_file("cla"),),
        ),
        Measure(
            "cla_3plus_pct",
            "Percentage of children looked after on 31 March",
            "percent",
            "Children looked after on 31 March who had 3 or more placements during the year, as "
            "published (children_percent, a whole number).",
            (_file("placement_stability"),),
        ),
        Measure(
            "care_leavers_in_touch_pct",
            "Percentage of care leavers aged 17 to 21",
            "percent",
            "Care leavers aged 17 to 21 whose activity is known to the council. The DfE publishes "
            "each age band (17 to 18, 19 to 21) separately, so the figure is computed from the "
            "counts: 100 minus the share of both bands together whose information is not known. "
            "Missing when either band's count is suppressed.",
            (_file("care_leavers"),),
        ),
        Measure(
            "caseload_fte",
            "Average cases per case-holding social worker",
            "mean",
            "Average caseload per case-holding children and family social worker (FTE) at the "
            "workforce census, as published (caseload_fte).",
            (_file("workforce"),),
        ),
        Measure(
            "agency_rate_pct",
            "Percentage of social worker FTE",
            "percent",
            "Agency social workers as a share of all social workers (FTE), computed from the "
            "counts as agency_fte / (inpost_fte + agency_fte) - the same as the synthetic "
            "council's calibration. It matches the DfE's agency_rate_fte to rounding for councils; "
            "the published rate is used where a count is missing.",
            (_file("workforce"),),
        ),
        Measure(
            "turnover_rate_pct",
            "Percentage of social worker FTE in post",
            "percent",
            "Employed social workers (FTE) who left in the year to 30 September as a share of "
            "those in post on 30 September, as published (turnover_rate_fte); computed as "
            "leavers_fte / inpost_fte where only the rate is missing.",
            (_file("workforce"),),
        ),
        Measure(
            "vacancy_rate_pct",
            "Percentage of vacancies and social worker FTE in post",
            "percent",
            "Social worker vacancies (FTE) on 30 September as a share of vacancies plus social "
            "workers in post, as published (vacancy_rate_fte); computed as vacancy_fte / "
            "(vacancy_fte + inpost_fte) where only the rate is missing.",
            (_file("workforce"),),
        ),
        Measure(
            "sickness_days_per_fte",
            "Working days lost per social worker FTE in post",
            "mean",
            "Working days lost to sickness absence by employed social workers in the year, per "
            "social worker (FTE) in post on 30 September. The DfE publishes the days "
            "(working_days_lost_fte) and an absence rate, so the figure is computed: "
            "working_days_lost_fte / inpost_fte, to one decimal place.",
            (_file("workforce"),),
        ),
    )
}

_CALCULATORS: dict[str, Calculator] = {
    "referrals_per_10k": _count_per_10k("referrals", "referral_count"),
    "rereferral_pct": _percent(
        "referrals", "rereferral_percent", "rereferral_count", "referral_count"
    ),
    "nfa_pct": _percent(
        "referrals", "no_further_action_percent", "no_further_action_count", "referral_count"
    ),
    "cin_per_10k": _count_per_10k("cin", "At31_episodes"),
    "cp_per_10k": _count_per_10k("cp_duration", "CPP_At31"),
    "cp_2y_pct": _percent("cp_duration", "2_years_or_more_percent", "2_years_or_more", "CPP_At31"),
    "cp_subsequent_pct": _percent(
        "cp_subsequent", "CPP_subsequent_percent", "CPP_subsequent", "CPP_start"
    ),
    "cla_per_10k": _cla_per_10k,
    "cla_3plus_pct": _cla_3plus_pct,
    "care_leavers_in_touch_pct": _care_leavers_in_touch_pct,
    "caseload_fte": _as_published("workforce", "caseload_fte"),
    "agency_rate_pct": _agency_rate_pct,
    "turnover_rate_pct": _turnover_rate_pct,
    "vacancy_rate_pct": _vacancy_rate_pct,
    "sickness_days_per_fte": _sickness_days_per_fte,
}

# The file whose reporting years a measure covers (the first of its source files).
_PRIMARY: dict[str, str] = {
    "referrals_per_10k": "referrals",
    "rereferral_pct": "referrals",
    "nfa_pct": "referrals",
    "cin_per_10k": "cin",
    "cp_per_10k": "cp_duration",
    "cp_2y_pct": "cp_duration",
    "cp_subsequent_pct": "cp_subsequent",
    "cla_per_10k": "cla",
    "cla_3plus_pct": "placement_stability",
    "care_leavers_in_touch_pct": "care_leavers",
    "caseload_fte": "workforce",
    "agency_rate_pct": "workforce",
    "turnover_rate_pct": "workforce",
    "vacancy_rate_pct": "workforce",
    "sickness_days_per_fte": "workforce",
}


def measure(measure_key: str) -> Measure:
    """The measure with this key; KeyError naming it when there is none."""
    try:
        return MEASURES[measure_key]
    except KeyError:
        raise KeyError(f"No published measure {measure_key!r}") from None


def _area(area: str) -> str:
    """'england' -> ENGLAND, 'e12000004' -> 'E12000004', ' 891' -> '891'."""
    area = area.strip()
    return area.upper() if area.upper() == ENGLAND or area[:1] in ("e", "E") else area


@cache
def _published(measure_key: str, area: str, year: int) -> float | None:
    return _CALCULATORS[measure_key](area, year)


def published(measure_key: str, area: str, year: int) -> float | None:
    """The published figure for one area (old_la_code, "ENGLAND" or a region code) and reporting
    year; None when it is suppressed or not published."""
    measure(measure_key)
    return _published(measure_key, _area(area), int(year))


@cache
def years(measure_key: str) -> tuple[int, ...]:
    """The reporting years with an England figure for the measure, ascending."""
    measure(measure_key)
    return tuple(
        y
        for y in loader.published_years(_PRIMARY[measure_key])
        if _published(measure_key, ENGLAND, y) is not None
    )
