"""Reads for the regional page: the pooled extracts loaded, and one indicator's figures for each
council, the region and England.

Pooled data is "loaded" when LINEOFSIGHT_REGION_DIR names a folder whose sub-folders are pooled
extracts (`lineofsight export pooled`, one per council, each with its manifest.json). Figures
are worked out with DuckDB, the first time they are asked for, and kept in the cache under the
extracts' SHA-256 digests, so a changed extract is never read from the cache.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.cache import cache

from lineofsight.indicators import catalogue as cat
from lineofsight.indicators import engine as indicator_engine
from lineofsight.indicators.presentation import format_number
from lineofsight.indicators.types import Indicator
from lineofsight.publishedstats import loader, measures
from lineofsight.publishedstats.loader import ENGLAND
from lineofsight.web.figures import NO_DATA, number_text

from . import figures
from .engines import DuckDBEngine, snapshot_specs
from .pooled import MANIFEST, PooledExtract, PooledExtractError, read_extracts

CACHE_SECONDS = 24 * 60 * 60
YEARS_SHOWN = 4


def region_dir() -> Path | None:
    """LINEOFSIGHT_REGION_DIR, or else the data folder's `region/` when there is one (where
    `make demo` puts the demonstration council's own pooled extract)."""
    configured = str(getattr(settings, "REGION_DIR", "") or "").strip()
    if configured:
        return Path(configured)
    default = default_region_dir()
    return default if default.is_dir() else None


def default_region_dir() -> Path:
    return Path(settings.VAR_DIR) / "region"


@dataclass(frozen=True)
class Loaded:
    extracts: list[PooledExtract] = field(default_factory=list)
    problem: str = ""  # why the pooled data cannot be read, in plain words

    @property
    def councils(self) -> list[str]:
        return [e.council_code for e in self.extracts]


def loaded(*, verify: bool = False) -> Loaded:
    """The pooled extracts in LINEOFSIGHT_REGION_DIR (none when it is not set)."""
    root = region_dir()
    if root is None:
        return Loaded()
    if not root.is_dir():
        return Loaded(problem=f"The folder for pooled data ({root}) does not exist.")
    folders = sorted(p for p in root.iterdir() if (p / MANIFEST).is_file())
    try:
        return Loaded(extracts=read_extracts(folders, verify=verify))
    except PooledExtractError as e:
        return Loaded(problem=str(e))


def period_ends(extracts: list[PooledExtract]) -> list[date]:
    """The years to 31 March the page offers, latest first."""
    latest = figures.default_period_end(extracts)
    return [date(latest.year - n, 3, 31) for n in range(YEARS_SHOWN)]


def _cache_key(extracts: list[PooledExtract], period_end: date) -> str:
    text = "|".join(
        [period_end.isoformat(), indicator_engine._fingerprint(), *(e.digest for e in extracts)]
    )
    return "region-figures:" + hashlib.sha256(text.encode()).hexdigest()


def region_figures(extracts: list[PooledExtract], period_end: date) -> list[figures.Row]:
    key = _cache_key(extracts, period_end)
    rows = cache.get(key)
    if rows is None:
        # Every file is checked against its manifest before its figures are worked out.
        checked = read_extracts([e.directory for e in extracts], verify=True)
        with DuckDBEngine() as eng:
            rows = figures.region_rows(checked, eng=eng, period_end=period_end)
        cache.set(key, rows, CACHE_SECONDS)
    return rows


def indicator_choices() -> list[tuple[str, str]]:
    return [(s.indicator.id, s.indicator.title) for s in snapshot_specs()]


@dataclass(frozen=True)
class Line:
    area: str
    figure: str
    numerator: str
    denominator: str
    note: str = ""
    is_region: bool = False


def _text(cell: object, ind: Indicator, *, is_value: bool) -> str:
    if cell is None:
        return NO_DATA if is_value else ""
    if isinstance(cell, str):
        return cell
    return format_number(float(cell), ind.unit) if is_value else number_text(float(cell))


def _line(row: figures.Row, ind: Indicator, area: str, *, is_region: bool = False) -> Line:
    return Line(
        area=area,
        figure=_text(row.value, ind, is_value=True),
        numerator=_text(row.numerator, ind, is_value=False),
        denominator=_text(row.denominator, ind, is_value=False),
        note=row.no_data_reason,
        is_region=is_region,
    )


def council_name(code: str) -> str:
    return loader.council_name(code) or f"Council {code}"


def england_line(ind: Indicator, period_end: date) -> Line | None:
    """England's published figure for the latest year to the period's, when the DfE publishes
    one for the indicator."""
    if not ind.dfe_measure:
        return None
    years = [y for y in measures.years(ind.dfe_measure) if y <= period_end.year]
    if not years:
        return None
    year = years[-1]
    value = measures.published(ind.dfe_measure, ENGLAND, year)
    label = measures.measure(ind.dfe_measure).label
    return Line(
        area="England (published)",
        figure=NO_DATA if value is None else f"{value:,.1f}",
        numerator="",
        denominator="",
        note=f"{label}, year to 31 March {year}",
    )


@dataclass(frozen=True)
class RegionTable:
    indicator: Indicator
    period_end: date
    lines: list[Line]
    england: Line | None
    # Whether England's published figure is the same measure as the councils' (a count of
    # referrals is published as a rate per 10,000 children: then it is shown apart, not as a row).
    england_comparable: bool = True


def region_table(extracts: list[PooledExtract], indicator_id: str, period_end: date) -> RegionTable:
    ind = cat.get(indicator_id)
    rows = [r for r in region_figures(extracts, period_end) if r.indicator_id == indicator_id]
    lines = [
        _line(r, ind, "Region (these councils together)", is_region=True)
        if r.council == figures.REGION
        else _line(r, ind, council_name(r.council))
        for r in rows
    ]
    england = england_line(ind, period_end)
    comparable = england is None or _same_unit(ind)
    return RegionTable(ind, period_end, lines, england, comparable)


def _same_unit(ind: Indicator) -> bool:
    try:
        return str(measures.measure(ind.dfe_measure).unit) == str(ind.unit)
    except (KeyError, ValueError, TypeError):
        return False
