"""Each check finds the problem it is for, names where it is, and changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from lineofsight.casework import rules, schema
from lineofsight.casework.models import Snapshot
from lineofsight.intake import selectors, services
from lineofsight.intake.problems import Severity

from . import extract
from .conftest import assert_nothing_changed

pytestmark = pytest.mark.django_db

Tables = dict[str, list[dict[str, str]]]


def _set(table: str, index: int, field: str, value: str) -> Callable[[Tables], None]:
    def corrupt(tables: Tables) -> None:
        tables[table][index][field] = value

    return corrupt


def _duplicate(table: str, index: int) -> Callable[[Tables], None]:
    def corrupt(tables: Tables) -> None:
        tables[table].append(dict(tables[table][index]))

    return corrupt


def _drop(table: str) -> Callable[[Tables], None]:
    def corrupt(tables: Tables) -> None:
        del tables[table]

    return corrupt


# (corruption, expected error: table, row in the file (header is row 1), field, value)
CASES = {
    "required value empty": (
        _set("ssd_cp_plans", 0, "cppl_person_id", ""),
        ("ssd_cp_plans", 2, "cppl_person_id", ""),
    ),
    "primary key empty": (
        _set("ssd_cla_reviews", 0, "clar_cla_review_id", "  "),
        ("ssd_cla_reviews", 2, "clar_cla_review_id", ""),
    ),
    "duplicate primary key": (
        _duplicate("ssd_contacts", 0),
        ("ssd_contacts", 4, "cont_contact_id", "C1"),
    ),
    "plan's person does not exist": (
        _set("ssd_cin_plans", 0, "cinp_person_id", "P99"),
        ("ssd_cin_plans", 2, "cinp_person_id", "P99"),
    ),
    "involvement's professional does not exist": (
        _set("ssd_involvements", 1, "invo_professional_id", "W404"),
        ("ssd_involvements", 3, "invo_professional_id", "W404"),
    ),
    "note's author does not exist": (
        _set("case_notes", 1, "note_author_id", "W9"),
        ("case_notes", 3, "note_author_id", "W9"),
    ),
    "date does not parse": (
        _set("ssd_cin_visits", 0, "cinv_cin_visit_date", "31/02/2024"),
        ("ssd_cin_visits", 2, "cinv_cin_visit_date", "31/02/2024"),
    ),
    "US date": (
        _set("ssd_contacts", 1, "cont_contact_date", "02/13/2024"),
        ("ssd_contacts", 3, "cont_contact_date", "02/13/2024"),
    ),
    "end date before start date": (
        _set("ssd_s47_enquiry", 0, "s47e_s47_end_date", "2024-01-05"),
        ("ssd_s47_enquiry", 2, "s47e_s47_end_date", "2024-01-05"),
    ),
    "flag is not Y or N": (
        _set("ssd_cin_visits", 0, "cinv_cin_visit_seen", "Yes"),
        ("ssd_cin_visits", 2, "cinv_cin_visit_seen", "Yes"),
    ),
    "unknown category of need": (
        _set("ssd_cin_episodes", 1, "cine_cin_primary_need_code", "N10"),
        ("ssd_cin_episodes", 3, "cine_cin_primary_need_code", "N10"),
    ),
    "unknown CP category": (
        _set("ssd_cp_plans", 0, "cppl_cp_plan_initial_category", "Bullying"),
        ("ssd_cp_plans", 2, "cppl_cp_plan_initial_category", "Bullying"),
    ),
    "caseload is not a whole number": (
        _set("ssd_professionals", 0, "prof_professional_caseload", "14.5"),
        ("ssd_professionals", 2, "prof_professional_caseload", "14.5"),
    ),
    "distance is not a number": (
        _set("ssd_cla_placement", 0, "clap_cla_placement_distance", "far"),
        ("ssd_cla_placement", 2, "clap_cla_placement_distance", "far"),
    ),
    "person table missing": (_drop("ssd_person"), ("ssd_person", None, "", "")),
}


@pytest.mark.parametrize("case", list(CASES))
def test_check_finds_the_problem_and_nothing_changes(
    case: str, baseline: Snapshot, tmp_path: Path, data_dir: Path
) -> None:
    corrupt, (table, row, field, value) = CASES[case]
    tables = extract.valid()
    corrupt(tables)

    run = services.ssd_extract_import(directory=extract.write(tmp_path / "bad", tables))

    errors = [p for p in selectors.report_problems(run) if p.severity == Severity.ERROR]
    assert [(p.table, p.row, p.field, p.value) for p in errors] == [(table, row, field, value)]
    assert errors[0].message
    assert run.error_count == 1
    assert run.report_file is not None and run.report_file.exists()
    assert_nothing_changed(baseline, run, data_dir)


def test_every_problem_is_collected_not_only_the_first(
    baseline: Snapshot, tmp_path: Path, data_dir: Path
) -> None:
    tables = extract.valid()
    for row in tables["ssd_person"]:
        row["pers_dob"] = "soon"
    tables["ssd_cin_visits"][0]["cinv_cin_visit_seen"] = "maybe"
    tables["ssd_contacts"][1]["cont_person_id"] = "nobody"

    run = services.ssd_extract_import(directory=extract.write(tmp_path / "bad", tables))

    found = {(p.table, p.row, p.field) for p in selectors.report_problems(run)}
    assert found == {
        ("ssd_person", 2, "pers_dob"),
        ("ssd_person", 3, "pers_dob"),
        ("ssd_person", 4, "pers_dob"),
        ("ssd_contacts", 3, "cont_person_id"),
        ("ssd_cin_visits", 2, "cinv_cin_visit_seen"),
    }
    assert run.error_count == 5
    assert_nothing_changed(baseline, run, data_dir)


def test_report_lists_errors_first_then_by_table_and_row(tmp_path: Path) -> None:
    tables = extract.valid()
    tables["ssd_person"][0]["shoe_size"] = "4"  # a warning, on ssd_person (the first table)
    tables["case_notes"][1]["note_date"] = "yesterday"
    tables["ssd_contacts"][1]["cont_contact_date"] = "x"
    tables["ssd_contacts"][0]["cont_contact_date"] = "y"

    run = services.ssd_extract_import(directory=extract.write(tmp_path / "bad", tables))

    order = [(p.severity, p.table, p.row) for p in selectors.report_problems(run)]
    assert order == [
        (Severity.ERROR, "ssd_contacts", 2),
        (Severity.ERROR, "ssd_contacts", 3),
        (Severity.ERROR, "case_notes", 3),
        (Severity.WARNING, "ssd_person", 1),
    ]
    header = run.report_file.read_text().splitlines()[0]
    assert header == "severity,source,table,row,field,value,message"


def test_report_values_cannot_run_as_spreadsheet_formulas(tmp_path: Path) -> None:
    tables = extract.valid()
    tables["ssd_cin_visits"][0]["cinv_cin_visit_seen"] = '=HYPERLINK("x")'
    run = services.ssd_extract_import(directory=extract.write(tmp_path / "bad", tables))
    (problem,) = selectors.report_problems(run)
    assert problem.value.startswith("'=")


def test_missing_required_column_is_one_error_not_one_per_row(
    baseline: Snapshot, tmp_path: Path, data_dir: Path
) -> None:
    directory = extract.write(tmp_path / "bad")
    (directory / "ssd_contacts.csv").write_text(
        "cont_contact_id,cont_contact_date\nC1,2024-01-01\n"
    )

    run = services.ssd_extract_import(directory=directory)

    errors = [p for p in selectors.report_problems(run) if p.severity == Severity.ERROR]
    missing = [
        f
        for f in schema.tables()["ssd_contacts"].field_names
        if f not in {"cont_contact_id", "cont_contact_date"}
    ]
    assert [(p.table, p.row, p.field) for p in errors] == [
        ("ssd_contacts", 1, name) for name in sorted(missing)
    ]
    assert all("missing from the header" in p.message for p in errors)
    assert_nothing_changed(baseline, run, data_dir)


def test_duplicate_column_in_header(tmp_path: Path) -> None:
    directory = extract.write(tmp_path / "bad")
    header = ",".join(schema.tables()["ssd_department"].field_names)
    (directory / "ssd_department.csv").write_text(f"{header},DEPT_TEAM_ID\nT1,,,,T1\nT2,,,,T2\n")
    run = services.ssd_extract_import(directory=directory)
    errors = [p for p in selectors.report_problems(run) if p.severity == Severity.ERROR]
    assert [(p.table, p.row, p.field) for p in errors] == [("ssd_department", 1, "dept_team_id")]


@pytest.mark.parametrize(
    ("content", "row", "message"),
    [
        (b"cont_contact_id,cont_person_id\nC1,P1\nC2,P\xff\xfe2\n", 3, "UTF-8"),
        (b"cont_contact_id,cont_person_id\nC1,P1,extra\nC2,P2\n", 2, "more values"),
        (b"cont_contact_id,cont_person_id\nC1,P1\nC2\n", 3, "fewer values"),
        (b"", None, "empty"),
        (b"cont_contact_id;cont_person_id\nC1;P1\n", 1, "comma-separated"),
        (b"cont_contact_id,cont_pers\xffon_id\nC1,P1\n", 1, "UTF-8"),
    ],
)
def test_unreadable_lines_and_files(
    content: bytes,
    row: int | None,
    message: str,
    baseline: Snapshot,
    tmp_path: Path,
    data_dir: Path,
) -> None:
    directory = extract.write(tmp_path / "bad")
    (directory / "ssd_contacts.csv").write_bytes(content)

    run = services.ssd_extract_import(directory=directory)

    errors = [
        p
        for p in selectors.report_problems(run)
        if p.severity == Severity.ERROR and "missing from the header" not in p.message
    ]
    assert [(p.table, p.row) for p in errors] == [("ssd_contacts", row)]
    assert message in errors[0].message
    assert errors[0].source == "ssd_contacts.csv"
    assert_nothing_changed(baseline, run, data_dir)


def test_mixed_line_endings_are_read(tmp_path: Path) -> None:
    directory = extract.write(tmp_path / "x")  # written with CRLF line endings
    path = directory / "ssd_contacts.csv"
    path.write_bytes(path.read_bytes().replace(b"\r\n", b"\n", 1))
    run = services.ssd_extract_import(directory=directory)
    assert run.status == "succeeded", selectors.report_problems(run)
    assert run.snapshot.row_counts["ssd_contacts"] == 2


def test_two_files_for_one_table(tmp_path: Path) -> None:
    directory = extract.write(tmp_path / "bad")
    (directory / "SSD_PERSON.csv").write_bytes((directory / "ssd_person.csv").read_bytes())
    (directory / "ssd_person.csv").rename(directory / "Ssd_Person.csv")
    run = services.ssd_extract_import(directory=directory)
    errors = [p for p in selectors.report_problems(run) if p.severity == Severity.ERROR]
    assert [p.table for p in errors] == ["ssd_person"]


def test_reference_into_a_table_not_provided_is_a_warning(tmp_path: Path) -> None:
    tables = extract.valid()
    del tables["ssd_professionals"]
    run = services.ssd_extract_import(directory=extract.write(tmp_path / "x", tables))
    assert run.status == "succeeded"
    warned = {(p.table, p.field) for p in selectors.report_problems(run) if p.field}
    assert ("ssd_involvements", "invo_professional_id") in warned
    assert ("case_notes", "note_author_id") in warned


def test_display_only_codes_are_warnings(tmp_path: Path) -> None:
    tables = extract.valid()
    tables["ssd_person"][0]["pers_ethnicity"] = "LOCAL1"
    run = services.ssd_extract_import(directory=extract.write(tmp_path / "x", tables))
    assert run.status == "succeeded"
    (problem,) = selectors.report_problems(run)
    assert (problem.severity, problem.field, problem.value) == (
        Severity.WARNING,
        "pers_ethnicity",
        "LOCAL1",
    )


def test_missing_folder_fails_cleanly(db, tmp_path: Path) -> None:
    run = services.ssd_extract_import(directory=tmp_path / "nowhere")
    assert run.status == "failed"
    assert any("does not exist" in p.message for p in selectors.report_problems(run))


def test_rules_name_real_fields() -> None:
    tables = schema.tables()
    for table, field in [*rules.CODE_SETS, *rules.EVENT_DATE_FIELDS]:
        assert field in tables[table].field_names, (table, field)
    for pair in rules.DATE_RANGES:
        assert tables[pair.table].field(pair.start).is_date
        assert tables[pair.table].field(pair.end).is_date
    for table, field in rules.EVENT_DATE_FIELDS:
        assert tables[table].field(field).is_date
    assert set(tables) >= rules.REQUIRED_TABLES
    assert rules.CP_CATEGORY.allows(" multiple: neglect, emotional abuse ")
    assert not rules.CIN_PRIMARY_NEED.allows("N10")
