"""Broken extracts never reach users: required columns, rows too long, Annex A headers nobody
knows, and the quality gate that compares every import with the current snapshot."""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from lineofsight.accounts.models import Role, User
from lineofsight.casework import schema
from lineofsight.casework import services as casework_services
from lineofsight.casework.models import Snapshot
from lineofsight.history.models import ChangeEvent
from lineofsight.intake import gate, selectors, services
from lineofsight.intake.models import ImportRun, RunStatus
from lineofsight.intake.problems import Severity

from . import extract
from .conftest import assert_nothing_changed

pytestmark = pytest.mark.django_db

EVERY_COLUMN = [(t.name, f) for t in schema.tables().values() for f in t.required_columns]


@pytest.fixture
def current(data_dir: Path) -> Snapshot:
    """A current snapshot, registered without an import (its file is never read here)."""
    folder = data_dir / "snapshots"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "current.duckdb").write_bytes(b"")
    return casework_services.snapshot_register(
        actor=None,
        file_name="current.duckdb",
        source_kind="ssd",
        as_at=datetime.date.fromisoformat(extract.LATEST_EVENT),
        row_counts={},
        provided_tables=[],
        content_hash="0" * 64,
    )


@pytest.mark.parametrize(("table", "column"), EVERY_COLUMN)
def test_each_required_column_missing_is_an_error(
    table: str, column: str, current: Snapshot, tmp_path: Path, data_dir: Path
) -> None:
    # The person table (every extract has it) and the table in question: other tables may be
    # absent as a whole, which keeps each of these imports short.
    every = extract.valid()
    tables = {name: every[name] for name in {"ssd_person", table}}
    directory = extract.write(tmp_path / "bad", tables)
    path = directory / f"{table}.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    keep = [i for i, name in enumerate(header) if name != column]
    rows = list(csv.reader(lines))
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([[row[i] for i in keep] for row in rows])

    run = services.ssd_extract_import(directory=directory)

    assert run.status == RunStatus.FAILED
    errors = [p for p in selectors.report_problems(run) if p.severity == Severity.ERROR]
    assert [(p.source, p.table, p.row, p.field) for p in errors] == [
        (f"{table}.csv", table, 1, column)
    ]
    assert "missing from the header" in errors[0].message
    assert_nothing_changed(current, run, data_dir)


# --- rows longer than their header ----------------------------------------------------------------


def test_a_row_with_more_values_than_its_header_is_an_error(
    baseline: Snapshot, tmp_path: Path, data_dir: Path
) -> None:
    directory = extract.write(tmp_path / "long")
    path = directory / "ssd_contacts.csv"  # no other table refers to a contact
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] += ",stray,values"  # row 3 of the file: two values more than the 6 columns
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    run = services.ssd_extract_import(directory=directory)

    (error,) = [p for p in selectors.report_problems(run) if p.severity == Severity.ERROR]
    assert (error.source, error.table, error.row) == ("ssd_contacts.csv", "ssd_contacts", 3)
    assert "more values than the header has columns: 8 values, 6 columns" in error.message
    assert_nothing_changed(baseline, run, data_dir)


# --- Annex A lists whose headers cannot be recognised ---------------------------------------------


def _workbook(tmp_path: Path, rows: list[list]) -> Path:
    from .test_annex_a import build_xlsx

    return build_xlsx(tmp_path / "annex_a.xlsx", {"List 3": rows})


REFERRALS = ["Child Unique ID", "Gender", "Date of referral", "Referral NFA?"]


def test_an_annex_a_header_nobody_knows_is_an_error(
    baseline: Snapshot, tmp_path: Path, data_dir: Path
) -> None:
    rows = [[*REFERRALS, "Referal sauce"], ["R1", "F", "16/09/2023", "No", "Police"]]

    run = services.annex_a_import(path=_workbook(tmp_path, rows))

    errors = [p for p in selectors.report_problems(run) if p.severity == Severity.ERROR]
    assert [(p.source, p.table, p.row, p.field) for p in errors] == [
        ("annex_a.xlsx [List 3]", "List 3", 1, "Referal sauce")
    ]
    assert "column E's header is not one of the List 3 columns" in errors[0].message
    assert_nothing_changed(baseline, run, data_dir)


