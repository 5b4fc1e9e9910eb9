"""Casework snapshots for tests of worklists, chronologies and supervision.

`build_snapshot` writes a snapshot file with the store's own writer (typed SSD tables) and
registers it, so pages read it exactly as they read an imported one. The derived tables
(open_cases, drift_flags, event_timeliness) are either given by hand, so a test controls every
flag, or computed by the timeliness app's import step (`derive=True`).

`east_snapshot()` is the small council the URL matrix and the browser tests use: children in the
East team (T-E) and one in each other team of the root conftest's `council`.
"""

from __future__ import annotations

import datetime
import itertools
import shutil
import tempfile
from pathlib import Path

import duckdb

from lineofsight.casework import schema, store, writer
from lineofsight.casework.models import Snapshot, SourceKind
from lineofsight.casework.services import snapshot_make_current, snapshot_register

Rows = list[dict[str, object]]

# The derived tables' columns and types, as the timeliness app writes them.
DERIVED_COLUMNS: dict[str, str] = {
    "open_cases": (
        "person_id VARCHAR, cohort VARCHAR, team_id VARCHAR, worker_id VARCHAR, start_date DATE, "
        "case_start_date DATE"
    ),
    "drift_flags": "person_id VARCHAR, flag VARCHAR, since DATE, detail VARCHAR",
    "event_timeliness": (
        "person_id VARCHAR, rule_id VARCHAR, event_type VARCHAR, event_id VARCHAR, "
        "source_table VARCHAR, start_event VARCHAR, start_date DATE, due_date DATE, "
        "completed_date DATE, working_days_late INTEGER, status VARCHAR"
    ),
}


_counter = itertools.count(1)


def _value(raw: object, sql_type: str) -> object:
    if raw in (None, ""):
        return None
    if sql_type == "DATE" and isinstance(raw, str):
        return datetime.date.fromisoformat(raw)
    return raw


def _insert(con: duckdb.DuckDBPyConnection, table: str, types: dict[str, str], rows: Rows):
    if not rows:
        return
    columns = sorted({k for r in rows for k in r})
    unknown = set(columns) - set(types)
    assert not unknown, f"{table} has no columns {sorted(unknown)}"
    names = ", ".join(writer.quote(c) for c in columns)
    marks = ", ".join("?" for _ in columns)
    con.executemany(
        f"INSERT INTO snap.{writer.quote(table)} ({names}) VALUES ({marks})",
        [[_value(r.get(c), types[c]) for c in columns] for r in rows],
    )


def write_snapshot_file(
    path: Path,
    *,
    tables: dict[str, Rows],
    derived: dict[str, Rows] | None,
    as_at: datetime.date,
) -> None:
    """A closed snapshot file at `path`. With `derived=None` the import's post-load steps run."""
    con = duckdb.connect(":memory:")
    try:
        writer.attach(con, path, "snap")
        writer.create_tables(con, "snap")
        for name, rows in tables.items():
            table = schema.tables()[name]
            _insert(con, name, {f.name: f.sql_type for f in table.fields}, rows)
        if derived is None:
            # Every derived table, as an import makes them (timeliness, recording...).
            from lineofsight.intake.pipeline import POST_LOAD_STEPS, LoadContext

            context = LoadContext(
                con=con,
                alias="snap",
                as_at=as_at,
                source_kind=SourceKind.SSD,
                provided_tables=frozenset(schema.tables()),
            )
            for step in POST_LOAD_STEPS:
                step(context)
        else:
            for name, ddl in DERIVED_COLUMNS.items():
                con.execute(f"CREATE TABLE snap.{writer.quote(name)} ({ddl})")
                types = dict(column.split() for column in ddl.split(","))
                _insert(con, name, types, derived.get(name, []))
        writer.close(con, "snap", path)
    finally:
        con.close()


