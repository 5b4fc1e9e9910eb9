"""The children in need census reader: hand-written returns, and the shared fixtures."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from lineofsight.casework import schema, store
from lineofsight.casework.models import SourceKind
from lineofsight.intake import selectors, services
from lineofsight.intake.cin_census import FILLED, read_cin_census
from lineofsight.intake.models import RunStatus
from lineofsight.intake.problems import ParsedExtract, Problem, Severity

FIXTURES = next(
    (
        path / "fixtures/cin_census"
        for path in (Path(__file__).resolve().parents[4] / "shared", Path("/work/shared"))
        if (path / "fixtures/cin_census").exists()
    ),
    Path("/work/shared/fixtures/cin_census"),
)


def _census(
    tmp_path: Path,
    children: str,
    *,
    year: str = "2026",
    reference: str = "2026-03-31",
    name: str = "cin.xml",
) -> Path:
    path = tmp_path / name
    path.write_text(
        "<?xml version='1.0' encoding='utf-8'?>\n<Message><Header><CollectionDetails>"
        f"<Collection>CIN</Collection><Year>{year}</Year>"
        f"<ReferenceDate>{reference}</ReferenceDate></CollectionDetails>"
        "<Source><SourceLevel>L</SourceLevel><LEA>999</LEA></Source></Header>"
        f"<Children>{children}</Children></Message>\n",
        encoding="utf-8",
    )
    return path


def _child(child_id: str | None, *, sex: str = "<Sex>F</Sex>", body: str = "") -> str:
    ident = f"<LAchildID>{child_id}</LAchildID>" if child_id is not None else ""
    return (
        f"<Child><ChildIdentifiers>{ident}<UPNunknown>UN2</UPNunknown>"
        f"<PersonBirthDate>2014-05-02</PersonBirthDate>{sex}</ChildIdentifiers>"
        "<ChildCharacteristics><Ethnicity>CHNE</Ethnicity>"
        "<Disabilities><Disability>NONE</Disability></Disabilities></ChildCharacteristics>"
        f"{body}</Child>"
    )


def _values(parsed: ParsedExtract, table: str, *fields: str) -> list[tuple]:
    return [tuple(row[f] for f in fields) for row in parsed.tables[table]]


def _problems(parsed: ParsedExtract) -> list[tuple[str, str, int | None, str, str]]:
    return [(p.severity.value, p.table, p.row, p.field, p.value) for p in parsed.problems]


# A fictional child: one closed episode with an assessment and a CIN plan, then an open one with
# a section 47 enquiry, its conference, a CP plan from that conference and two reviews.
ONE_CHILD = _child(
    "LA0001",
    body=(
        "<CINdetails><CINreferralDate>2025-04-03</CINreferralDate>"
        "<ReferralSource>2A</ReferralSource><PrimaryNeedCode>N5</PrimaryNeedCode>"
        "<CINclosureDate>2025-08-29</CINclosureDate><ReasonForClosure>RC7</ReasonForClosure>"
        "<Assessments><AssessmentActualStartDate>2025-04-04</AssessmentActualStartDate>"
        "<AssessmentAuthorisationDate>2025-05-16</AssessmentAuthorisationDate>"
        "<FactorsIdentifiedAtAssessment><AssessmentFactors>3A</AssessmentFactors>"
        "</FactorsIdentifiedAtAssessment></Assessments>"
        "<CINPlanDates><CINPlanStartDate>2025-05-20</CINPlanStartDate>"
        "<CINPlanEndDate>2025-08-29</CINPlanEndDate></CINPlanDates>"
        "<ReferralNFA>false</ReferralNFA></CINdetails>"
        "<CINdetails><CINreferralDate>2025-11-10</CINreferralDate>"
        "<ReferralSource>6</ReferralSource><PrimaryNeedCode>N1</PrimaryNeedCode>"
        "<DateOfInitialCPC>2025-12-01</DateOfInitialCPC>"
        "<Section47><S47ActualStartDate>2025-11-12</S47ActualStartDate>"
        "<InitialCPCtarget>2025-12-03</InitialCPCtarget>"
        "<DateOfInitialCPC>2025-12-01</DateOfInitialCPC>"
        "<ICPCnotRequired>false</ICPCnotRequired></Section47>"
        "<ReferralNFA>0</ReferralNFA>"
        "<ChildProtectionPlans><CPPstartDate>2025-12-01</CPPstartDate>"
        "<InitialCategoryOfAbuse>EMO</InitialCategoryOfAbuse>"
        "<LatestCategoryOfAbuse>MUL</LatestCategoryOfAbuse>"
        "<NumberOfPreviousCPP>0</NumberOfPreviousCPP>"
        "<Reviews><CPPreviewDate>2026-02-20</CPPreviewDate>"
        "<CPPreviewDate>2026-03-27</CPPreviewDate></Reviews>"
        "</ChildProtectionPlans></CINdetails>"
    ),
)


def test_a_child_becomes_rows_in_every_table(tmp_path: Path) -> None:
    parsed = read_cin_census(_census(tmp_path, ONE_CHILD))

    assert parsed.problems == []
    assert parsed.reference_date == date(2026, 3, 31)
    assert parsed.collection_year == 2026
    assert parsed.tables["ssd_person"] == [
        dict.fromkeys(schema.tables()["ssd_person"].field_names)
        | {
            "pers_person_id": "LA0001",
            "pers_sex": "F",
            "pers_ethnicity": "CNHE",  # the census's CHNE is the SSD's CNHE
            "pers_dob": date(2014, 5, 2),
            "pers_upn_unknown": "UN2",
        }
    ]
    first, second = "CIN-LA0001-20250403", "CIN-LA0001-20251110"
    assert _values(
        parsed,
        "ssd_cin_episodes",
        "cine_referral_id",
        "cine_referral_date",
        "cine_referral_source_code",
        "cine_referral_source_desc",
        "cine_cin_primary_need_code",
        "cine_referral_nfa",
        "cine_close_date",
        "cine_close_reason",
    ) == [
        (first, date(2025, 4, 3), "2A", "Schools", "N5", "N", date(2025, 8, 29), "RC7"),
        (second, date(2025, 11, 10), "6", "Police", "N1", "N", None, None),
    ]
    assert _values(
        parsed,
        "ssd_cin_assessments",
        "cina_assessment_id",
        "cina_referral_id",
        "cina_assessment_start_date",
        "cina_assessment_auth_date",
    ) == [("CINA-LA0001-20250404", first, date(2025, 4, 4), date(2025, 5, 16))]
    assert _values(
        parsed, "ssd_cin_plans", "cinp_cin_plan_id", "cinp_referral_id", "cinp_cin_plan_end_date"
    ) == [("CINP-LA0001-20250520", first, date(2025, 8, 29))]
    (enquiry,) = parsed.tables["ssd_s47_enquiry"]
    assert enquiry["s47e_s47_enquiry_id"] == "S47-LA0001-20251112"
    assert enquiry["s47e_referral_id"] == second
    assert json.loads(enquiry["s47e_s47_outcome_json"])["CP_CONFERENCE_FLAG"] == "Y"
    # The episode's DateOfInitialCPC is the enquiry's conference: one conference, not two.
    assert _values(
        parsed,
        "ssd_initial_cp_conference",
        "icpc_icpc_id",
        "icpc_s47_enquiry_id",
        "icpc_referral_id",
        "icpc_icpc_target_date",
        "icpc_icpc_date",
        "icpc_cp_plan_id",
        "icpc_icpc_outcome_cp_flag",
    ) == [
        (
            "ICPC-LA0001-20251201",
            "S47-LA0001-20251112",
            second,
            date(2025, 12, 3),
            date(2025, 12, 1),
            "CPP-LA0001-20251201",
            "Y",
        )
    ]
    assert _values(
        parsed,
        "ssd_cp_plans",
        "cppl_cp_plan_id",
        "cppl_icpc_id",
        "cppl_referral_id",
        "cppl_cp_plan_start_date",
        "cppl_cp_plan_end_date",
        "cppl_cp_plan_initial_category",
        "cppl_cp_plan_latest_category",
    ) == [
        (
            "CPP-LA0001-20251201",
            "ICPC-LA0001-20251201",
            second,
            date(2025, 12, 1),
            None,
            "Emotional abuse",
            "Multiple",
        )
    ]
    assert _values(parsed, "ssd_cp_reviews", "cppr_cp_review_id", "cppr_cp_plan_id") == [
        ("CPPR-LA0001-20260220", "CPP-LA0001-20251201"),
        ("CPPR-LA0001-20260327", "CPP-LA0001-20251201"),
    ]


def test_tables_have_the_schema_fields_and_say_what_the_census_fills(tmp_path: Path) -> None:
    parsed = read_cin_census(_census(tmp_path, ONE_CHILD))
    tables = schema.tables()
    assert set(parsed.tables) == set(FILLED)
    for name, rows in parsed.tables.items():
        assert all(tuple(row) == tables[name].field_names for row in rows), name
        assert set(parsed.fields[name]) <= set(tables[name].field_names), name
    # What the census cannot say is not claimed: no workers, visits or teams.
    assert "cine_referral_worker_id" not in parsed.fields["ssd_cin_episodes"]
    assert "cina_assessment_child_seen" not in parsed.fields["ssd_cin_assessments"]
    assert "pers_forename" not in parsed.fields["ssd_person"]
    assert "cppr_cp_review_due" not in parsed.fields["ssd_cp_reviews"]


def test_the_problem_names_file_element_path_field_and_value(tmp_path: Path) -> None:
    body = (
        "<CINdetails><CINreferralDate>2025-06-01</CINreferralDate>"
        "<PrimaryNeedCode>N2</PrimaryNeedCode>"
        "<Assessments><AssessmentActualStartDate>2025-06-02</AssessmentActualStartDate>"
        "</Assessments>"
        "<Assessments><AssessmentActualStartDate>2025-06-31</AssessmentActualStartDate>"
        "</Assessments></CINdetails>"
    )
    children = _child("LA0001") + _child("LA0002", body=body)
    parsed = read_cin_census(_census(tmp_path, children, name="march.xml"))

    (problem,) = parsed.problems
    assert problem == Problem(
        Severity.ERROR,
        "Child 2 (LAchildID LA0002) / CINdetails 1 / Assessments 2 / "
        "AssessmentActualStartDate: is not a date. The census writes dates as YYYY-MM-DD.",
        table="ssd_cin_assessments",
        row=2,
        field="AssessmentActualStartDate",
        value="2025-06-31",
        source="march.xml",
    )
    # The assessment without a start date still gets an id, from its place in the file.
    assert _values(parsed, "ssd_cin_assessments", "cina_assessment_id") == [
        ("CINA-LA0002-20250602",),
        ("CINA-LA0002-e1-a2",),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<Message><Children><Child></Message>", "not well-formed XML (line 1"),
        ("<CSWW><Header/></CSWW>", "its root element is CSWW, not Message"),
        (
            "<Message><Header><CollectionDetails><Collection>CIN</Collection><Year>2019</Year>"
            "</CollectionDetails></Header><Children/></Message>",
            "The collection year 2019 is not one Line of Sight reads",
        ),
        (
            "<Message><Header><CollectionDetails><Collection>SSDA903</Collection>"
            "<Year>2025</Year></CollectionDetails></Header><Children/></Message>",
            "its Collection is SSDA903, not CIN",
        ),
        (
            '<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaa">]><Message>&a;</Message>',
            "XML features that are not allowed",
        ),
    ],
)
def test_a_file_that_is_not_a_census_is_an_error(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "bad.xml"
    path.write_text(text, encoding="utf-8")
    parsed = read_cin_census(path)
    assert parsed.errors, parsed.problems
    assert any(expected in p.message for p in parsed.errors), [p.message for p in parsed.errors]
    assert all(p.source == "bad.xml" for p in parsed.problems)


def test_an_unreadable_file_gives_no_tables(tmp_path: Path) -> None:
    parsed = read_cin_census(_census(tmp_path, ONE_CHILD).with_name("absent.xml"))
    assert [p.message[:23] for p in parsed.errors] == ["The file cannot be read"]
    assert parsed.tables == {}


def test_a_census_nested_thousands_deep_is_read_in_steps_that_grow_with_its_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each element is looked at a fixed number of times, however deep the file nests: naming
    the whole path at every element would take 50 million steps here."""
    from lineofsight.intake import cin_census

    depth = 10_000
    deep = "<Deep>" * depth + "</Deep>" * depth
    path = _census(tmp_path, ONE_CHILD.replace("<Child>", "<Child>" + deep, 1))
    calls = 0
    real_local = cin_census._local

    def local(tag: str) -> str:
        nonlocal calls
        calls += 1
        return real_local(tag)

    monkeypatch.setattr(cin_census, "_local", local)

    parsed = read_cin_census(path)

    assert _values(parsed, "ssd_person", "pers_person_id") == [("LA0001",)]
    assert calls < 5 * depth


