"""The files pass the checks the SSD importer makes, by construction."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import pytest

from lineofsight.casework import rules, schema
from lineofsight.synthetic.generator import Result

ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
NOT_YES_NO = {"cppr_cp_review_participation"}  # nchar in the SSD, but a PN0-PN7 code


def read(ssd: Path, table: str) -> list[dict[str, str]]:
    with (ssd / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def tables(small_council: Result) -> dict[str, list[dict[str, str]]]:
    ssd = small_council.out / "ssd"
    return {name: read(ssd, name) for name in schema.tables()}


def test_every_table_has_the_ssd_header(small_council: Result) -> None:
    for name, table in schema.tables().items():
        with (small_council.out / "ssd" / f"{name}.csv").open(encoding="utf-8") as handle:
            header = next(csv.reader(handle))
        assert tuple(header) == table.field_names, name


def test_primary_keys_are_unique_and_present(tables: dict[str, list[dict[str, str]]]) -> None:
    for name, table in schema.tables().items():
        keys = [row[table.primary_key] for row in tables[name]]
        assert all(keys), name
        assert len(keys) == len(set(keys)), name


def test_every_reference_resolves(tables: dict[str, list[dict[str, str]]]) -> None:
    targets: dict[str, set[str]] = {}
    for name, table in schema.tables().items():
        for f in table.fields:
            if not f.foreign_key:
                continue
            other, column = f.foreign_key.split(".")
            if other not in targets:
                targets[other] = set()
            known = {row[column] for row in tables[other]}
            missing = {row[f.name] for row in tables[name] if row[f.name]} - known
            assert not missing, f"{name}.{f.name} -> {f.foreign_key}: {sorted(missing)[:5]}"
            if f.required:
                assert all(row[f.name] for row in tables[name]), f"{name}.{f.name} is empty"


def test_required_fields_are_filled(tables: dict[str, list[dict[str, str]]]) -> None:
    for name, table in schema.tables().items():
        for f in table.fields:
            if f.required:
                assert all(row[f.name] for row in tables[name]), f"{name}.{f.name}"


def test_dates_are_iso_and_ends_follow_starts(tables: dict[str, list[dict[str, str]]]) -> None:
    for name, table in schema.tables().items():
        for f in table.fields:
            if f.is_date:
                bad = [
                    row[f.name]
                    for row in tables[name]
                    if row[f.name] and not ISO.match(row[f.name])
                ]
                assert not bad, f"{name}.{f.name}: {bad[:3]}"
    # The casework rules' own date ranges: no end may come before its start.
    for period in rules.DATE_RANGES:
        for row in tables[period.table]:
            if row[period.start] and row[period.end]:
                assert row[period.end] >= row[period.start], (period.table, row)


def test_flags_are_y_or_n(tables: dict[str, list[dict[str, str]]]) -> None:
    for name, table in schema.tables().items():
        for f in table.fields:
            if f.ssd_type.lower() == "nchar" and f.name not in NOT_YES_NO:
                values = {row[f.name] for row in tables[name]}
                assert values <= {"Y", "N", ""}, f"{name}.{f.name}: {values}"


def test_codes_follow_the_returns(tables: dict[str, list[dict[str, str]]]) -> None:
    needs = {row["cine_cin_primary_need_code"] for row in tables["ssd_cin_episodes"]}
    assert needs <= {f"N{i}" for i in range(10)}
    categories = {row["cppl_cp_plan_initial_category"] for row in tables["ssd_cp_plans"]}
    assert categories <= {
        "Neglect",
        "Physical abuse",
        "Sexual abuse",
        "Emotional abuse",
        "Multiple",
    }
    sources = {row["cine_referral_source_code"] for row in tables["ssd_cin_episodes"]}
    assert sources <= {"1A", "1B", "1C", "1D", "2A", "2B", "3A", "3B", "3C", "3D", "3E", "3F",
                       "4", "5A", "5B", "5C", "6", "7", "8", "9", "10"}  # fmt: skip
    reasons = {row["clae_cla_episode_start_reason"] for row in tables["ssd_cla_episodes"]}
    assert reasons <= {"S", "L", "P", "T", "B", "U"}
    assert "S" in reasons
    touch = {row["clea_care_leaver_in_touch"] for row in tables["ssd_care_leavers"]}
    assert touch <= {"YES", "NO", "DIED", "REFU", "NREQ", "RHOM"}
    for row in tables["ssd_cin_episodes"]:
        json.loads(row["cine_referral_outcome_json"])


def test_names_are_plainly_fictional(tables: dict[str, list[dict[str, str]]]) -> None:
    assert all(r["pers_surname"].startswith("Testperson-") for r in tables["ssd_person"])
    assert all("Teststaff-" in r["prof_professional_name"] for r in tables["ssd_professionals"])


def test_worker_changes_and_unallocated_children(small_council: Result) -> None:
    """Some children change worker three or more times in a year; a few open ones have none."""
    ssd = small_council.out / "ssd"
    year = small_council.targets.year
    a = date(year, 3, 31).isoformat()
    ys = date(year - 1, 4, 1).isoformat()
    invs = read(ssd, "ssd_involvements")
    changes = Counter(
        r["invo_person_id"]
        for r in invs
        if ys <= r["invo_involvement_start_date"] <= a
        and r["invo_worker_change_reason"] != "FCONTA"
    )
    assert max(changes.values()) >= 3
    open_now = {
        r["cine_person_id"] for r in read(ssd, "ssd_cin_episodes") if not r["cine_close_date"]
    }
    allocated = {
        r["invo_person_id"]
        for r in invs
        if r["invo_involvement_start_date"] <= a and not r["invo_involvement_end_date"]
    }
    unallocated = open_now - allocated
    assert 0 < len(unallocated) < 0.15 * len(open_now)


def test_structure_matches_the_tables(
    small_council: Result, tables: dict[str, list[dict[str, str]]]
) -> None:
    structure = json.loads((small_council.out / "structure.json").read_text())
    teams = {r["dept_team_id"]: r["dept_team_name"] for r in tables["ssd_department"]}
    assert {t["id"]: t["name"] for t in structure["teams"]} == teams
    workers = {r["prof_professional_id"] for r in tables["ssd_professionals"]}
    assert {w["id"] for w in structure["workers"]} == workers
    roles = {w["role"] for w in structure["workers"]}
    assert {"social worker", "team manager"} <= roles
    kinds = defaultdict(int)
    for t in structure["teams"]:
        kinds[t["kind"]] += 1
    for kind in ("front_door", "assessment", "family_help", "children_in_care", "care_leavers"):
        assert kinds[kind] >= 1, kind
    assert any(t["drifting"] for t in structure["teams"])


def test_importer_rules_hold(small_council: Result) -> None:
    """Coded fields hold known codes, and nothing happens after the as-at date (the importer
    infers an extract's date from its latest event)."""
    ssd = small_council.out / "ssd"
    for (table, field), codes in rules.CODE_SETS.items():
        values = {row[field] for row in read(ssd, table) if row[field]}
        bad = {v for v in values if not codes.allows(v)}
        assert not bad, f"{table}.{field}: {sorted(bad)[:5]}"
    a = date(small_council.targets.year, 3, 31).isoformat()
    latest = max(
        max((row[field] for row in read(ssd, table) if row[field]), default="")
        for table, field in rules.EVENT_DATE_FIELDS
    )
    assert latest == a


def test_statutory_cases_have_a_qualified_social_worker(small_council: Result) -> None:
    """No family support worker holds a child on a protection plan or in care."""
    import duckdb

    from lineofsight.synthetic.ssdcsv import attach_csv_tables

    con = duckdb.connect()
    attach_csv_tables(con, small_council.out / "ssd")
    overlapping = """
        SELECT count(*) FROM ssd_involvements i JOIN {table} p ON p.{person} = i.invo_person_id
        JOIN ssd_professionals w ON w.prof_professional_id = i.invo_professional_id
        WHERE coalesce(w.prof_social_worker_registration_no, '') = ''
          AND i.invo_involvement_start_date < coalesce(p.{end}, DATE '2100-01-01')
          AND coalesce(i.invo_involvement_end_date, DATE '2100-01-01') > p.{start}"""
    for table, person, start, end in (
        ("ssd_cp_plans", "cppl_person_id", "cppl_cp_plan_start_date", "cppl_cp_plan_end_date"),
        (
            "ssd_cla_episodes",
            "clae_person_id",
            "clae_cla_episode_start_date",
            "clae_cla_episode_ceased_date",
        ),
    ):
        sql = overlapping.format(table=table, person=person, start=start, end=end)
        row = con.execute(sql).fetchone()
        assert row is not None and row[0] == 0, table