def build_snapshot(
    *,
    tables: dict[str, Rows],
    derived: dict[str, Rows] | None = None,
    derive: bool = False,
    as_at: datetime.date,
    make_current: bool = True,
    directory: Path | None = None,
) -> Snapshot:
    """Write and register a snapshot (current unless `make_current=False`).

    By default the file goes into settings.SNAPSHOT_DIR like any import's. With `directory`, it
    is written there and registered by its absolute path instead.
    """
    if derive:
        derived = None
    elif derived is None:
        derived = {}
    name = f"test-{as_at:%Y%m%d}-{next(_counter)}.duckdb"
    path = (directory or store.snapshot_dir()) / name
    write_snapshot_file(path, tables=tables, derived=derived, as_at=as_at)
    return register(path, as_at=as_at, make_current=make_current, absolute=directory is not None)


def register(path: Path, *, as_at: datetime.date, make_current: bool, absolute: bool) -> Snapshot:
    previous = store.current_snapshot()
    snapshot = snapshot_register(
        actor=None,
        file_name=str(path) if absolute else path.name,
        source_kind=SourceKind.SSD,
        as_at=as_at,
        row_counts={},
        provided_tables=list(schema.tables()),
        content_hash=path.name,
        duckdb_version=duckdb.__version__,
    )
    if not make_current and previous is not None:
        snapshot_make_current(actor=None, snapshot=previous)
        snapshot.refresh_from_db()
    return snapshot


# -- the East council ------------------------------------------------------------------------

AS_AT = datetime.date(2024, 6, 28)