def test_children_without_an_id_or_twice_are_errors_and_not_read(tmp_path: Path) -> None:
    children = _child("LA0001") + _child(None) + _child("LA0001")
    parsed = read_cin_census(_census(tmp_path, children))
    assert _problems(parsed) == [
        ("error", "ssd_person", 2, "LAchildID", ""),
        ("error", "ssd_person", 3, "LAchildID", "LA0001"),
    ]
    assert "this LAchildID is also on child 1" in parsed.problems[1].message
    assert _values(parsed, "ssd_person", "pers_person_id") == [("LA0001",)]


def test_ends_before_starts_are_errors(tmp_path: Path) -> None:
    body = (
        "<CINdetails><CINreferralDate>2025-06-10</CINreferralDate>"
        "<CINclosureDate>2025-06-01</CINclosureDate><ReasonForClosure>RC8</ReasonForClosure>"
        "<CINPlanDates><CINPlanStartDate>2025-07-01</CINPlanStartDate>"
        "<CINPlanEndDate>2025-06-30</CINPlanEndDate></CINPlanDates>"
        "<Section47><S47ActualStartDate>2025-06-12</S47ActualStartDate>"
        "<DateOfInitialCPC>2025-06-11</DateOfInitialCPC></Section47>"
        "<ChildProtectionPlans><CPPstartDate>2025-06-11</CPPstartDate>"
        "<CPPendDate>2025-06-10</CPPendDate>"
        "<Reviews><CPPreviewDate>2025-06-09</CPPreviewDate></Reviews>"
        "</ChildProtectionPlans></CINdetails>"
    )
    parsed = read_cin_census(_census(tmp_path, _child("LA0001", body=body)))
    assert [(p.severity.value, p.field, p.value) for p in parsed.problems] == [
        ("error", "CINclosureDate", "2025-06-01"),
        ("error", "CINPlanEndDate", "2025-06-30"),
        ("error", "DateOfInitialCPC", "2025-06-11"),
        ("error", "CPPendDate", "2025-06-10"),
        ("error", "CPPreviewDate", "2025-06-09"),
    ]
    assert parsed.problems[0].message.endswith(
        "CINclosureDate: 2025-06-01 is before CINreferralDate 2025-06-10."
    )


