"""Long work recorded on an ImportRun (an upload's import, a recompute), started from a page and
done by the worker process (`lineofsight worker`), never in the web server.

The page records the run and a task for it in the database (django-tasks with its database
backend: intake.tasks) and returns at once. The worker takes the task, writes its own host and
process on the run and a heartbeat every HEARTBEAT_SECONDS while it works; the work records its
own progress and outcome. So a restart of the web server loses nothing (the task waits in the
database), and a run whose worker died (its process gone, or its heartbeat silent for
settings.INTAKE_WORKER_STALE_MINUTES) is marked failed by services.import_runs_close_interrupted,
on the Imports page and when a worker starts. The database lets one run at a time wait or run
(ImportRun's constraint intake_importrun_one_running).

A task's arguments are stored as JSON, so the work is named by a kind registered here: intake
registers the upload's import, timeliness its recompute, each in its AppConfig.ready(), so this
app never imports the apps above it."""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .models import ImportRun, Phase, RunStatus

log = logging.getLogger(__name__)

# How often a worker says it is still working on a run. Far shorter than the silence after which
# a run counts as abandoned (INTAKE_WORKER_STALE_MINUTES), so a busy database cannot make a live
# run look dead.
HEARTBEAT_SECONDS = 30.0

# kind -> work(run=ImportRun, **params): what a task of that kind does with its run.
WORK: dict[str, Callable[..., object]] = {}


class UnknownWork(LookupError):
    """No work of that kind is registered: the app that owns it is not installed."""


def register(kind: str, work: Callable[..., object]) -> None:
    """Name `work` so a task can ask for it. Called from AppConfig.ready(); registering the
    same work again (a test that reloads apps) changes nothing."""
    WORK[kind] = work


def run_in_background(
    *, run: ImportRun, kind: str, params: dict[str, Any] | None = None
) -> ImportRun:
    """Queue the registered work `kind` for `run` (committed already, status running, phase
    queued), with `params` (JSON values) as its keyword arguments; the worker does it. When
    settings.INTAKE_IMPORTS_INLINE is true (tests) it is done at once in this process instead,
    as django-tasks' ImmediateBackend would. Returns the run as it stands afterwards."""
    if kind not in WORK:
        raise UnknownWork(f"No background work is registered as {kind!r}.")
    params = dict(params or {})
    if getattr(settings, "INTAKE_IMPORTS_INLINE", False):
        run_work(run_pk=run.pk, kind=kind, params=params, heartbeat=False)
    else:
        # Here, not at the top: a task binds to its backend when defined, which needs the apps.
        from .tasks import long_work

        long_work.enqueue(run.pk, kind, params)
    run.refresh_from_db()
    return run


def run_work(*, run_pk: int, kind: str, params: dict[str, Any], heartbeat: bool) -> str:
    """Do the work `kind` on run `run_pk`, if the run is still waiting for it; returns the run's
    status afterwards. The work records its own failure on the run; the traceback goes to the
    log here, not to the caller, so an import that fails is a finished task. Whatever happens,
    the run is not left running."""
    run = _claim(run_pk, heartbeat=heartbeat)
    if run is None:
        log.warning("%s %s is not waiting to start: nothing done", kind, run_pk)
        return _status_of(run_pk)
    try:
        with _heartbeat(run_pk) if heartbeat else contextlib.nullcontext():
            WORK[kind](run=run, **params)
    except Exception:
        # The run is already marked failed with the reason; the log keeps the traceback.
        log.exception("%s %s failed", kind, run_pk)
    finally:
        _close_if_left_running(run_pk)
    return _status_of(run_pk)


def _claim(run_pk: int, *, heartbeat: bool) -> ImportRun | None:
    """Mark the run as this process's: its host and process, and a first heartbeat when a
    worker does it. None when the run no longer waits (it was closed meanwhile)."""
    with transaction.atomic():
        run = (
            ImportRun.objects.select_for_update()
            .filter(pk=run_pk, status=RunStatus.RUNNING, phase=Phase.QUEUED)
            .first()
        )
        if run is None:
            return None
        run.host = socket.gethostname()[:255]
        run.pid = os.getpid()
        run.heartbeat_at = timezone.now() if heartbeat else None
        run.save(update_fields=["host", "pid", "heartbeat_at"])
    return run


def _close_if_left_running(run_pk: int) -> None:
    """Work that ended without recording an outcome (a bug, or the worker told to stop at
    once) must not hold back every later import."""
    ImportRun.objects.filter(pk=run_pk, status=RunStatus.RUNNING).update(
        status=RunStatus.FAILED,
        phase=Phase.FINISHED,
        finished_at=timezone.now(),
        failure_message="The work stopped before it finished (interrupted).",
    )


def _status_of(run_pk: int) -> str:
    return ImportRun.objects.filter(pk=run_pk).values_list("status", flat=True).first() or ""


def _heartbeat(run_pk: int) -> contextlib.AbstractContextManager[None]:
    """The run's heartbeat, so long steps that report no progress (writing derived tables)
    still show the worker is alive."""
    return beating(
        lambda: ImportRun.objects.filter(pk=run_pk, status=RunStatus.RUNNING).update(
            heartbeat_at=timezone.now()
        ),
        name=f"heartbeat-{run_pk}",
    )


@contextlib.contextmanager
def beating(beat: Callable[[], object], *, name: str) -> Iterator[None]:
    """Call `beat` (which writes a heartbeat) every HEARTBEAT_SECONDS from a thread of its own
    while the block runs: long work done by the worker says it is still alive."""
    stop = threading.Event()

    def loop() -> None:
        try:
            while not stop.wait(HEARTBEAT_SECONDS):
                try:
                    beat()
                except Exception:
                    # A busy database misses one beat; the next one may get through.
                    log.warning("Heartbeat %s not written", name, exc_info=True)
        finally:
            # The thread's own database connection; nothing else will close it.
            connection.close()

    thread = threading.Thread(target=loop, name=name, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def process_alive(pid: int) -> bool:
    """Whether a process of this machine is still there (a worker that died is not)."""
    if os.name != "posix":
        # No harmless way to probe a process; the heartbeat's silence decides instead.
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
