"""A small workforce census (CSWW) return, written by hand, for the import and indicator tests.

The census date is 30 September 2022. Workers (E: employed, A: agency):

  SWENo     kind FTE  FTE30 RoleStartDate RoleEndDate  Cases30 WorkingDaysLost
  SW100001  E    1.0        2019-01-01                 15      10
  SW100002  E    0.5        2021-06-01                 5       2
  SW100003  E    0    0.8   2021-01-04    2022-03-31                 (left in the year, 1y3m)
  SW100004  E    1.0        2015-05-01    2022-09-30                 (left on the census date)
  SW100005  E    1.0        2018-01-01    2021-09-30                 (left before the year)
  SW100006  A    1.0        2022-01-10                 20            (agency)
  SW100007  E    0.5        2022-09-01                 0       0

LALevelVacancies: 2.0 FTE vacancies, 1.0 agency FTE, 1 agency worker.
"""

from __future__ import annotations

from pathlib import Path

WORKERS: list[dict[str, str]] = [
    {
        "AgencyWorker": "0",
        "SWENo": "SW100001",
        "FTE": "1.0",
        "RoleStartDate": "2019-01-01",
        "Cases30": "15",
        "WorkingDaysLost": "10",
        "Absat30Sept": "0",
    },
    {
        "AgencyWorker": "0",
        "SWENo": "SW100002",
        "FTE": "0.5",
        "RoleStartDate": "2021-06-01",
        "Cases30": "5",
        "WorkingDaysLost": "2",
    },
    {
        "AgencyWorker": "0",
        "SWENo": "SW100003",
        "FTE": "0",
        "FTE30": "0.8",
        "RoleStartDate": "2021-01-04",
        "RoleEndDate": "2022-03-31",
        "ReasonLeave": "3",
    },
    {
        "AgencyWorker": "0",
        "SWENo": "SW100004",
        "FTE": "1.0",
        "RoleStartDate": "2015-05-01",
        "RoleEndDate": "2022-09-30",
        "ReasonLeave": "1",
    },
    {
        "AgencyWorker": "0",
        "SWENo": "SW100005",
        "FTE": "1.0",
        "RoleStartDate": "2018-01-01",
        "RoleEndDate": "2021-09-30",
    },
    {
        "AgencyWorker": "1",
        "SWENo": "SW100006",
        "FTE": "1.0",
        "RoleStartDate": "2022-01-10",
        "Cases30": "20",
    },
    {
        "AgencyWorker": "0",
        "SWENo": "SW100007",
        "FTE": "0.5",
        "RoleStartDate": "2022-09-01",
        "Cases30": "0",
        "WorkingDaysLost": "0",
        "Absat30Sept": "1",
    },
]


def census_xml(
    workers: list[dict[str, str]] | None = None,
    *,
    year: str = "2022",
    reference_date: str = "2022-09-30",
    vacancies: str = "2.0",
    agency_fte: str = "1.0",
    agency_headcount: str = "1",
) -> str:
    workers = WORKERS if workers is None else workers
    items = "".join(
        "  <CSWWWorker>\n"
        + "".join(f"    <{tag}>{value}</{tag}>\n" for tag, value in worker.items())
        + "  </CSWWWorker>\n"
        for worker in workers
    )
    return (
        "<Message>\n"
        "  <Header>\n"
        "    <CollectionDetails>\n"
        "      <Collection>CSWW</Collection>\n"
        f"      <Year>{year}</Year>\n"
        f"      <ReferenceDate>{reference_date}</ReferenceDate>\n"
        "    </CollectionDetails>\n"
        "  </Header>\n"
        "  <LALevelVacancies>\n"
        f"    <NumberOfVacancies>{vacancies}</NumberOfVacancies>\n"
        f"    <NoAgencyFTE>{agency_fte}</NoAgencyFTE>\n"
        f"    <NoAgencyHeadcount>{agency_headcount}</NoAgencyHeadcount>\n"
        "  </LALevelVacancies>\n"
        f"{items}"
        "</Message>\n"
    )


def write_census(path: Path, text: str | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(census_xml() if text is None else text, encoding="utf-8")
    return path


def casework_without_census() -> dict[str, list[dict[str, str]]]:
    """The valid extract without its census tables; W1 carries SW100001 as its Social Work
    England number and W2 SW100002 as its staff id, so both census workers match."""
    from . import extract

    tables = extract.valid()
    del tables["csww_council"], tables["csww_workers"]
    tables["ssd_professionals"][0]["prof_social_worker_registration_no"] = "SW100001"
    tables["ssd_professionals"][1]["prof_staff_id"] = "sw 100002"
    return tables
