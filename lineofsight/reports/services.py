"""Every write to committee reports. Keyword-only, in a transaction, with change history.

A report's practice-record figures (audits, moderation, supervision, improvement actions) and
the targets are counted when it is started and kept on it (`figures.freeze`), so every download
gives the same figures; `report_figures_count` counts them again as they stand now, on purpose.

The author's three sections are shared text that more than one person may edit, so a save names
the version it was read at; a save over someone else's newer change is refused
(`ReportChangedMeanwhile`), never silently overwriting it.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lineofsight.accounts import policy
from lineofsight.accounts.edits import VersionedEdit
from lineofsight.accounts.models import User
from lineofsight.casework import store
from lineofsight.casework.models import Snapshot
from lineofsight.history.services import capture, record_change, record_creation
from lineofsight.web.errors import EditConflict, ServiceError
from lineofsight.web.locking import version_take

from . import exports
from . import figures as report_figures
from .models import CommitteeExport, CommitteeReport, ExportFormat, ExportStatus, SelfEvaluation

REPORT_FIELDS = ("title", "period_end", "snapshot_id", "figures_counted_at")
TEXT_FIELDS = ("title", "what_we_know", "how_we_know", "what_next")
YEAR_ENDS_OFFERED = 6


class ReportError(ServiceError):
    """A change that cannot be made whoever asks; the message says why, for the user."""


class ReportChangedMeanwhile(ReportError, EditConflict):
    """Someone else saved the report after this person opened it."""

    def __init__(self, current: CommitteeReport) -> None:
        when = timezone.localtime(current.updated_at)
        super().__init__(
            f"{current.updated_by.full_name} saved this report at {when:%H:%M} on "
            f"{when.day} {when:%B %Y}, after you opened it. Your text has not been saved: it is "
            "still in the boxes below. Compare it with what they saved, then save again.",
            current=current,
            saved_by=current.updated_by,
        )


_TEXT_EDIT = VersionedEdit(
    CommitteeReport,
    TEXT_FIELDS,
    "committee_report_update_text",
    ReportChangedMeanwhile,
    related=("snapshot", "updated_by"),
)


def period_end_choices(snapshot: Snapshot) -> list[datetime.date]:
    """The 31 Marches a report from this snapshot may end on: on or before its as-at date,
    newest first."""
    as_at = snapshot.as_at
    latest = as_at.year if (as_at.month, as_at.day) >= (3, 31) else as_at.year - 1
    return [datetime.date(latest - back, 3, 31) for back in range(YEAR_ENDS_OFFERED)]


@transaction.atomic
def report_create(
    *,
    actor: User,
    title: str,
    period_end: datetime.date,
    snapshot: Snapshot | None = None,
) -> CommitteeReport:
    """A new report for the year to `period_end`, from `snapshot` (default: the current one)."""
    policy.require(actor, policy.Capability.WRITE_COMMITTEE_REPORTS)
    snapshot = snapshot or store.current_snapshot()
    if snapshot is None:
        raise ReportError("No casework has been imported yet, so there is nothing to report on.")
    if snapshot.is_removed:
        raise ReportError("That snapshot's file is no longer kept; choose a newer one.")
    if period_end not in period_end_choices(snapshot):
        raise ReportError(
            "Choose a year ending on 31 March, no later than the snapshot's date "
            f"({snapshot.as_at.day} {snapshot.as_at:%B %Y})."
        )
    title = title.strip()
    if not title:
        raise ReportError("Enter a title for the report.")
    now = timezone.now()
    report = CommitteeReport.objects.create(
        title=title[:200],
        period_end=period_end,
        snapshot=snapshot,
        created_by=actor,
        created_at=now,
        updated_by=actor,
        updated_at=now,
        figures_counted_at=now,
    )
    report.frozen_figures = report_figures.freeze(report_figures.count_records(report, now))
    report.save(update_fields=["frozen_figures"])
    record_change(
        actor=actor,
        action="committee_report_create",
        obj=report,
        before=dict.fromkeys(REPORT_FIELDS),
        after=capture(report, REPORT_FIELDS),
    )
    return report


@transaction.atomic
def report_update_text(
    *,
    actor: User,
    report: CommitteeReport,
    expected_version: int,
    title: str,
    what_we_know: str,
    how_we_know: str,
    what_next: str,
) -> CommitteeReport:
    """Save the title and the author's three sections. Refused with ReportChangedMeanwhile if
    someone else saved the report since `expected_version` was read."""
    policy.require(actor, policy.Capability.WRITE_COMMITTEE_REPORTS)
    title = title.strip()
    if not title:
        raise ReportError("Enter a title for the report.")
    values = {
        "title": title[:200],
        "what_we_know": _clean(what_we_know),
        "how_we_know": _clean(how_we_know),
        "what_next": _clean(what_next),
    }
    return _TEXT_EDIT.save(report.pk, actor=actor, expected_version=expected_version, values=values)


@transaction.atomic
def report_figures_count(
    *, actor: User, report: CommitteeReport, expected_version: int
) -> CommitteeReport:
    """Count the report's audits, moderation, supervision and improvement actions, and read
    its targets, again as they stand now, and keep them: the downloads give these figures from
    now on. Refused with ReportChangedMeanwhile if someone saved the report meanwhile."""
    policy.require(actor, policy.Capability.WRITE_COMMITTEE_REPORTS)
    version_take(
        CommitteeReport,
        report.pk,
        expected_version=expected_version,
        conflict=ReportChangedMeanwhile,
    )
    locked = CommitteeReport.objects.select_related("snapshot").get(pk=report.pk)
    before = capture(locked, ("figures_counted_at",))
    now = timezone.now()
    frozen = report_figures.freeze(report_figures.count_records(locked, now))
    CommitteeReport.objects.filter(pk=report.pk).update(
        figures_counted_at=now, frozen_figures=frozen, updated_by=actor, updated_at=now
    )
    saved = CommitteeReport.objects.select_related("snapshot", "updated_by").get(pk=report.pk)
    record_change(actor=actor, action="committee_report_count_figures", obj=saved, before=before)
    return saved


def committee_export_request(
    *,
    user: User,
    fmt: ExportFormat | str,
    report: CommitteeReport | None = None,
    self_evaluation: SelfEvaluation | None = None,
) -> CommitteeExport:
    """Ask for `report` or `self_evaluation` (one of the two) as a Word or PDF file, prepared by
    the worker (exports.py; at once when settings.INTAKE_IMPORTS_INLINE is true, as in tests).
    While an export of the same item and format that `user` asked for still waits or is being
    prepared, that one is given back instead of a second. Returns the export as it stands
    afterwards."""
    policy.require(user, policy.Capability.READ_COMMITTEE_REPORTS)
    if (report is None) == (self_evaluation is None):
        raise ValueError("Give a committee report or a self-evaluation, not both or neither")
    fmt = ExportFormat(fmt)
    with transaction.atomic():
        asked = CommitteeExport.objects.select_for_update().filter(
            report=report,
            self_evaluation=self_evaluation,
            requested_by=user,
            fmt=fmt,
            status__in=(ExportStatus.WAITING, ExportStatus.WORKING),
        )
        for export in asked:
            if exports.close_if_abandoned(export).is_pending:
                return export
        export = CommitteeExport.objects.create(
            report=report, self_evaluation=self_evaluation, requested_by=user, fmt=fmt
        )
        if report:
            action, fields = "committee_report_export_request", ("report_id", "fmt")
        else:
            action, fields = "self_evaluation_export_request", ("self_evaluation_id", "fmt")
        record_creation(actor=user, action=action, obj=export, fields=fields)
    if getattr(settings, "INTAKE_IMPORTS_INLINE", False):
        exports.build(export_pk=export.pk, heartbeat=False)
    else:
        # Here, not at the top: a task binds to its backend when defined, which needs the apps.
        from .tasks import committee_export_build

        committee_export_build.enqueue(export.pk)
    export.refresh_from_db()
    return export


def committee_exports_purge(*, before: datetime.datetime) -> list[Path]:
    """Remove the exports asked for before `before`; returns their files (and any file left in
    the exports folder by a build cut short) for the caller to delete once this has committed.
    For `lineofsight purge`, inside its transaction."""
    pks, paths = exports.expired(before=before)
    CommitteeExport.objects.filter(pk__in=pks).delete()
    return paths


def _clean(text: str) -> str:
    """Line endings as Word and browsers differ on them; no trailing space."""
    return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").split("\n")).strip()
