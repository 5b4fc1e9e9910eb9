"""Reads of the snapshot registry. Snapshot metadata holds no child's details (only counts and
dates), so the registry is not scoped by user; the casework inside a snapshot is, elsewhere."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import Snapshot


def snapshot_list() -> QuerySet[Snapshot]:
    """Every snapshot ever registered, newest first, including those whose files were removed."""
    return Snapshot.objects.order_by("-created_at", "-id")


def snapshot_get(pk: int) -> Snapshot:
    """The snapshot, or 404."""
    return get_object_or_404(Snapshot, pk=pk)


def snapshots_kept() -> QuerySet[Snapshot]:
    """Snapshots whose files are still on disk: the ones that can be made current."""
    return snapshot_list().filter(removed_at__isnull=True)
