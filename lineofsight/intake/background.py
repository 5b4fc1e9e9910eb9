"""Long work recorded on an ImportRun (an upload's import, a recompute), started from a page and
run in a background thread, as imports run: a plain thread, no queue, one run at a time, and the
run records its own progress and outcome."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django.conf import settings
from django.db import close_old_connections, connection

from .models import ImportRun

log = logging.getLogger(__name__)


def run_in_background(
    *, run: ImportRun, work: Callable[[ImportRun], object], label: str
) -> ImportRun:
    """Do `work` on `run` in a background thread, or at once when settings.INTAKE_IMPORTS_INLINE
    is true (as in tests). `label` names the work in the thread's name and the log."""
    if getattr(settings, "INTAKE_IMPORTS_INLINE", False):
        _work_on(run.pk, work, label, own_connection=False)
        run.refresh_from_db()
    else:
        threading.Thread(
            target=_work_on,
            args=(run.pk, work, label),
            kwargs={"own_connection": True},
            name=f"{label.lower()}-{run.pk}",
            daemon=True,
        ).start()
    return run


def _work_on(
    run_pk: int, work: Callable[[ImportRun], object], label: str, *, own_connection: bool
) -> None:
    if own_connection:
        close_old_connections()
    try:
        work(ImportRun.objects.get(pk=run_pk))
    except Exception:
        # The run is already marked failed with the reason; the log keeps the traceback.
        log.exception("%s %s failed", label, run_pk)
    finally:
        if own_connection:
            # The thread's own database connection; nothing else will close it.
            connection.close()
