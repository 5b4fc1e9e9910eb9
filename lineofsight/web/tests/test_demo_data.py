"""`demo_data` gives the demonstration council casework and the practice records users would have
written by then, once: running it again changes nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from lineofsight.actions.models import ImprovementAction
from lineofsight.casework import store
from lineofsight.feedback.models import Feedback
from lineofsight.indicators.models import CommitteeReport, IndicatorTarget
from lineofsight.practiceweeks.models import Observation, PracticeWeek

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {
        "weeks": PracticeWeek.objects.count(),
        "observations": Observation.objects.count(),
        "feedback": Feedback.objects.count(),
        "actions": ImprovementAction.objects.count(),
        "targets": IndicatorTarget.objects.count(),
        "reports": CommitteeReport.objects.count(),
    }


def test_demo_data_imports_casework_and_adds_practice_records_once():
    out = io.StringIO()
    call_command("demo_data", scale=0.02, stdout=out)
    assert store.current_snapshot() is not None
    first = _counts()
    assert first["weeks"] == 1 and first["observations"] > 0
    assert first["feedback"] == 5 and first["actions"] == 2
    assert first["targets"] > 0 and first["reports"] == 1
    assert "made a draft committee report" in out.getvalue()

    again = io.StringIO()
    call_command("demo_data", scale=0.02, stdout=again)
    assert _counts() == first
    assert "made " not in again.getvalue()