def test_an_annex_a_row_with_values_beyond_its_header_is_an_error(
    baseline: Snapshot, tmp_path: Path, data_dir: Path
) -> None:
    rows = [REFERRALS, ["R1", "F", "16/09/2023", "No"], ["R2", "M", "17/09/2023", "No", "x", "y"]]

    run = services.annex_a_import(path=_workbook(tmp_path, rows))

    errors = [p for p in selectors.report_problems(run) if p.severity == Severity.ERROR]
    assert [(p.source, p.row) for p in errors] == [("annex_a.xlsx [List 3]", 3)]
    assert "the row has 2 values in columns without a header (E, F)" in errors[0].message
    assert "more values than the header has columns (4)" in errors[0].message
    assert_nothing_changed(baseline, run, data_dir)


# --- the quality gate -----------------------------------------------------------------------------


def _halved(tmp_path: Path) -> Path:
    """The valid extract with half of ssd_contacts' rows."""
    tables = extract.valid()
    tables["ssd_contacts"] = tables["ssd_contacts"][: len(tables["ssd_contacts"]) // 2]
    return extract.write(tmp_path / "halved", tables)


def test_the_first_import_has_nothing_to_compare_and_passes(ssd_dir: Path) -> None:
    run = services.ssd_extract_import(directory=ssd_dir)
    assert run.status == RunStatus.SUCCEEDED
    assert run.compared_with is None and run.gate_changes == []
    assert run.snapshot.published_at is not None


def test_the_same_data_again_passes_the_gate(baseline: Snapshot, ssd_dir: Path) -> None:
    run = services.ssd_extract_import(directory=ssd_dir)
    assert run.status == RunStatus.SUCCEEDED, run.failure_message
    assert run.compared_with == baseline
    assert run.gate_changes and not run.stopping_changes


def test_rows_falling_by_half_stop_the_import(
    baseline: Snapshot, tmp_path: Path, data_dir: Path
) -> None:
    run = services.ssd_extract_import(directory=_halved(tmp_path))

    assert run.status == RunStatus.FAILED
    (change,) = run.stopping_changes
    assert (change.subject, change.before, change.after) == ("ssd_contacts", 2, 1)
    assert "ssd_contacts: 2 rows to 1 rows, -1 rows (-50%)" in run.failure_message
    assert "--accept-changes" in run.failure_message
    assert_nothing_changed(baseline, run, data_dir)


def test_the_allowed_fall_is_a_setting(baseline: Snapshot, tmp_path: Path, settings) -> None:
    settings.INTAKE_MAX_ROW_FALL_PCT = 60
    run = services.ssd_extract_import(directory=_halved(tmp_path))
    assert run.status == RunStatus.SUCCEEDED, run.failure_message


def test_a_table_the_current_snapshot_has_and_the_new_one_lacks_stops_it(
    baseline: Snapshot, tmp_path: Path, data_dir: Path
) -> None:
    tables = extract.valid()
    del tables["ssd_missing"]  # an optional table: on its own it is only a warning

    run = services.ssd_extract_import(directory=extract.write(tmp_path / "less", tables))

    (change,) = run.stopping_changes
    assert (change.kind, change.subject) == ("table", "ssd_missing")
    assert "the new import does not have this table" in run.failure_message
    assert_nothing_changed(baseline, run, data_dir)


def _run_command(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import", *args, "--no-progress", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_line_names_each_change_and_accepts_them_when_told(
    baseline: Snapshot, tmp_path: Path
) -> None:
    folder = str(_halved(tmp_path))
    with pytest.raises(CommandError) as failure:
        _run_command("ssd", folder)
    assert "quality gate stopped the import" in str(failure.value)
    assert "ssd_contacts: 2 rows to 1 rows" in str(failure.value)
    assert Snapshot.objects.get(is_current=True) == baseline

    out, err = _run_command("ssd", folder, "--accept-changes")

    run = ImportRun.objects.order_by("-pk").first()
    assert run.status == RunStatus.SUCCEEDED and run.accepted_changes
    assert Snapshot.objects.get(is_current=True) == run.snapshot
    assert "CHANGE: ssd_contacts: 2 rows to 1 rows" in err
    assert "were accepted" in out


def _referrals(count: int, year: int) -> list[dict[str, str]]:
    return [
        {
            "cine_referral_id": f"RX{i}",
            "cine_person_id": "P3",
            "cine_referral_date": f"{year}-03-{i + 1:02d}",
        }
        for i in range(count)
    ]


def test_an_indicator_that_moves_too_far_stops_the_import(tmp_path: Path, data_dir: Path) -> None:
    """Same rows, but every extra referral dated years earlier: the referrals figure for the
    12 months to the as-at date falls from 14 to 2."""
    before = extract.valid()
    before["ssd_cin_episodes"] += _referrals(12, 2024)
    first = services.ssd_extract_import(directory=extract.write(tmp_path / "a", before))
    assert first.status == RunStatus.SUCCEEDED, first.failure_message
    after = extract.valid()
    after["ssd_cin_episodes"] += _referrals(12, 2020)

    run = services.ssd_extract_import(directory=extract.write(tmp_path / "b", after))

    assert run.status == RunStatus.FAILED
    stopping = {c.subject: c for c in run.stopping_changes}
    assert (stopping["Referrals"].before, stopping["Referrals"].after) == (14, 2)
    assert "Referrals: 14 to 2, -12 (-86%)" in run.failure_message
    assert not any(c.kind == "rows" for c in run.stopping_changes)  # no table lost rows
    assert_nothing_changed(first.snapshot, run, data_dir)


@pytest.mark.parametrize(
    ("before", "after", "denominator", "stops"),
    [
        (100.0, 74.0, None, True),  # 26% and 26 referrals
        (100.0, 76.0, None, False),  # 24%: within the share allowed
        (8.0, 4.0, None, False),  # 50%, but 4 is below the floor of 5
        (40.0, 80.0, 9, False),  # a rate on 9 rows moves by chance
        (40.0, 80.0, 10, True),
        (40.0, None, 10, True),  # had a value, now none
        (None, 40.0, 10, False),  # a figure appearing is not a fall
    ],
)
def test_the_figure_rule(before, after, denominator, stops: bool) -> None:
    unit = "count" if denominator is None else "percent"
    (change,) = gate.compare_figures(
        {"x": gate.Figure("X", before, unit, denominator)},
        {"x": gate.Figure("X", after, unit, denominator)},
    )
    assert change.stops is stops


# --- review on the Imports page -------------------------------------------------------------------


@pytest.fixture
def analyst(client, settings) -> User:
    settings.INTAKE_IMPORTS_INLINE = True
    user = User.objects.create_user(
        "analyst@example.org", "a long password 123", role=Role.ANALYST, full_name="Ana Lyst"
    )
    client.force_login(user)
    return user


def _zip(directory: Path) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(directory.glob("*.csv")):
            archive.write(path, path.name)
    return SimpleUploadedFile("halved.zip", buffer.getvalue(), content_type="application/zip")


def _staged(client, tmp_path: Path) -> ImportRun:
    response = client.post(reverse("intake:imports"), {"file": _zip(_halved(tmp_path))})
    run = ImportRun.objects.order_by("-pk").first()
    assert response.url == reverse("intake:import_detail", kwargs={"pk": run.pk})
    return run


@pytest.mark.urls("lineofsight.intake.tests.urls")
def test_an_upload_the_gate_stops_waits_for_review_then_is_published(
    client, analyst: User, baseline: Snapshot, tmp_path: Path
) -> None:
    run = _staged(client, tmp_path)

    assert run.status == RunStatus.REVIEW
    staged = run.snapshot
    assert staged.is_staged and not staged.is_current
    assert Snapshot.objects.get(is_current=True) == baseline  # nobody else sees it
    page = client.get(reverse("intake:import_detail", kwargs={"pk": run.pk})).content.decode()
    assert "Ready to review" in page
    assert "ssd_contacts: 2 rows to 1 rows, -1 rows (-50%)" in page
    assert "Larger than allowed" in page
    listing = client.get(reverse("intake:imports")).content.decode()
    assert f"Review import {run.pk}" in listing
    # A staged snapshot cannot be made current by the back door.
    client.post(reverse("intake:snapshot_make_current", kwargs={"pk": staged.pk}))
    assert Snapshot.objects.get(is_current=True) == baseline

    response = client.post(reverse("intake:import_publish", kwargs={"pk": run.pk}))

    assert response.status_code == 302
    run.refresh_from_db()
    staged.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED and run.accepted_changes
    assert staged.is_current and staged.published_by == analyst
    assert ChangeEvent.objects.filter(action="import_run_publish", actor=analyst).exists()
    assert ChangeEvent.objects.filter(action="snapshot_publish", actor=analyst).exists()
    # Publishing twice is refused, and changes nothing.
    client.post(reverse("intake:import_publish", kwargs={"pk": run.pk}))
    assert ChangeEvent.objects.filter(action="import_run_publish").count() == 1


@pytest.mark.urls("lineofsight.intake.tests.urls")
def test_recomputing_refuses_a_snapshot_waiting_for_review(
    client, analyst: User, baseline: Snapshot, tmp_path: Path
) -> None:
    staged = _staged(client, tmp_path).snapshot

    with pytest.raises(CommandError, match="waiting for review"):
        call_command("recompute", snapshot=staged.pk)

    assert Snapshot.objects.get(is_current=True) == baseline
    staged.refresh_from_db()
    assert staged.is_staged


@pytest.mark.urls("lineofsight.intake.tests.urls")
def test_an_upload_waiting_for_review_can_be_discarded(
    client,
    analyst: User,
    baseline: Snapshot,
    tmp_path: Path,
    data_dir: Path,
    django_capture_on_commit_callbacks,
) -> None:
    run = _staged(client, tmp_path)
    staged = run.snapshot

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("intake:import_discard", kwargs={"pk": run.pk}))

    run.refresh_from_db()
    staged.refresh_from_db()
    assert run.status == RunStatus.DISCARDED
    assert staged.is_discarded and not staged.path.exists()
    assert Snapshot.objects.get(is_current=True) == baseline
    assert ChangeEvent.objects.filter(action="import_run_discard", actor=analyst).exists()
    client.post(reverse("intake:import_publish", kwargs={"pk": run.pk}))
    assert Snapshot.objects.get(is_current=True) == baseline


