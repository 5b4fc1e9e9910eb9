"""`lineofsight import ssd DIR` and `lineofsight import annex-a FILE`."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lineofsight.casework.models import Snapshot
from lineofsight.intake.models import ImportRun

from . import extract

pytestmark = pytest.mark.django_db


def _run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_ssd_import_from_the_command_line(ssd_dir: Path) -> None:
    out, err = _run("ssd", str(ssd_dir), "--as-at", "2024-04-30")

    snapshot = Snapshot.objects.get(is_current=True)
    assert "succeeded" in out and f"Snapshot {snapshot.pk} is now current" in out
    assert "30/04/2024" in out
    run = ImportRun.objects.get()
    assert run.run_by is None and run.os_user  # the OS user is recorded as text
    assert "Validation report:" in err


def test_failed_import_exits_non_zero_with_problems_and_report(tmp_path: Path) -> None:
    tables = extract.valid()
    for row in tables["case_notes"]:
        row["note_date"] = "unknown"
    for i in range(60):
        tables["ssd_contacts"].append(
            {"cont_contact_id": f"X{i}", "cont_person_id": "nobody", "cont_contact_date": ""}
        )
    directory = extract.write(tmp_path / "bad", tables)
    err = io.StringIO()

    with pytest.raises(CommandError) as failure:
        call_command("import", "ssd", str(directory), stdout=io.StringIO(), stderr=err)

    assert failure.value.returncode == 1
    assert "Nothing was changed" in str(failure.value)
    lines = err.getvalue().splitlines()
    assert sum(line.startswith("ERROR:") for line in lines) == 50
    assert "... and 12 more (see the report)." in lines
    report = next(line for line in lines if line.startswith("Validation report:"))
    path = Path(report.split(": ", 1)[1])
    assert len(path.read_text().splitlines()) == 1 + 62
    assert not Snapshot.objects.exists()


def test_not_a_folder(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="not a folder"):
        _run("ssd", str(tmp_path / "nowhere"))


def test_bad_as_at_date(ssd_dir: Path) -> None:
    with pytest.raises(CommandError):
        _run("ssd", str(ssd_dir), "--as-at", "31/03/2024")


def test_annex_a_needs_a_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="not a file"):
        _run("annex-a", str(tmp_path / "missing.xlsx"))
