"""The committee report's download as a background task: it waits in the database (django-tasks,
settings.TASKS, as imports do) until `lineofsight worker` takes it. The work is exports.build."""

from __future__ import annotations

from django_tasks import TaskContext, task
from django_tasks.backends.immediate import ImmediateBackend

from . import exports


# Before a waiting import or recompute: someone is on the page waiting for this file.
@task(takes_context=True, priority=10)
def committee_export_build(context: TaskContext, export_pk: int) -> str:
    """Prepare CommitteeExport `export_pk`'s file; returns the export's status afterwards."""
    # A worker process beats so its death shows; work done at once in the request that asked
    # for it (the immediate backend) dies with that request.
    in_worker = not isinstance(context.task_result.task.get_backend(), ImmediateBackend)
    return exports.build(export_pk=export_pk, heartbeat=in_worker)