@pytest.mark.urls("lineofsight.intake.tests.urls")
def test_review_is_for_analysts_only(client, baseline: Snapshot, tmp_path: Path) -> None:
    run = services.ssd_extract_import(
        directory=_halved(tmp_path), gate_mode=services.GateMode.REVIEW
    )
    assert run.status == RunStatus.REVIEW
    for role in (Role.QA_LEAD, Role.SENIOR_LEADER, Role.ADMINISTRATOR):
        user = User.objects.create_user(f"{role}@example.org", "pw 123 long", role=role)
        client.force_login(user)
        for name in ("intake:import_publish", "intake:import_discard"):
            assert client.post(reverse(name, kwargs={"pk": run.pk})).status_code == 403
            assert client.get(reverse(name, kwargs={"pk": run.pk})).status_code == 405
    run.refresh_from_db()
    assert run.status == RunStatus.REVIEW
    assert Snapshot.objects.get(is_current=True) == baseline


@pytest.mark.urls("lineofsight.intake.tests.urls")
def test_publishing_after_the_current_snapshot_changed_is_refused(
    client, analyst: User, baseline: Snapshot, tmp_path: Path, ssd_dir: Path
) -> None:
    run = _staged(client, tmp_path)
    newer = services.ssd_extract_import(directory=ssd_dir).snapshot

    client.post(reverse("intake:import_publish", kwargs={"pk": run.pk}))

    run.refresh_from_db()
    assert run.status == RunStatus.REVIEW
    assert Snapshot.objects.get(is_current=True) == newer


