"""One small synthetic council shared by the tests that only read its files."""

from __future__ import annotations

from pathlib import Path

import pytest

from lineofsight.synthetic.generator import Result, synthesize

SMALL_AREA = "891"  # Nottinghamshire
SMALL_SCALE = 0.05


@pytest.fixture(scope="session")
def small_council(tmp_path_factory: pytest.TempPathFactory) -> Result:
    out = tmp_path_factory.mktemp("small-council")
    return synthesize(SMALL_AREA, out, scale=SMALL_SCALE, seed=3)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The project's shared reference material (read-only), when present."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent.parent / "shared"
        if (candidate / "README.md").exists():
            return candidate
    pytest.fail("shared/ material not found next to the project")
