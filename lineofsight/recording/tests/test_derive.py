"""The import's recording step: every case note checked into the snapshot's recording table,
with the same findings the note page shows (the checker, the council's rules, the child's name
and age, other people's names), published or thrown away with its snapshot."""

from __future__ import annotations

import datetime
from pathlib import Path

import duckdb
import pytest

from lineofsight.casework import store
from lineofsight.intake import services
from lineofsight.intake.models import RunStatus
from lineofsight.intake.tests import extract
from lineofsight.recording import checker, derive
from lineofsight.recording.services.rules import recording_rules_update
from lineofsight.recording.table import COLUMN_NAMES, TABLE

pytestmark = pytest.mark.django_db

NOTES = [
    (
        "N1",
        "P1",
        "2024-02-05",
        'Visit to Amy. Amy said "I like my room" and wants to see her brother Ben. Foster '
        "carers report she kicked off at the LAC review. CAMHS referral made because Amy is "
        "not sleeping.",
    ),
    ("N2", "P3", "2024-03-31", 'Discussed plan; "stable" placement. Case closed.'),
    ("N3", "P4", "2024-01-10", "Rosie babbled and reached for Mum."),
]


def _extract(tmp_path: Path) -> Path:
    tables = extract.valid()
    tables["ssd_person"][0]["pers_forename"] = "Amy"
    tables["ssd_person"][1]["pers_forename"] = "Ben"
    tables["ssd_person"].append(
        {"pers_person_id": "P4", "pers_forename": "Rosie", "pers_dob": "2023-08-01"}
    )
    tables["case_notes"] = [
        {
            "note_id": note_id,
            "note_person_id": person,
            "note_date": day,
            "note_author_id": "W1",
            "note_type": "visit",
            "note_text": text,
        }
        for note_id, person, day, text in NOTES
    ]
    return extract.write(tmp_path / "ssd", tables)


def _rows() -> dict[str, dict]:
    snapshot = store.current_snapshot()
    con = duckdb.connect(str(snapshot.path), read_only=True)
    try:
        rows = con.execute(f"SELECT * FROM {TABLE} ORDER BY note_id").fetchall()
    finally:
        con.close()
    return {row[0]: dict(zip(COLUMN_NAMES, row, strict=True)) for row in rows}


def test_every_note_is_checked_at_import_as_the_note_page_would(tmp_path):
    run = services.ssd_extract_import(directory=_extract(tmp_path))
    assert run.status == RunStatus.SUCCEEDED, run.failure_message
    rows = _rows()
    assert sorted(rows) == ["N1", "N2", "N3"]

    amy = rows["N1"]
    expected = checker.check(NOTES[0][3], child="Amy", child_age=8.8, people={"Ben", "Rosie"})
    assert amy["child_voice"] is True and amy["decision_rationale"] is True
    assert amy["discouraged"] == len(expected.of_rule("discouraged-term")) == 3
    assert amy["legal_terms"] == 0
    assert amy["acronyms"] == len(expected.acronyms) == 2  # LAC and CAMHS
    assert amy["other_people"] == 1  # Ben, another child in the records
    assert amy["person_id"] == "P1" and amy["note_date"] == datetime.date(2024, 2, 5)
    assert amy["author_id"] == "W1" and amy["rules_version"] == "default"
    # "stable" is the writer's quote; placement and case are the writer's own words.
    assert rows["N2"]["discouraged"] == 2
    # Rosie was under a year old: what she did is her voice.
    assert rows["N3"]["child_voice"] is True


def test_the_councils_rules_in_force_are_used(tmp_path, council):
    data = checker.Rules.default().as_data()
    data["switched_off"] = ["unexplained-acronym"]
    recording_rules_update(actor=council["users"]["qa_lead"], data=data, expected_version=0)
    run = services.ssd_extract_import(directory=_extract(tmp_path))
    assert run.status == RunStatus.SUCCEEDED, run.failure_message
    amy = _rows()["N1"]
    assert amy["acronyms"] == 0 and amy["rules_version"] == "council-1"


