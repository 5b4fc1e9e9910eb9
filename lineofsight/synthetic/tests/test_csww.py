"""The synthetic council's workforce census: its figures meet the published ones within 10%,
and its workers are the SSD's social workers (same SWE numbers), so the import matches them."""

from __future__ import annotations

from pathlib import Path

import pytest

from lineofsight.casework import store
from lineofsight.casework.tests.conftest import data_dir  # noqa: F401  (autouse: a data folder)
from lineofsight.intake import pipeline, services
from lineofsight.intake.csww import read_csww
from lineofsight.intake.models import RunStatus
from lineofsight.publishedstats import loader
from lineofsight.synthetic.csww import census_date, write_census
from lineofsight.synthetic.generator import synthesize

HARTLEPOOL = "805"


def _within(got: float, published: float) -> bool:
    return abs(got - published) <= 0.1 * abs(published)


def test_census_figures_meet_the_published_ones(tmp_path: Path) -> None:
    year = loader.latest_year()
    result = synthesize(HARTLEPOOL, tmp_path, year=year, seed=5, annex_a=False)
    parsed = read_csww(write_census(result.out, seed=5))
    assert not parsed.problems, [str(p) for p in parsed.problems]

    (council,) = parsed.tables["csww_council"]
    assert council["census_date"] == census_date(year)
    workers = parsed.tables["csww_workers"]
    employed = [w for w in workers if w["agency_worker"] == "N"]
    in_post = [w for w in employed if w["role_end_date"] is None]
    fte = sum(w["fte"] for w in in_post)
    leavers = sum(w["fte"] for w in employed if w["role_end_date"] is not None)
    holders = [w for w in in_post if (w["cases_30"] or 0) > 0]

    def published(column: str) -> float:
        value = loader.value("workforce", HARTLEPOOL, year, column)
        assert value is not None, column
        return value

    agency_published = (
        100 * published("agency_fte") / (published("agency_fte") + published("inpost_fte"))
    )
    got = {
        "turnover": (100 * leavers / fte, published("turnover_rate_fte")),
        "vacancy": (
            100 * council["vacancies_fte"] / (council["vacancies_fte"] + fte),
            published("vacancy_rate_fte"),
        ),
        "agency": (100 * council["agency_fte"] / (council["agency_fte"] + fte), agency_published),
        "caseload": (
            sum(w["cases_30"] for w in holders) / sum(w["fte"] for w in holders),
            published("caseload_fte"),
        ),
    }
    assert all(_within(a, b) for a, b in got.values()), got


@pytest.mark.django_db
def test_the_census_imports_with_the_extract_and_matches_every_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "POST_LOAD_STEPS", [])
    result = synthesize(HARTLEPOOL, tmp_path, scale=0.05, seed=2, annex_a=False)
    census = write_census(result.out, seed=2)

    run = services.ssd_extract_import(directory=result.out / "ssd", census=census)

    assert run.status == RunStatus.SUCCEEDED, run.failure_message
    with store.connect() as con:
        unmatched = con.execute(
            "SELECT count(*) FROM csww_workers "
            "WHERE role_end_date IS NULL AND prof_professional_id IS NULL"
        ).fetchone()[0]
        matched = con.execute(
            "SELECT count(*) FROM csww_workers w JOIN ssd_professionals p "
            "ON p.prof_professional_id = w.prof_professional_id "
            "AND p.prof_social_worker_registration_no = w.swe_no"
        ).fetchone()[0]
    assert unmatched == 0 and matched > 0
