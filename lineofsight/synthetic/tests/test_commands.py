"""The management commands, end to end on a tiny council."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lineofsight.casework import store


def test_synthesize_then_calibrate(tmp_path: Path) -> None:
    out = StringIO()
    call_command("synthesize", "--la", "805", "--scale", "0.1", "--out", str(tmp_path), stdout=out)
    assert "ssd/ssd_person.csv" in out.getvalue()
    assert (tmp_path / "annex_a.xlsx").exists()
    report = StringIO()
    call_command(
        "calibration", "--la", "805", "--from-csv", str(tmp_path), "--scale", "0.1", stdout=report
    )
    text = report.getvalue()
    assert "Children in need at 31 March" in text
    # The summary agrees with the table above it, and the tiny council still meets most
    # published figures (at scale 0.1 a figure of 3 young people can miss 10% by one).
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("---")) + 1
    verdicts = [line.rsplit("  ", 1)[-1].strip() for line in lines[start:] if "  " in line]
    good, judged = verdicts.count("yes"), verdicts.count("yes") + verdicts.count("NO")
    assert judged >= 18, text
    assert f"{good} of {judged} published figures within 10%." in text
    assert good >= judged - 3, text


def test_unknown_area_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="old_la_code"):
        call_command("synthesize", "--la", "999", "--out", str(tmp_path))


def test_calibration_without_a_snapshot_says_what_to_do(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store, "current_snapshot_path", lambda: None)
    with pytest.raises(CommandError, match="No snapshot is current.*--from-csv"):
        call_command("calibration", "--la", "891")
