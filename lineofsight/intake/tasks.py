"""The background task the worker runs (django-tasks; settings.TASKS names its backend, the
database in production, so a task waits in the database until `lineofsight worker` takes it).
What the task does is the work registered under its kind in intake.background."""

from __future__ import annotations

from typing import Any

from django_tasks import TaskContext, task
from django_tasks.backends.immediate import ImmediateBackend

from . import background


@task(takes_context=True)
def long_work(context: TaskContext, run_pk: int, kind: str, params: dict[str, Any]) -> str:
    """Do the work `kind` recorded on ImportRun `run_pk`; returns the run's status afterwards."""
    # A worker process beats so that its death shows; work done at once inside the request that
    # asked for it (the immediate backend) dies with that process, which the run names.
    in_worker = not isinstance(context.task_result.task.get_backend(), ImmediateBackend)
    return background.run_work(run_pk=run_pk, kind=kind, params=params, heartbeat=in_worker)
