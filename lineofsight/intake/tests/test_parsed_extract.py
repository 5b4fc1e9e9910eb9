"""Rows from a reader (the Annex A workbook reader gives a ParsedExtract) go through the same
checks and the same write as CSV files."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from lineofsight.casework import store
from lineofsight.casework.models import Snapshot, SourceKind
from lineofsight.intake import selectors, services
from lineofsight.intake.models import ImportFile, RunStatus
from lineofsight.intake.problems import ParsedExtract, Problem, Severity

from .conftest import assert_nothing_changed

pytestmark = pytest.mark.django_db


def _workbook(tmp_path: Path) -> Path:
    path = tmp_path / "Annex_A.xlsx"
    path.write_bytes(b"pretend workbook")
    return path


def _extract(tmp_path: Path) -> ParsedExtract:
    return ParsedExtract(
        tables={
            "ssd_person": [
                {
                    "pers_person_id": "A1",
                    "pers_sex": "F",
                    "pers_dob": datetime.date(2016, 5, 15),
                    "_row": 4,
                },
                {
                    "pers_person_id": "A2",
                    "pers_sex": "M",
                    "pers_dob": datetime.date(2010, 2, 15),
                    "_row": 5,
                },
            ],
            "ssd_contacts": [
                {
                    "cont_contact_id": "K1",
                    "cont_person_id": "A1",
                    "cont_contact_date": datetime.datetime(2024, 3, 1, 9, 30),
                    "_row": 4,
                },
            ],
            "ssd_cin_visits": [
                {
                    "cinv_cin_visit_id": "V1",
                    "cinv_person_id": "A2",
                    "cinv_cin_visit_date": datetime.date(2024, 3, 2),
                    "cinv_cin_visit_seen": True,
                    "cinv_cin_visit_seen_alone": False,
                    "_row": 7,
                },
            ],
            "ssd_professionals": [
                {
                    "prof_professional_id": "W1",
                    "prof_professional_caseload": 12,
                    "prof_full_time_equivalency": 0.5,
                },
            ],
        },
        problems=[
            Problem(
                Severity.WARNING,
                "Header 'Gender' read as Sex",
                table="List 1",
                source="Annex_A.xlsx",
            ),
        ],
        files=[_workbook(tmp_path)],
    )


def test_parsed_extract_imports_with_python_values(tmp_path: Path) -> None:
    run = services.parsed_extract_import(
        extract=_extract(tmp_path), as_at=datetime.date(2024, 3, 31), os_user="analyst"
    )

    assert run.status == RunStatus.SUCCEEDED, selectors.report_problems(run)
    snapshot = run.snapshot
    assert snapshot.source_kind == SourceKind.ANNEX_A
    assert snapshot.as_at == datetime.date(2024, 3, 31)
    assert set(snapshot.provided_tables) == {
        "ssd_person",
        "ssd_contacts",
        "ssd_cin_visits",
        "ssd_professionals",
    }
    with store.connect() as con:
        assert con.execute(
            "SELECT cinv_cin_visit_date, cinv_cin_visit_seen, cinv_cin_visit_seen_alone "
            "FROM ssd_cin_visits"
        ).fetchone() == (datetime.date(2024, 3, 2), "Y", "N")
        assert con.execute("SELECT cont_contact_date FROM ssd_contacts").fetchone() == (
            datetime.date(2024, 3, 1),
        )
        assert con.execute(
            "SELECT prof_professional_caseload, prof_full_time_equivalency FROM ssd_professionals"
        ).fetchone() == (12, 0.5)
    # The reader's own problems are in the report, and the workbook is what was fingerprinted.
    assert any(p.table == "List 1" for p in selectors.report_problems(run))
    (recorded,) = ImportFile.objects.filter(run=run)
    assert recorded.name == "Annex_A.xlsx" and len(recorded.sha256) == 64


def test_parsed_extract_problems_use_the_readers_row_numbers(db, tmp_path: Path) -> None:
    baseline = services.parsed_extract_import(extract=_extract(tmp_path)).snapshot
    bad = _extract(tmp_path)
    bad.tables["ssd_cin_visits"][0]["cinv_person_id"] = "A9"
    bad.tables["ssd_person"][1]["pers_dob"] = "not known"

    run = services.parsed_extract_import(extract=bad)

    errors = [
        (p.table, p.row, p.field, p.value, p.source)
        for p in selectors.report_problems(run)
        if p.severity == Severity.ERROR
    ]
    assert errors == [
        ("ssd_person", 5, "pers_dob", "not known", "Annex_A.xlsx"),
        ("ssd_cin_visits", 7, "cinv_person_id", "A9", "Annex_A.xlsx"),
    ]
    assert_nothing_changed(baseline, run, Path(store.snapshot_dir()).parent)


def test_a_readers_error_stops_the_import(db, tmp_path: Path) -> None:
    extract = _extract(tmp_path)
    extract.problems.append(
        Problem(Severity.ERROR, "List 3 has no header row", table="List 3", source="Annex_A.xlsx")
    )
    run = services.parsed_extract_import(extract=extract)
    assert run.status == RunStatus.FAILED and run.error_count == 1
    assert not Snapshot.objects.exists()


def test_tables_a_reader_invents_are_warnings(tmp_path: Path) -> None:
    extract = _extract(tmp_path)
    extract.tables["ssd_unknown"] = [{"x": 1}]
    run = services.parsed_extract_import(extract=extract)
    assert run.status == RunStatus.SUCCEEDED
    assert any(
        p.table == "ssd_unknown" and p.severity == Severity.WARNING
        for p in selectors.report_problems(run)
    )


def test_annex_a_import_uses_the_reader(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    workbook = _workbook(tmp_path)

    def read_annex_a(path: Path, *, as_at: datetime.date | None = None) -> ParsedExtract:
        calls.append((path, as_at))
        return _extract(tmp_path)

    monkeypatch.setattr(services.sources, "read_annex_a", read_annex_a)

    run = services.annex_a_import(path=workbook, as_at=datetime.date(2024, 3, 31))

    assert calls == [(workbook, datetime.date(2024, 3, 31))]
    assert run.status == RunStatus.SUCCEEDED
    assert run.source_name == "Annex_A.xlsx"
    assert "read" in run.phase_timings