def test_codes_the_snapshot_counts_on_are_errors_others_warnings(tmp_path: Path) -> None:
    body = (
        "<CINdetails><CINreferralDate>2025-06-10</CINreferralDate>"
        "<ReferralSource>11</ReferralSource><PrimaryNeedCode>N12</PrimaryNeedCode>"
        "<CINclosureDate>2025-07-01</CINclosureDate><ReasonForClosure>RC0</ReasonForClosure>"
        "<ReferralNFA>maybe</ReferralNFA>"
        "<ChildProtectionPlans><CPPstartDate>2025-06-20</CPPstartDate>"
        "<InitialCategoryOfAbuse>NEGLECTED</InitialCategoryOfAbuse>"
        "</ChildProtectionPlans></CINdetails>"
    )
    child = _child("LA0001", body=body).replace("CHNE", "XXXX").replace(">NONE<", ">WINGS<")
    parsed = read_cin_census(_census(tmp_path, child))
    assert [(p.severity.value, p.field, p.value) for p in parsed.problems] == [
        ("warning", "Disability", "WINGS"),
        ("warning", "Ethnicity", "XXXX"),
        ("warning", "ReasonForClosure", "RC0"),
        ("warning", "ReferralSource", "11"),
        ("error", "PrimaryNeedCode", "N12"),
        ("error", "ReferralNFA", "maybe"),
        ("error", "InitialCategoryOfAbuse", "NEGLECTED"),
    ]
    (person,) = parsed.tables["ssd_person"]
    assert person["pers_ethnicity"] == "XXXX"  # shown to people only: kept as written
    (episode,) = parsed.tables["ssd_cin_episodes"]
    assert episode["cine_cin_primary_need_code"] is None  # counted on: left blank
    assert episode["cine_close_reason"] == "RC0"
    assert (episode["cine_referral_source_code"], episode["cine_referral_source_desc"]) == (
        None,
        "11",
    )
    assert episode["cine_referral_nfa"] is None
    assert parsed.tables["ssd_cp_plans"][0]["cppl_cp_plan_initial_category"] is None


