"""One import from prepared source to published snapshot: read, validate, write, the quality
gate, then registration, each phase timed on the run."""

from __future__ import annotations

import contextlib
import datetime
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from lineofsight.casework import services as casework_services
from lineofsight.casework import store, writer
from lineofsight.casework.models import SourceKind
from lineofsight.casework.store import snapshot_dir

from .. import gate
from ..models import ImportRun, Phase, RunStatus
from ..pipeline import ImportJob
from .census import keeping_census
from .options import GateMode, ImportOptions, Prepared, Progress
from .runs import (
    import_run_create,
    import_run_finish,
    import_run_record_files,
    import_run_set_progress,
    import_runs_close_interrupted,
    report_path_for,
    work_dir_for,
)

if TYPE_CHECKING:
    from lineofsight.accounts.models import User

# Share of the progress bar each phase takes, in percent.
_PHASE_SPAN = {Phase.READ: (0, 40), Phase.VALIDATE: (40, 60), Phase.WRITE: (60, 99)}
_PROGRESS_INTERVAL = 1.0  # seconds between saves of a run's progress


def run_import(
    *,
    source_kind: SourceKind | str,
    source_name: str,
    prepare: Callable[[Path], Prepared],
    options: ImportOptions,
) -> ImportRun:
    """Prepare the source and import it, on the run given or on a new one."""
    as_at, actor = options.get("as_at"), options.get("actor")
    run = options.get("run")
    if run is None:
        run = import_run_create(
            source_kind=source_kind,
            source_name=source_name,
            actor=actor,
            os_user=options.get("os_user", ""),
            as_at=as_at,
        )
    return execute(
        run=run,
        prepare=keeping_census(prepare),
        as_at=as_at,
        actor=actor,
        progress=options.get("progress"),
        gate_mode=options.get("gate_mode", GateMode.STOP),
    )


def execute(
    *,
    run: ImportRun,
    prepare: Callable[[Path], Prepared],
    as_at: datetime.date | None,
    actor: User | None,
    progress: Progress | None,
    gate_mode: GateMode | str = GateMode.STOP,
) -> ImportRun:
    import_runs_close_interrupted()
    try:
        with contextlib.closing(ImportJob(token=run.token, work_dir=work_dir_for(run))) as job:
            with phase_of(run, Phase.READ, progress) as step:
                prepared = prepare(job.work_dir / "source")
                job.add_problems(prepared.problems)
                job.read(
                    prepared.files,
                    fingerprint=prepared.fingerprint,
                    encodings=prepared.encodings,
                    progress=step,
                )
                import_run_record_files(run=run, files=job.files)
                run.row_counts = {name: t.rows for name, t in job.staged.items()}
            with phase_of(run, Phase.VALIDATE, progress) as step:
                errors, warnings = job.validate(prepared.label, progress=step)
                run.error_count, run.warning_count = errors, warnings
                run.report_path = str(job.write_report(report_path_for(run)))
            if errors:
                return import_run_finish(run=run, status=RunStatus.FAILED)
            with phase_of(run, Phase.WRITE, progress) as step:
                written = job.write(
                    source_kind=run.source_kind,
                    as_at=as_at,
                    progress=step,
                    info={"import_run": str(run.pk), "source_name": run.source_name},
                    source_fields=prepared.source_fields,
                )
                run.as_at, run.row_counts = written.as_at, written.row_counts
            if written.step_seconds:
                # Part of the write phase, shown apart so derived tables' cost can be seen.
                run.phase_timings["post_load_steps"] = written.step_seconds
                run.phase_timings["post_load_steps_held_up"] = {"wall": written.steps_wall_seconds}
                ImportRun.objects.filter(pk=run.pk).update(phase_timings=run.phase_timings)
            stopping = _quality_gate(run=run, written=written, incoming=job.incoming)
            if stopping and gate_mode == GateMode.STOP:
                return import_run_finish(
                    run=run, status=RunStatus.FAILED, failure_message=_gate_message(run, stopping)
                )
            publish = not stopping or gate_mode == GateMode.ACCEPT
            run.accepted_changes = bool(stopping) and publish
            final = snapshot_dir() / writer.published_name(
                source_kind=run.source_kind, created_at=written.created_at, token=run.token
            )
            try:
                with transaction.atomic():
                    # Renamed first so the registry can check the file is there; if registering
                    # fails the transaction rolls back and the file is removed below.
                    job.publish(final)
                    snapshot = casework_services.snapshot_register(
                        actor=actor,
                        file_name=final.name,
                        source_kind=run.source_kind,
                        as_at=written.as_at,
                        row_counts=written.row_counts,
                        provided_tables=list(written.provided),
                        content_hash=written.content_hash,
                        duckdb_version=written.duckdb_version,
                        created_at=written.created_at,
                        publish=publish,
                        source_fields={
                            t: f for t, f in prepared.source_fields.items() if t in written.provided
                        },
                    )
                    import_run_finish(
                        run=run,
                        status=RunStatus.SUCCEEDED if publish else RunStatus.REVIEW,
                        snapshot=snapshot,
                    )
            except BaseException:
                writer.discard(final)
                raise
    except BaseException as exc:
        # BaseException: a Ctrl-C or a stopping server must not leave the run "running".
        # The registration may have been rolled back after the run object was given its new
        # snapshot, so take the run's snapshot from the database again before saving.
        run.refresh_from_db(fields=["snapshot"])
        import_run_finish(run=run, status=RunStatus.FAILED, failure_message=describe(exc))
        raise
    casework_services.snapshot_prune(actor=actor)
    return run


