"""Improvement actions raised from an audit, in the shared actions model."""

from __future__ import annotations

import datetime

from lineofsight.accounts.models import User
from lineofsight.actions import services as action_services
from lineofsight.actions.models import ImprovementAction, Priority, SourceType

from ..models import (
    Audit,
)
from .errors import AuditError


def audit_action_create(
    *,
    actor: User,
    audit: Audit,
    issue: str,
    action: str,
    owner: User,
    due_date: datetime.date,
    priority: str = Priority.MEDIUM,
    risk_if_not_done: str = "",
) -> ImprovementAction:
    """An improvement action for the audited child's case, in the shared actions model."""
    try:
        return action_services.action_create(
            actor=actor,
            source_type=SourceType.AUDIT,
            source_id=audit.pk,
            person_id=audit.person_id,
            team=audit.team,
            issue=issue,
            action=action,
            owner=owner,
            due_date=due_date,
            priority=priority,
            risk_if_not_done=risk_if_not_done,
        )
    except action_services.ActionError as exc:
        raise AuditError(str(exc)) from exc
