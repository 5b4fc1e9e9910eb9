"""The synthetic council's SSDA903 return: it reads back without errors, and what it carries
reads back as the SSD extract it was written from.

Ids differ (the return has none, the reader makes its own), so rows are compared by child and
values: episodes, placements and legal statuses of the periods of care written, reviews held and
missing episodes begun in the year, and every care leaver.
"""

from __future__ import annotations

import csv
import datetime
import json
from pathlib import Path

import pytest

from lineofsight.intake.ssda903 import read_ssda903
from lineofsight.synthetic.generator import Result
from lineofsight.synthetic.ssda903 import write_ssda903


def _ssd(result: Result, table: str) -> list[dict[str, str]]:
    with (result.out / "ssd" / f"{table}.csv").open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _day(text: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


def _blank(text: str | None) -> str | None:
    return text or None


@pytest.fixture(scope="module")
def year(small_council: Result) -> int:
    return int(json.loads((small_council.out / "structure.json").read_text())["year"])


@pytest.fixture(scope="module")
def written(small_council: Result, year: int, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("ssda903")
    return write_ssda903(small_council.out / "ssd", out, year=year)


@pytest.fixture(scope="module")
def parsed(written: Path):
    return read_ssda903(written)


def test_the_tables_are_written_with_the_year_in_their_names(written: Path, year: int) -> None:
    names = sorted(p.name for p in written.iterdir())
    assert names == [
        f"SSDA903_{year}_{word}.csv" for word in ("episodes", "header", "missing", "oc3", "reviews")
    ]
    with (written / f"SSDA903_{year}_header.csv").open(encoding="utf-8") as fh:
        assert next(csv.reader(fh)) == ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"]


def test_the_return_reads_back_without_errors(parsed, year: int) -> None:
    assert parsed.errors == []
    assert parsed.year_end == datetime.date(year, 3, 31)
    assert parsed.year_end_from == "the file names"
    for table in ("ssd_cla_episodes", "ssd_cla_placement", "ssd_legal_status", "ssd_cla_reviews"):
        assert parsed.tables[table], table  # the small council has children in care


def _written_periods(result: Result, year: int) -> dict[str, str]:
    """clae_cla_id -> child, for the periods of care open at some time in the year."""
    start, end = datetime.date(year - 1, 4, 1), datetime.date(year, 3, 31)
    by_period: dict[str, list[dict[str, str]]] = {}
    for row in _ssd(result, "ssd_cla_episodes"):
        by_period.setdefault(row["clae_cla_id"], []).append(row)
    periods = {}
    for period_id, rows in by_period.items():
        rows.sort(key=lambda r: r["clae_cla_episode_start_date"])
        began = _day(rows[0]["clae_cla_episode_start_date"])
        ended = _day(rows[-1]["clae_cla_episode_ceased_date"])
        if began <= end and (ended is None or ended >= start):
            periods[period_id] = rows[0]["clae_person_id"]
    return periods


def test_episodes_read_back_as_in_the_extract(small_council: Result, parsed, year: int) -> None:
    periods = _written_periods(small_council, year)
    expected = sorted(
        (
            r["clae_person_id"],
            _day(r["clae_cla_episode_start_date"]),
            r["clae_cla_episode_start_reason"],
            r["clae_cla_primary_need_code"],
            _day(r["clae_cla_episode_ceased_date"]),
            _blank(r["clae_cla_episode_ceased_reason"]),
            _day(r["clae_entered_care_date"]),
        )
        for r in _ssd(small_council, "ssd_cla_episodes")
        if r["clae_cla_id"] in periods
    )
    got = sorted(
        (
            r["clae_person_id"],
            r["clae_cla_episode_start_date"],
            r["clae_cla_episode_start_reason"],
            r["clae_cla_primary_need_code"],
            r["clae_cla_episode_ceased_date"],
            r["clae_cla_episode_ceased_reason"],
            r["clae_entered_care_date"],
        )
        for r in parsed.tables["ssd_cla_episodes"]
    )
    assert got == expected
    assert got  # the small council has these records


def test_placements_read_back_as_in_the_extract(small_council: Result, parsed, year: int) -> None:
    periods = _written_periods(small_council, year)
    expected = sorted(
        (
            r["clap_person_id"],
            _day(r["clap_cla_placement_start_date"]),
            r["clap_cla_placement_type"],
            _blank(r["clap_cla_placement_urn"]),
            r["clap_cla_placement_provider"],
            r["clap_cla_placement_postcode"],
            _day(r["clap_cla_placement_end_date"]),
            _blank(r["clap_cla_placement_change_reason"]),
        )
        for r in _ssd(small_council, "ssd_cla_placement")
        if r["clap_cla_id"] in periods
    )
    got = sorted(
        (
            r["clap_person_id"],
            r["clap_cla_placement_start_date"],
            r["clap_cla_placement_type"],
            r["clap_cla_placement_urn"],
            r["clap_cla_placement_provider"],
            r["clap_cla_placement_postcode"],
            r["clap_cla_placement_end_date"],
            r["clap_cla_placement_change_reason"],
        )
        for r in parsed.tables["ssd_cla_placement"]
    )
    assert got == expected
    assert len(got) > len(set(periods.values()))  # some children moved placement


def test_legal_statuses_read_back_as_in_the_extract(small_council: Result, parsed, year) -> None:
    periods = _written_periods(small_council, year)
    spans: dict[str, list[tuple[datetime.date, datetime.date | None]]] = {}
    for r in _ssd(small_council, "ssd_cla_episodes"):
        if r["clae_cla_id"] in periods:
            spans.setdefault(r["clae_person_id"], []).append(
                (_day(r["clae_entered_care_date"]), _day(r["clae_cla_episode_ceased_date"]))
            )

    def in_written_period(child: str, day: datetime.date) -> bool:
        return any(
            start <= day and (end is None or day < end) for start, end in spans.get(child, ())
        )

    expected = sorted(
        (
            r["lega_person_id"],
            r["lega_legal_status"],
            _day(r["lega_legal_status_start_date"]),
            _day(r["lega_legal_status_end_date"]),
        )
        for r in _ssd(small_council, "ssd_legal_status")
        if in_written_period(r["lega_person_id"], _day(r["lega_legal_status_start_date"]))
    )
    got = sorted(
        (
            r["lega_person_id"],
            r["lega_legal_status"],
            r["lega_legal_status_start_date"],
            r["lega_legal_status_end_date"],
        )
        for r in parsed.tables["ssd_legal_status"]
    )
    assert got == expected
    assert got  # the small council has these records


def test_reviews_read_back_as_in_the_extract(small_council: Result, parsed, year: int) -> None:
    periods = _written_periods(small_council, year)
    start, end = datetime.date(year - 1, 4, 1), datetime.date(year, 3, 31)
    expected = sorted(
        (
            periods[r["clar_cla_id"]],
            _day(r["clar_cla_review_date"]),
            r["clar_cla_review_participation"],
        )
        for r in _ssd(small_council, "ssd_cla_reviews")
        if r["clar_cla_id"] in periods
        and r["clar_cla_review_date"]
        and r["clar_cla_review_cancelled"] != "Y"
        and start <= _day(r["clar_cla_review_date"]) <= end
    )
    child_of = {r["clae_cla_id"]: r["clae_person_id"] for r in parsed.tables["ssd_cla_episodes"]}
    got = sorted(
        (
            child_of[r["clar_cla_id"]],
            r["clar_cla_review_date"],
            r["clar_cla_review_participation"],
        )
        for r in parsed.tables["ssd_cla_reviews"]
    )
    assert got == expected
    assert got  # the small council has these records
    assert {r["clar_cla_review_cancelled"] for r in parsed.tables["ssd_cla_reviews"]} == {"N"}


def test_missing_episodes_read_back_as_in_the_extract(small_council: Result, parsed, year) -> None:
    start, end = datetime.date(year - 1, 4, 1), datetime.date(year, 3, 31)
    expected = sorted(
        (
            r["miss_person_id"],
            _day(r["miss_missing_episode_start_date"]),
            r["miss_missing_episode_type"],
            _day(r["miss_missing_episode_end_date"]),
        )
        for r in _ssd(small_council, "ssd_missing")
        if start <= _day(r["miss_missing_episode_start_date"]) <= end
    )
    got = sorted(
        (
            r["miss_person_id"],
            r["miss_missing_episode_start_date"],
            r["miss_missing_episode_type"],
            r["miss_missing_episode_end_date"],
        )
        for r in parsed.tables["ssd_missing"]
    )
    assert got == expected
    assert got  # the small council has missing episodes in the year


def test_care_leavers_read_back_as_in_the_extract(small_council: Result, parsed) -> None:
    expected = sorted(
        (
            r["clea_person_id"],
            r["clea_care_leaver_in_touch"],
            _blank(r["clea_care_leaver_activity"]),
            _blank(r["clea_care_leaver_accommodation"]),
            _blank(r["clea_care_leaver_accom_suitable"]),
        )
        for r in _ssd(small_council, "ssd_care_leavers")
    )
    got = sorted(
        (
            r["clea_person_id"],
            r["clea_care_leaver_in_touch"],
            r["clea_care_leaver_activity"],
            r["clea_care_leaver_accommodation"],
            r["clea_care_leaver_accom_suitable"],
        )
        for r in parsed.tables["ssd_care_leavers"]
    )
    assert got == expected
    assert got  # the small council has these records


def test_people_read_back_with_their_sex_dob_and_ethnicity(small_council: Result, parsed) -> None:
    people = {r["pers_person_id"]: r for r in _ssd(small_council, "ssd_person")}
    read = parsed.tables["ssd_person"]
    assert read
    for row in read:
        person = people[row["pers_person_id"]]
        assert row["pers_sex"] == person["pers_sex"]
        assert row["pers_dob"] == _day(person["pers_dob"])
        assert row["pers_ethnicity"] == person["pers_ethnicity"]
