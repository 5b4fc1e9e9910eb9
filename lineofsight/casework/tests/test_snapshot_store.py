"""The snapshot store: the current snapshot, switching, retention, opening files."""

from __future__ import annotations

import datetime
from pathlib import Path

import duckdb
import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from lineofsight.accounts.models import Role, User
from lineofsight.casework import services, store
from lineofsight.casework.models import Snapshot, SourceKind
from lineofsight.history.models import ChangeEvent

pytestmark = pytest.mark.django_db


def _snapshot(name: str, *, current: bool = True, days_ago: int = 0) -> Snapshot:
    """A registered snapshot with a real (tiny) DuckDB file, made as an import would."""
    path = store.snapshot_dir() / f"{name}.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE ssd_person (pers_person_id VARCHAR)")
        con.execute("INSERT INTO ssd_person VALUES (?)", [name])
    created = datetime.datetime(2024, 6, 30, tzinfo=datetime.UTC) - datetime.timedelta(
        days=days_ago
    )
    snapshot = services.snapshot_register(
        actor=None,
        file_name=path.name,
        source_kind=SourceKind.SSD,
        as_at=created.date(),
        row_counts={"ssd_person": 1},
        provided_tables=["ssd_person"],
        content_hash=name.ljust(64, "0"),
        created_at=created,
    )
    assert snapshot.is_current
    return snapshot


def test_nothing_imported_yet() -> None:
    assert store.current_snapshot() is None
    assert store.current_snapshot_path() is None
    with pytest.raises(store.NoCurrentSnapshot):
        store.connect()


def test_connect_opens_the_current_snapshot_read_only() -> None:
    _snapshot("older", days_ago=1)
    newest = _snapshot("newest")
    assert store.current_snapshot() == newest
    assert store.current_snapshot_path() == newest.path
    with store.connect() as con:
        assert con.execute("SELECT pers_person_id FROM ssd_person").fetchone() == ("newest",)
        with pytest.raises(duckdb.Error):
            con.execute("INSERT INTO ssd_person VALUES ('x')")


def test_connect_to_a_chosen_snapshot() -> None:
    older = _snapshot("older", days_ago=1)
    _snapshot("newest")
    with store.connect(older) as con:
        assert con.execute("SELECT pers_person_id FROM ssd_person").fetchone() == ("older",)


def test_make_current_switches_and_records_history() -> None:
    analyst = User.objects.create_user("a@example.org", "pw-123456789", role=Role.ANALYST)
    older = _snapshot("older", days_ago=1)
    newest = _snapshot("newest")

    services.snapshot_make_current(actor=analyst, snapshot=older)

    older.refresh_from_db()
    newest.refresh_from_db()
    assert older.is_current and not newest.is_current
    assert Snapshot.objects.filter(is_current=True).count() == 1
    assert store.current_snapshot() == older
    events = ChangeEvent.objects.filter(action="snapshot_make_current", actor=analyst)
    assert {(e.object_id, tuple(e.changes["is_current"])) for e in events} == {
        (str(older.pk), (False, True)),
        (str(newest.pk), (True, False)),
    }


def test_make_current_on_the_current_snapshot_changes_nothing() -> None:
    current = _snapshot("only")
    before = ChangeEvent.objects.count()
    services.snapshot_make_current(actor=None, snapshot=current)
    assert ChangeEvent.objects.count() == before


def _current_row(file_name: str, **fields) -> Snapshot:
    """A snapshot row marked current directly, past the services, for the database to judge."""
    return Snapshot.objects.create(
        file_name=file_name,
        source_kind=SourceKind.SSD,
        as_at=datetime.date(2024, 1, 1),
        content_hash="0" * 64,
        is_current=True,
        **fields,
    )


def test_only_one_snapshot_can_be_current() -> None:
    _snapshot("first")
    with pytest.raises(IntegrityError), transaction.atomic():
        # Published, so only the one-current rule can refuse it.
        _current_row("second.duckdb", published_at=timezone.now())


def test_a_snapshot_cannot_be_current_unless_published() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        _current_row("staged.duckdb")


def test_a_staged_snapshot_is_not_current_until_published() -> None:
    analyst = User.objects.create_user("a@example.org", "pw-123456789", role=Role.ANALYST)
    (store.snapshot_dir() / "staged.duckdb").write_bytes(b"")
    staged = services.snapshot_register(
        actor=analyst,
        file_name="staged.duckdb",
        source_kind=SourceKind.SSD,
        as_at=datetime.date(2024, 1, 1),
        row_counts={},
        provided_tables=[],
        content_hash="0" * 64,
        publish=False,
    )
    assert staged.is_staged and not staged.is_current
    with pytest.raises(services.SnapshotUnavailable, match="not been published"):
        services.snapshot_make_current(actor=analyst, snapshot=staged)

    published = services.snapshot_publish(actor=analyst, snapshot=staged)

    assert published.is_current and published.published_by == analyst
    assert ChangeEvent.objects.filter(action="snapshot_publish", actor=analyst).exists()


def test_retention_keeps_the_newest_files(settings, django_capture_on_commit_callbacks) -> None:
    settings.SNAPSHOT_RETENTION = 2
    snapshots = [_snapshot(f"s{i}", days_ago=10 - i) for i in range(5)]

    with django_capture_on_commit_callbacks(execute=True):
        pruned = services.snapshot_prune()

    assert {s.pk for s in pruned} == {snapshots[0].pk, snapshots[1].pk, snapshots[2].pk}
    kept = sorted(p.name for p in store.snapshot_dir().iterdir())
    assert kept == ["s3.duckdb", "s4.duckdb"]
    for s in snapshots[:3]:
        s.refresh_from_db()
        assert s.is_removed and s.removed_at is not None
    # Pruning again removes nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.snapshot_prune() == []


def test_retention_never_removes_the_current_snapshot(
    settings, django_capture_on_commit_callbacks
) -> None:
    settings.SNAPSHOT_RETENTION = 1
    oldest = _snapshot("oldest", days_ago=3)
    _snapshot("middle", days_ago=2)
    _snapshot("newest", days_ago=1)
    services.snapshot_make_current(actor=None, snapshot=oldest)

    with django_capture_on_commit_callbacks(execute=True):
        services.snapshot_prune()

    assert sorted(p.name for p in store.snapshot_dir().iterdir()) == [
        "newest.duckdb",
        "oldest.duckdb",
    ]
    assert store.current_snapshot() == oldest


def test_a_removed_snapshot_cannot_be_made_current(
    settings, django_capture_on_commit_callbacks
) -> None:
    settings.SNAPSHOT_RETENTION = 1
    old = _snapshot("old", days_ago=1)
    _snapshot("new")
    with django_capture_on_commit_callbacks(execute=True):
        services.snapshot_prune()
    old.refresh_from_db()

    with pytest.raises(services.SnapshotUnavailable):
        services.snapshot_make_current(actor=None, snapshot=old)
    with pytest.raises(store.SnapshotFileMissing):
        store.connect(old)


def test_a_snapshot_whose_file_vanished_cannot_be_made_current() -> None:
    old = _snapshot("old", days_ago=1)
    _snapshot("new")
    Path(old.path).unlink()
    with pytest.raises(services.SnapshotUnavailable):
        services.snapshot_make_current(actor=None, snapshot=old)
    assert store.current_snapshot().file_name == "new.duckdb"
