"""The one mechanism every write service uses to record what it changed.

A service takes `capture(obj, fields)` before changing an object and passes it to
`record_change(...)` afterwards, inside the same transaction, so the record and its history are
written together or not at all.
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Iterable
from typing import Any

from django.db import models

from .models import ChangeEvent


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return sorted(_plain(v) for v in value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def capture(obj: models.Model | None, fields: Iterable[str]) -> dict[str, Any]:
    """The values of `fields` on `obj` now (all None for an object about to be created)."""
    if obj is None:
        return dict.fromkeys(fields)
    return {f: _plain(getattr(obj, f)) for f in fields}


def record_change(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    before: dict[str, Any],
    after: dict[str, Any] | None = None,
) -> ChangeEvent | None:
    """Write one history row for the fields whose values differ; None if nothing changed."""
    if after is None:
        after = capture(obj, before.keys())
    changes = {
        field: [before.get(field), _plain(after.get(field))]
        for field in sorted(set(before) | set(after))
        if before.get(field) != _plain(after.get(field))
    }
    if not changes:
        return None
    return ChangeEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        changes=changes,
    )


def history_for(obj: models.Model):
    return ChangeEvent.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).select_related("actor")
