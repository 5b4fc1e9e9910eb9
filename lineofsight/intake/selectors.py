"""Reads for the Imports pages and the command line: runs, and pages of a run's report.

Import runs are visible to whoever may run imports (the view checks the capability); the report
names rows of the council's data, never more than the analyst can already see.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import ImportRun, RunStatus
from .problems import REPORT_COLUMNS, Problem, Severity


def import_run_list() -> QuerySet[ImportRun]:
    return ImportRun.objects.select_related("run_by", "snapshot").order_by("-started_at", "-id")


def import_run_get(pk: int) -> ImportRun:
    """The run, or 404."""
    return get_object_or_404(import_run_list().prefetch_related("files"), pk=pk)


def import_running() -> ImportRun | None:
    return import_run_list().filter(status=RunStatus.RUNNING).first()


def imports_in_review() -> list[ImportRun]:
    """Imports the quality gate stopped, waiting for an analyst to publish or discard them."""
    return list(import_run_list().filter(status=RunStatus.REVIEW))


def import_runs_by_snapshot() -> dict[int, ImportRun]:
    """The import that made each snapshot (a recomputed snapshot has none)."""
    return {
        run.snapshot_id: run
        for run in import_run_list().filter(snapshot__isnull=False).order_by("started_at", "id")
    }


@dataclass(frozen=True)
class ReportPage:
    problems: list[Problem]
    number: int
    per_page: int
    total: int

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def has_other_pages(self) -> bool:
        return self.num_pages > 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def paginator(self) -> ReportPage:
        # So the shared pagination include (page.paginator.num_pages) works with this page.
        return self

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.problems else 0

    @property
    def end_index(self) -> int:
        return (self.number - 1) * self.per_page + len(self.problems)


def report_problems(run: ImportRun, *, offset: int = 0, limit: int | None = None) -> list[Problem]:
    """Problems from the run's report file, in report order (errors first)."""
    stop = None if limit is None else offset + limit
    return list(itertools.islice(_read_report(run), offset, stop))


def report_page(run: ImportRun, number: int, per_page: int = 50) -> ReportPage:
    total = run.error_count + run.warning_count
    pages = max(1, -(-total // per_page))
    number = min(max(1, number), pages)
    problems = report_problems(run, offset=(number - 1) * per_page, limit=per_page)
    return ReportPage(problems=problems, number=number, per_page=per_page, total=total)


def _read_report(run: ImportRun) -> Iterator[Problem]:
    path = run.report_file
    if path is None or not path.exists():
        return
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        if tuple(reader.fieldnames or ()) != REPORT_COLUMNS:
            return
        for row in reader:
            yield Problem(
                severity=Severity(row["severity"]),
                message=row["message"],
                table=row["table"],
                row=int(row["row"]) if row["row"] else None,
                field=row["field"],
                value=row["value"],
                source=row["source"],
            )
