"""Case data on the analyst's home page (intake.home): the last import and those to review."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lineofsight.casework.models import SourceKind

from ..home import home_panels
from ..models import ImportRun, RunStatus

pytestmark = pytest.mark.django_db


def _figures(panel) -> dict[str, tuple[str, str]]:
    return {f.label: (f.value, f.url) for f in panel.figures}


def test_before_any_import_the_analyst_is_told_so(council):
    (panel,) = home_panels(council["users"]["analyst"])
    figures = _figures(panel)
    assert figures["Last import"][0] == "No import has been run yet"
    assert figures["Case data in use"][0] == "None: nothing has been imported"
    assert figures["Imports waiting for your review"] == ("0", reverse("intake:imports"))
    assert panel.items == ()


def test_imports_stopped_by_the_quality_gate_are_listed_for_review(council):
    ImportRun.objects.create(source_kind=SourceKind.SSD, status=RunStatus.SUCCEEDED)
    waiting = ImportRun.objects.create(
        source_kind=SourceKind.SSD, status=RunStatus.REVIEW, error_count=0, warning_count=3
    )
    (panel,) = home_panels(council["users"]["analyst"])
    figures = _figures(panel)
    assert figures["Imports waiting for your review"][0] == "1"
    assert figures["Last import"][1] == reverse("intake:import_detail", kwargs={"pk": waiting.pk})
    (item,) = panel.items
    assert item.url == reverse("intake:import_detail", kwargs={"pk": waiting.pk})
    assert item.detail == "0 errors, 3 warnings"


@pytest.mark.parametrize("role", ["qa_lead", "senior_leader", "team_manager", "administrator"])
def test_only_those_who_run_imports_see_it(council, role):
    assert home_panels(council["users"][role]) == []
