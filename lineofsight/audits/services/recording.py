"""The common last step of a service that changes a few fields of one row."""

from __future__ import annotations

from typing import Any

from django.db import models

from lineofsight.history.services import capture, record_change


def save_recorded(*, actor: Any, obj: models.Model, action: str, **values: Any) -> None:
    """Set `values` on `obj`, save only those fields, and write the history row of what changed
    (the caller holds the row locked, inside its transaction)."""
    before = capture(obj, values)
    for name, value in values.items():
        setattr(obj, name, value)
    obj.save(update_fields=list(values))
    record_change(actor=actor, action=action, obj=obj, before=before)
