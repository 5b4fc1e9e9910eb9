"""The casework snapshot schema: Standard Safeguarding Dataset tables, by their SSD names.

Field names, types and keys come from the SSD specification files in `ssd_spec/`. The overlay
below fixes what the specification leaves implicit, and adds `case_notes`, which the SSD lacks.

What "required" means:
- a table: only `ssd_person` must be in every extract (casework.rules.REQUIRED_TABLES); any other
  table may be absent as a whole, and pages then say there is no data for it;
- a column: the SSD fixes each table's columns, and the SSD's own extract scripts write every one
  of them, empty where a case system does not record it. So a table that is provided must have
  every column of its definition (`Table.required_columns`): a missing column means the extract
  was cut or built wrongly, and its figures (e.g. referrals without `cine_referral_date`) would
  be silently wrong;
- a value: `Field.required` (keys, and what the specification marks required, less
  `_OPTIONAL_OVERLAY`) may not be empty.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

SPEC_DIR = Path(__file__).parent / "ssd_spec"

SNAPSHOT_TABLES: tuple[str, ...] = (
    "ssd_person",
    "ssd_contacts",
    "ssd_cin_episodes",
    "ssd_cin_assessments",
    "ssd_s47_enquiry",
    "ssd_initial_cp_conference",
    "ssd_cin_plans",
    "ssd_cin_visits",
    "ssd_cp_plans",
    "ssd_cp_visits",
    "ssd_cp_reviews",
    "ssd_cla_episodes",
    "ssd_cla_placement",
    "ssd_cla_reviews",
    "ssd_cla_visits",
    "ssd_care_leavers",
    "ssd_missing",
    "ssd_legal_status",
    "ssd_professionals",
    "ssd_department",
    "ssd_involvements",
    "case_notes",
    "csww_council",
    "csww_workers",
)
# The DfE children's social work workforce census (CSWW), read from its XML return by
# intake.csww: not SSD tables, and no extract is expected to hold them.
WORKFORCE_TABLES: tuple[str, ...] = ("csww_council", "csww_workers")
# The child, the child's statutory episodes and who works with the child: what the timeliness of
# statutory work is derived from. Contacts, missing episodes, legal statuses, the workforce and case
# notes play no part in it.
CASE_TABLES: tuple[str, ...] = tuple(
    t
    for t in SNAPSHOT_TABLES
    if t
    not in {
        "ssd_contacts",
        "ssd_missing",
        "ssd_legal_status",
        "ssd_professionals",
        "ssd_department",
        "case_notes",
        *WORKFORCE_TABLES,
    }
)

# Annex A's List 9 (care leavers) columns after the child and the allocated worker: the importer
# knows the list by them, and the synthetic council writes them in this order.
ANNEX_A_CARE_LEAVER_COLUMNS: tuple[str, ...] = (
    "Allocated Personal Advisor",
    "Eligibility Category",
    "Latest Pathway Plan Review Date",
    "LA in Touch",
    "Latest Date of Contact",
    "Type of Accommodation",
    "Suitability of Accommodation",
    "Activity Status",
)
# The yes/no flags of an s47 enquiry's outcome (s47e_s47_outcome_json), in the SSD's order; the
# SSD writes every key whether or not it holds data.
S47_OUTCOME_FLAGS: tuple[str, ...] = (
    "NFA_FLAG",
    "LEGAL_ACTION_FLAG",
    "PROV_OF_SERVICES_FLAG",
    "PROV_OF_SB_CARE_FLAG",
    "CP_CONFERENCE_FLAG",
    "NFA_CONTINUE_SINGLE_FLAG",
    "MONITOR_FLAG",
    "OTHER_OUTCOMES_EXIST_FLAG",
)
# Likewise the flags of an initial child protection conference's outcome (icpc_icpc_outcome_json).
ICPC_OUTCOME_FLAGS: tuple[str, ...] = (
    "NFA_FLAG",
    "REFERRAL_TO_OTHER_AGENCY_FLAG",
    "SINGLE_ASSESSMENT_FLAG",
    "PROV_OF_SERVICES_FLAG",
    "CP_FLAG",
    "OTHER_OUTCOMES_EXIST_FLAG",
)
# Keys the specification does not mark as primary keys but which identify a row.
_PRIMARY_KEY_OVERLAY = {
    "ssd_department": "dept_team_id",
    "ssd_involvements": "invo_involvements_id",
}
# Fields the specification marks required that a real extract may rightly leave empty: an initial
# conference that decided against a child protection plan has no plan to point to.
_OPTIONAL_OVERLAY = {
    ("ssd_initial_cp_conference", "icpc_cp_plan_id"),
}
# Foreign keys the specification names with a misspelt table or field.
_FOREIGN_KEY_OVERLAY = {
    ("ssd_cla_episodes", "clae_cla_placement_id"): None,
    ("ssd_department", "dept_team_parent_id"): None,
    ("ssd_involvements", "invo_person_id"): "ssd_person.pers_person_id",
    ("ssd_cla_placement", "clap_person_id"): "ssd_person.pers_person_id",
    ("ssd_cin_visits", "cinv_person_id"): "ssd_person.pers_person_id",
    ("ssd_cp_visits", "cppv_person_id"): "ssd_person.pers_person_id",
    ("ssd_cp_reviews", "cppr_person_id"): "ssd_person.pers_person_id",
    ("ssd_cla_visits", "clav_person_id"): "ssd_person.pers_person_id",
    ("ssd_cla_placement", "clap_cla_id"): None,
    ("ssd_cla_reviews", "clar_cla_id"): None,
}

_TYPE_MAP = {
    "nvarchar": "VARCHAR",
    "nchar": "VARCHAR",
    "varchar": "VARCHAR",
    "datetime": "DATE",
    "date": "DATE",
    "int": "INTEGER",
    "float": "DOUBLE",
}


@dataclass(frozen=True)
class Field:
    name: str
    ssd_type: str
    description: str
    primary_key: bool = False
    foreign_key: str | None = None  # "table.field"
    required: bool = False

    @property
    def sql_type(self) -> str:
        return _TYPE_MAP.get(self.ssd_type.lower(), "VARCHAR")

    @property
    def is_date(self) -> bool:
        return self.sql_type == "DATE"


@dataclass(frozen=True)
class Table:
    name: str
    fields: tuple[Field, ...] = field(default_factory=tuple)

    @property
    def primary_key(self) -> str:
        return next(f.name for f in self.fields if f.primary_key)

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @property
    def required_columns(self) -> tuple[str, ...]:
        """Columns a provided table must have in its header (every one; see the module doc)."""
        return self.field_names


_CASE_NOTES = Table(
    name="case_notes",
    fields=(
        Field("note_id", "nvarchar", "Case note ID", primary_key=True, required=True),
        Field(
            "note_person_id",
            "nvarchar",
            "Person the note is about",
            foreign_key="ssd_person.pers_person_id",
            required=True,
        ),
        Field("note_date", "datetime", "Date of the recorded event", required=True),
        Field(
            "note_author_id",
            "nvarchar",
            "Professional who wrote the note",
            foreign_key="ssd_professionals.prof_professional_id",
        ),
        Field("note_type", "nvarchar", "Kind of note (visit, supervision, contact...)"),
        Field("note_text", "nvarchar", "The note as written"),
    ),
)


_CSWW_COUNCIL = Table(
    name="csww_council",
    fields=(
        Field(
            "census_date",
            "date",
            "The census reference date (30 September)",
            primary_key=True,
            required=True,
        ),
        Field("collection_year", "int", "The census's schema year", required=True),
        Field("vacancies_fte", "float", "Social worker vacancies (FTE) on the census date"),
        Field("agency_fte", "float", "Agency social workers (FTE) on the census date"),
        Field("agency_headcount", "int", "Agency social workers (headcount) on the census date"),
    ),
)

_CSWW_WORKERS = Table(
    name="csww_workers",
    fields=(
        Field(
            "swe_no",
            "nvarchar",
            "Social Work England registration number (SWENo)",
            primary_key=True,
            required=True,
        ),
        Field(
            "prof_professional_id",
            "nvarchar",
            "The SSD professional matched by SWE number or staff id, if any",
            foreign_key="ssd_professionals.prof_professional_id",
        ),
        Field("agency_worker", "nchar", "Y: an agency worker; N: employed (AgencyWorker)"),
        Field("org_role", "nvarchar", "Organisational role code (OrgRole)"),
        Field("fte", "float", "Full-time equivalent (FTE)"),
        Field("fte30", "float", "Full-time equivalent on 30 September (FTE30)"),
        Field("role_start_date", "date", "Start date in the role (RoleStartDate)"),
        Field("start_origin", "nvarchar", "Where the worker came from (StartOrigin)"),
        Field("role_end_date", "date", "Date the worker left the role (RoleEndDate)"),
        Field("leaver_destination", "nvarchar", "Where a leaver went (LeaverDestination)"),
        Field("reason_leave", "nvarchar", "Reason for leaving code (ReasonLeave)"),
        Field("cases_30", "int", "Cases held on the census date (Cases30)"),
        Field("working_days_lost", "float", "Working days lost to sickness (WorkingDaysLost)"),
        Field("contract_weeks", "float", "Weeks worked by an agency worker (ContractWeeks)"),
        Field("absent_30_sept", "nchar", "Y: absent on the census date (Absat30Sept)"),
        Field("reason_absence", "nvarchar", "Reason for absence code (ReasonAbsence)"),
    ),
)


def _load_table(name: str) -> Table:
    spec = yaml.safe_load((SPEC_DIR / f"{name}.yml").read_text())
    node = next(n for n in spec["nodes"] if n["name"] == name)
    fields = []
    for raw in node["fields"]:
        fname = raw["name"]
        validators = {next(iter(v)) for v in raw.get("validators") or []}
        pk = bool(raw.get("primary_key")) or _PRIMARY_KEY_OVERLAY.get(name) == fname
        fk = raw.get("foreign_key")
        if (name, fname) in _FOREIGN_KEY_OVERLAY:
            fk = _FOREIGN_KEY_OVERLAY[(name, fname)]
        fields.append(
            Field(
                name=fname,
                ssd_type=str(raw.get("type", "nvarchar")),
                description=str(raw.get("description", "")),
                primary_key=pk,
                foreign_key=fk,
                required=pk
                or ("required" in validators and (name, fname) not in _OPTIONAL_OVERLAY),
            )
        )
    return Table(name=name, fields=tuple(fields))


@cache
def tables() -> dict[str, Table]:
    """Every snapshot table, keyed by its SSD name, in load order (parents before children)."""
    own = {"case_notes": _CASE_NOTES, "csww_council": _CSWW_COUNCIL, "csww_workers": _CSWW_WORKERS}
    return {n: own[n] if n in own else _load_table(n) for n in SNAPSHOT_TABLES}