# fmt: off
# Test data is kept compact, one record to a few lines.
def east_tables() -> dict[str, Rows]:
    people = [
        ("E1", "Amy", "Ashby", "2016-03-01"),
        ("E2", "Ben", "Brook", "2013-07-12"),
        ("E3", "Cara", "Cole", "2010-11-30"),
        ("E4", "Dan", "Dale", "2019-01-05"),
        ("E5", "Eve", "Eaton", "2015-05-05"),
        ("W1", "Will", "West", "2012-02-02"),
        ("C1", "Cal", "Carr", "2006-04-04"),
    ]
    return {
        "ssd_person": [
            {"pers_person_id": p, "pers_forename": f, "pers_surname": s, "pers_dob": d}
            for p, f, s, d in people
        ],
        "ssd_professionals": [
            {"prof_professional_id": "P-1", "prof_professional_name": "Pat Practitioner"},
            {"prof_professional_id": "P-2", "prof_professional_name": "Sam Second"},
            {"prof_professional_id": "P-8", "prof_professional_name": "Lee Leaving"},
            {"prof_professional_id": "P-9", "prof_professional_name": "Wyn Western"},
        ],
        "ssd_department": [
            {"dept_team_id": "T-E", "dept_team_name": "East"},
            {"dept_team_id": "T-W", "dept_team_name": "West"},
            {"dept_team_id": "T-C", "dept_team_name": "Care Team"},
        ],
        "ssd_cin_episodes": [
            {"cine_referral_id": "R1", "cine_person_id": "E1", "cine_referral_date": "2023-08-01",
             "cine_cin_primary_need_code": "N1", "cine_referral_team": "T-E"},
            {"cine_referral_id": "R2", "cine_person_id": "E2", "cine_referral_date": "2024-03-01",
             "cine_cin_primary_need_code": "N2", "cine_referral_team": "T-E"},
        ],
        "ssd_cin_assessments": [
            {"cina_assessment_id": "A1", "cina_person_id": "E1", "cina_referral_id": "R1",
             "cina_assessment_start_date": "2023-08-02", "cina_assessment_auth_date": "2023-09-20",
             "cina_assessment_child_seen": "Y", "cina_assessment_worker_id": "P-2"},
            {"cina_assessment_id": "A2", "cina_person_id": "E2", "cina_referral_id": "R2",
             "cina_assessment_start_date": "2024-03-04"},
        ],
        "ssd_s47_enquiry": [
            {"s47e_s47_enquiry_id": "S1", "s47e_person_id": "E1", "s47e_referral_id": "R1",
             "s47e_s47_start_date": "2023-08-03", "s47e_s47_end_date": "2023-08-20"},
        ],
        "ssd_initial_cp_conference": [
            {"icpc_icpc_id": "I1", "icpc_person_id": "E1", "icpc_s47_enquiry_id": "S1",
             "icpc_icpc_date": "2023-08-29", "icpc_icpc_outcome_cp_flag": "Y",
             "icpc_cp_plan_id": "CP1"},
        ],
        "ssd_cp_plans": [
            {"cppl_cp_plan_id": "CP1", "cppl_person_id": "E1", "cppl_icpc_id": "I1",
             "cppl_cp_plan_start_date": "2023-08-29", "cppl_cp_plan_initial_category": "Neglect"},
            {"cppl_cp_plan_id": "CPW", "cppl_person_id": "W1",
             "cppl_cp_plan_start_date": "2023-06-01", "cppl_cp_plan_initial_category": "Neglect"},
        ],
        "ssd_cp_visits": [
            {"cppv_cp_visit_id": "V1", "cppv_person_id": "E1", "cppv_cp_plan_id": "CP1",
             "cppv_cp_visit_date": "2023-09-05", "cppv_cp_visit_seen": "Y",
             "cppv_cp_visit_seen_alone": "Y"},
            {"cppv_cp_visit_id": "V2", "cppv_person_id": "E1", "cppv_cp_plan_id": "CP1",
             "cppv_cp_visit_date": "2024-04-10", "cppv_cp_visit_seen": "Y",
             "cppv_cp_visit_seen_alone": "N"},
        ],
        "ssd_cp_reviews": [
            {"cppr_cp_review_id": "CR1", "cppr_person_id": "E1", "cppr_cp_plan_id": "CP1",
             "cppr_cp_review_due": "2023-11-29", "cppr_cp_review_date": "2023-11-28"},
        ],
        "ssd_cla_episodes": [
            {"clae_cla_episode_id": "CE1", "clae_person_id": "E3", "clae_cla_id": "CLA3",
             "clae_cla_episode_start_date": "2022-01-10", "clae_cla_episode_start_reason": "S"},
        ],
        "ssd_cla_placement": [
            {"clap_cla_placement_id": "PL1", "clap_person_id": "E3", "clap_cla_id": "CLA3",
             "clap_cla_placement_start_date": "2022-01-10", "clap_cla_placement_type": "U4",
             "clap_cla_placement_end_date": "2023-02-01",
             "clap_cla_placement_change_reason": "CHG"},
            {"clap_cla_placement_id": "PL2", "clap_person_id": "E3", "clap_cla_id": "CLA3",
             "clap_cla_placement_start_date": "2023-02-01", "clap_cla_placement_type": "U1"},
        ],
        "ssd_cla_reviews": [
            {"clar_cla_review_id": "LR1", "clar_cla_id": "CLA3",
             "clar_cla_review_due_date": "2022-02-07", "clar_cla_review_date": "2022-02-04"},
        ],
        "ssd_cla_visits": [
            {"clav_cla_visit_id": "LV1", "clav_cla_id": "CLA3", "clav_person_id": "E3",
             "clav_cla_visit_date": "2024-05-20", "clav_cla_visit_seen": "Y",
             "clav_cla_visit_seen_alone": "Y"},
        ],
        "ssd_involvements": [
            {"invo_involvements_id": "IN1", "invo_professional_id": "P-2",
             "invo_professional_team": "T-E", "invo_person_id": "E1",
             "invo_involvement_start_date": "2023-08-01", "invo_involvement_end_date": "2024-01-15",
             "invo_worker_change_reason": "Worker left"},
            {"invo_involvements_id": "IN2", "invo_professional_id": "P-1",
             "invo_professional_team": "T-E", "invo_person_id": "E1",
             "invo_involvement_start_date": "2024-01-15"},
            {"invo_involvements_id": "IN3", "invo_professional_id": "P-1",
             "invo_professional_team": "T-E", "invo_person_id": "E3",
             "invo_involvement_start_date": "2022-01-10"},
        ],
    }


