"""The pooled extract: what it keeps, what it changes, what it leaves out, and its manifest."""

from __future__ import annotations

import datetime
import hashlib
import io
import json
from pathlib import Path

import duckdb
import pytest
from django.core.management import CommandError, call_command

from lineofsight.casework import store
from lineofsight.history.models import ChangeEvent
from lineofsight.indicators import catalogue as cat
from lineofsight.indicators.types import Source
from lineofsight.region import pooled
from lineofsight.region.management.commands import export

from . import edges
from .conftest import KEY


def _rows(directory: Path, table: str) -> list[dict]:
    con = duckdb.connect()
    try:
        cur = con.execute(f"SELECT * FROM read_parquet('{directory / pooled.file_name(table)}')")
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    finally:
        con.close()


def test_person_ids_become_the_councils_keyed_hash(edges_extract):
    people = _rows(edges_extract, "ssd_person")
    ids = {p["pers_person_id"] for p in people}
    assert ids == {pooled.pseudonym(c, KEY) for c in "ABCDEFG"}
    assert all(len(i) == pooled.HASH_CHARS for i in ids)
    # every table's person ids use the same hash, so the definitions still join them
    referrals = _rows(edges_extract, "ssd_cin_episodes")
    assert {r["cine_person_id"] for r in referrals} <= ids
    assert pooled.pseudonym("A", KEY) != pooled.pseudonym("A", bytes(32))


def test_hash_in_sql_is_hmac_sha256():
    con = duckdb.connect()
    con.execute("CREATE TABLE t (person_id VARCHAR)")
    con.execute("INSERT INTO t VALUES ('C100000001'), ('é-1'), (NULL)")
    got = con.execute(f"SELECT {pooled.hmac_sql('person_id', KEY)} FROM t").fetchall()
    assert [g[0] for g in got] == [
        pooled.pseudonym("C100000001", KEY),
        pooled.pseudonym("é-1", KEY),
        None,
    ]


def test_dates_of_birth_go_to_the_first_of_the_month_and_names_are_dropped(edges_extract):
    people = _rows(edges_extract, "ssd_person")
    by_id = {p["pers_person_id"]: p for p in people}
    assert by_id[pooled.pseudonym("A", KEY)]["pers_dob"] == datetime.date(2008, 2, 1)
    assert by_id[pooled.pseudonym("B", KEY)]["pers_dob"] == datetime.date(2012, 12, 1)
    assert "pers_forename" not in people[0] and "pers_surname" not in people[0]


def test_postcodes_go_to_the_district():
    con = duckdb.connect()
    con.execute("CREATE TABLE t (clap_cla_placement_postcode VARCHAR)")
    con.execute("INSERT INTO t VALUES ('NG5 1AB'), ('ng51ab'), ('SW1A 2AA'), ('M1'), (''), (NULL)")
    expr = pooled.column_sql("clap_cla_placement_postcode", KEY)
    got = [r[0] for r in con.execute(f"SELECT {expr} FROM t").fetchall()]
    assert got == ["NG5", "NG5", "SW1A", "M1", None, None]


def test_free_text_is_left_out(synthetic_extracts):
    directory = synthetic_extracts[0]
    manifest = json.loads((directory / pooled.MANIFEST).read_text())
    assert "case_notes" not in manifest["tables"]
    assert not (directory / "case_notes.parquet").exists()
    assert "case_notes" in manifest["provided_tables"]  # its recording checks are kept
    workers = _rows(directory, "ssd_professionals")
    assert "prof_professional_name" not in workers[0]
    leavers = _rows(directory, "ssd_care_leavers")
    assert "clea_care_leaver_personal_advisor" not in leavers[0]
    assert "detail" not in _rows(directory, "drift_flags")[0]
    postcodes = {p["clap_cla_placement_postcode"] for p in _rows(directory, "ssd_cla_placement")}
    assert postcodes and all(p is None or " " not in p and len(p) <= 4 for p in postcodes)
    # no raw child id anywhere
    raw = {r["pers_person_id"] for r in _rows(directory, "ssd_person")}
    assert not any(i.startswith("C1") for i in raw)


def test_manifest_gives_rows_and_sha256_of_each_table(synthetic_extracts):
    directory = synthetic_extracts[1]
    manifest = json.loads((directory / pooled.MANIFEST).read_text())
    assert manifest["council_code"] == "891"
    assert manifest["as_at"] == "2025-03-31"
    assert manifest["pseudonymisation"]["key_id"] == pooled.key_id(KEY)
    assert KEY.hex() not in (directory / pooled.MANIFEST).read_text()
    for table, entry in manifest["tables"].items():
        path = directory / entry["file"]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"], table
        assert len(_rows(directory, table)) == entry["rows"], table
    assert manifest["tables"]["ssd_person"]["rows"] > 0


def test_every_table_a_definition_reads_is_exported():
    exported = set(pooled.exported_tables()) | set(pooled.LEFT_OUT_TABLES)
    for spec in cat.specs():
        if spec.indicator.source is Source.SNAPSHOT:
            assert set(spec.indicator.tables) <= exported, spec.indicator.id


def test_a_changed_file_is_refused(edges_extract, copy_of):
    directory = copy_of(edges_extract)
    target = directory / pooled.file_name("ssd_cp_plans")
    target.write_bytes(target.read_bytes() + b"\0")
    with pytest.raises(pooled.PooledExtractError, match="has changed since it was exported"):
        pooled.read_extract(directory)
    (directory / pooled.MANIFEST).unlink()
    with pytest.raises(pooled.PooledExtractError, match="not a pooled extract"):
        pooled.read_extract(directory)


def test_the_same_council_twice_is_refused(edges_extract, copy_of):
    with pytest.raises(pooled.PooledExtractError, match="More than one extract of council 891"):
        pooled.read_extracts([edges_extract, copy_of(edges_extract)])


@pytest.mark.django_db
def test_export_command_writes_the_current_snapshot_and_keeps_the_key(settings, tmp_path):
    from lineofsight.worklists.tests.snapshots import build_snapshot

    snapshot = build_snapshot(tables=edges.tables(), derive=False, as_at=edges.AS_AT)
    settings.POOLING_KEY_FILE = str(tmp_path / "keys" / "pooling_key")
    out = io.StringIO()
    call_command(export.Command(), "pooled", str(tmp_path / "out"), stdout=out)
    assert "Pooled extract of council" in out.getvalue()
    key = pooled.pooling_key()
    assert (tmp_path / "keys" / "pooling_key").stat().st_mode & 0o077 == 0
    people = _rows(tmp_path / "out", "ssd_person")
    assert {p["pers_person_id"] for p in people} == {pooled.pseudonym(c, key) for c in "ABCDEFG"}
    assert not any((tmp_path / "out").glob("*key*"))
    event = ChangeEvent.objects.get(action="pooled extract written")
    assert event.object_id == str(snapshot.pk)
    with pytest.raises(CommandError, match="not empty"):
        call_command(export.Command(), "pooled", str(tmp_path / "out"))


@pytest.mark.django_db
def test_export_command_without_data_says_so(tmp_path):
    assert store.current_snapshot() is None
    with pytest.raises(CommandError, match="No casework data"):
        call_command(export.Command(), "pooled", str(tmp_path / "out"))
