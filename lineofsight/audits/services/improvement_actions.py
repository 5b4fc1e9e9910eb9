"""Improvement actions raised from an audit, in the shared actions model."""

from __future__ import annotations

from typing import Unpack

from lineofsight.accounts.models import User
from lineofsight.actions import services as action_services
from lineofsight.actions.models import ImprovementAction, SourceType

from ..models import Audit
from .errors import AuditError


def audit_action_create(
    *, actor: User, audit: Audit, **details: Unpack[action_services.ActionDetails]
) -> ImprovementAction:
    """An improvement action for the audited child's case, in the shared actions model."""
    try:
        return action_services.action_create(
            actor=actor,
            source_type=SourceType.AUDIT,
            source_id=audit.pk,
            person_id=audit.person_id,
            team=audit.team,
            **details,
        )
    except action_services.ActionError as exc:
        raise AuditError(str(exc)) from exc
