"""Concerns raised on audits before this app existed are copied into it (migration 0002)."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from lineofsight.audits.models import SafeguardingConcern
from lineofsight.concerns.models import Concern, Level
from lineofsight.history.models import ChangeEvent

from .helpers import concern_council

pytestmark = pytest.mark.django_db

copy = importlib.import_module("lineofsight.concerns.migrations.0002_copy_audit_concerns").copy


def test_old_audit_concerns_are_copied_once_with_who_was_told(council):
    c = concern_council(council)
    u = c["users"]
    raised = timezone.now() - datetime.timedelta(hours=30)
    old_open = SafeguardingConcern.objects.create(
        audit=c["audit"],
        raised_by=u["west_manager"],
        raised_at=raised,
        description="Old, unanswered.",
        respond_by=raised + datetime.timedelta(hours=24),
    )
    old_open.notified.set([u["team_manager"], u["service_manager"]])
    SafeguardingConcern.objects.create(
        audit=c["audit"],
        raised_by=u["qa_lead"],
        raised_at=raised - datetime.timedelta(days=2),
        description="Old, answered.",
        respond_by=raised,
        response="Seen.",
        responded_by=u["team_manager"],
        responded_at=raised - datetime.timedelta(days=1),
    )

    copy(apps, None)
    copy(apps, None)  # running it twice copies nothing twice

    assert Concern.objects.count() == 2
    new_open = Concern.objects.get(description="Old, unanswered.")
    assert new_open.source_type == "audit" and new_open.source_id == str(c["audit"].pk)
    assert (new_open.person_id, new_open.team, new_open.level) == ("E042", c["teams"]["east"], 1)
    assert new_open.respond_by == old_open.respond_by and new_open.is_open
    assert set(new_open.notices.values_list("user__role", flat=True)) == {
        "team_manager",
        "service_manager",
    }
    # Shown on home pages at the time, not emailed: nothing is sent now.
    assert not new_open.notices.exclude(email="").exists()
    answered = Concern.objects.get(description="Old, answered.")
    assert answered.response == "Seen." and answered.responded_by == u["team_manager"]
    assert ChangeEvent.objects.filter(action="concern_copy_from_audits").count() == 2
    # The copied open concern is overdue, so the next run escalates it.
    assert new_open.level == Level.TEAM and new_open.is_overdue()
