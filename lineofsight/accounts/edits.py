"""The one way a person's edit to a versioned row is saved: take the optimistic lock
(`web.locking.version_take`), write the new values stamped with who saved them and when, and keep
the row's history. An app describes each such edit once, as a VersionedEdit beside the fields it
keeps; its service calls `save` inside its own transaction, after its own checks."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.db import models
from django.utils import timezone

from lineofsight.history.services import capture, record_change
from lineofsight.web.errors import EditConflict
from lineofsight.web.locking import version_take

if TYPE_CHECKING:
    from .models import User

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class VersionedEdit(Generic[M]):
    """An edit to rows of `model`: the `fields` its history keeps, the `action` it is recorded
    as, the `conflict` raised (with the row as it is now) when someone saved it meanwhile, and
    the relations the saved row is read again with. `stamped` rows take updated_by and
    updated_at; others say who saved them in their own values."""

    model: type[M]
    fields: tuple[str, ...]
    action: str
    conflict: Callable[[M], EditConflict]
    related: tuple[str, ...] = ("updated_by",)
    stamped: bool = True

    def save(
        self, pk: object, *, actor: User, expected_version: int, values: Mapping[str, Any]
    ) -> M:
        """Save `values` on the row if it is still at `expected_version` (else the conflict,
        changing nothing), record the change and return the saved row."""
        row = version_take(
            self.model, pk, expected_version=expected_version, conflict=self.conflict
        )
        before = capture(row, self.fields)
        stamp = {"updated_by": actor, "updated_at": timezone.now()} if self.stamped else {}
        self.model.objects.filter(pk=pk).update(**values, **stamp)
        saved = self.model.objects.select_related(*self.related).get(pk=pk)
        record_change(actor=actor, action=self.action, obj=saved, before=before)
        return saved
