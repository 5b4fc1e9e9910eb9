"""The quality assurance lead's audit figures on the home page (audits.home)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ..home import home_panels
from ..models import AuditStatus, Grade, ModerationReason
from . import factories

pytestmark = pytest.mark.django_db


def test_the_qa_lead_sees_audits_and_moderation_across_programmes(council):
    qa, tm = council["users"]["qa_lead"], council["users"]["team_manager"]
    programme = factories.programme(qa)
    west = council["teams"]["west"]
    factories.audit(programme, person_id="W1", team=west, auditor=tm, due_in_days=-3)
    factories.audit(programme, person_id="W2", team=west, auditor=tm, due_in_days=5)
    done = factories.audit(programme, person_id="W3", team=west, auditor=tm, due_in_days=-9)
    done.status = AuditStatus.SUBMITTED  # submitted late: no longer overdue
    done.save()
    factories.moderation(
        done,
        factories.draw(programme, qa),
        qa,
        auditor=tm,
        auditor_grade=Grade.GOOD,
        reason=ModerationReason.values[0],
    )
    (panel,) = home_panels(qa)
    figures = {f.label: (f.value, f.url) for f in panel.figures}
    assert figures["Audits not yet submitted"] == ("2", reverse("audits:programmes"))
    assert figures["Audits past their due date"] == ("1", reverse("audits:my_audits"))
    assert figures["Audits waiting for a moderator's grade"][0] == "1"
    assert figures["Moderated audits waiting for the agreed grade"][0] == "0"


@pytest.mark.parametrize("role", ["team_manager", "senior_leader", "practitioner", "analyst"])
def test_only_those_who_run_programmes_get_these_figures(council, role):
    assert home_panels(council["users"][role]) == []
