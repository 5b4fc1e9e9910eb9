"""Importing an SSD extract: a valid one becomes current; a tolerable one is read; the same
files give the same content."""

from __future__ import annotations

import datetime
from pathlib import Path

import duckdb
import pytest

from lineofsight.casework import schema, store
from lineofsight.casework.models import Snapshot, SourceKind
from lineofsight.history.models import ChangeEvent
from lineofsight.intake import selectors, services
from lineofsight.intake.models import ImportFile, Phase, RunStatus
from lineofsight.intake.problems import Severity

from . import extract

pytestmark = pytest.mark.django_db


def test_valid_extract_imports_and_becomes_current(
    ssd_dir: Path, registered_post_load_steps: list
) -> None:
    """With whatever post-load steps other apps register, as in production."""
    run = services.ssd_extract_import(directory=ssd_dir, os_user="analyst1")

    assert run.status == RunStatus.SUCCEEDED, run.failure_message
    assert run.phase == Phase.FINISHED and run.progress == 100
    assert run.error_count == 0 and run.warning_count == 0
    snapshot = store.current_snapshot()
    assert snapshot is not None and snapshot == run.snapshot
    assert snapshot.source_kind == SourceKind.SSD
    assert snapshot.row_counts == extract.row_counts(extract.VALID)
    assert run.row_counts == snapshot.row_counts
    assert sorted(snapshot.provided_tables) == sorted(schema.tables())
    assert store.current_snapshot_path() == snapshot.path
    assert snapshot.path.exists() and snapshot.path.parent == Path(store.snapshot_dir())
    with store.connect() as con:
        assert con.execute("SELECT count(*) FROM ssd_person").fetchone() == (3,)
        types = dict(
            con.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_name = 'ssd_cp_plans'"
            ).fetchall()
        )
        assert types["cppl_cp_plan_start_date"] == "DATE"
        assert con.execute(
            "SELECT cppv_cp_visit_seen FROM ssd_cp_visits WHERE cppv_cp_visit_id = 'CPV2'"
        ).fetchone() == ("Y",)  # flags are stored upper-cased
        assert con.execute(
            "SELECT prof_professional_caseload, prof_full_time_equivalency FROM "
            "ssd_professionals WHERE prof_professional_id = 'W2'"
        ).fetchone() == (3, 0.8)


def test_run_records_files_phases_and_who(ssd_dir: Path) -> None:
    run = services.ssd_extract_import(directory=ssd_dir, os_user="analyst1")

    assert run.os_user == "analyst1" and run.run_by is None
    files = {f.name: f for f in ImportFile.objects.filter(run=run)}
    assert set(files) == {f"{name}.csv" for name in schema.tables()}
    person = files["ssd_person.csv"]
    assert person.table == "ssd_person" and person.row_count == 3
    assert len(person.sha256) == 64 and person.size_bytes > 0
    assert {"read", "validate", "write"} <= set(run.phase_timings)
    assert all(t["seconds"] >= 0 for t in run.phase_timings.values())
    assert run.finished_at is not None and run.report_file.exists()


def test_as_at_defaults_to_latest_event_date(ssd_dir: Path) -> None:
    run = services.ssd_extract_import(directory=ssd_dir)
    assert run.as_at == datetime.date.fromisoformat(extract.LATEST_EVENT)
    assert run.snapshot.as_at == run.as_at
    assert run.as_at_given is False


def test_future_dates_do_not_count_towards_the_as_at_date(tmp_path: Path) -> None:
    tables = extract.valid()
    tables["case_notes"][0]["note_date"] = "2999-01-01"
    run = services.ssd_extract_import(directory=extract.write(tmp_path / "x", tables))
    assert run.as_at == datetime.date.fromisoformat(extract.LATEST_EVENT)


def test_as_at_given(ssd_dir: Path) -> None:
    run = services.ssd_extract_import(directory=ssd_dir, as_at=datetime.date(2024, 5, 31))
    assert run.as_at == run.snapshot.as_at == datetime.date(2024, 5, 31)
    assert run.as_at_given is True
    with store.connect() as con:
        assert con.execute("SELECT value FROM _snapshot_info WHERE key = 'as_at'").fetchone() == (
            "2024-05-31",
        )


def test_missing_tables_are_created_empty_and_recorded_as_not_provided(tmp_path: Path) -> None:
    tables = extract.valid()
    for name in ("case_notes", "ssd_missing"):
        del tables[name]
    run = services.ssd_extract_import(directory=extract.write(tmp_path / "x", tables))

    assert run.status == RunStatus.SUCCEEDED
    snapshot = run.snapshot
    assert not snapshot.provided("case_notes") and snapshot.provided("ssd_person")
    assert snapshot.row_counts["case_notes"] == 0
    warnings = selectors.report_problems(run)
    assert {(p.severity, p.table) for p in warnings} == {
        (Severity.WARNING, "case_notes"),
        (Severity.WARNING, "ssd_missing"),
    }
    with store.connect() as con:
        assert con.execute("SELECT count(*) FROM case_notes").fetchone() == (0,)
        assert con.execute(
            "SELECT provided FROM _snapshot_tables WHERE table_name = 'case_notes'"
        ).fetchone() == (False,)


