"""On synthetic councils built from two small real councils' published figures, each indicator
the DfE publishes lands within 10% of that council's published value.

Hartlepool (805) and Darlington (841), scale 1: each takes a few seconds to synthesise and some
more to import. The caseload is compared on 30 September, the DfE's workforce census date; every
other figure for the year to 31 March.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from lineofsight.indicators import engine
from lineofsight.intake import services as intake_services
from lineofsight.intake.models import RunStatus
from lineofsight.publishedstats import loader
from lineofsight.synthetic.calibration import published_figures
from lineofsight.synthetic.generator import synthesize

YEAR = 2025
PERIOD_END = datetime.date(YEAR, 3, 31)
CENSUS = datetime.date(YEAR - 1, 9, 30)


def _published(area: str) -> dict[str, float | None]:
    """indicator id -> the value the DfE published (None where suppressed)."""
    f = published_figures(area, YEAR)
    population = loader.child_population(area, YEAR - 1)
    refs = f["referrals"]
    nfa = loader.value("referrals", area, YEAR, "no_further_action_count")
    leavers = [
        (f[f"leavers_{band}"], f[f"leavers_{band}_in_touch_pct"]) for band in ("17_18", "19_21")
    ]
    in_touch = None
    if all(n is not None and pct is not None for n, pct in leavers):
        total = sum(n for n, _ in leavers)
        in_touch = sum(n * pct for n, pct in leavers) / total

    def rate(count: float | None) -> float | None:
        return None if count is None or not population else 10000 * count / population

    return {
        "referrals": refs,
        "rereferral_12m_pct": f["rereferral_pct"],
        "nfa_pct": None if nfa is None or not refs else 100 * nfa / refs,
        "cin_at_period_end": f["cin_at31"],
        "cp_at_period_end": f["cp_at31"],
        "cp_per_10k": rate(f["cp_at31"]),
        "cp_open_2y_pct": f["cp_at31_2y_pct"],
        "cp_second_plan_pct": f["cp_subsequent_pct"],
        "cla_at_period_end": f["cla_at31"],
        "cla_per_10k": loader.value(
            "cla",
            area,
            YEAR,
            "rate_per_10000",
            population_type="Children looked after on 31 March each year",
        ),
        "cla_3plus_placements_pct": f["cla_3plus_pct"],
        "care_leavers_in_touch_pct": in_touch,
        "caseload_mean": f["caseload"],
        "agency_worker_pct": f["agency_rate_pct"],
    }


def _within(computed: float | None, published: float) -> bool:
    if computed is None:
        return False
    if published == 0:
        return computed == 0
    return abs(computed - published) / abs(published) <= 0.10 + 1e-9


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize("area", ["805", "841"])  # Hartlepool, Darlington
def test_published_figures_are_met(area: str, tmp_path: Path, settings) -> None:
    settings.COUNCIL_CODE = area
    result = synthesize(area, tmp_path / "extract", year=YEAR, annex_a=False)
    run = intake_services.ssd_extract_import(directory=result.out / "ssd", as_at=PERIOD_END)
    assert run.status == RunStatus.SUCCEEDED, run.failure_message
    snapshot = run.snapshot
    published = _published(area)
    got = {
        v.indicator.id: v.value for v in engine.compute(snapshot=snapshot, period_end=PERIOD_END)
    }
    (census,) = engine.compute(snapshot=snapshot, period_end=CENSUS, ids=["caseload_mean"])
    got["caseload_mean"] = census.value
    judged = {k: v for k, v in published.items() if v is not None}
    assert len(judged) >= 12
    misses = {k: (got[k], v) for k, v in judged.items() if not _within(got[k], v)}
    assert not misses, f"computed vs published: {misses}"
