"""The Annex A reader: the shared fixtures, a workbook built here, and files that are not workbooks.

No database is needed: read_annex_a only reads a file and returns a ParsedExtract.
"""

from __future__ import annotations

import zipfile
from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import Font

from lineofsight.casework import schema
from lineofsight.intake.annex_a import read_annex_a, workbook
from lineofsight.intake.annex_a.xlsx import XlsxBook
from lineofsight.intake.problems import ParsedExtract, Severity

FIXTURES = Path(__file__).resolve().parents[4] / "shared" / "fixtures" / "annex_a"
JAN_2024 = FIXTURES / "Annex_A_2024_Jan.xlsx"
LIIATOOLS = FIXTURES / "Annex_A_liiatools_0.2.0.xlsx"

# Rows per SSD table, counted by hand from the fixtures' sheets (the two differ only in List 9's
# layout and List 10's formulas).
FIXTURE_COUNTS = {
    "ssd_person": 48,  # 54 list rows less 6537810 (Lists 3, 5) and five children in Lists 9, 10
    "ssd_contacts": 5,
    "ssd_cin_episodes": 11,  # 6 referrals (List 3) + 5 List 6 episodes that start on other days
    "ssd_cin_assessments": 5,
    "ssd_s47_enquiry": 5,
    "ssd_initial_cp_conference": 3,  # the List 5 rows with a conference date
    "ssd_cin_plans": 5,  # List 6 rows whose case status is a CIN plan
    "ssd_cin_visits": 5,
    "ssd_cp_plans": 7,
    "ssd_cp_visits": 7,
    "ssd_cp_reviews": 5,  # two List 7 rows have no review date
    "ssd_cla_episodes": 5,
    "ssd_cla_placement": 5,
    "ssd_cla_reviews": 5,
    "ssd_cla_visits": 5,
    "ssd_care_leavers": 6,
    "ssd_legal_status": 10,  # 5 current statuses (List 8) + 5 placement orders (List 10)
    "ssd_professionals": 25,
    "ssd_department": 13,
    "ssd_involvements": 34,  # every list row with a worker; List 6's workers are #N/A
}


def counts(extract: ParsedExtract) -> dict[str, int]:
    return {name: len(rows) for name, rows in extract.tables.items()}


def by_id(extract: ParsedExtract, table: str) -> dict[str, dict]:
    key = schema.tables()[table].primary_key
    return {row[key]: row for row in extract.tables[table]}


def problems_like(extract: ParsedExtract, text: str) -> list:
    return [p for p in extract.problems if text in p.message]


# --- the shared fixtures -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def jan_2024() -> ParsedExtract:
    return read_annex_a(JAN_2024)


@pytest.fixture(scope="module")
def liiatools() -> ParsedExtract:
    return read_annex_a(LIIATOOLS)


@pytest.mark.parametrize("path", [JAN_2024, LIIATOOLS], ids=lambda p: p.name)
def test_fixture_reads_into_the_expected_tables(path: Path) -> None:
    extract = read_annex_a(path)
    assert counts(extract) == FIXTURE_COUNTS
    assert extract.errors == []
    assert extract.files == [path]


