"""A tiny, valid SSD extract for tests: a few rows in every snapshot table, with references that
resolve. Tests copy it, corrupt one thing, and write it out as CSV files."""

from __future__ import annotations

import copy
import csv
from pathlib import Path

from lineofsight.casework import schema

Rows = list[dict[str, str]]

VALID: dict[str, Rows] = {
    "ssd_department": [
        {"dept_team_id": "T1", "dept_team_name": "Assessment North"},
        {"dept_team_id": "T2", "dept_team_name": "Children in Care"},
    ],
    "ssd_professionals": [
        {
            "prof_professional_id": "W1",
            "prof_professional_name": "Sam Worker",
            "prof_professional_caseload": "14",
            "prof_full_time_equivalency": "1.0",
            "prof_agency_worker_flag": "N",
        },
        {
            "prof_professional_id": "W2",
            "prof_professional_name": "Alex Manager",
            "prof_professional_caseload": "3",
            "prof_full_time_equivalency": "0.8",
        },
    ],
    "ssd_person": [
        {
            "pers_person_id": "P1",
            "pers_sex": "F",
            "pers_ethnicity": "WBRI",
            "pers_dob": "2015-04-15",
            "pers_send_flag": "N",
        },
        {"pers_person_id": "P2", "pers_sex": "M", "pers_dob": "2012-09-15"},
        {"pers_person_id": "P3", "pers_sex": "U", "pers_dob": "2008-01-15", "pers_is_mother": "N"},
    ],
    "ssd_contacts": [
        {"cont_contact_id": "C1", "cont_person_id": "P1", "cont_contact_date": "2024-01-03"},
        {"cont_contact_id": "C2", "cont_person_id": "P2", "cont_contact_date": "2024-02-10"},
    ],
    "ssd_cin_episodes": [
        {
            "cine_referral_id": "R1",
            "cine_person_id": "P1",
            "cine_referral_date": "2024-01-04",
            "cine_cin_primary_need_code": "N1",
            "cine_referral_team": "T1",
            "cine_referral_worker_id": "W1",
        },
        {
            "cine_referral_id": "R2",
            "cine_person_id": "P2",
            "cine_referral_date": "2024-02-11",
            "cine_cin_primary_need_code": "N4",
            "cine_close_date": "2024-03-20",
            "cine_close_reason": "RC7",
        },
    ],
    "ssd_cin_assessments": [
        {
            "cina_assessment_id": "A1",
            "cina_person_id": "P1",
            "cina_referral_id": "R1",
            "cina_assessment_start_date": "2024-01-05",
            "cina_assessment_auth_date": "2024-02-01",
            "cina_assessment_child_seen": "Y",
            "cina_assessment_worker_id": "W1",
        },
    ],
    "ssd_s47_enquiry": [
        {
            "s47e_s47_enquiry_id": "S1",
            "s47e_person_id": "P1",
            "s47e_referral_id": "R1",
            "s47e_s47_start_date": "2024-01-06",
            "s47e_s47_end_date": "2024-01-20",
        },
    ],
    "ssd_initial_cp_conference": [
        {
            "icpc_icpc_id": "I1",
            "icpc_s47_enquiry_id": "S1",
            "icpc_person_id": "P1",
            "icpc_cp_plan_id": "CP1",
            "icpc_referral_id": "R1",
            "icpc_icpc_date": "2024-01-25",
            "icpc_icpc_outcome_cp_flag": "Y",
        },
    ],
    "ssd_cin_plans": [
        {
            "cinp_cin_plan_id": "CIN1",
            "cinp_person_id": "P2",
            "cinp_referral_id": "R2",
            "cinp_cin_plan_start_date": "2024-02-20",
            "cinp_cin_plan_end_date": "2024-03-20",
        },
    ],
    "ssd_cin_visits": [
        {
            "cinv_cin_visit_id": "V1",
            "cinv_person_id": "P2",
            "cinv_cin_visit_date": "2024-03-01",
            "cinv_cin_visit_seen": "Y",
            "cinv_cin_visit_seen_alone": "N",
        },
    ],
    "ssd_cp_plans": [
        {
            "cppl_cp_plan_id": "CP1",
            "cppl_icpc_id": "I1",
            "cppl_person_id": "P1",
            "cppl_cp_plan_start_date": "2024-01-25",
            "cppl_cp_plan_initial_category": "Neglect",
            "cppl_cp_plan_latest_category": "Multiple: Neglect, Emotional abuse",
        },
    ],
    "ssd_cp_visits": [
        {
            "cppv_cp_visit_id": "CPV1",
            "cppv_person_id": "P1",
            "cppv_cp_plan_id": "CP1",
            "cppv_cp_visit_date": "2024-02-05",
            "cppv_cp_visit_seen": "Y",
        },
        {
            "cppv_cp_visit_id": "CPV2",
            "cppv_person_id": "P1",
            "cppv_cp_plan_id": "CP1",
            "cppv_cp_visit_date": "2024-03-28",
            "cppv_cp_visit_seen": "y",
        },
    ],
    "ssd_cp_reviews": [
        {
            "cppr_cp_review_id": "CPR1",
            "cppr_person_id": "P1",
            "cppr_cp_plan_id": "CP1",
            "cppr_cp_review_due": "2024-04-25",
            "cppr_cp_review_date": "2024-04-20",
        },
    ],
    "ssd_cla_episodes": [
        {
            "clae_cla_episode_id": "E1",
            "clae_person_id": "P3",
            "clae_cla_episode_start_date": "2023-06-01",
            "clae_cla_episode_start_reason": "S",
            "clae_cla_primary_need_code": "N1",
            "clae_cla_id": "CLA1",
        },
    ],
    "ssd_cla_placement": [
        {
            "clap_cla_placement_id": "PL1",
            "clap_person_id": "P3",
            "clap_cla_id": "CLA1",
            "clap_cla_placement_start_date": "2023-06-01",
            "clap_cla_placement_type": "U4",
            "clap_cla_placement_distance": "4.2",
        },
    ],
    "ssd_cla_reviews": [
        {
            "clar_cla_review_id": "CR1",
            "clar_cla_id": "CLA1",
            "clar_cla_review_due_date": "2023-06-29",
            "clar_cla_review_date": "2023-06-28",
            "clar_cla_review_participation": "PN1",
        },
    ],
    "ssd_cla_visits": [
        {
            "clav_cla_visit_id": "CV1",
            "clav_cla_id": "CLA1",
            "clav_person_id": "P3",
            "clav_cla_visit_date": "2024-03-15",
            "clav_cla_visit_seen": "Y",
        },
    ],
    "ssd_care_leavers": [
        {
            "clea_table_id": "CL1",
            "clea_person_id": "P3",
            "clea_care_leaver_in_touch": "YES",
            "clea_care_leaver_latest_contact": "2024-03-30",
            "clea_care_leaver_worker_id": "W2",
        },
    ],
    "ssd_missing": [
        {
            "miss_table_id": "M1",
            "miss_person_id": "P3",
            "miss_missing_episode_start_date": "2024-01-10",
            "miss_missing_episode_end_date": "2024-01-11",
            "miss_missing_episode_type": "Missing",
            "miss_missing_rhi_offered": "Y",
        },
    ],
    "ssd_legal_status": [
        {
            "lega_legal_status_id": "L1",
            "lega_person_id": "P3",
            "lega_legal_status": "C2",
            "lega_legal_status_start_date": "2023-06-01",
        },
    ],
    "ssd_involvements": [
        {
            "invo_involvements_id": "INV1",
            "invo_professional_id": "W1",
            "invo_professional_team": "T1",
            "invo_person_id": "P1",
            "invo_involvement_start_date": "2024-01-04",
        },
        {
            "invo_involvements_id": "INV2",
            "invo_professional_id": "W2",
            "invo_professional_team": "T2",
            "invo_person_id": "P3",
            "invo_involvement_start_date": "2023-06-01",
            "invo_involvement_end_date": "2024-01-01",
        },
    ],
    "case_notes": [
        {
            "note_id": "N1",
            "note_person_id": "P1",
            "note_date": "2024-02-05",
            "note_author_id": "W1",
            "note_type": "visit",
            "note_text": "Saw P1 at home, alone.",
        },
        {
            "note_id": "N2",
            "note_person_id": "P3",
            "note_date": "2024-03-31",
            "note_author_id": "W2",
            "note_type": "supervision",
            "note_text": 'Discussed plan; "stable" placement',
        },
    ],
    # The workforce census (intake.csww reads it from the DfE's XML; as CSV it is read as is).
    "csww_council": [
        {
            "census_date": "2023-09-30",
            "collection_year": "2023",
            "vacancies_fte": "2.0",
            "agency_fte": "1.0",
            "agency_headcount": "1",
        },
    ],
    "csww_workers": [
        {
            "swe_no": "SW100001",
            "prof_professional_id": "W1",
            "agency_worker": "N",
            "org_role": "6",
            "fte": "1.0",
            "role_start_date": "2020-01-06",
            "cases_30": "14",
            "working_days_lost": "3",
            "absent_30_sept": "N",
        },
    ],
}

# The latest event date above (the CP review); the later review due date is not an event.
LATEST_EVENT = "2024-04-20"


def valid() -> dict[str, Rows]:
    return copy.deepcopy(VALID)


def row_counts(tables: dict[str, Rows]) -> dict[str, int]:
    return {name: len(tables.get(name, [])) for name in schema.tables()}


def write(directory: Path, tables: dict[str, Rows] | None = None) -> Path:
    """Write each table as <table>.csv with every SSD column, in schema order."""
    tables = valid() if tables is None else tables
    directory.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        columns = list(schema.tables()[name].field_names) if name in schema.tables() else []
        columns += sorted({k for r in rows for k in r} - set(columns))
        with (directory / f"{name}.csv").open("w", newline="", encoding="utf-8") as fh:
            out = csv.DictWriter(fh, fieldnames=columns)
            out.writeheader()
            for row in rows:
                out.writerow(row)
    return directory