def test_tolerates_bom_header_case_spaces_and_uk_dates(tmp_path: Path) -> None:
    directory = extract.write(tmp_path / "x")
    (directory / "ssd_person.csv").unlink()
    rest = [
        f
        for f in schema.tables()["ssd_person"].field_names
        if f not in {"pers_person_id", "pers_dob", "pers_sex"}
    ]
    tail = "," * len(rest)
    (directory / "SSD_Person.CSV").write_bytes(
        (
            f"\ufeff PERS_Person_ID , Pers_DOB,pers_sex ,{','.join(rest).upper()}\r\n"
            f" P1 , 15/04/2015 , F{tail}\r\n"
            f"P2,2012-09-15 00:00:00,M{tail}\r\n"
            f"P3,  15/01/2008 13:45 ,{tail}\r\n"
        ).encode()
    )
    run = services.ssd_extract_import(directory=directory)

    assert run.status == RunStatus.SUCCEEDED, selectors.report_problems(run)
    with store.connect() as con:
        rows = con.execute(
            "SELECT pers_person_id, pers_dob, pers_sex FROM ssd_person ORDER BY 1"
        ).fetchall()
    assert rows == [
        ("P1", datetime.date(2015, 4, 15), "F"),
        ("P2", datetime.date(2012, 9, 15), "M"),
        ("P3", datetime.date(2008, 1, 15), None),
    ]
    # Every column is there (in capitals, out of order): nothing to report about the header.
    problems = selectors.report_problems(run)
    assert not [p for p in problems if p.table == "ssd_person"]


def test_unknown_columns_and_files_are_warnings(tmp_path: Path) -> None:
    tables = extract.valid()
    for row in tables["ssd_person"]:
        row["shoe_size"] = "5"
    directory = extract.write(tmp_path / "x", tables)
    (directory / "ssd_unheard_of.csv").write_text("a,b\n1,2\n")
    (directory / "notes.txt").write_text("not a table")

    run = services.ssd_extract_import(directory=directory)

    assert run.status == RunStatus.SUCCEEDED
    problems = selectors.report_problems(run)
    assert [(p.severity, p.table, p.row, p.field) for p in problems] == [
        (Severity.WARNING, "ssd_person", 1, "shoe_size"),
        (Severity.WARNING, "", None, ""),
    ]
    assert problems[1].source == "ssd_unheard_of.csv"
    with store.connect() as con:
        columns = [r[0] for r in con.execute("DESCRIBE ssd_person").fetchall()]
    assert "shoe_size" not in columns


def test_same_files_twice_give_the_same_content(ssd_dir: Path) -> None:
    first = services.ssd_extract_import(directory=ssd_dir).snapshot
    second = services.ssd_extract_import(directory=ssd_dir).snapshot

    assert first.pk != second.pk and first.file_name != second.file_name
    assert first.content_hash == second.content_hash
    second.refresh_from_db()
    assert second.is_current


def test_different_content_gives_a_different_hash(ssd_dir: Path, tmp_path: Path) -> None:
    first = services.ssd_extract_import(directory=ssd_dir).snapshot
    tables = extract.valid()
    tables["case_notes"][0]["note_text"] = "Saw P1 at home with her brother."
    second = services.ssd_extract_import(directory=extract.write(tmp_path / "y", tables)).snapshot
    assert first.content_hash != second.content_hash


def test_a_new_import_records_the_switch_in_history(ssd_dir: Path) -> None:
    first = services.ssd_extract_import(directory=ssd_dir).snapshot
    second = services.ssd_extract_import(directory=ssd_dir).snapshot
    first.refresh_from_db()
    assert not first.is_current
    actions = set(
        ChangeEvent.objects.filter(object_type="casework.snapshot").values_list(
            "action", "object_id"
        )
    )
    assert ("snapshot_make_current", str(second.pk)) in actions
    assert ("snapshot_make_current", str(first.pk)) in actions
    assert ("snapshot_register", str(second.pk)) in actions