def _quality_gate(*, run: ImportRun, written, incoming: Path) -> list[gate.Change]:
    """Compare the written snapshot with the current one; keep every change on the run and
    return those that stop the import. Nothing current: nothing to compare, nothing stops."""
    current = store.current_snapshot()
    if current is None:
        return []
    started = time.perf_counter()
    changes = gate.compare_rows(
        before_counts=current.row_counts,
        before_provided=current.provided_tables,
        after_counts=written.row_counts,
        after_provided=list(written.provided),
    )
    if current.path.exists():
        before = gate.figures_of(current.path, current.as_at, frozenset(current.provided_tables))
        after = gate.figures_of(incoming, written.as_at, frozenset(written.provided))
        changes += gate.compare_figures(before, after)
    run.compared_with = current
    run.gate_changes = [c.as_dict() for c in changes]
    run.phase_timings["quality_gate"] = {"seconds": round(time.perf_counter() - started, 3)}
    ImportRun.objects.filter(pk=run.pk).update(
        compared_with=current, gate_changes=run.gate_changes, phase_timings=run.phase_timings
    )
    return [c for c in changes if c.stops]


def _gate_message(run: ImportRun, stopping: list[gate.Change]) -> str:
    lines = "; ".join(c.describe() for c in stopping)
    return (
        f"The quality gate stopped the import: compared with the current snapshot "
        f"{run.compared_with_id}, {len(stopping)} change{'s' if len(stopping) != 1 else ''} "
        f"{'is' if len(stopping) == 1 else 'are'} larger than allowed: {lines}. If the changes "
        "are expected, import again with --accept-changes (or upload the file on the Imports "
        "page and publish it after review)."
    )[:4000]


@contextlib.contextmanager
def phase_of(
    run: ImportRun, phase: Phase, progress: Progress | None
) -> Iterator[Callable[[int, int, str], None]]:
    low, high = _PHASE_SPAN[phase]
    started = timezone.now()
    import_run_set_progress(run=run, phase=phase, progress=low)
    last_saved = time.monotonic()

    def step(done: int, total: int, label: str) -> None:
        nonlocal last_saved
        # Each save is a commit (an fsync on SQLite): at most one a second is plenty for a page
        # that checks every five seconds.
        if time.monotonic() - last_saved >= _PROGRESS_INTERVAL:
            percent = low + (high - low) * done // max(total, 1)
            import_run_set_progress(run=run, phase=phase, progress=percent)
            last_saved = time.monotonic()
        if progress:
            progress(phase.value, done, total, label)

    try:
        yield step
    finally:
        finished = timezone.now()
        run.phase_timings = {
            **run.phase_timings,
            phase.value: {
                "started": started.isoformat(),
                "finished": finished.isoformat(),
                "seconds": round((finished - started).total_seconds(), 3),
            },
        }
        ImportRun.objects.filter(pk=run.pk).update(phase_timings=run.phase_timings)


def describe(exc: BaseException) -> str:
    if isinstance(exc, KeyboardInterrupt):
        return "The import was stopped before it finished (interrupted)."
    return f"The import failed unexpectedly: {type(exc).__name__}: {exc}"[:2000]