@pytest.mark.parametrize(
    ("item", "sex", "gender", "severity"),
    [
        ("<Sex>M</Sex>", "M", None, None),
        ("<Sex>u</Sex>", "U", None, None),
        ("<GenderCurrent>2</GenderCurrent>", "F", "02", None),
        ("<GenderCurrent>9</GenderCurrent>", "U", "09", None),
        ("<Sex>1</Sex>", "M", "01", "warning"),  # the old codes under the new name
        ("<GenderCurrent>F</GenderCurrent>", "F", None, "warning"),
        ("<Sex>Male</Sex>", None, None, "error"),
        ("", None, None, "warning"),
    ],
)
def test_sex_is_read_from_sex_or_gender_current(
    tmp_path: Path, item: str, sex: str | None, gender: str | None, severity: str | None
) -> None:
    parsed = read_cin_census(_census(tmp_path, _child("LA0001", sex=item)))
    (person,) = parsed.tables["ssd_person"]
    assert (person["pers_sex"], person["pers_gender"]) == (sex, gender)
    assert [p.severity.value for p in parsed.problems] == ([severity] if severity else [])


def test_a_plan_takes_the_latest_conference_in_the_31_days_before_it(tmp_path: Path) -> None:
    body = (
        "<CINdetails><CINreferralDate>2025-05-01</CINreferralDate>"
        "<DateOfInitialCPC>2025-05-20</DateOfInitialCPC>"  # the episode's own conference
        "<Section47><S47ActualStartDate>2025-05-02</S47ActualStartDate>"
        "<DateOfInitialCPC>2025-05-09</DateOfInitialCPC></Section47>"
        "<Section47><S47ActualStartDate>2025-09-02</S47ActualStartDate>"
        "<ICPCnotRequired>true</ICPCnotRequired></Section47>"
        "<ChildProtectionPlans><CPPstartDate>2025-06-01</CPPstartDate>"
        "</ChildProtectionPlans></CINdetails>"
    )
    parsed = read_cin_census(_census(tmp_path, _child("LA0001", body=body)))
    assert parsed.problems == []
    assert _values(
        parsed,
        "ssd_initial_cp_conference",
        "icpc_icpc_date",
        "icpc_s47_enquiry_id",
        "icpc_cp_plan_id",
        "icpc_icpc_outcome_cp_flag",
    ) == [
        (date(2025, 5, 9), "S47-LA0001-20250502", None, "N"),
        (date(2025, 5, 20), None, "CPP-LA0001-20250601", "Y"),
    ]
    outcomes = [
        json.loads(row["s47e_s47_outcome_json"])["CP_CONFERENCE_FLAG"]
        for row in parsed.tables["ssd_s47_enquiry"]
    ]
    assert outcomes == ["Y", "N"]


