"""The one optimistic lock. An edit form carries the `version` of the row it was loaded with;
the service, inside its transaction, calls `version_take` before writing. A save over someone
else's newer change is refused with the app's EditConflict and nothing is overwritten; the page
shows what they saved (web/includes/conflict.html) with this person's text still in the form."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.db import models
from django.db.models import F

from .errors import EditConflict

M = TypeVar("M", bound=models.Model)


def version_take(
    model: type[M],
    pk: object,
    *,
    expected_version: int,
    conflict: Callable[[M], EditConflict],
    field: str = "version",
) -> M:
    """Lock the row, check it is still at `expected_version` and move it to the next version.
    Returns the row as it was before this save (for its history). Raises `conflict(row now)`.
    Call it inside the service's transaction, before any other write. `field` names the
    row's version counter when it is not called `version`."""
    row = model.objects.select_for_update().get(pk=pk)
    if getattr(row, field) != expected_version:
        raise conflict(row)
    # The version test is repeated in the UPDATE itself, so the refusal holds even on a database
    # that does not lock rows for SELECT ... FOR UPDATE (SQLite).
    moved = model.objects.filter(pk=pk, **{field: expected_version}).update(**{field: F(field) + 1})
    if moved != 1:
        raise conflict(model.objects.get(pk=pk))
    return row
