"""Published benchmarks for the indicators: the council's own DfE figure, England, its region
and its ten statistical neighbours, for the latest published year and the years before it.

The council is `settings.COUNCIL_CODE` (its old_la_code) unless a code is given. Its region and
neighbours come from the DfE statistical-neighbour model (`publishedstats/data/sn_model_2025_wide
.csv`); the figures from `lineofsight.publishedstats.measures`. Everything is read from files
loaded once per process, so `comparisons()` is cheap once warm.

Regions: the model names the council's region ("East Midlands"); the DfE files key their
Regional rows by region_code, so the name is matched (ignoring case and spacing) to the code the
files use for it. London councils appear in the DfE files under "Inner London" (E13000001) or
"Outer London" (E13000002), but every file also publishes London as a whole (E12000007); a London
council is compared with London as a whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import fmean
from typing import NamedTuple

from django.conf import settings

from lineofsight.publishedstats import loader, measures
from lineofsight.publishedstats.loader import ENGLAND

from . import catalogue
from .types import ComparatorFigure, Comparison

TREND_YEARS = 5
LONDON = "London"


class Neighbour(NamedTuple):
    code: str  # old_la_code
    name: str
    closeness: str  # the DfE model's words: "Extremely close", "Very close", "Close"...


@dataclass(frozen=True)
class CouncilProfile:
    code: str  # old_la_code
    name: str
    region_code: str  # DfE region code, e.g. "E12000004"
    region_name: str
    neighbours: tuple[Neighbour, ...]  # closest first, as the DfE model orders them


def _code(la_code: str | None) -> str:
    code = la_code if la_code is not None else getattr(settings, "COUNCIL_CODE", "891")
    return str(code).strip()


def _region(model_region: str, la_code: str) -> tuple[str, str]:
    """(code, name) of the council's region in the DfE files."""
    code = loader.region_code(model_region) if model_region else None
    if code is None and "london" in model_region.casefold():
        code = loader.region_code(LONDON)  # "Inner London"/"Outer London" -> London as a whole
    if code is None:
        raise ValueError(
            f"Council {la_code}: the DfE files have no regional figures for the region "
            f"{model_region!r} named in the statistical-neighbour model."
        )
    return code, loader.regions()[code]


def council_profile(la_code: str | None = None) -> CouncilProfile:
    """The council's name, region and statistical neighbours; ValueError naming the code when the
    DfE statistical-neighbour model does not know it."""
    code = _code(la_code)
    return _profile(code)


_profiles: dict[str, CouncilProfile] = {}


def _profile(code: str) -> CouncilProfile:
    if code in _profiles:
        return _profiles[code]
    row = loader.neighbour_model().get(code)
    if row is None:
        raise ValueError(
            f"Unknown council code {code!r}: it is not in the DfE statistical-neighbour model "
            "(set LINEOFSIGHT_COUNCIL_CODE to the council's three-digit old LA code, e.g. 891)."
        )
    region_code, region_name = _region(row.get("region_name", ""), code)
    neighbours = []
    for n in range(1, 11):
        other = row.get(f"SN_{n}", "")
        if other:
            name = loader.council_name(other) or other
            neighbours.append(Neighbour(other, name, row.get(f"SN_{n}P", "")))
    profile = CouncilProfile(
        code=code,
        name=row.get("la_name") or code,
        region_code=region_code,
        region_name=region_name,
        neighbours=tuple(neighbours),
    )
    _profiles[code] = profile
    return profile


def _average(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return round(fmean(present), 1) if present else None


def _comparison(
    indicator_id: str, measure_key: str, profile: CouncilProfile, year: int | None
) -> Comparison | None:
    measure = measures.measure(measure_key)
    available = [y for y in measures.years(measure_key) if year is None or y <= year]
    if not available:
        return None
    latest = available[-1]
    trend_years = available[-TREND_YEARS:]

    def at(area: str, y: int) -> float | None:
        return measures.published(measure_key, area, y)

    def neighbour_values(y: int) -> list[float | None]:
        return [at(n.code, y) for n in profile.neighbours]

    neighbours = tuple(
        ComparatorFigure(n.name, n.code, v, latest)
        for n, v in zip(profile.neighbours, neighbour_values(latest), strict=True)
    )
    return Comparison(
        indicator_id=indicator_id,
        measure_label=measure.label,
        latest_year=latest,
        council=ComparatorFigure(profile.name, profile.code, at(profile.code, latest), latest),
        england=ComparatorFigure("England", ENGLAND, at(ENGLAND, latest), latest),
        region=ComparatorFigure(
            profile.region_name, profile.region_code, at(profile.region_code, latest), latest
        ),
        neighbours=neighbours,
        neighbour_average=_average([f.value for f in neighbours]),
        trend={
            "council": tuple((y, at(profile.code, y)) for y in trend_years),
            "england": tuple((y, at(ENGLAND, y)) for y in trend_years),
            "region": tuple((y, at(profile.region_code, y)) for y in trend_years),
            "neighbours": tuple((y, _average(neighbour_values(y))) for y in trend_years),
        },
    )


def comparison(
    indicator_id: str, *, la_code: str | None = None, year: int | None = None
) -> Comparison | None:
    """The published figures for one catalogue indicator, for the latest year with an England
    figure (no later than `year` when given). None when the indicator has no published measure,
    or nothing is published up to `year`. Council, region and neighbour figures are None where
    the DfE suppressed them."""
    measure_key = catalogue.get(indicator_id).dfe_measure
    if not measure_key:
        return None
    return _comparison(indicator_id, measure_key, council_profile(la_code), year)


def comparisons(*, la_code: str | None = None, year: int | None = None) -> dict[str, Comparison]:
    """`comparison()` for every catalogue indicator that has a published measure, by id, in
    catalogue order."""
    profile = council_profile(la_code)
    out: dict[str, Comparison] = {}
    for indicator in catalogue.catalogue():
        if not indicator.dfe_measure:
            continue
        found = _comparison(indicator.id, indicator.dfe_measure, profile, year)
        if found is not None:
            out[indicator.id] = found
    return out
