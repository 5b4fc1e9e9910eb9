"""End to end: an SSD extract imported through intake gets the derived tables; the drift command
prints them; recompute writes a new current snapshot under the rules now in force."""

from __future__ import annotations

import csv
import datetime
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from lineofsight.casework import schema
from lineofsight.casework.models import Snapshot
from lineofsight.casework.store import connect
from lineofsight.history.models import ChangeEvent
from lineofsight.intake import pipeline
from lineofsight.intake import services as intake_services
from lineofsight.intake.models import ImportRun, RunStatus
from lineofsight.timeliness import services
from lineofsight.timeliness.derive import DERIVED_TABLES

from .test_drift_flags import AS_AT, EXPECTED_FLAGS, EXTRACT

D = datetime.date


def write_extract(directory: Path) -> Path:
    """The hand-made extract as one SSD CSV file per table, every field as text."""
    directory.mkdir(parents=True)
    for name, rows in EXTRACT.items():
        columns = schema.tables()[name].field_names
        with (directory / f"{name}.csv").open("w", newline="", encoding="utf-8") as fh:
            out = csv.DictWriter(fh, fieldnames=columns)
            out.writeheader()
            for row in rows:
                out.writerow({k: "" if v is None else str(v) for k, v in row.items()})
    return directory


@pytest.fixture
def imported(db, tmp_path) -> Snapshot:
    run = intake_services.ssd_extract_import(
        directory=write_extract(tmp_path / "extract"), as_at=AS_AT
    )
    assert run.status == RunStatus.SUCCEEDED, (run.failure_message, run.error_count)
    return run.snapshot