def test_same_day_records_get_numbered_ids_and_census_date_checks(tmp_path: Path) -> None:
    body = (
        "<CINdetails><CINreferralDate>2025-05-01</CINreferralDate>"
        "<Assessments><AssessmentActualStartDate>2025-05-02</AssessmentActualStartDate>"
        "</Assessments>"
        "<Assessments><AssessmentActualStartDate>2025-05-02</AssessmentActualStartDate>"
        "<AssessmentAuthorisationDate>2026-04-02</AssessmentAuthorisationDate></Assessments>"
        "<Assessments><AssessmentActualStartDate>2025-04-30</AssessmentActualStartDate>"
        "</Assessments></CINdetails>"
    )
    parsed = read_cin_census(_census(tmp_path, _child("LA0001", body=body)))
    assert _values(parsed, "ssd_cin_assessments", "cina_assessment_id") == [
        ("CINA-LA0001-20250502",),
        ("CINA-LA0001-20250502-2",),
        ("CINA-LA0001-20250430",),
    ]
    assert [(p.severity.value, p.field, p.value) for p in parsed.problems] == [
        ("warning", "AssessmentAuthorisationDate", "2026-04-02"),  # after the census date
        ("warning", "AssessmentActualStartDate", "2025-04-30"),  # before the referral
    ]


