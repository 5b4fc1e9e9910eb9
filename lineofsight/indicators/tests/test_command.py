"""`lineofsight indicators`: one row per indicator, as CSV or JSON; bad arguments fail clearly."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from lineofsight.indicators import catalogue
from lineofsight.indicators.tests.handmade import handmade_snapshot

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("indicators", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def snapshot(settings):
    settings.COUNCIL_CODE = "805"
    return handmade_snapshot()


def test_csv(snapshot):
    out, err = run("--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["indicator_id"] for r in rows] == [i.id for i in catalogue.catalogue()]
    header = "indicator_id,title,value,numerator,denominator,period_start,period_end,figure_from"
    assert out.splitlines()[0] == header
    referrals = rows[0]
    assert (referrals["value"], referrals["numerator"], referrals["denominator"]) == (
        "4.0",
        "4.0",
        "",
    )
    assert (referrals["period_start"], referrals["period_end"]) == ("2024-04-01", "2025-03-31")
    no_audits = next(r for r in rows if r["indicator_id"] == "audits_good_or_better_pct")
    assert no_audits["value"] == ""
    assert "audits_good_or_better_pct: no data: No audits" in err


def test_json_with_snapshot_period_and_team(snapshot, council):
    east = council["teams"]["east"]
    out, _ = run(
        "--format",
        "json",
        "--snapshot",
        str(snapshot.pk),
        "--period-end",
        "2024-05-31",
        "--team",
        str(east.pk),
    )
    rows = {r["indicator_id"]: r for r in json.loads(out)}
    assert rows["referrals"]["period_start"] == "2023-06-01"
    assert rows["referrals"]["value"] == 1.0  # R1a (East); R2b is West's
    assert rows["cp_per_10k"]["value"] is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--format", "csv", "--snapshot", "9999"), "No snapshot has id 9999"),
        (("--format", "csv", "--period-end", "31/03/2025"), "YYYY-MM-DD"),
        (("--format", "csv", "--period-end", "2026-03-31"), "after the snapshot's as-at date"),
        (("--format", "csv", "--team", "9999"), "No team has id 9999"),
    ],
)
def test_bad_arguments(snapshot, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_bad_format_exits_non_zero(snapshot):
    from lineofsight.cli import main

    with pytest.raises(SystemExit) as stopped:
        main(["indicators", "--format", "xml"])
    assert stopped.value.code != 0


def test_no_snapshot_yet(db):
    with pytest.raises(CommandError, match="No casework data"):
        run("--format", "csv")
