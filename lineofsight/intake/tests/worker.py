"""The worker run in a test's own process, as `lineofsight worker --batch` runs it."""

from __future__ import annotations

import io
import signal

from django.core.management import call_command


def work_off_the_queue() -> str:
    """Do every queued task, then stop. Returns what the worker said on stderr."""
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    said = io.StringIO()
    try:
        call_command(
            "worker",
            batch=True,
            startup_delay=False,
            reload=False,
            verbosity=0,
            stdout=io.StringIO(),
            stderr=said,
        )
    finally:
        # The worker takes over Ctrl+C for a graceful stop; give it back to the test run.
        for number, handler in handlers.items():
            signal.signal(number, handler)
    return said.getvalue()
