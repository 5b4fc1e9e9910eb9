"""`lineofsight worker`: the process that does long work queued from pages (imports uploaded on
the Imports page, recomputes from the Timescales page), beside the web server.

It is django-tasks' database worker (`db_worker`, with the same options: --batch to do what is
queued and stop, --max-tasks, --interval), which first closes the runs a worker that died left
running, so they say they failed instead of holding back every later import."""

from __future__ import annotations

from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from lineofsight.intake import services


class Command(DatabaseWorkerCommand):
    help = (
        "Do the long work queued from pages (uploaded imports, recomputes): closes the runs a "
        "worker that died left running, then takes queued tasks from the database one by one."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for run in services.import_runs_close_interrupted():
            self.stderr.write(f"Run {run.pk} was left running: {run.failure_message}")
        super().handle(*args, **options)
