"""The workforce census indicators, worked by hand from the small census in
intake/tests/csww_files.py (census date 30 September 2022; its table is repeated here).

  SWENo     kind FTE  FTE30 RoleStartDate RoleEndDate  Cases30 WorkingDaysLost
  SW100001  E    1.0        2019-01-01                 15      10
  SW100002  E    0.5        2021-06-01                 5       2
  SW100003  E    0    0.8   2021-01-04    2022-03-31
  SW100004  E    1.0        2015-05-01    2022-09-30
  SW100005  E    1.0        2018-01-01    2021-09-30
  SW100006  A    1.0        2022-01-10                 20
  SW100007  E    0.5        2022-09-01                 0       0
  Council: 2.0 FTE vacancies, 1.0 agency FTE.

Employed in post on 30 September 2022: SW100001 (1.0), SW100002 (0.5), SW100007 (0.5) = 2.0 FTE
(SW100004 left that day; SW100006 is agency).
Leavers in the 12 months to 30 September 2022 (1 October 2021 to 30 September 2022, both
included): SW100003 (FTE 0, so FTE30 0.8) and SW100004 (1.0) = 1.8 FTE. SW100005 left on
30 September 2021, before the year.
"""

from __future__ import annotations

import csv
import datetime
import io
from pathlib import Path

import pytest
from django.core.management import call_command

from lineofsight.casework import store
from lineofsight.casework.tests.conftest import data_dir  # noqa: F401  (autouse: a data folder)
from lineofsight.indicators import engine
from lineofsight.intake import pipeline, services
from lineofsight.intake.csww import read_csww
from lineofsight.intake.models import RunStatus
from lineofsight.intake.tests import extract
from lineofsight.intake.tests.csww_files import casework_without_census, write_census

pytestmark = pytest.mark.django_db

CENSUS = datetime.date(2022, 9, 30)
IDS = [
    "turnover_pct",
    "vacancy_pct",
    "csww_agency_worker_pct",
    "sickness_days_per_fte",
    "csww_caseload_mean",
    "leavers_under_2y_pct",
]


@pytest.fixture(autouse=True)
def no_post_load_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    # Workforce figures read no derived table; the imports here skip them to stay quick.
    monkeypatch.setattr(pipeline, "POST_LOAD_STEPS", [])


@pytest.fixture
def casework(tmp_path: Path):
    run = services.ssd_extract_import(
        directory=extract.write(tmp_path / "ssd", casework_without_census())
    )
    assert run.status == RunStatus.SUCCEEDED, run.failure_message
    return run.snapshot


@pytest.fixture
def census(casework, tmp_path: Path):
    run = services.csww_import(path=write_census(tmp_path / "csww.xml"))
    assert run.status == RunStatus.SUCCEEDED, run.failure_message
    return run.snapshot


def _values(snapshot, period_end=CENSUS, ids=IDS):
    return {
        v.indicator.id: v for v in engine.compute(snapshot=snapshot, period_end=period_end, ids=ids)
    }


def test_figures_worked_by_hand(census) -> None:
    got = _values(census)
    # turnover: leavers' FTE 0.8 + 1.0 = 1.8 over 2.0 in post = 90%
    assert (got["turnover_pct"].numerator, got["turnover_pct"].denominator) == (
        pytest.approx(1.8),
        pytest.approx(2.0),
    )
    assert got["turnover_pct"].value == pytest.approx(90.0)
    # vacancies: 2.0 over 2.0 vacancies + 2.0 in post = 50%
    assert got["vacancy_pct"].value == pytest.approx(50.0)
    # agency: 1.0 agency FTE over 1.0 + 2.0 employed in post = 33.3%
    assert got["csww_agency_worker_pct"].value == pytest.approx(100 / 3)
    # sickness: 10 + 2 + 0 days over 2.0 FTE in post = 6.0 days per FTE
    assert got["sickness_days_per_fte"].value == pytest.approx(6.0)
    # caseload: employed in post holding cases: 15 + 5 cases over 1.0 + 0.5 FTE = 13.33
    # (SW100007 holds none; SW100006 is agency)
    assert got["csww_caseload_mean"].value == pytest.approx(20 / 1.5)
    # leavers under two years: SW100003 (1 year 3 months) of SW100003 and SW100004 = 50%
    assert got["leavers_under_2y_pct"].value == pytest.approx(50.0)


