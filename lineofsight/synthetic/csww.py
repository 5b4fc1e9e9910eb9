"""A synthetic council's workforce census return (CSWW XML), matching its SSD professionals.

    write_census(out, seed=1)    # reads out/structure.json, writes out/csww.xml

The census date is 30 September before the synthetic year's 31 March (the DfE's census date,
as calibration.py counts it). Its workers are:

- every social worker of the synthetic council (those with a Social Work England number), with
  the same SWE number, FTE, agency flag and cases held on the census date as in the SSD
  professionals (structure.json), so the import matches each to its professional;
- leavers: employed social workers who left in the 12 months to the census date, with new SWE
  numbers (they are not in the SSD, which lists workers in post), their FTE adding up to the
  council's published turnover rate (turnover_rate_fte) times the FTE in post.

The council's vacancies are set so that vacancies over vacancies plus FTE in post is the
published vacancy rate (vacancy_rate_fte), and its agency FTE and headcount are those of its
agency workers (already sized to the published agency FTE by workforce.py). Working days lost
add up to the published days per FTE in post (working_days_lost_fte / inpost_fte). Where the
council's figure is suppressed, England's is used.
"""

from __future__ import annotations

import datetime
import json
import random
from pathlib import Path
from xml.sax.saxutils import escape

from lineofsight.publishedstats import loader
from lineofsight.publishedstats.loader import ENGLAND

SCHEMA_YEAR_FIRST, SCHEMA_YEAR_LAST = 2022, 2025
UNDER_TWO_YEARS_SHARE = 0.3  # of leavers, who had been in the role under two years
LEAVER_FTES = (1.0, 1.0, 1.0, 0.8, 0.6)


def census_date(year: int) -> datetime.date:
    """The census date for a synthetic year (a year to 31 March): the 30 September before."""
    return datetime.date(year - 1, 9, 30)


def _published(area: str, year: int, column: str) -> float | None:
    found = loader.value("workforce", area, year, column)
    return found if found is not None else loader.value("workforce", ENGLAND, year, column)


def _days_back(draw: random.Random, census: datetime.date, low: int, high: int) -> datetime.date:
    return census - datetime.timedelta(days=draw.randint(low, high))


def census_workers(
    structure: dict, *, seed: int
) -> tuple[datetime.date, dict[str, float | int], list[dict[str, str]]]:
    """(census date, the council's LALevelVacancies figures, one dict of items per worker)."""
    area, year = str(structure["area"]), int(structure["year"])
    census = census_date(year)
    draw = random.Random(f"csww-{area}-{year}-{seed}")
    social = [w for w in structure["workers"] if w.get("social_work_england_number")]
    employed = [w for w in social if not w["agency"]]
    agency = [w for w in social if w["agency"]]
    in_post = sum(float(w["fte"]) for w in employed)

    turnover = _published(area, year, "turnover_rate_fte") or 0.0
    vacancy = _published(area, year, "vacancy_rate_fte") or 0.0
    days_lost = _published(area, year, "working_days_lost_fte")
    published_in_post = _published(area, year, "inpost_fte")
    days_per_fte = days_lost / published_in_post if days_lost and published_in_post else 0.0

    rows: list[dict[str, str]] = []
    weights = [draw.uniform(0.0, 2.0) for _ in employed]
    weighted = sum(w * float(e["fte"]) for w, e in zip(weights, employed, strict=True)) or 1.0
    for worker, weight in zip(employed, weights, strict=True):
        fte = float(worker["fte"])
        days = days_per_fte * in_post * weight * fte / weighted
        rows.append(
            {
                "AgencyWorker": "0",
                "SWENo": worker["social_work_england_number"],
                "FTE": f"{fte:g}",
                "RoleStartDate": _days_back(draw, census, 0, 12 * 365).isoformat(),
                "Cases30": str(int(worker.get("caseload_at_census") or 0)),
                "WorkingDaysLost": f"{days:.2f}",
                "Absat30Sept": "0",
            }
        )
    for worker in agency:
        rows.append(
            {
                "AgencyWorker": "1",
                "SWENo": worker["social_work_england_number"],
                "FTE": f"{float(worker['fte']):g}",
                "RoleStartDate": _days_back(draw, census, 0, 2 * 365).isoformat(),
                "Cases30": str(int(worker.get("caseload_at_census") or 0)),
                "ContractWeeks": str(draw.randint(4, 52)),
            }
        )

    # Leavers, until their FTE is the published turnover of the FTE in post; the last one's FTE
    # takes what is left, so the rate is met to rounding.
    remaining = round(turnover / 100.0 * in_post, 2)
    taken = {r["SWENo"] for r in rows}
    n = 0
    while remaining > 0.05:
        fte = min(draw.choice(LEAVER_FTES), remaining)
        remaining = round(remaining - fte, 2)
        n += 1
        swe = f"SW9{area}{n:05d}"
        while swe in taken:
            swe += "0"
        taken.add(swe)
        end = _days_back(draw, census, 0, 364)
        years = (0, 700) if draw.random() < UNDER_TWO_YEARS_SHARE else (731, 15 * 365)
        start = end - datetime.timedelta(days=draw.randint(*years))
        rows.append(
            {
                "AgencyWorker": "0",
                "SWENo": swe,
                "FTE": f"{fte:g}",
                "RoleStartDate": start.isoformat(),
                "RoleEndDate": end.isoformat(),
                "ReasonLeave": str(draw.randint(1, 9)),
            }
        )

    vacancies = vacancy * in_post / (100.0 - vacancy) if vacancy < 100 else 0.0
    council = {
        "NumberOfVacancies": round(vacancies, 2),
        "NoAgencyFTE": round(sum(float(w["fte"]) for w in agency), 2),
        "NoAgencyHeadcount": len(agency),
    }
    return census, council, rows


def census_xml(census: datetime.date, council: dict, rows: list[dict[str, str]], area: str) -> str:
    year = min(max(census.year, SCHEMA_YEAR_FIRST), SCHEMA_YEAR_LAST)
    workers = "".join(
        "  <CSWWWorker>\n"
        + "".join(f"    <{tag}>{escape(value)}</{tag}>\n" for tag, value in row.items())
        + "  </CSWWWorker>\n"
        for row in rows
    )
    vacancies = "".join(f"    <{tag}>{value}</{tag}>\n" for tag, value in council.items())
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        "<Message>\n"
        "  <Header>\n"
        "    <CollectionDetails>\n"
        "      <Collection>CSWW</Collection>\n"
        f"      <Year>{year}</Year>\n"
        f"      <ReferenceDate>{census.isoformat()}</ReferenceDate>\n"
        "    </CollectionDetails>\n"
        "    <Source>\n"
        "      <SourceLevel>L</SourceLevel>\n"
        f"      <LEA>{escape(area)}</LEA>\n"
        "      <SoftwareCode>Line of Sight synthetic council</SoftwareCode>\n"
        "    </Source>\n"
        "  </Header>\n"
        "  <LALevelVacancies>\n"
        f"{vacancies}"
        "  </LALevelVacancies>\n"
        f"{workers}"
        "</Message>\n"
    )


def write_census(out: Path, *, seed: int = 1, name: str = "csww.xml") -> Path:
    """Write the census of the synthetic council in `out` (its structure.json) to out/name."""
    structure = json.loads((out / "structure.json").read_text(encoding="utf-8"))
    census, council, rows = census_workers(structure, seed=seed)
    path = out / name
    path.write_text(census_xml(census, council, rows, str(structure["area"])), encoding="utf-8")
    return path
