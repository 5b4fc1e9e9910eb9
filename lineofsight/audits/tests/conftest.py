from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lineofsight.audits import services
from lineofsight.casework.models import Snapshot

from . import casefile_extract

# One import per test session: later tests copy its file and register it as their own.
_SNAPSHOT_CACHE: dict[str, tuple[Path, dict]] = {}


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path: Path) -> Path:
    """Every test gets its own folder for snapshot files."""
    settings.VAR_DIR = tmp_path / "var"
    settings.SNAPSHOT_DIR = settings.VAR_DIR / "snapshots"
    return settings.VAR_DIR


@pytest.fixture
def tools(db):
    from lineofsight.audits.models import AuditToolVersion

    services.audit_tools_load()
    return {v.tool.key: v for v in AuditToolVersion.objects.select_related("tool")}


@pytest.fixture
def snapshot(db, tmp_path: Path, settings, tmp_path_factory) -> Snapshot:
    """A current casework snapshot of the test council's teams (casefile_extract.py)."""
    cached = _SNAPSHOT_CACHE.get("default")
    if cached is None:
        snap = casefile_extract.import_snapshot(tmp_path / "extract")
        keep = tmp_path_factory.mktemp("snapshot-cache") / snap.file_name
        shutil.copy(snap.path, keep)
        fields = {
            f: getattr(snap, f)
            for f in (
                "file_name",
                "source_kind",
                "as_at",
                "row_counts",
                "provided_tables",
                "content_hash",
                "duckdb_version",
            )
        }
        _SNAPSHOT_CACHE["default"] = (keep, fields)
        return snap
    keep, fields = cached
    target = Path(settings.SNAPSHOT_DIR)
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(keep, target / fields["file_name"])
    from django.utils import timezone

    return Snapshot.objects.create(is_current=True, published_at=timezone.now(), **fields)