def run_command(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_step_is_registered_once():
    from lineofsight.timeliness.postload import timeliness_and_drift

    assert pipeline.POST_LOAD_STEPS.count(timeliness_and_drift) == 1


def test_an_import_computes_the_derived_tables(imported):
    with connect(imported) as con:
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        assert set(DERIVED_TABLES) <= tables
        found = con.execute("SELECT person_id, flag FROM drift_flags ORDER BY 1, 2").fetchall()
        assert found == EXPECTED_FLAGS
        (amount,) = con.execute(
            "SELECT amount FROM _timescale_rules WHERE rule_id = 'cp_visit'"
        ).fetchone()
        assert amount == 10


def test_drift_as_csv(imported):
    out, err = run_command("drift", "--format", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["person_id", "flag", "since", "detail"]
    assert [tuple(r[:2]) for r in rows[1:]] == EXPECTED_FLAGS
    assert rows[1] == ["C01", "cp_plan_9m", "2024-03-01", "Plan open 9 months (since 01/06/2023)"]
    assert "Not checked: cla_health_overdue." in err


def test_drift_as_json(imported):
    out, _err = run_command("drift", "--format", "json", "--snapshot", str(imported.pk))
    items = json.loads(out)
    assert [(i["person_id"], i["flag"]) for i in items] == EXPECTED_FLAGS
    assert items[-1] == {
        "person_id": "C12",
        "flag": "unallocated",
        "since": "2024-03-01",
        "detail": "No allocated worker since the case opened on 01/03/2024",
    }


def test_drift_without_data_or_with_a_bad_snapshot_says_so(db):
    with pytest.raises(CommandError, match="No casework data has been imported yet"):
        run_command("drift")
    with pytest.raises(CommandError, match="There is no snapshot 99"):
        run_command("drift", "--snapshot", "99")


def test_drift_on_a_snapshot_made_before_drift_flags(imported, monkeypatch, tmp_path):
    monkeypatch.setattr(pipeline, "POST_LOAD_STEPS", [])
    run = intake_services.ssd_extract_import(
        directory=write_extract(tmp_path / "again"), as_at=AS_AT
    )
    with pytest.raises(CommandError, match=f"recompute --snapshot {run.snapshot.pk}"):
        run_command("drift", "--snapshot", str(run.snapshot.pk))


def test_recompute_applies_the_rules_now_in_force(imported):
    # Child protection visits every 30 working days: C02's next visit after 1 March is no
    # longer overdue. Child in need visits (C06) keep their own standard.
    services.timescale_rule_update(actor=None, rule_id="cp_visit", value=30)
    out, _err = run_command("recompute")
    new = Snapshot.objects.get(is_current=True)
    assert new.pk != imported.pk
    assert (new.as_at, new.source_kind) == (imported.as_at, imported.source_kind)
    assert new.provided_tables == imported.provided_tables
    assert new.content_hash == imported.content_hash  # the same SSD data
    assert f"Snapshot {new.pk} (as at 28/03/2024) is now current" in out
    with connect(new) as con:
        found = con.execute("SELECT person_id, flag FROM drift_flags ORDER BY 1, 2").fetchall()
        (amount,) = con.execute(
            "SELECT amount FROM _timescale_rules WHERE rule_id = 'cp_visit'"
        ).fetchone()
        (origin,) = con.execute(
            "SELECT value FROM _snapshot_info WHERE key = 'recomputed_from_snapshot'"
        ).fetchone()
    assert found == [f for f in EXPECTED_FLAGS if f != ("C02", "visit_overdue")]
    assert amount == 30
    assert origin == str(imported.pk)
    # The old snapshot is unchanged: its figures can still be reproduced.
    with connect(imported) as con:
        (amount,) = con.execute(
            "SELECT amount FROM _timescale_rules WHERE rule_id = 'cp_visit'"
        ).fetchone()
    assert amount == 10
    old, _ = run_command("drift", "--snapshot", str(imported.pk))
    assert "C02,visit_overdue" in old
    run = ImportRun.objects.get(snapshot=new)
    assert run.source_name == f"Recomputed from snapshot {imported.pk}"
    assert ChangeEvent.objects.filter(action="snapshot_register", object_id=str(new.pk)).exists()


def test_closure_days_take_effect_on_recompute(imported):
    # Closing 18-22 March takes 5 working days out: C05's conference, due 22 March, is due 5
    # working days later, 25-28 March and (after Easter) 2 April. Not overdue: no flag.
    services.closure_period_add(
        actor=None, first_day=D(2024, 3, 18), last_day=D(2024, 3, 22), description="Closed"
    )
    new = services.snapshot_recompute(actor=None)
    with connect(new) as con:
        (due,) = con.execute(
            "SELECT due_date FROM event_timeliness WHERE rule_id = 'icpc_15wd' "
            "AND person_id = 'C05'"
        ).fetchone()
        flagged = con.execute(
            "SELECT count(*) FROM drift_flags WHERE flag = 's47_no_icpc_15wd'"
        ).fetchone()
    assert due == D(2024, 4, 2)
    assert flagged == (0,)


def test_a_failed_recompute_changes_nothing(imported, monkeypatch, settings):
    def explode(context: pipeline.LoadContext) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(pipeline, "POST_LOAD_STEPS", [*pipeline.POST_LOAD_STEPS, explode])
    before = sorted(p.name for p in Path(settings.SNAPSHOT_DIR).iterdir())
    with pytest.raises(CommandError, match="Nothing was changed"):
        run_command("recompute")
    assert Snapshot.objects.get(is_current=True).pk == imported.pk
    assert Snapshot.objects.count() == 1
    assert sorted(p.name for p in Path(settings.SNAPSHOT_DIR).iterdir()) == before
    run = ImportRun.objects.order_by("-id").first()
    assert run.status == RunStatus.FAILED
    assert "disk full" in run.failure_message


def test_recompute_with_nothing_imported(db):
    with pytest.raises(CommandError, match="nothing to recompute"):
        run_command("recompute")


def test_recompute_of_an_older_snapshot_makes_its_copy_current(imported, tmp_path):
    newer = intake_services.ssd_extract_import(
        directory=write_extract(tmp_path / "newer"), as_at=D(2024, 4, 30)
    ).snapshot
    assert Snapshot.objects.get(is_current=True) == newer
    out, _err = run_command("recompute", "--snapshot", str(imported.pk))
    current = Snapshot.objects.get(is_current=True)
    assert current.pk not in (imported.pk, newer.pk)
    assert current.as_at == D(2024, 3, 28)
    assert f"recomputed from snapshot {imported.pk}" in out