def test_fixture_problems_say_where(jan_2024: ParsedExtract) -> None:
    assert Counter(p.severity for p in jan_2024.problems) == {Severity.WARNING: 31}
    na = [p for p in jan_2024.problems if p.value == "#N/A"]
    # List 6's allocated team and worker are #N/A on all five rows
    assert {(p.source, p.table, p.row, p.field) for p in na} == {
        ("Annex_A_2024_Jan.xlsx [List 6]", "List 6", row, field)
        for row in range(2, 7)
        for field in ("Allocated Team", "Allocated Worker")
    }
    assert {p.row for p in problems_like(jan_2024, "unknown Y/N answer")} == {2, 3, 4, 5, 6}
    (postcode,) = problems_like(jan_2024, "is not a postcode")
    assert (postcode.table, postcode.row, postcode.field, postcode.value) == (
        "List 8",
        3,
        "Placement postcode",
        "nope",
    )
    (need,) = problems_like(jan_2024, "unknown primary need")
    assert (need.table, need.row, need.value) == (
        "List 6",
        2,
        "PSRMEM - Support with memory and cognition",
    )
    assert len(problems_like(jan_2024, "List 7 has no plan")) == 3
    assert len(problems_like(jan_2024, "before the date of birth")) == 1
    # Lists 9 and 10 give five children different dates of birth, and four of them different
    # ethnicities (the fifth is NOBT in List 10, which does not contradict List 9)
    disagree = problems_like(jan_2024, "lists disagree")
    assert Counter(p.field for p in disagree) == {"Date of Birth": 5, "Ethnicity": 4}
    assert all(p.table == "ssd_person" and p.row is None for p in disagree)
    assert "07/08/2002 in List 9; 13/02/2002 in List 10" in disagree[0].message


def test_both_list_9_layouts(jan_2024: ParsedExtract, liiatools: ParsedExtract) -> None:
    # The older layout has no personal adviser, pathway plan review or latest contact columns.
    missing = problems_like(liiatools, "not found; what it holds is left blank")
    assert {(p.table, p.row, p.field) for p in missing} == {
        ("List 9", 1, "Allocated Personal Advisor"),
        ("List 9", 1, "Latest Pathway Plan Review Date"),
        ("List 9", 1, "Latest Date of Contact"),
    }
    assert problems_like(jan_2024, "not found; what it holds is left blank") == []
    for extract in (jan_2024, liiatools):
        leaver = by_id(extract, "ssd_care_leavers")["L9-7961370"]
        assert leaver["clea_care_leaver_eligibility"] == "Former Relevant"
        assert leaver["clea_care_leaver_in_touch"] == "YES"
        assert leaver["clea_care_leaver_accommodation"] == "Y"
        assert leaver["clea_care_leaver_accom_suitable"] == "1"
        assert leaver["clea_care_leaver_activity"] == "F1"


def test_fixture_values_are_mapped(jan_2024: ParsedExtract) -> None:
    people = by_id(jan_2024, "ssd_person")
    # 'Female' in List 1, coded from the liiatools variants
    assert people["9212044"]["pers_sex"] == "F"
    assert people["9212044"]["pers_gender"] == "02"
    assert people["9212044"]["pers_ethnicity"] == "WBRI"
    assert people["11973218"]["pers_dob"] is None
    contact = by_id(jan_2024, "ssd_contacts")["L1-6217392-20200916"]
    assert contact["cont_contact_source_code"] == "1B"
    assert contact["cont_contact_date"] == date(2020, 9, 16)

    referral = by_id(jan_2024, "ssd_cin_episodes")["L3-6537810-20200916"]
    assert referral["cine_referral_source_code"] == "8"
    assert referral["cine_referral_nfa"] == "N"
    team = by_id(jan_2024, "ssd_department")[referral["cine_referral_team"]]
    assert team["dept_team_name"] == "Multi Agency Safeguarding Hub"
    worker = by_id(jan_2024, "ssd_professionals")[referral["cine_referral_worker_id"]]
    assert worker["prof_professional_name"] == "Dustin Hazlett"  # a non-breaking space in Excel

    s47 = by_id(jan_2024, "ssd_s47_enquiry")["L5-6537810-20200916"]
    assert s47["s47e_referral_id"] == "L3-6537810-20200916"
    icpc = by_id(jan_2024, "ssd_initial_cp_conference")["L5C-6537810-20201005"]
    assert icpc["icpc_s47_enquiry_id"] == "L5-6537810-20200916"
    assert icpc["icpc_icpc_outcome_cp_flag"] == "Y"
    assert icpc["icpc_cp_plan_id"] == "L7-6537810-20201005"  # named, though List 7 lacks it

    plan = by_id(jan_2024, "ssd_cp_plans")["L7-10721552-20201123"]
    assert plan["cppl_cp_plan_end_date"] == date(2021, 2, 16)
    assert plan["cppl_cp_plan_initial_category"] == "Physical abuse"
    visit = by_id(jan_2024, "ssd_cp_visits")["L7V-10721552-20210122"]
    assert (visit["cppv_cp_plan_id"], visit["cppv_cp_visit_seen_alone"]) == (
        plan["cppl_cp_plan_id"],
        "Y",
    )

    episode = by_id(jan_2024, "ssd_cla_episodes")["L8-3623204-20081022"]
    assert episode["clae_entered_care_date"] == date(2008, 10, 22)
    assert episode["clae_cla_episode_start_date"] == date(2009, 7, 27)
    assert episode["clae_cla_episode_ceased_reason"] == "E47"
    placement = by_id(jan_2024, "ssd_cla_placement")[episode["clae_cla_placement_id"]]
    assert placement["clap_cla_placement_type"] == "H5"
    assert placement["clap_cla_placement_provider"] == "PR4"
    assert placement["clap_cla_placement_postcode"] == "P13 2TR"
    assert placement["clap_cla_placement_end_date"] == date(2020, 9, 22)
    statuses = by_id(jan_2024, "ssd_legal_status")
    assert statuses["L8LS-3623204-20090727"]["lega_legal_status"] == "C1"
    # List 10's placement order date is a formula (=H2+5); its cached value is read
    assert statuses["L10LS-7961370-20090816"]["lega_legal_status"] == "E1"
    assert statuses["L10LS-7961370-20090816"]["lega_legal_status_end_date"] == date(2009, 8, 31)


