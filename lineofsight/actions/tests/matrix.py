"""URL arguments for tests/url_matrix.py's improvement action plan entries.

The plan is of an indicator ("referrals"): the quality assurance lead raised an action from it
about East, owned by the East team manager. Everyone who sees indicators sees the plan; the
practitioner (no indicators, not their action) gets 404, as for anything out of sight.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from lineofsight.actions import services
from lineofsight.actions.models import SourceType


def indicator_plan(council) -> dict:
    services.action_create(
        actor=council["users"]["qa_lead"],
        source_type=SourceType.INDICATOR,
        source_id="referrals",
        team=council["teams"]["east"],
        issue="Referrals rose by a third in a quarter.",
        action="Review the front door's thresholds with partners.",
        risk_if_not_done="Families wait longer for help.",
        owner=council["users"]["team_manager"],
        due_date=timezone.localdate() + datetime.timedelta(days=20),
        themes=["assessment-quality"],
    )
    return {"source_type": SourceType.INDICATOR.value, "source_id": "referrals"}