def test_an_extract_without_case_notes_gets_an_empty_table(tmp_path):
    tables = extract.valid()
    del tables["case_notes"]
    run = services.ssd_extract_import(directory=extract.write(tmp_path / "ssd", tables))
    assert run.status == RunStatus.SUCCEEDED, run.failure_message
    assert _rows() == {}


def test_worker_processes_give_the_same_rows_as_one(monkeypatch):
    notes = [(text, "Amy", 8.0) for _, _, _, text in NOTES] * 7
    rules = checker.Rules.default()
    alone = derive.checked(notes, rules=rules, people=frozenset({"Ben"}), processes=1)
    monkeypatch.setattr(derive, "PARALLEL_FROM", 1)
    monkeypatch.setattr(derive, "CHUNK", 4)
    shared = derive.checked(notes, rules=rules, people=frozenset({"Ben"}), processes=2)
    assert shared == alone and len(alone) == len(notes)


def test_checking_starts_once_the_notes_are_written_and_runs_beside_the_rest(tmp_path, monkeypatch):
    """With worker processes, the notes are checked while the import writes its other tables
    and derived tables, and the table is the one checking them one at a time gives."""
    run = services.ssd_extract_import(directory=_extract(tmp_path / "one"))
    assert run.status == RunStatus.SUCCEEDED, run.failure_message
    alone = _rows()

    written: list[str] = []
    begun_after: list[list[str]] = []
    real_execute_begin = derive.begin_recording_checks

    def begin(con, alias, provided):
        begun_after.append(list(written))
        return real_execute_begin(con, alias, provided)

    from lineofsight.intake import pipeline

    real_write_tables = pipeline.ImportJob._write_tables

    def write_tables(self, tables, started, began, provided, progress, steps):
        def noting(done, total, name):
            written.append(name)

        return real_write_tables(self, tables, started, began, provided, noting, steps)

    monkeypatch.setattr(pipeline.ImportJob, "_write_tables", write_tables)
    monkeypatch.setattr(
        derive,
        "EARLY_START",
        derive.EarlyStart(derive.EARLY_NAME, derive.EARLY_START.tables, begin),
    )
    monkeypatch.setattr(pipeline, "EARLY_STARTS", [derive.EARLY_START])
    monkeypatch.setattr(derive, "PARALLEL_FROM", 1)
    monkeypatch.setattr(derive, "CHUNK", 1)
    monkeypatch.setattr(derive, "workers", lambda: 2)
    run = services.ssd_extract_import(directory=_extract(tmp_path / "two"))
    assert run.status == RunStatus.SUCCEEDED, run.failure_message
    # Begun once, straight after the notes and the children were written, before the rest.
    assert len(begun_after) == 1
    assert set(written[:2]) == {"ssd_person", "case_notes"} and len(written) > 2
    assert set(begun_after[0]) <= {"ssd_person", "case_notes"}
    shared = _rows()
    assert shared.keys() == alone.keys()
    for note_id, row in shared.items():
        assert {k: v for k, v in row.items() if k != "person_id"} == {
            k: v for k, v in alone[note_id].items() if k != "person_id"
        }


def test_an_import_that_fails_after_checking_began_stops_the_workers(tmp_path, monkeypatch):
    import multiprocessing

    from lineofsight.intake import pipeline

    def broken(context):
        raise RuntimeError("a later step failed")

    monkeypatch.setattr(derive, "PARALLEL_FROM", 1)
    monkeypatch.setattr(derive, "workers", lambda: 2)
    monkeypatch.setattr(pipeline, "POST_LOAD_STEPS", [broken, derive.recording_checks])
    before = set(multiprocessing.active_children())
    with pytest.raises(RuntimeError, match="a later step failed"):
        services.ssd_extract_import(directory=_extract(tmp_path))
    assert set(multiprocessing.active_children()) <= before
    assert store.current_snapshot() is None