def test_a_census_date_that_is_not_31_march_of_the_year_is_a_warning(tmp_path: Path) -> None:
    parsed = read_cin_census(_census(tmp_path, ONE_CHILD, year="2025", reference="2026-03-31"))
    assert _problems(parsed) == [
        ("warning", "CollectionDetails", None, "ReferenceDate", "2026-03-31")
    ]
    assert parsed.reference_date == date(2026, 3, 31)  # what the file says is what is used
    assert parsed.collection_year == 2025


def test_a_missing_census_date_is_31_march_of_the_year(tmp_path: Path) -> None:
    path = _census(tmp_path, ONE_CHILD)
    path.write_text(path.read_text().replace("<ReferenceDate>2026-03-31</ReferenceDate>", ""))
    parsed = read_cin_census(path)
    assert parsed.reference_date == date(2026, 3, 31)
    assert [p.field for p in parsed.warnings] == ["ReferenceDate"]
    assert parsed.errors == []


def test_a_namespace_on_the_elements_is_ignored(tmp_path: Path) -> None:
    path = _census(tmp_path, ONE_CHILD)
    path.write_text(path.read_text().replace("<Message>", '<Message xmlns="urn:example:cin">'))
    parsed = read_cin_census(path)
    assert parsed.problems == []
    assert len(parsed.tables["ssd_cin_episodes"]) == 2


# --- the shared fixtures -------------------------------------------------------------------------

# CIN_Census_2024.xml and CIN_Census_2026.xml hold the same two children (the second adds the
# 2025 to 2026 pre-proceedings items, which the snapshot has no table for). Their header says
# collection year 2023 with a census date of 31 March 2024. Read by hand:
# - child 1 DfEX0000001: Sex written as 1; one episode 2022-10-06 to 2023-02-27 (RC1) with an
#   assessment started 2028-04-28 but authorised 2020-09-19 (an error), factors 1C, RB (not a
#   factor code), 6B; a CIN plan; an enquiry from 2022-06-02 (before the referral) whose
#   conference was 2022-06-17; the episode's own conference 2022-12-06; a CP plan from
#   2022-02-17 (before the referral, no conference in the 31 days before it) with one review;
# - child 2 child_fails_assessments: referred 2024-10-24 and closed 2024-10-29 (both after the
#   census date), an assessment started 2023-12-25, before the referral.
TWO_CHILD_PROBLEMS = [
    ("warning", "CollectionDetails", None, "ReferenceDate", "2024-03-31"),
    ("warning", "ssd_person", 1, "Sex", "1"),
    ("warning", "ssd_cin_assessments", 1, "AssessmentActualStartDate", "2028-04-28"),
    ("error", "ssd_cin_assessments", 1, "AssessmentAuthorisationDate", "2020-09-19"),
    ("warning", "ssd_cin_assessments", 1, "AssessmentFactors", "RB"),
    ("warning", "ssd_s47_enquiry", 1, "S47ActualStartDate", "2022-06-02"),
    ("warning", "ssd_cp_plans", 1, "CPPstartDate", "2022-02-17"),
    ("warning", "ssd_cin_episodes", 2, "CINreferralDate", "2024-10-24"),
    ("warning", "ssd_cin_episodes", 2, "CINclosureDate", "2024-10-29"),
    ("warning", "ssd_cin_assessments", 2, "AssessmentActualStartDate", "2023-12-25"),
]


