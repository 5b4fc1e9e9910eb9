"""Case data on the home page of whoever runs imports (registered with web.panels in
IntakeConfig.ready()): the last import, the case data in use, and imports waiting for review.
Counts here are of imports (the analyst's own work items, each listed on the Imports page), so
they are exact."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from lineofsight.accounts import policy
from lineofsight.accounts.models import User
from lineofsight.casework import store
from lineofsight.web.figures import number_text
from lineofsight.web.panels import Figure, Panel, PanelItem

from . import selectors
from .models import RunStatus


def _when(value) -> str:
    return f"{timezone.localtime(value):%d/%m/%Y %H:%M}" if value else ""


def home_panels(user: User) -> list[Panel]:
    if not policy.can(user, policy.Capability.RUN_IMPORTS):
        return []
    imports_url = reverse("intake:imports")
    last = selectors.import_run_list().first()
    in_review = selectors.imports_in_review()
    current = store.current_snapshot()
    figures = [
        Figure(
            "Last import",
            f"{last.get_status_display()}, started {_when(last.started_at)}"
            if last
            else "No import has been run yet",
            reverse("intake:import_detail", kwargs={"pk": last.pk}) if last else imports_url,
        ),
        Figure(
            "Case data in use",
            f"As at {current.as_at:%d/%m/%Y}" if current else "None: nothing has been imported",
            reverse("intake:snapshots") if current else "",
        ),
        Figure("Imports waiting for your review", number_text(len(in_review)), imports_url),
    ]
    if last is not None and last.status == RunStatus.FAILED:
        figures.append(Figure("Problems in the last import", number_text(last.error_count)))
    items = tuple(
        PanelItem(
            text=f"Import started {_when(run.started_at)}",
            url=reverse("intake:import_detail", kwargs={"pk": run.pk}),
            detail=(
                f"{number_text(run.error_count)} errors, {number_text(run.warning_count)} warnings"
            ),
            tag="Ready to review",
            tag_class="govuk-tag--yellow",
        )
        for run in in_review[:5]
    )
    return [
        Panel(
            key="case_data",
            title="Case data",
            items=items,
            figures=tuple(figures),
            more_url=imports_url,
            more_text="Go to imports",
        )
    ]