def test_rows_have_exactly_the_schema_fields(jan_2024: ParsedExtract) -> None:
    tables = schema.tables()
    for name, rows in jan_2024.tables.items():
        assert rows, name
        for row in rows:
            assert tuple(row) == tables[name].field_names
    for name in ("ssd_missing", "case_notes"):
        assert name not in jan_2024.tables  # Annex A cannot tell us: absent, not empty


def test_reading_twice_gives_identical_output() -> None:
    first, second = read_annex_a(JAN_2024), read_annex_a(JAN_2024)
    assert first.tables == second.tables
    assert first.problems == second.problems


def test_the_openpyxl_fallback_reads_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    fast = read_annex_a(LIIATOOLS)

    def refuse(path: str) -> None:
        raise ValueError("not understood")

    monkeypatch.setattr(workbook, "XlsxBook", refuse)
    slow = read_annex_a(LIIATOOLS)
    assert slow.tables == fast.tables
    assert slow.problems == fast.problems


@pytest.mark.parametrize("path", [JAN_2024, LIIATOOLS], ids=lambda p: p.name)
def test_cell_reader_agrees_with_openpyxl(path: Path) -> None:
    book = XlsxBook(str(path))
    reference = openpyxl.load_workbook(path, read_only=True, data_only=True)
    for name, part in book.sheets:
        ours = {number: _trimmed(cells) for number, cells in book.rows(name)}
        parsed = {number: _trimmed(cells) for number, cells in book._parse_rows(part)}
        theirs = {
            number: _trimmed(cells)
            for number, cells in enumerate(reference[name].iter_rows(values_only=True), start=1)
        }
        assert ours == {n: c for n, c in parsed.items() if c}
        assert ours == {n: c for n, c in theirs.items() if c}


def test_cell_reader_agrees_with_openpyxl_on_a_written_workbook(tmp_path: Path) -> None:
    # openpyxl writes inline strings, styled empty cells and formulas differently from Excel.
    path = build_xlsx(tmp_path / "written.xlsx")
    book = XlsxBook(str(path))
    reference = openpyxl.load_workbook(path, read_only=True, data_only=True)
    for name, _part in book.sheets:
        ours = {number: _trimmed(cells) for number, cells in book.rows(name)}
        rows = enumerate(reference[name].iter_rows(values_only=True), start=1)
        assert ours == {n: _trimmed(c) for n, c in rows if _trimmed(c)}