@pytest.mark.parametrize("name", ["CIN_Census_2024.xml", "CIN_Census_2026.xml"])
def test_the_two_child_fixtures_read_with_their_problems(name: str) -> None:
    parsed = read_cin_census(FIXTURES / name)

    assert _problems(parsed) == TWO_CHILD_PROBLEMS
    assert parsed.reference_date == date(2024, 3, 31)
    assert parsed.collection_year == 2023
    assert _values(
        parsed, "ssd_person", "pers_person_id", "pers_sex", "pers_dob", "pers_upn_unknown"
    ) == [
        ("DfEX0000001", "M", date(2015, 3, 27), "UN3"),
        ("child_fails_assessments", "M", date(2023, 9, 25), "UN1"),
    ]
    assert _values(
        parsed,
        "ssd_cin_episodes",
        "cine_referral_id",
        "cine_referral_source_desc",
        "cine_close_date",
        "cine_close_reason",
        "cine_referral_nfa",
    ) == [
        (
            "CIN-DfEX0000001-20221006",
            "Individual: family member, relative or carer",
            date(2023, 2, 27),
            "RC1",
            "N",
        ),
        (
            "CIN-child_fails_assessments-20241024",
            "Individual: family member, relative or carer",
            date(2024, 10, 29),
            "RC9",
            "N",
        ),
    ]
    assert _values(
        parsed,
        "ssd_initial_cp_conference",
        "icpc_icpc_date",
        "icpc_icpc_target_date",
        "icpc_s47_enquiry_id",
        "icpc_icpc_outcome_cp_flag",
    ) == [
        (date(2022, 6, 17), date(2022, 6, 23), "S47-DfEX0000001-20220602", "N"),
        (date(2022, 12, 6), None, None, "N"),
    ]
    assert _values(
        parsed,
        "ssd_cp_plans",
        "cppl_cp_plan_start_date",
        "cppl_cp_plan_end_date",
        "cppl_icpc_id",
        "cppl_cp_plan_initial_category",
    ) == [(date(2022, 2, 17), date(2023, 3, 14), None, "Physical abuse")]
    assert _values(parsed, "ssd_cp_reviews", "cppr_cp_review_date") == [(date(2023, 2, 15),)]
    assert _values(
        parsed, "ssd_cin_plans", "cinp_cin_plan_start_date", "cinp_cin_plan_end_date"
    ) == [(date(2023, 1, 24), date(2023, 1, 26))]


FAKE = "fake_CIN_data.xml"


