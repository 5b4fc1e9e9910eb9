"""The one mechanism every write service uses to record what it changed.

A service takes `capture(obj, fields)` before changing an object and passes it to
`record_change(...)` afterwards, inside the same transaction, so the record and its history are
written together or not at all. `record_creation`, `record_removal` and `record_set` say the
common cases once: an object created, an object about to be deleted, one value newly given.
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


def record_creation(*, actor: Any, action: str, obj: models.Model, fields: Iterable[str]) -> None:
    """Record that `obj` was created, with its `fields` as they were saved."""
    record_change(actor=actor, action=action, obj=obj, before=capture(None, fields))


def record_removal(*, actor: Any, action: str, obj: models.Model, fields: Iterable[str]) -> None:
    """Record that `obj` is being removed: its `fields` as they were, and nothing after. Call it
    before deleting the object, while it still has its primary key."""
    fields = tuple(fields)
    before, after = capture(obj, fields), dict.fromkeys(fields)
    record_change(actor=actor, action=action, obj=obj, before=before, after=after)


# record_set's default value: the one the object now holds in the field.
_AS_HELD = object()


def record_set(
    *, actor: Any, action: str, obj: models.Model, field: str, value: Any = _AS_HELD
) -> None:
    """Record `field` given `value` where it had none (a moderator allocated, a link used).
    Without `value`, what `obj` now holds in `field` is recorded."""
    after = None if value is _AS_HELD else {field: value}
    record_change(actor=actor, action=action, obj=obj, before={field: None}, after=after)


def history_for(obj: models.Model):
    return ChangeEvent.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).select_related("actor")
