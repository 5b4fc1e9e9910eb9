"""Pooled extracts for the regional tests: three synthetic East Midlands councils imported and
exported once per test session, and the hand-made extract of date edges (edges.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lineofsight.region import pooled

from . import edges

# Three councils of one region, small: the equivalence of the engines, not their speed.
COUNCILS = ("830", "891", "892")
SCALE = 0.03
KEY = bytes(range(32))

_CACHE: dict[str, Path] = {}


def export_snapshot(snapshot, directory: Path, *, code: str, settings) -> Path:
    settings.COUNCIL_CODE = code
    pooled.pooled_export_write(snapshot=snapshot, directory=directory, key=KEY)
    return directory


@pytest.fixture
def synthetic_extracts(db, settings, tmp_path, tmp_path_factory) -> list[Path]:
    """The three councils' pooled extracts (made by the first test that asks)."""
    from lineofsight.casework import store
    from lineofsight.intake import services
    from lineofsight.intake.models import RunStatus
    from lineofsight.synthetic.csww import write_census
    from lineofsight.synthetic.generator import synthesize

    if any(code not in _CACHE for code in COUNCILS):
        keep = tmp_path_factory.mktemp("pooled")
        for code in COUNCILS:
            result = synthesize(code, tmp_path / code, scale=SCALE, seed=5, annex_a=False)
            census = write_census(result.out, seed=5)
            run = services.ssd_extract_import(
                directory=result.out / "ssd", census=census, gate_mode="accept"
            )
            assert run.status == RunStatus.SUCCEEDED, run.failure_message
            export_snapshot(store.current_snapshot(), keep / code, code=code, settings=settings)
            _CACHE[code] = keep / code
    return [_CACHE[code] for code in COUNCILS]


@pytest.fixture
def edges_extract(db, settings, tmp_path_factory) -> Path:
    """The hand-made extract of date edges, as council 891's."""
    if "edges" not in _CACHE:
        from lineofsight.worklists.tests.snapshots import build_snapshot

        snapshot = build_snapshot(tables=edges.tables(), derive=True, as_at=edges.AS_AT)
        target = tmp_path_factory.mktemp("edges") / "891"
        export_snapshot(snapshot, target, code="891", settings=settings)
        _CACHE["edges"] = target
    return _CACHE["edges"]


@pytest.fixture
def copy_of(tmp_path):
    """A copy of an extract a test may change."""

    def make(directory: Path) -> Path:
        target = tmp_path / f"copy-{directory.name}"
        shutil.copytree(directory, target)
        return target

    return make