def _trimmed(cells: Sequence[object]) -> list[object]:
    values = [str(v) if type(v).__name__ == "CellError" else v for v in cells]
    while values and values[-1] is None:
        values.pop()
    return values


# --- a workbook written here ---------------------------------------------------------------------

CONTACT_DAY = date(2024, 1, 5)
SERIAL = (CONTACT_DAY - date(1899, 12, 30)).days  # what Excel stores for 05/01/2024

# Sheet name -> rows. ("formula", text, cached value) is a formula whose cached result Excel saved.
SYNTHETIC: dict[str, list[list]] = {
    "Cover": [["Annex A return for Testshire"], ["Prepared by the performance team"]],
    "List1 - Contacts": [
        ["Annex A: List 1 - Contacts"],  # a title row above the headers
        [],
        [
            "Child Unique ID",
            "Sex",  # the 2026 name of the Gender column
            "Ethnicity",
            "Date of Birth",
            "Age of Child (Years)",
            "Date of Contact",
            "Contact Source",
        ],
        [
            1001.0,
            "b) Female",
            "a) WBRI",
            "03/04/2015",
            8,
            ("formula", "DATE(2024,1,5)", SERIAL),
            "q) 6: Police",
        ],
        ["1002", "Male", "#N/A", datetime(2012, 5, 6), 11, "2024-01-06", "Martian"],
        [],  # a blank row
        [
            1003,
            "c) Not stated/recorded",
            "Mixed - White and Asian",
            None,
            None,
            "31/02/2024",
            "Schools",
        ],
        [None, None, None, None, None, None, None, "   "],  # only spaces: blank
        [None, "a) Male", "WBRI", None, None, datetime(2024, 2, 1), "Police"],  # no child id
    ],
    "List_3": [
        [
            "Child Unique ID",
            "Gender",
            "Ethnicity",
            "Date of Birth",
            "Date of referral",
            "Referral Source",
            "Referral NFA?",
            "Number of Referrals in Last 12 Months",
            "Allocated Team",
            "Allocated Worker",
        ],
        [
            1001,
            "b) Female",
            "WBRI",
            date(2015, 4, 3),
            CONTACT_DAY,
            "b) 1B: Individual",
            "No",
            1,
            "Referral and Assessment",
            "Jo\xa0Bloggs",
        ],
        [
            1002,
            "a) Male",
            "APKN",
            date(2012, 6, 5),
            "07/01/2024",
            "Police",
            "Yes",
            0,
            "Referral and Assessment",
            "Unallocated",
        ],
    ],
    "List 7 CP": [
        [
            "Child Unique ID",
            "Gender",
            "Ethnicity",
            "Child Protection Plan Start Date",
            "Initial Category of Abuse",
            "Latest Category of Abuse",
            "Date of the Last Statutory Visit",
            "Was the Child Seen Alone?",
            "Date of latest review conference",
            "Child Protection Plan End Date",
            "Number of Previous Child Protection Plans",
            "Allocated Team",
            "Allocated Worker",
            "Ethnicity",  # a duplicate header
        ],
        [
            1002,
            "a) Male",
            "APKN",
            date(2024, 2, 1),
            "Neglect",
            "d) Emotional Abuse",
            date(2024, 3, 1),
            "a) Yes",
            date(2024, 2, 20),
            None,
            1,
            "Safeguarding Team 1",
            "Jo Bloggs",
            "WBRI",
        ],
    ],
    "Care leavers": [  # no "List 9" in the name: found by its name's words
        ["Care leavers"],
        [
            "Child Unique ID",
            "Sex",
            "Ethnicity",
            "Date of Birth",
            "Age of Child (Years)",
            "Unaccompanied Asylum Seeking Child (UASC), or formerly UASC if 18 or over (Y/N)",
            "Does the Child have a Disability",
            "Allocated Team",
            "Allocated Worker",
            *schema.ANNEX_A_CARE_LEAVER_COLUMNS,
        ],
        [
            2001,
            "Female",
            "BAFR",
            date(2005, 6, 1),
            18,
            "N",
            "No",
            "Leaving Care Team",
            "Sam Smith",
            "Pat Jones",
            "Former relevant",
            date(2024, 1, 10),
            "a) Yes",
            date(2024, 2, 2),
            "U: Independent living",
            "a) Suitable",
            "F2: Full time in education other than higher",
        ],
    ],
}