# --- the snapshot list ----------------------------------------------------------------------------


@pytest.mark.urls("lineofsight.intake.tests.urls")
def test_the_snapshot_list_shows_source_date_rows_warnings_and_publisher(
    client, analyst: User, tmp_path: Path
) -> None:
    tables = extract.valid()
    del tables["ssd_missing"]  # one warning: the table is not provided
    first = services.ssd_extract_import(directory=extract.write(tmp_path / "a", tables))
    client.post(reverse("intake:imports"), {"file": _zip(extract.write(tmp_path / "b", tables))})
    second = ImportRun.objects.order_by("-pk").first()
    assert second.status == RunStatus.SUCCEEDED, second.failure_message

    page = client.get(reverse("intake:snapshots")).content.decode()

    labels = re.findall(r'<dt class="govuk-summary-list__key">([^<]+)</dt>', page)
    assert labels[:6] == ["Source", "As at", "Rows", "Warnings", "Published", "Status"]
    assert len(labels) == 12  # the same six for each of the two snapshots
    newest = page.index(f'id="snapshot-{second.snapshot_id}"')
    oldest = page.index(f'id="snapshot-{first.snapshot_id}"')
    row, older = page[newest:oldest], page[oldest:]
    assert "Standard Safeguarding Dataset extract" in row and "halved.zip" in row
    assert "20/04/2024" in row
    assert f"{second.snapshot.total_rows:,} rows" in row
    assert f">{second.warning_count}<" in row and second.warning_count >= 1
    assert "Ana Lyst, " in row  # and when: the date and time follow
    assert row.count("Current") == 1
    assert "(command line)" in older or "Command line" in older
