"""The workforce census (CSWW) import: alone (added to the current snapshot) or with an SSD
extract, all or nothing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lineofsight.casework import store
from lineofsight.casework.models import Snapshot
from lineofsight.intake import csww, selectors, services
from lineofsight.intake.models import RunStatus
from lineofsight.intake.problems import Severity

from . import extract
from .conftest import assert_nothing_changed
from .csww_files import WORKERS, casework_without_census, census_xml, write_census
from .streaming import records_held

pytestmark = pytest.mark.django_db

# The census return written by others, beside the repository (../shared), as on every machine.
FIXTURE = next(
    (
        path / "fixtures/workforce/social_work_workforce_2022.xml"
        for path in (Path(__file__).resolve().parents[4] / "shared", Path("/work/shared"))
        if (path / "fixtures/workforce").is_dir()
    ),
    Path("../shared/fixtures/workforce/social_work_workforce_2022.xml"),
)


@pytest.fixture
def casework(db, tmp_path: Path) -> Snapshot:
    """Casework without a census, imported and current."""
    directory = extract.write(tmp_path / "casework", casework_without_census())
    run = services.ssd_extract_import(directory=directory)
    assert run.status == RunStatus.SUCCEEDED, run.failure_message
    return run.snapshot


def _rows(sql: str) -> list[tuple]:
    with store.connect() as con:
        return con.execute(sql).fetchall()


def test_census_alone_makes_a_new_snapshot_with_casework_and_workforce(
    casework: Snapshot, tmp_path: Path
) -> None:
    run = services.csww_import(path=write_census(tmp_path / "csww.xml"))

    assert run.status == RunStatus.SUCCEEDED, run.failure_message
    new = store.current_snapshot()
    assert new is not None and new.pk != casework.pk and new == run.snapshot
    # the casework is the current snapshot's, unchanged; the census is added
    assert new.as_at == casework.as_at and new.source_kind == casework.source_kind
    assert set(new.provided_tables) == set(casework.provided_tables) | {
        "csww_council",
        "csww_workers",
    }
    for table, count in casework.row_counts.items():
        if table not in ("csww_council", "csww_workers"):
            assert new.row_counts[table] == count, table
    assert new.row_counts["csww_workers"] == 7 and new.row_counts["csww_council"] == 1
    assert _rows("SELECT count(*) FROM ssd_person") == [(3,)]
    # matched by SWE number (W1) and by staff id, spaces and case ignored (W2)
    assert _rows(
        "SELECT swe_no, prof_professional_id FROM csww_workers "
        "WHERE prof_professional_id IS NOT NULL ORDER BY swe_no"
    ) == [("SW100001", "W1"), ("SW100002", "W2")]
    assert _rows(
        "SELECT census_date::VARCHAR, vacancies_fte, agency_fte, agency_headcount FROM csww_council"
    ) == [("2022-09-30", 2.0, 1.0, 1)]
    assert _rows(
        "SELECT agency_worker, fte, fte30, role_start_date::VARCHAR, role_end_date::VARCHAR, "
        "reason_leave, absent_30_sept FROM csww_workers WHERE swe_no = 'SW100003'"
    ) == [("N", 0.0, 0.8, "2021-01-04", "2022-03-31", "3", None)]
    # the file the analyst gave is the one recorded, hashed
    (recorded,) = run.files.all()
    assert recorded.name == "csww.xml" and len(recorded.sha256) == 64
    # the old snapshot is kept, no longer current
    casework.refresh_from_db()
    assert not casework.is_current


def test_census_alone_needs_a_current_snapshot(db, tmp_path: Path) -> None:
    with pytest.raises(services.NoSnapshotForCensus, match="Import the casework first"):
        services.csww_import(path=write_census(tmp_path / "csww.xml"))
    assert not Snapshot.objects.exists()


def test_the_fixture_imports(casework: Snapshot) -> None:
    run = services.csww_import(path=FIXTURE)

    assert run.status == RunStatus.SUCCEEDED, run.failure_message
    assert run.snapshot.row_counts["csww_workers"] == 30
    assert _rows("SELECT vacancies_fte, agency_fte, agency_headcount FROM csww_council") == [
        (79.68, 59.82, 71)
    ]
    assert _rows("SELECT count(*) FROM csww_workers WHERE agency_worker = 'Y'")[0][0] > 0


def test_a_second_census_replaces_the_first(casework: Snapshot, tmp_path: Path) -> None:
    services.csww_import(path=write_census(tmp_path / "a.xml"))
    smaller = write_census(tmp_path / "b.xml", census_xml(WORKERS[:2]))
    # 7 workers to 2 is a change the quality gate stops, like any other table's fall
    stopped = services.csww_import(path=smaller)
    assert stopped.status == RunStatus.FAILED
    assert "csww_workers: 7 rows to 2 rows" in stopped.failure_message
    run = services.csww_import(path=smaller, gate_mode=services.GateMode.ACCEPT)
    assert run.status == RunStatus.SUCCEEDED, run.failure_message
    assert run.snapshot.row_counts["csww_workers"] == 2
    assert run.snapshot.provided("ssd_person")


def _bad(path: Path, text: str) -> Path:
    return write_census(path, text)


BAD = {
    "malformed": (
        census_xml().replace("</LALevelVacancies>", ""),
        "not well-formed XML",
        None,
    ),
    "unknown_year": (
        census_xml(year="2019"),
        "The schema year 2019 is not one Line of Sight reads",
        "Year",
    ),
    "duplicate_worker": (
        census_xml([*WORKERS, {**WORKERS[1], "FTE": "0.3"}]),
        "Worker 8 (SWENo SW100002): this SWENo is also on worker 2",
        "SWENo",
    ),
    "fte_out_of_range": (
        census_xml([WORKERS[0], {**WORKERS[1], "FTE": "37"}]),
        "Worker 2 (SWENo SW100002): FTE must be a number from 0 to 1.5",
        "FTE",
    ),
    "dates_in_the_wrong_order": (
        census_xml([{**WORKERS[2], "RoleEndDate": "2020-12-31"}]),
        "Worker 1 (SWENo SW100003): RoleEndDate (2020-12-31) is before RoleStartDate (2021-01-04)",
        "RoleEndDate",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_census_is_refused_and_nothing_changes(
    case: str, casework: Snapshot, tmp_path: Path, data_dir: Path
) -> None:
    text, message, field = BAD[case]
    run = services.csww_import(path=_bad(tmp_path / f"{case}.xml", text))

    assert_nothing_changed(casework, run, data_dir)
    errors = _errors(run)
    assert any(message in p.message for p in errors), [str(p) for p in errors]
    if field:
        assert any(p.field == field and p.source == f"{case}.xml" for p in errors)


def _errors(run) -> list:
    return [p for p in selectors.report_problems(run) if p.severity is Severity.ERROR]


def test_census_with_the_extract(tmp_path: Path) -> None:
    directory = extract.write(tmp_path / "ssd", casework_without_census())
    census = write_census(tmp_path / "csww.xml")

    run = services.ssd_extract_import(directory=directory, census=census)

    assert run.status == RunStatus.SUCCEEDED, run.failure_message
    snapshot = run.snapshot
    assert snapshot.provided("csww_workers") and snapshot.provided("ssd_person")
    assert _rows(
        "SELECT swe_no, prof_professional_id FROM csww_workers "
        "WHERE prof_professional_id IS NOT NULL ORDER BY swe_no"
    ) == [("SW100001", "W1"), ("SW100002", "W2")]


def test_census_in_the_extract_replaces_census_csv_files(tmp_path: Path) -> None:
    directory = extract.write(tmp_path / "ssd")  # holds csww_council.csv and csww_workers.csv
    run = services.ssd_extract_import(directory=directory, census=write_census(tmp_path / "c.xml"))

    assert run.status == RunStatus.SUCCEEDED, run.failure_message
    assert run.snapshot.row_counts["csww_workers"] == 7
    warned = {(p.table, p.message) for p in _warnings(run)}
    assert ("csww_workers", "Not read: the workforce census comes from c.xml.") in warned


def _warnings(run) -> list:
    return [p for p in selectors.report_problems(run) if p.severity is Severity.WARNING]


def test_unmatched_workers_are_one_warning(casework: Snapshot, tmp_path: Path) -> None:
    run = services.csww_import(path=write_census(tmp_path / "csww.xml"))
    assert [p.message for p in _warnings(run) if p.table == "csww_workers"] == [
        "5 of 7 census workers match no professional in ssd_professionals (by Social Work "
        "England number or staff id); they are kept without a professional id."
    ]


def _run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import", *args, "--no-progress", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_command_line(casework: Snapshot, tmp_path: Path) -> None:
    out, _ = _run("csww", str(write_census(tmp_path / "csww.xml")))
    current = store.current_snapshot()
    assert f"Snapshot {current.pk} is now current" in out and current.pk != casework.pk

    bad = _bad(tmp_path / "bad.xml", census_xml(year="2030"))
    with pytest.raises(CommandError, match="Nothing was changed"):
        _run("csww", str(bad))
    assert store.current_snapshot() == current


def test_command_line_without_casework(db, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no current casework snapshot"):
        _run("csww", str(write_census(tmp_path / "csww.xml")))


def test_command_line_with_the_extract(tmp_path: Path, db) -> None:
    directory = extract.write(tmp_path / "ssd", casework_without_census())
    out, _ = _run("ssd", str(directory), "--csww", str(write_census(tmp_path / "csww.xml")))
    assert "succeeded" in out
    assert store.current_snapshot().provided("csww_workers")


def test_a_later_casework_import_without_a_census_keeps_the_census(
    casework: Snapshot, tmp_path: Path
) -> None:
    services.csww_import(path=write_census(tmp_path / "csww.xml"))
    with_census = store.current_snapshot()
    directory = extract.write(tmp_path / "next-month", casework_without_census())

    run = services.ssd_extract_import(directory=directory)

    assert run.status == RunStatus.SUCCEEDED, run.failure_message
    latest = store.current_snapshot()
    assert latest.pk not in (casework.pk, with_census.pk)
    assert latest.row_counts["csww_workers"] == with_census.row_counts["csww_workers"] == 7
    assert any(
        "holds no workforce census" in p.message
        for p in selectors.report_problems(run)
        if p.severity == Severity.WARNING
    )


def test_the_census_is_let_go_worker_by_worker_as_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    many = [{**WORKERS[0], "SWENo": f"SW{n:05}"} for n in range(2000)]
    path = write_census(tmp_path / "csww.xml", census_xml(many))
    still_held = records_held(monkeypatch, csww, csww.WORKER, csww._Reader, "worker")

    parsed = csww.read_csww(path)

    assert [p for p in parsed.problems if p.severity == Severity.ERROR] == []
    assert [w["swe_no"] for w in parsed.tables["csww_workers"]][-1] == "SW01999"
    # The tree holds only the workers of the block the parser has just read (a few dozen),
    # never the file's 2,000: those read were let go.
    assert len(still_held) == 2000
    assert max(still_held) <= 200


def test_a_census_with_workers_and_a_broken_header_reports_the_header_first(
    tmp_path: Path,
) -> None:
    broken = [{**WORKERS[0], "FTE": "37"}, *WORKERS[1:]]
    text = census_xml(broken).replace("<NoAgencyFTE>1.0<", "<NoAgencyFTE>lots<")
    parsed = csww.read_csww(write_census(tmp_path / "csww.xml", text))

    messages = [p.message for p in parsed.problems]
    assert messages[0].startswith("LALevelVacancies: NoAgencyFTE must be a number")
    assert any(m.startswith("Worker 1 (SWENo") and "FTE must be" in m for m in messages[1:])