def test_row_numbers_follow_file_order_in_a_large_file(tmp_path: Path) -> None:
    """Rows are numbered from DuckDB's rowid; check it keeps file order across many chunks and
    threads, and after lines DuckDB had to reject."""
    tables = extract.valid()
    notes = [
        {"note_id": f"N{i}", "note_person_id": "P1", "note_date": "2024-01-01", "note_text": "x"}
        for i in range(1, 300_001)
    ]
    notes[199_997]["note_date"] = "not a date"  # row 199,999 in the file
    notes[-1]["note_person_id"] = "P404"  # the last row, 300,001
    tables["case_notes"] = notes
    directory = extract.write(tmp_path / "x", tables)
    path = directory / "case_notes.csv"
    lines = path.read_bytes().split(b"\n")
    lines.insert(1000, b"rejected,line,with,too,many,values,here,and,more")  # row 1,001
    path.write_bytes(b"\n".join(lines))

    with duckdb.connect() as probe:
        threads = probe.execute("SELECT current_setting('threads')").fetchone()[0]
    run = services.ssd_extract_import(directory=directory)

    found = {(p.row, p.field) for p in selectors.report_problems(run) if p.table == "case_notes"}
    assert found == {(1001, ""), (200_000, "note_date"), (300_002, "note_person_id")}, threads


def test_snapshot_file_is_written_under_a_temporary_name_then_renamed(
    ssd_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lineofsight.casework import writer

    seen: list[tuple[str, str]] = []
    real_publish = writer.publish

    def spy(incoming: Path, final: Path) -> None:
        assert incoming.exists() and not final.exists()
        assert not writer.wal_path(incoming).exists()
        seen.append((incoming.name, final.name))
        real_publish(incoming, final)

    monkeypatch.setattr(writer, "publish", spy)
    run = services.ssd_extract_import(directory=ssd_dir)

    assert seen and seen[0][0].startswith(".incoming-") and seen[0][1] == run.snapshot.file_name
    assert Snapshot.objects.get().path.exists()


def test_retention_through_imports(
    ssd_dir: Path, settings, django_capture_on_commit_callbacks
) -> None:
    settings.SNAPSHOT_RETENTION = 2
    runs = []
    for _ in range(4):
        with django_capture_on_commit_callbacks(execute=True):
            runs.append(services.ssd_extract_import(directory=ssd_dir))

    files = sorted(p.name for p in store.snapshot_dir().iterdir())
    assert files == sorted(r.snapshot.file_name for r in runs[-2:])
    assert Snapshot.objects.filter(removed_at__isnull=False).count() == 2
    assert store.current_snapshot() == runs[-1].snapshot


def test_tabs_and_no_break_spaces_around_keys_are_trimmed(tmp_path: Path) -> None:
    tables = extract.valid()
    tables["ssd_person"][0]["pers_person_id"] = "\tP1\u00a0"
    tables["ssd_person"][0]["pers_sex"] = "\u00a0F"
    tables["case_notes"][0]["note_text"] = "  spaces go, the rest stays\t"
    run = services.ssd_extract_import(directory=extract.write(tmp_path / "x", tables))

    assert run.status == RunStatus.SUCCEEDED, selectors.report_problems(run)
    with store.connect() as con:
        assert con.execute(
            "SELECT pers_sex FROM ssd_person WHERE pers_person_id = 'P1'"
        ).fetchone() == ("F",)
        assert con.execute("SELECT note_text FROM case_notes WHERE note_id = 'N1'").fetchone() == (
            "spaces go, the rest stays\t",
        )


@pytest.mark.parametrize(
    ("data", "unusual"),
    [
        (b"\xef\xbb\xbfa,b\r\n1,2\r\n", False),
        (b"a,b\n1,2\n", False),
        (b"a,b\n1,\t2\n", True),
        (b"a,b\n1,\xc2\xa02\n", True),
        (b"a,b\n1,\xc3\xa0\n", False),  # a-grave shares the no-break space's last byte
        (b"a,b\n1,2\xef\xbb\xbf\n", True),
        (b"a,b\r\n1,2\r3\r\n", True),
    ],
)
def test_fingerprint_notices_unusual_whitespace(tmp_path: Path, data: bytes, unusual: bool) -> None:
    from lineofsight.intake import staging

    path = tmp_path / "f.csv"
    path.write_bytes(data)
    print_ = staging.fingerprint(path)
    assert print_.unusual_whitespace is unusual
    assert print_.size_bytes == len(data) and len(print_.sha256) == 64


def test_a_conference_that_made_no_plan_needs_no_plan_id(tmp_path: Path) -> None:
    """The SSD marks icpc_cp_plan_id required, but a conference deciding against a plan has none."""
    tables = extract.valid()
    no_plan = dict(tables["ssd_initial_cp_conference"][0])
    no_plan.update(icpc_icpc_id="I2", icpc_cp_plan_id="", icpc_icpc_outcome_cp_flag="N")
    tables["ssd_initial_cp_conference"].append(no_plan)
    run = services.ssd_extract_import(directory=extract.write(tmp_path / "ssd", tables))
    assert run.status == RunStatus.SUCCEEDED, run.failure_message
    assert run.error_count == 0
    with store.connect() as con:
        assert con.execute(
            "SELECT icpc_cp_plan_id FROM ssd_initial_cp_conference WHERE icpc_icpc_id = 'I2'"
        ).fetchone() == (None,)