def test_the_generated_2022_fixture_reads_without_errors() -> None:
    parsed = read_cin_census(FIXTURES / FAKE)
    text = (FIXTURES / FAKE).read_text(encoding="utf-8")

    assert parsed.errors == []
    assert parsed.reference_date == date(2022, 7, 21)
    assert {name: len(rows) for name, rows in parsed.tables.items()} == {
        "ssd_person": text.count("<Child>"),  # 332
        "ssd_cin_episodes": text.count("<CINdetails>"),  # 402
        "ssd_cin_assessments": 0,
        "ssd_s47_enquiry": 0,
        "ssd_initial_cp_conference": text.count("<DateOfInitialCPC>"),  # 350, one per episode
        "ssd_cin_plans": 0,
        "ssd_cp_plans": 0,
        "ssd_cp_reviews": 0,
    }
    # Every date after the census date is a warning, and nothing else is but the census date.
    after = [
        (tag, value)
        for tag, value in re.findall(r"<(\w+)>(\d{4}-\d{2}-\d{2})</\1>", text)
        if tag not in ("ReferenceDate",) and value > "2022-07-21"
    ]
    assert len(after) == 23
    assert sorted(
        (p.field, p.value) for p in parsed.warnings if p.table != "CollectionDetails"
    ) == (sorted(after))
    assert [p.field for p in parsed.warnings if p.table == "CollectionDetails"] == ["ReferenceDate"]
    # The first two children, by hand.
    people = parsed.tables["ssd_person"]
    assert (people[0]["pers_person_id"], people[0]["pers_sex"], people[0]["pers_gender"]) == (
        "RND000215205141",
        "M",
        "01",
    )
    assert (people[1]["pers_sex"], people[1]["pers_gender"], people[1]["pers_ethnicity"]) == (
        "U",
        "09",
        "WROM",
    )
    assert sum(p["pers_ethnicity"] == "CNHE" for p in people) == text.count(">CHNE<")  # 12
    episodes = parsed.tables["ssd_cin_episodes"]
    assert episodes[0] == dict.fromkeys(schema.tables()["ssd_cin_episodes"].field_names) | {
        "cine_referral_id": "CIN-RND000215205141-20200713",
        "cine_person_id": "RND000215205141",
        "cine_referral_date": date(2020, 7, 13),
        "cine_cin_primary_need_code": "N6",
        "cine_referral_source_code": "4",
        "cine_referral_source_desc": "Housing",
        "cine_referral_nfa": "Y",
        "cine_close_reason": "RC2",
        "cine_close_date": date(2021, 6, 11),
    }
    assert [e["cine_referral_id"] for e in episodes[1:3]] == [
        "CIN-RND000824303014-20131025",
        "CIN-RND000824303014-20171022",
    ]
    conference = parsed.tables["ssd_initial_cp_conference"][0]
    assert (conference["icpc_icpc_date"], conference["icpc_referral_id"]) == (
        date(2020, 9, 29),
        "CIN-RND000215205141-20200713",
    )


# --- through the import --------------------------------------------------------------------------


def test_a_census_imports_as_a_snapshot_as_at_its_census_date(db, tmp_path: Path) -> None:
    """What the reader gives passes the snapshot's own checks (keys, links, codes, dates)."""
    parsed = read_cin_census(_census(tmp_path, ONE_CHILD))
    run = services.parsed_extract_import(
        extract=parsed, source_kind=SourceKind.CIN_CENSUS, as_at=parsed.reference_date
    )

    assert run.status == RunStatus.SUCCEEDED, selectors.report_problems(run)
    assert run.snapshot.as_at == date(2026, 3, 31)
    assert set(run.snapshot.provided_tables) == set(FILLED)
    with store.connect() as con:
        assert con.execute(
            "SELECT cppl_cp_plan_id, cppl_icpc_id, cppl_cp_plan_latest_category FROM ssd_cp_plans"
        ).fetchall() == [("CPP-LA0001-20251201", "ICPC-LA0001-20251201", "Multiple")]
        assert con.execute("SELECT count(*) FROM ssd_cp_reviews").fetchone() == (2,)


def test_the_generated_fixture_imports(db) -> None:
    parsed = read_cin_census(FIXTURES / FAKE)
    run = services.parsed_extract_import(
        extract=parsed, source_kind=SourceKind.CIN_CENSUS, as_at=parsed.reference_date
    )
    assert run.status == RunStatus.SUCCEEDED, [
        str(p) for p in selectors.report_problems(run) if p.severity.value == "error"
    ][:10]
    with store.connect() as con:
        assert con.execute("SELECT count(*) FROM ssd_cin_episodes").fetchone() == (402,)
