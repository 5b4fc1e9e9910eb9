from __future__ import annotations

from pathlib import Path

import pytest

from lineofsight.casework.models import Snapshot
from lineofsight.casework.tests.conftest import data_dir  # noqa: F401  (autouse: a data folder)
from lineofsight.intake import pipeline, services
from lineofsight.intake.models import ImportRun, RunStatus

from . import extract


@pytest.fixture(autouse=True)
def post_load_steps(monkeypatch: pytest.MonkeyPatch) -> list[pipeline.PostLoadStep]:
    """Imports here load the SSD tables only: derived tables belong to other apps, which test
    them. Returns the steps other apps registered, for the tests that want them."""
    registered = list(pipeline.POST_LOAD_STEPS)
    monkeypatch.setattr(pipeline, "POST_LOAD_STEPS", [])
    return registered


@pytest.fixture
def registered_post_load_steps(
    post_load_steps: list[pipeline.PostLoadStep], monkeypatch: pytest.MonkeyPatch
) -> list[pipeline.PostLoadStep]:
    monkeypatch.setattr(pipeline, "POST_LOAD_STEPS", list(post_load_steps))
    return post_load_steps


@pytest.fixture
def ssd_dir(tmp_path: Path) -> Path:
    return extract.write(tmp_path / "ssd")


@pytest.fixture
def baseline(db, tmp_path: Path) -> Snapshot:
    """A valid extract, imported and current, for tests that check a bad import changes nothing."""
    run = services.ssd_extract_import(directory=extract.write(tmp_path / "baseline"))
    assert run.status == RunStatus.SUCCEEDED, run.failure_message
    return run.snapshot


def assert_nothing_changed(baseline: Snapshot, run: ImportRun, var_dir: Path) -> None:
    """The run failed, the baseline is still current, and no file was left behind."""
    assert run.status == RunStatus.FAILED
    assert run.snapshot is None
    current = Snapshot.objects.get(is_current=True)
    assert current.pk == baseline.pk
    assert Snapshot.objects.count() == 1
    snapshot_files = sorted(p.name for p in (var_dir / "snapshots").iterdir())
    assert snapshot_files == [baseline.file_name]
    tmp = var_dir / "tmp"
    assert not tmp.exists() or not any(tmp.iterdir())