def test_a_later_period_end_reads_the_census_of_the_12_months_to_it(census) -> None:
    later = _values(census, period_end=datetime.date(2023, 3, 31))
    assert later["turnover_pct"].value == pytest.approx(90.0)
    # more than 12 months after the census: no census, no figure
    after = _values(census, period_end=datetime.date(2023, 10, 31))
    assert after["turnover_pct"].value is None
    assert "No workforce census" in after["turnover_pct"].no_data_reason


def test_without_a_census_the_ssd_figures_still_work(casework) -> None:
    got = _values(casework, ids=[*IDS, "agency_worker_pct"])
    for ind in IDS:
        assert got[ind].value is None
        assert "csww_council" in got[ind].no_data_reason  # the table the import did not include
    # W1 (SW100001, 1.0 FTE, employed) is the only registered social worker in the SSD
    assert got["agency_worker_pct"].value == pytest.approx(0.0)
    assert got["agency_worker_pct"].denominator == pytest.approx(1.0)


def test_the_indicators_command_prints_them_for_the_census_date(census) -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "indicators", "--period-end", "2022-09-30", "--format", "csv", stdout=out, stderr=err
    )
    rows = {r["indicator_id"]: r for r in csv.DictReader(io.StringIO(out.getvalue()))}
    assert float(rows["turnover_pct"]["value"]) == pytest.approx(90.0)
    assert float(rows["vacancy_pct"]["value"]) == pytest.approx(50.0)
    assert float(rows["csww_caseload_mean"]["value"]) == pytest.approx(13.333, abs=1e-3)
    assert rows["turnover_pct"]["period_end"] == "2022-09-30"
    assert store.current_snapshot() == census


# The census return written by others, beside the repository (../shared), as on every machine.
FIXTURE = next(
    (
        path / "fixtures/workforce/social_work_workforce_2022.xml"
        for path in (Path(__file__).resolve().parents[4] / "shared", Path("/work/shared"))
        if (path / "fixtures/workforce").is_dir()
    ),
    Path("../shared/fixtures/workforce/social_work_workforce_2022.xml"),
)


def test_the_fixture_gives_the_census_figures(casework) -> None:
    run = services.csww_import(path=FIXTURE)
    assert run.status == RunStatus.SUCCEEDED, run.failure_message
    got = _values(run.snapshot)
    # The same figures worked out in Python from the file as read (30 workers, census date
    # 30 September 2022): a cross-check of the SQL on sample data with odd values (the
    # fixture's 79.68 FTE vacancies against under 3 FTE of employed workers in post).
    parsed = read_csww(FIXTURE)
    (council,) = parsed.tables["csww_council"]
    employed = [w for w in parsed.tables["csww_workers"] if w["agency_worker"] == "N"]
    in_post = [
        w
        for w in employed
        if (w["role_start_date"] is None or w["role_start_date"] <= CENSUS)
        and (w["role_end_date"] is None or w["role_end_date"] > CENSUS)
    ]
    fte = sum(w["fte"] or 0 for w in in_post)
    assert fte == pytest.approx(2.715871)
    vacancies, agency = council["vacancies_fte"], council["agency_fte"]
    assert got["vacancy_pct"].value == pytest.approx(100 * vacancies / (vacancies + fte))
    assert got["csww_agency_worker_pct"].value == pytest.approx(100 * agency / (agency + fte))
    days = sum(w["working_days_lost"] or 0 for w in in_post)
    assert got["sickness_days_per_fte"].value == pytest.approx(days / fte)
    holders = [w for w in in_post if (w["cases_30"] or 0) > 0 and (w["fte"] or 0) > 0]
    cases = sum(w["cases_30"] for w in holders) / sum(w["fte"] for w in holders)
    assert got["csww_caseload_mean"].value == pytest.approx(cases)
    # no employed worker left between 1 October 2021 and 30 September 2022
    assert got["turnover_pct"].value == 0.0
    assert got["leavers_under_2y_pct"].value is None


# -- the DfE's own ids: the census's figure on its date ------------------------------------------


