"""Every change to the snapshot registry: registering a new snapshot, choosing the current one,
and removing old files under the retention policy. Each writes change history."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lineofsight.history.services import capture, record_change, record_creation

from . import writer
from .models import Snapshot, SourceKind

if TYPE_CHECKING:
    from lineofsight.accounts.models import User

log = logging.getLogger(__name__)

_SWITCH_FIELDS = ("is_current",)
_CREATE_FIELDS = ("file_name", "source_kind", "as_at", "content_hash", "is_current")
_PUBLISH_FIELDS = ("published_at", "published_by")


class SnapshotUnavailable(ValueError):
    """The snapshot cannot be made current: its file has been removed."""


def snapshot_register(
    *,
    actor: User | None,
    file_name: str,
    source_kind: SourceKind | str,
    as_at: datetime.date,
    row_counts: Mapping[str, int],
    provided_tables: Sequence[str],
    content_hash: str,
    duckdb_version: str = "",
    created_at: datetime.datetime | None = None,
    publish: bool = True,
    source_fields: Mapping[str, Sequence[str]] | None = None,
) -> Snapshot:
    """Record a snapshot file that has been written in full, and publish it (make it the
    current one). With publish=False it is staged instead: kept, never current, until an
    analyst publishes or discards it (snapshot_publish, snapshot_discard).

    Call it inside the caller's transaction together with the rename that publishes the file, so
    the registry never names a file that is not there.
    """
    with transaction.atomic():
        snapshot = Snapshot.objects.create(
            file_name=file_name,
            source_kind=source_kind,
            as_at=as_at,
            created_at=created_at or timezone.now(),
            row_counts=dict(row_counts),
            provided_tables=sorted(provided_tables),
            content_hash=content_hash,
            duckdb_version=duckdb_version,
            is_current=False,
            source_fields={t: sorted(f) for t, f in (source_fields or {}).items()},
        )
        record_creation(
            actor=actor, action="snapshot_register", obj=snapshot, fields=_CREATE_FIELDS
        )
        if not publish:
            return snapshot
        return snapshot_publish(actor=actor, snapshot=snapshot)


def snapshot_publish(*, actor: User | None, snapshot: Snapshot) -> Snapshot:
    """Publish a staged snapshot: record who and when, and make it current."""
    with transaction.atomic():
        target = Snapshot.objects.select_for_update().get(pk=snapshot.pk)
        if target.removed_at is not None:
            raise SnapshotUnavailable(f"{target} was discarded or its file removed.")
        if target.published_at is None:
            before = capture(target, _PUBLISH_FIELDS)
            target.published_at = timezone.now()
            target.published_by = actor if getattr(actor, "pk", None) else None
            target.save(update_fields=["published_at", "published_by"])
            record_change(actor=actor, action="snapshot_publish", obj=target, before=before)
        current = snapshot_make_current(actor=actor, snapshot=target)
    snapshot.published_at, snapshot.published_by_id = target.published_at, target.published_by_id
    snapshot.is_current = True
    return current


def snapshot_discard(*, actor: User | None, snapshot: Snapshot) -> Snapshot:
    """Discard a staged snapshot: it will never be current, and its file is deleted."""
    with transaction.atomic():
        target = Snapshot.objects.select_for_update().get(pk=snapshot.pk)
        if not target.is_staged:
            raise SnapshotUnavailable(f"{target} is not waiting for review.")
        before = capture(target, ("removed_at",))
        target.removed_at = timezone.now()
        target.save(update_fields=["removed_at"])
        record_change(actor=actor, action="snapshot_discard", obj=target, before=before)
        path = target.path
        transaction.on_commit(lambda: _delete_files([path]))
    snapshot.removed_at = target.removed_at
    return target


def snapshot_make_current(*, actor: User | None, snapshot: Snapshot) -> Snapshot:
    """Make `snapshot` the one pages read. Exactly one snapshot is current at any time."""
    with transaction.atomic():
        # Lock the target and whichever row is current now, so two switches at once queue up
        # instead of both clearing the old row (PostgreSQL; SQLite serialises writers anyway).
        target = Snapshot.objects.select_for_update().get(pk=snapshot.pk)
        if target.is_removed:
            raise SnapshotUnavailable(f"{target} can no longer be used: its file was removed.")
        if not target.path.exists():
            raise SnapshotUnavailable(f"{target} can no longer be used: its file is missing.")
        if target.published_at is None:
            raise SnapshotUnavailable(
                f"{target} has not been published: publish it from its import's page."
            )
        if target.is_current:
            return target
        # Under READ COMMITTED a switch that committed while this one waited for a lock is
        # invisible to the query that waited, so ask again until no other row is current.
        while others := list(
            Snapshot.objects.select_for_update().filter(is_current=True).exclude(pk=target.pk)
        ):
            for old in others:
                before = capture(old, _SWITCH_FIELDS)
                old.is_current = False
                old.save(update_fields=["is_current"])
                record_change(actor=actor, action="snapshot_make_current", obj=old, before=before)
        before = capture(target, _SWITCH_FIELDS)
        target.is_current = True
        target.save(update_fields=["is_current"])
        record_change(actor=actor, action="snapshot_make_current", obj=target, before=before)
    snapshot.is_current = True
    return target


def snapshot_prune(*, actor: User | None = None, keep: int | None = None) -> list[Snapshot]:
    """Delete the files of all but the newest `keep` snapshots (default: SNAPSHOT_RETENTION).

    The current snapshot is always kept, even when it is older. Pruned snapshots stay in the
    registry, marked removed. Files are deleted only once the marking has been committed.
    """
    keep = max(1, settings.SNAPSHOT_RETENTION if keep is None else keep)
    pruned: list[Snapshot] = []
    with transaction.atomic():
        live = list(
            Snapshot.objects.select_for_update()
            .filter(removed_at__isnull=True)
            .order_by("-created_at", "-id")
        )
        now = timezone.now()
        # A staged snapshot waits for review: it is neither counted nor removed.
        live = [s for s in live if not s.is_staged]
        for snapshot in live[keep:]:
            if snapshot.is_current:
                continue
            before = capture(snapshot, ("removed_at",))
            snapshot.removed_at = now
            snapshot.save(update_fields=["removed_at"])
            record_change(actor=actor, action="snapshot_prune", obj=snapshot, before=before)
            pruned.append(snapshot)
        paths = [s.path for s in pruned]
        transaction.on_commit(lambda: _delete_files(paths))
    return pruned


def _delete_files(paths: list[Path]) -> None:
    for path in paths:
        try:
            writer.discard(path)
        except OSError:
            # Windows refuses while a reader has the file open; the sweep tries again later.
            log.warning("Could not delete old snapshot file %s", path, exc_info=True)
