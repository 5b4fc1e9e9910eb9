from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path: Path) -> Path:
    """Every test gets its own data folder: snapshots, reports and temporary files (intake and
    timeliness tests use this fixture too)."""
    settings.VAR_DIR = tmp_path / "var"
    settings.SNAPSHOT_DIR = settings.VAR_DIR / "snapshots"
    settings.SNAPSHOT_RETENTION = 3
    return settings.VAR_DIR