def build_xlsx(path: Path, sheets: dict[str, list[list]] = SYNTHETIC) -> Path:
    """Write the sheets with openpyxl, then give formulas the cached values Excel would have
    saved (openpyxl writes formulas without them)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    cached: dict[str, object] = {}
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if isinstance(value, tuple):
                    _kind, formula, result = value
                    cell = sheet.cell(r, c, f"={formula}")
                    cell.number_format = "DD/MM/YYYY"
                    cached[formula] = result
                elif value is not None:
                    cell = sheet.cell(r, c, value)
                    if isinstance(value, date):
                        cell.number_format = "DD/MM/YYYY"
        sheet.cell(4, 12).font = Font(bold=True)  # a styled cell with no value, far right
    book.save(path)
    return _cache_formula_results(path, cached)


def _cache_formula_results(path: Path, cached: dict[str, object]) -> Path:
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    for name, data in parts.items():
        if name.startswith("xl/worksheets/"):
            text = data.decode("utf-8")
            for formula, result in cached.items():
                text = text.replace(f"<f>{formula}</f><v></v>", f"<f>{formula}</f><v>{result}</v>")
            parts[name] = text.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return path


@pytest.fixture
def synthetic(tmp_path: Path) -> ParsedExtract:
    return read_annex_a(build_xlsx(tmp_path / "testshire.xlsx"))


def test_synthetic_tables(synthetic: ParsedExtract) -> None:
    assert counts(synthetic) == {
        "ssd_person": 4,
        "ssd_contacts": 3,
        "ssd_cin_episodes": 2,
        "ssd_cp_plans": 1,
        "ssd_cp_visits": 1,
        "ssd_cp_reviews": 1,
        "ssd_care_leavers": 1,
        "ssd_professionals": 3,
        "ssd_department": 3,
        "ssd_involvements": 4,
    }


def test_synthetic_contacts(synthetic: ParsedExtract) -> None:
    contacts = by_id(synthetic, "ssd_contacts")
    assert set(contacts) == {"L1-1001-20240105", "L1-1002-20240106", "L1-1003-row7"}
    first = contacts["L1-1001-20240105"]  # the id 1001.0 is read as "1001"
    assert first["cont_contact_date"] == CONTACT_DAY  # the formula's cached value
    assert (first["cont_contact_source_code"], first["cont_contact_source_desc"]) == ("6", "Police")
    second = contacts["L1-1002-20240106"]  # an ISO date typed as text
    assert (second["cont_contact_source_code"], second["cont_contact_source_desc"]) == (
        None,
        "Martian",
    )
    third = contacts["L1-1003-row7"]  # 31/02/2024 is no date: the row says which it was
    assert third["cont_contact_date"] is None
    assert third["cont_contact_source_code"] == "2A"


def test_synthetic_people(synthetic: ParsedExtract) -> None:
    people = by_id(synthetic, "ssd_person")
    assert people["1001"] == {
        **dict.fromkeys(schema.tables()["ssd_person"].field_names),
        "pers_person_id": "1001",
        "pers_sex": "F",  # Sex in List 1, Gender in List 3: both say female
        "pers_gender": "02",  # only the Gender column says gender
        "pers_ethnicity": "WBRI",
        "pers_dob": date(2015, 4, 3),  # UK text in List 1, a date in List 3
    }
    assert people["1002"]["pers_sex"] == "M"
    assert people["1002"]["pers_ethnicity"] == "APKN"  # #N/A in List 1 is blank
    # The lists disagree on 1002's date of birth; List 3 is trusted over List 1 on a tie
    assert people["1002"]["pers_dob"] == date(2012, 6, 5)
    assert (people["1003"]["pers_sex"], people["1003"]["pers_gender"]) == ("U", None)
    assert people["1003"]["pers_ethnicity"] == "MWAS"
    assert people["2001"]["pers_ethnicity"] == "BAFR"


def test_synthetic_casework(synthetic: ParsedExtract) -> None:
    referrals = by_id(synthetic, "ssd_cin_episodes")
    first, second = referrals["L3-1001-20240105"], referrals["L3-1002-20240107"]
    assert (first["cine_referral_source_code"], first["cine_referral_nfa"]) == ("1B", "N")
    assert (second["cine_referral_source_code"], second["cine_referral_nfa"]) == ("6", "Y")
    assert second["cine_referral_worker_id"] is None  # "Unallocated" is nobody
    jo = first["cine_referral_worker_id"]
    assert jo.startswith("W-")

    plan = by_id(synthetic, "ssd_cp_plans")["L7-1002-20240201"]
    assert plan["cppl_referral_id"] == "L3-1002-20240107"  # the latest referral before it
    assert plan["cppl_cp_plan_initial_category"] == "Neglect"
    assert plan["cppl_cp_plan_latest_category"] == "Emotional abuse"
    (visit,) = synthetic.tables["ssd_cp_visits"]
    assert (visit["cppv_cp_visit_date"], visit["cppv_cp_visit_seen"]) == (date(2024, 3, 1), "Y")
    (review,) = synthetic.tables["ssd_cp_reviews"]
    assert (review["cppr_cp_plan_id"], review["cppr_cp_review_date"]) == (
        "L7-1002-20240201",
        date(2024, 2, 20),
    )

    leaver = by_id(synthetic, "ssd_care_leavers")["L9-2001"]
    assert leaver["clea_care_leaver_eligibility"] == "Former Relevant"
    assert leaver["clea_care_leaver_latest_contact"] == date(2024, 2, 2)
    assert leaver["clea_pathway_plan_review_date"] == date(2024, 1, 10)
    assert leaver["clea_care_leaver_personal_advisor"] == "Pat Jones"
    assert (leaver["clea_care_leaver_accommodation"], leaver["clea_care_leaver_activity"]) == (
        "U",
        "F2",
    )

    workers = {p["prof_professional_name"]: p for p in synthetic.tables["ssd_professionals"]}
    assert set(workers) == {"Jo Bloggs", "Sam Smith", "Pat Jones"}  # one Jo, however spaced
    assert workers["Jo Bloggs"]["prof_professional_id"] == jo
    assert workers["Jo Bloggs"]["prof_professional_department"] == "Referral and Assessment"
    assert workers["Pat Jones"]["prof_professional_job_title"] == "Personal Adviser"
    roles = Counter(i["invo_professional_role_id"] for i in synthetic.tables["ssd_involvements"])
    assert roles == {"Allocated Worker": 3, "Personal Adviser": 1}


def test_synthetic_problems(synthetic: ParsedExtract) -> None:
    found = [(p.severity, p.source, p.table, p.row, p.field, p.value) for p in synthetic.problems]
    book = "testshire.xlsx"
    missing = [(Severity.WARNING, book, f"List {n}", None, "", "") for n in (2, 4, 5, 6, 8, 10)]
    contacts = f"{book} [List1 - Contacts]"
    assert found == [
        *missing,
        (Severity.WARNING, contacts, "List 1", 5, "Ethnicity", "#N/A"),
        (Severity.WARNING, contacts, "List 1", 5, "Contact Source", "Martian"),
        (Severity.ERROR, contacts, "List 1", 7, "Date of Contact", "31/02/2024"),
        (Severity.ERROR, contacts, "List 1", 9, "Child Unique ID", ""),
        (Severity.WARNING, f"{book} [List 7 CP]", "List 7", 1, "Ethnicity", ""),
        (Severity.WARNING, f"{book} [List 7 CP]", "List 7", 1, "Date of Birth", ""),
        (Severity.WARNING, book, "ssd_person", None, "Date of Birth", "1002"),
    ]
    messages = [p.message for p in synthetic.problems]
    assert messages[0] == (
        "List 2 (early help) not found in the workbook; nothing from it is imported"
    )
    assert "Excel error #N/A" in messages[6]
    assert "unknown contact or referral source 'Martian'" in messages[7]
    assert messages[8] == "'31/02/2024' is not a date"
    assert "no Child Unique ID" in messages[9]
    assert "duplicate column header (column N)" in messages[10]
    assert messages[11] == "column 'Date of Birth' not found; what it holds is left blank"
    assert messages[12] == (
        "lists disagree on date of birth for child 1002: 06/05/2012 in List 1;"
        " 05/06/2012 in List 3; used 05/06/2012"
    )


def test_header_spellings_and_missing_columns(tmp_path: Path) -> None:
    sheets = {
        "LIST 03 referrals": [
            ["  child   unique id ", "GENDER", "Date Of Referral", "Referral source (code)"],
            ["R1", "F", "16/09/2020", "g) Police"],
        ],
        "List 4": [["Child Unique ID", "Gender"], ["R1", "F"]],  # no assessment start date
    }
    extract = read_annex_a(build_xlsx(tmp_path / "spellings.xlsx", sheets))
    (referral,) = extract.tables["ssd_cin_episodes"]
    assert referral["cine_referral_id"] == "L3-R1-20200916"
    assert referral["cine_referral_source_code"] == "6"
    assert "ssd_cin_assessments" not in extract.tables
    (error,) = extract.errors
    assert (error.table, error.field) == ("List 4", "Continuous Assessment Start Date")
    assert "required column" in error.message


def test_a_looked_after_child_whose_legal_status_starts_after_care(tmp_path: Path) -> None:
    header = [
        "Child Unique ID",
        "Date Started to be Looked After",
        "Start date of current legal status",
        "Child's Legal Status",
        "Date Ceased to be Looked After",
        "Reason Ceased to be Looked After",
        "Start Date of Most Recent Placement",
        "Placement Type",
    ]
    row = [
        "K1",
        date(2025, 2, 1),
        date(2025, 3, 31),
        "V2: Single period under S20",
        date(2025, 2, 3),
        "e) E4A: Returned home",
        date(2025, 2, 3),
        "k) P1: Placed with parents",
    ]
    extract = read_annex_a(build_xlsx(tmp_path / "cla.xlsx", {"List 8": [header, row]}))
    (episode,) = extract.tables["ssd_cla_episodes"]
    assert episode["clae_cla_episode_start_date"] == date(2025, 2, 3)  # the placement's start
    assert episode["clae_cla_episode_ceased_reason"] == "E4A"
    (status,) = extract.tables["ssd_legal_status"]
    assert (status["lega_legal_status"], status["lega_legal_status_end_date"]) == ("V2", None)
    (placement,) = extract.tables["ssd_cla_placement"]
    assert placement["clap_cla_placement_end_date"] == date(2025, 2, 3)
    (late,) = problems_like(extract, "after the child ceased to be looked after")
    assert (late.row, late.field) == (2, "Start date of current legal status")


def test_a_second_sheet_for_a_list_is_reported(tmp_path: Path) -> None:
    rows = [["Child Unique ID", "Date of Contact"], ["A", "01/02/2024"]]
    extract = read_annex_a(build_xlsx(tmp_path / "two.xlsx", {"List 1": rows, "List1 (2)": rows}))
    assert len(extract.tables["ssd_contacts"]) == 1
    assert problems_like(extract, "a second sheet for List 1")


def test_a_word_in_a_sheet_name_is_not_enough(tmp_path: Path) -> None:
    sheets = {
        "CIN lookup": [["Code", "Meaning"], ["N1", "Abuse or neglect"]],
        "List 12 - SGOs": [["Child Unique ID", "Date of SGO"], ["S1", "01/01/2024"]],
        "List 1": [["Child Unique ID", "Date of Contact"], ["A", "01/02/2024"]],
    }
    extract = read_annex_a(build_xlsx(tmp_path / "lookups.xlsx", sheets))
    assert extract.errors == []
    (lookup,) = [p for p in extract.problems if p.source.endswith("[CIN lookup]")]
    assert "suggests List 6" in lookup.message
    assert not [p for p in extract.problems if "List 12" in p.source]
    assert len(extract.tables["ssd_contacts"]) == 1


def test_a_sheet_is_found_by_its_headers(tmp_path: Path) -> None:
    sheets = {
        "Sheet1": [
            [
                "Child Unique ID",
                "Gender",
                "Child Protection Plan Start Date",
                "Initial Category of Abuse",
                "Latest Category of Abuse",
            ],
            ["C1", "b) Female", "01/03/2024", "Neglect", "Neglect"],
        ]
    }
    extract = read_annex_a(build_xlsx(tmp_path / "sheet1.xlsx", sheets))
    assert [p["cppl_cp_plan_id"] for p in extract.tables["ssd_cp_plans"]] == ["L7-C1-20240301"]


# --- not a workbook ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("notes.xlsx", b"Dear colleague, the Annex A is attached."),
        ("empty.xls", b""),
        ("page.xls", b"<html><body><table><tr><td>Child Unique ID</td></tr></table></body></html>"),
        ("archive.xlsx", None),
    ],
)
def test_not_a_workbook_gives_one_clear_error(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    if content is None:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("readme.txt", "not a spreadsheet")
    else:
        path.write_bytes(content)
    extract = read_annex_a(path)
    assert extract.tables == {}
    (problem,) = extract.problems
    assert problem.severity is Severity.ERROR
    assert problem.source == name
    assert "not" in problem.message and "workbook" in problem.message
    if name == "page.xls":
        assert "save it as an Excel workbook" in problem.message


def test_a_workbook_without_lists_gives_one_clear_error(tmp_path: Path) -> None:
    path = build_xlsx(tmp_path / "budget.xlsx", {"Budget": [["Cost centre", "Amount"], ["A", 3]]})
    (problem,) = read_annex_a(path).problems
    assert problem.severity is Severity.ERROR
    assert "none of the Annex A lists was found" in problem.message


def test_a_missing_file_is_an_error_not_a_crash(tmp_path: Path) -> None:
    (problem,) = read_annex_a(tmp_path / "nowhere.xlsx").problems
    assert problem.severity is Severity.ERROR


def test_a_damaged_sheet_is_an_error_and_the_others_are_read(tmp_path: Path) -> None:
    rows = [["Child Unique ID", "Date of Contact"], *[[f"C{i}", "01/02/2024"] for i in range(9)]]
    sheets = {"List 1": rows, "List 3": [["Child Unique ID", "Date of referral"], ["A", "1/2/24"]]}
    path = build_xlsx(tmp_path / "damaged.xlsx", sheets)
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = parts[sheet][: parts[sheet].index(b'<c r="A7"') + 12]  # cut off mid-cell
    with zipfile.ZipFile(path, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    extract = read_annex_a(path)
    (error,) = extract.errors
    assert error.source == "damaged.xlsx [List 1]"
    assert error.message.startswith("this sheet could not be read")
    assert "ssd_contacts" not in extract.tables
    (referral,) = extract.tables["ssd_cin_episodes"]
    assert referral["cine_referral_date"] == date(2024, 2, 1)  # 1/2/24 is 1 February 2024