def test_on_the_census_date_caseload_and_agency_are_the_census_figures(census) -> None:
    got = _values(census, ids=["caseload_mean", "agency_worker_pct"])
    assert got["agency_worker_pct"].value == pytest.approx(100 / 3)
    assert got["caseload_mean"].value == pytest.approx(20 / 1.5)
    for ind in ("agency_worker_pct", "caseload_mean"):
        assert got[ind].figure_from == "the workforce census of 30 September 2022"


def test_on_other_dates_they_are_counted_from_the_case_system(census) -> None:
    got = _values(census, period_end=datetime.date(2023, 3, 31), ids=["agency_worker_pct"])
    # W1 (employed, 1.0 FTE) is the SSD's only registered social worker: 0% agency
    assert got["agency_worker_pct"].value == pytest.approx(0.0)
    assert got["agency_worker_pct"].figure_from == ""


def test_without_a_census_nothing_is_said_to_come_from_one(casework) -> None:
    got = _values(casework, ids=["agency_worker_pct"])
    assert got["agency_worker_pct"].value == pytest.approx(0.0)
    assert got["agency_worker_pct"].figure_from == ""


@pytest.fixture
def census_with_teams(tmp_path: Path):
    from lineofsight.accounts.models import Service, Team

    tables = casework_without_census()
    tables["ssd_professionals"][0]["prof_professional_department"] = "T1"
    tables["ssd_professionals"][1]["prof_professional_department"] = "T2"
    run = services.ssd_extract_import(directory=extract.write(tmp_path / "ssd", tables))
    assert run.status == RunStatus.SUCCEEDED, run.failure_message
    run = services.csww_import(path=write_census(tmp_path / "csww.xml"))
    assert run.status == RunStatus.SUCCEEDED, run.failure_message
    service = Service.objects.create(name="Children's services")
    one = Team.objects.create(name="Team one", service=service, case_system_id="T1")
    two = Team.objects.create(name="Team two", service=service, case_system_id="T2")
    return run.snapshot, one, two


def test_team_by_team_caseload_is_the_census_and_agency_the_case_system(census_with_teams):
    from lineofsight.indicators import by_team

    snapshot, one, two = census_with_teams
    # SW100001 (W1, team one): 15 cases on 1.0 FTE; SW100002 (W2, team two): 5 on 0.5
    caseload = by_team.team_values(
        snapshot=snapshot, indicator_id="caseload_mean", period_end=CENSUS, teams=[one, two]
    )
    assert (caseload[one.pk].value, caseload[two.pk].value) == (15.0, 10.0)
    assert caseload[one.pk].figure_from == "the workforce census of 30 September 2022"
    table = by_team.team_table(
        indicator=caseload[one.pk].indicator, snapshot=snapshot, period_end=CENSUS, teams=[one]
    )
    assert table.note == "Team figures are from the workforce census of 30 September 2022."
    # The census gives agency workers for the whole council only: a team's figure is the SSD's
    agency = by_team.team_values(
        snapshot=snapshot, indicator_id="agency_worker_pct", period_end=CENSUS, teams=[one]
    )
    assert agency[one.pk].value == 0.0
    assert agency[one.pk].figure_from == ""
    filtered = engine.compute(
        snapshot=snapshot, period_end=CENSUS, team_ids=[one.pk], ids=["agency_worker_pct"]
    )
    assert filtered[0].value == 0.0 and filtered[0].figure_from == ""
    team_caseload = engine.compute(
        snapshot=snapshot, period_end=CENSUS, team_ids=[two.pk], ids=["caseload_mean"]
    )
    assert team_caseload[0].value == 10.0
    # the whole council reads the census for both
    council = _values(snapshot, ids=["agency_worker_pct"])
    assert council["agency_worker_pct"].value == pytest.approx(100 / 3)


def test_the_command_says_where_the_figure_comes_from(census) -> None:
    out = io.StringIO()
    call_command(
        "indicators", "--period-end", "2022-09-30", "--format", "csv", stdout=out,
        stderr=io.StringIO(),
    )  # fmt: skip
    rows = {r["indicator_id"]: r for r in csv.DictReader(io.StringIO(out.getvalue()))}
    assert float(rows["agency_worker_pct"]["value"]) == pytest.approx(100 / 3)
    assert rows["agency_worker_pct"]["figure_from"] == "the workforce census of 30 September 2022"
    assert rows["referrals"]["figure_from"] == ""