def east_derived() -> dict[str, Rows]:
    def case(pid, cohort, team, worker, start):
        return {"person_id": pid, "cohort": cohort, "team_id": team, "worker_id": worker,
                "start_date": start, "case_start_date": start}

    def flag(pid, flag_id, since, detail=""):
        return {"person_id": pid, "flag": flag_id, "since": since, "detail": detail}

    return {
        "open_cases": [
            case("E1", "cp", "T-E", "P-1", "2023-08-29"),
            case("E2", "cin", "T-E", "P-2", "2024-03-01"),
            case("E3", "cla", "T-E", "P-1", "2022-01-10"),
            case("E4", "cin", "T-E", None, "2024-05-01"),
            case("E5", "cin", "T-E", "P-2", "2024-02-01"),
            case("W1", "cp", "T-W", "P-9", "2023-06-01"),
            case("C1", "care_leaver", "T-C", "P-8", "2021-04-04"),
        ],
        "drift_flags": [
            flag("E1", "cp_plan_9m", "2024-05-29", "Plan open 9 months (since 29/08/2023)"),
            flag("E1", "visit_overdue", "2024-04-25", "Child protection visit due by 24/04/2024"),
            flag("E2", "assessment_over_45wd", "2024-05-07"),
            flag("E4", "unallocated", "2024-05-01"),
            flag("E5", "assessment_over_45wd", "2024-04-10"),
            flag("W1", "cp_plan_9m", "2024-03-01"),
            flag("C1", "pathway_plan_overdue", "2024-01-01"),
        ],
        "event_timeliness": [
            {"person_id": "E1", "rule_id": "assessment_45wd", "event_type": "assessment",
             "event_id": "A1", "source_table": "ssd_cin_assessments", "start_date": "2023-08-02",
             "due_date": "2023-10-04", "completed_date": "2023-09-20", "working_days_late": 0,
             "status": "on_time"},
            {"person_id": "E1", "rule_id": "icpc_15wd", "event_type": "icpc", "event_id": "I1",
             "source_table": "ssd_initial_cp_conference", "start_date": "2023-08-03",
             "due_date": "2023-08-24", "completed_date": "2023-08-29", "working_days_late": 3,
             "status": "late"},
            {"person_id": "E1", "rule_id": "cp_visit", "event_type": "cp_visit",
             "event_id": None, "source_table": "ssd_cp_visits", "start_date": "2024-04-10",
             "due_date": "2024-04-24", "completed_date": None, "working_days_late": 45,
             "status": "overdue"},
        ],
    }

# fmt: on


_east_master: dict[str, Path] = {}


def east_snapshot() -> Snapshot:
    """The East council's snapshot, current. The file is written once per test process, then
    copied into the test's own data folder and registered there like an imported one."""
    master = _east_master.get("east")
    if master is None or not master.exists():
        master = Path(tempfile.mkdtemp(prefix="los-worklists-")) / "east.duckdb"
        write_snapshot_file(master, tables=east_tables(), derived=east_derived(), as_at=AS_AT)
        _east_master["east"] = master
    existing = Snapshot.objects.filter(file_name="east.duckdb").first()
    path = store.snapshot_dir() / "east.duckdb"
    if existing is not None and path.exists():
        if not existing.is_current:
            snapshot_make_current(actor=None, snapshot=existing)
        return existing
    shutil.copyfile(master, path)
    return register(path, as_at=AS_AT, make_current=True, absolute=False)


def case_notes(person_id: str, count: int, *, text: str, author_id: str = "P-1") -> Rows:
    """`count` case notes about the child by `author_id`, one a day from 1 March 2024, the newest
    last; note i says `text` with {i} filled in."""
    start = datetime.date(2024, 3, 1)
    return [
        {
            "note_id": f"N{person_id}-{i:03d}",
            "note_person_id": person_id,
            "note_date": (start + datetime.timedelta(days=i)).isoformat(),
            "note_author_id": author_id,
            "note_type": "Child protection visit",
            "note_text": text.format(i=i),
        }
        for i in range(count)
    ]
