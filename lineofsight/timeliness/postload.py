"""The import's post-load step: timeliness and drift tables, under the configuration now in force.

Registered in TimelinessConfig.ready(), so intake never imports this app.
"""

from __future__ import annotations

from lineofsight.intake.pipeline import LoadContext

from . import derive, selectors


def timeliness_and_drift(context: LoadContext) -> None:
    """Compute open_cases, event_timeliness, drift_flags and their metadata in the new snapshot."""
    derive.compute(
        con=context.con,
        alias=context.alias,
        as_at=context.as_at,
        provided=context.provided_tables,
        source_kind=context.source_kind,
        source_fields=context.source_fields,
        rules=selectors.rules_in_force(),
        calendar=selectors.working_calendar(),
    )
