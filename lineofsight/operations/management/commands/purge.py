"""`lineofsight purge [--dry-run]`: remove what is kept past its retention period (old access log
entries, old import validation reports, abandoned uploads and import work folders, snapshots
beyond the newest LINEOFSIGHT_SNAPSHOT_RETENTION, the worker's old finished tasks). For cron:
docs/operations.md, "Retention"."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from lineofsight.operations import purge


class Command(BaseCommand):
    help = (
        "Remove access log entries, reports, uploads, snapshots and finished background tasks "
        "past their retention."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be removed; remove nothing."
        )

    def handle(self, *args, dry_run: bool, **options) -> None:
        periods = purge.retention_periods()
        result = purge.purge_expired(dry_run=dry_run)
        verb = "Would remove" if dry_run else "Removed"
        self.stdout.write(
            f"{verb} {result.access_log_entries} access log entr"
            f"{'y' if result.access_log_entries == 1 else 'ies'} older than "
            f"{periods.access_log_days} days, {len(result.import_reports)} import report(s) older "
            f"than {periods.import_report_days} days, {len(result.work_files)} abandoned "
            f"upload(s) or work folder(s) older than {periods.upload_days} days, and "
            f"{len(result.snapshots)} snapshot(s) beyond the newest {periods.snapshots_kept}; "
            f"{result.signin_attempts} sign-in attempt(s) older than "
            f"{periods.signin_attempt_days} days, {result.ended_sessions} ended session(s), "
            f"{len(result.report_downloads)} committee report download(s) older than "
            f"{periods.report_export_hours} hours, and {result.task_results} finished "
            f"background task(s) older than {periods.task_result_days} days."
        )
        if options["verbosity"] > 1:
            for path in [*result.import_reports, *result.work_files, *result.report_downloads]:
                self.stdout.write(f"  {path}")
            for name in result.snapshots:
                self.stdout.write(f"  snapshot {name}")
