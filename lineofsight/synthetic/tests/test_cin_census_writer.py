"""The synthetic council's children in need census: it reads back, and says what the SSD says."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from lineofsight.intake.cin_census import read_cin_census
from lineofsight.synthetic.cin_census import write_cin_census
from lineofsight.synthetic.generator import Result


def _rows(ssd: Path, table: str) -> list[dict[str, str]]:
    with (ssd / f"{table}.csv").open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _day(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


@pytest.fixture(scope="module")
def as_at(small_council: Result) -> date:
    structure = json.loads((small_council.out / "structure.json").read_text(encoding="utf-8"))
    return date.fromisoformat(structure["as_at"])


@pytest.fixture(scope="module")
def census(small_council: Result, as_at: date, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cin") / "cin_census.xml"
    return write_cin_census(small_council.out / "ssd", out, year=as_at.year, reference_date=as_at)


def test_the_census_reads_back_without_problems(census: Path, as_at: date) -> None:
    parsed = read_cin_census(census)
    assert parsed.problems == []
    assert parsed.reference_date == as_at
    assert parsed.collection_year == as_at.year
    assert len(parsed.tables["ssd_cp_plans"]) > 0  # a council with child protection work


def test_every_child_in_need_in_the_year_is_in_the_census(
    small_council: Result, census: Path, as_at: date
) -> None:
    ssd = small_council.out / "ssd"
    year_start = date(as_at.year - 1, 4, 1)  # the census year runs from 1 April to 31 March
    in_need = {
        e["cine_person_id"]
        for e in _rows(ssd, "ssd_cin_episodes")
        if _day(e["cine_referral_date"]) <= as_at
        and (not e["cine_close_date"] or _day(e["cine_close_date"]) >= year_start)
    }
    written = set(re.findall(r"<LAchildID>([^<]+)</LAchildID>", census.read_text()))
    assert written == in_need
    assert 0 < len(written) < len(_rows(ssd, "ssd_person"))  # not every child the SSD knows


def test_what_both_carry_is_the_same_for_referrals_in_the_year(
    small_council: Result, census: Path, as_at: date
) -> None:
    ssd = small_council.out / "ssd"
    parsed = read_cin_census(census)
    year_start = date(as_at.year - 1, 4, 1)

    def in_year(when: date | None) -> bool:
        return when is not None and year_start <= when <= as_at

    # Referrals made in the year, as the SSD has them and as the census read back has them.
    ssd_referrals = {
        r["cine_referral_id"]: r
        for r in _rows(ssd, "ssd_cin_episodes")
        if in_year(_day(r["cine_referral_date"]))
    }
    read_referrals = {
        r["cine_referral_id"]: r
        for r in parsed.tables["ssd_cin_episodes"]
        if in_year(r["cine_referral_date"])
    }
    assert Counter(
        (
            r["cine_person_id"],
            _day(r["cine_referral_date"]),
            r["cine_referral_source_code"],
            r["cine_cin_primary_need_code"],
            r["cine_referral_nfa"],
            _day(r["cine_close_date"]),
            r["cine_close_reason"] or None,
        )
        for r in ssd_referrals.values()
    ) == Counter(
        (
            r["cine_person_id"],
            r["cine_referral_date"],
            r["cine_referral_source_code"],
            r["cine_cin_primary_need_code"],
            r["cine_referral_nfa"],
            r["cine_close_date"],
            r["cine_close_reason"],
        )
        for r in read_referrals.values()
    )
    assert len(ssd_referrals) > 100

    def compare(table: str, referral: str, *fields: str, dates: tuple[str, ...] = ()) -> int:
        """The rows of `table` belonging to referrals in the year agree, field by field."""

        def shape(row: dict, typed: bool) -> tuple:
            return tuple(row[f] if typed or f not in dates else _day(row[f]) for f in fields)

        from_ssd = Counter(
            shape(r, typed=False) for r in _rows(ssd, table) if r[referral] in ssd_referrals
        )
        read_back = Counter(
            shape(r, typed=True) for r in parsed.tables[table] if r[referral] in read_referrals
        )
        assert from_ssd == read_back, table
        return sum(from_ssd.values())

    assert (
        compare(
            "ssd_cin_assessments",
            "cina_referral_id",
            "cina_person_id",
            "cina_assessment_start_date",
            "cina_assessment_auth_date",
            dates=("cina_assessment_start_date", "cina_assessment_auth_date"),
        )
        > 0
    )
    assert (
        compare(
            "ssd_s47_enquiry",
            "s47e_referral_id",
            "s47e_person_id",
            "s47e_s47_start_date",
            dates=("s47e_s47_start_date",),
        )
        > 0
    )
    assert (
        compare(
            "ssd_initial_cp_conference",
            "icpc_referral_id",
            "icpc_person_id",
            "icpc_icpc_date",
            "icpc_icpc_target_date",
            "icpc_icpc_outcome_cp_flag",
            dates=("icpc_icpc_date", "icpc_icpc_target_date"),
        )
        > 0
    )
    assert (
        compare(
            "ssd_cp_plans",
            "cppl_referral_id",
            "cppl_person_id",
            "cppl_cp_plan_start_date",
            "cppl_cp_plan_end_date",
            "cppl_cp_plan_initial_category",
            "cppl_cp_plan_latest_category",
            dates=("cppl_cp_plan_start_date", "cppl_cp_plan_end_date"),
        )
        > 0
    )


def test_the_person_items_agree(small_council: Result, census: Path) -> None:
    people = {p["pers_person_id"]: p for p in _rows(small_council.out / "ssd", "ssd_person")}
    for row in read_cin_census(census).tables["ssd_person"]:
        person = people[row["pers_person_id"]]
        assert row["pers_sex"] == person["pers_sex"]
        assert row["pers_ethnicity"] == person["pers_ethnicity"]
        assert row["pers_dob"] == _day(person["pers_dob"])


def test_an_earlier_census_date_leaves_out_what_was_not_yet_known(
    small_council: Result, tmp_path: Path, as_at: date
) -> None:
    earlier = date(as_at.year - 1, 9, 30)
    path = write_cin_census(
        small_council.out / "ssd", tmp_path / "autumn.xml", year=as_at.year, reference_date=earlier
    )
    text = path.read_text()
    dated = re.findall(r"<(\w+)>(\d{4}-\d{2}-\d{2})</\1>", text)
    late = [
        (tag, value)
        for tag, value in dated
        if value > earlier.isoformat()
        and tag not in ("ReferenceDate", "InitialCPCtarget", "ExpectedPersonBirthDate")
    ]
    assert late == []
    parsed = read_cin_census(path)
    assert parsed.errors == []
    # The only warning: 30 September is not the census date of the collection year.
    assert [p.field for p in parsed.warnings] == ["ReferenceDate"]


def test_before_2024_to_2025_sex_is_written_as_gender_current(
    small_council: Result, tmp_path: Path, as_at: date
) -> None:
    path = write_cin_census(
        small_council.out / "ssd", tmp_path / "old.xml", year=2024, reference_date=date(2024, 3, 31)
    )
    text = path.read_text()
    assert "<Sex>" not in text
    assert set(re.findall(r"<GenderCurrent>(\w+)</GenderCurrent>", text)) <= {"0", "1", "2", "9"}
    parsed = read_cin_census(path)
    assert parsed.errors == []
    people = {p["pers_person_id"]: p for p in _rows(small_council.out / "ssd", "ssd_person")}
    read = parsed.tables["ssd_person"]
    assert read
    assert all(row["pers_sex"] == people[row["pers_person_id"]]["pers_sex"] for row in read)
