"""docs/architecture.md and the import-linter layers in pyproject.toml name every app, so a new
app cannot be left out of the newcomer's guide or of the layers `make lint` checks."""

import re
import tomllib
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
GUIDE = (ROOT / "docs" / "architecture.md").read_text()
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def _installed_apps() -> list[str]:
    return [
        name.removeprefix("lineofsight.")
        for name in settings.INSTALLED_APPS
        if name.startswith("lineofsight.")
    ]


def _packages() -> list[str]:
    return sorted(p.parent.name for p in (ROOT / "lineofsight").glob("*/__init__.py"))


def _layers_contract() -> dict:
    contracts = PYPROJECT["tool"]["importlinter"]["contracts"]
    return next(c for c in contracts if c["type"] == "layers")


def _layered_apps() -> list[str]:
    return [app.strip() for line in _layers_contract()["layers"] for app in re.split(r"[|:]", line)]


def test_every_installed_app_is_described_in_the_guide():
    described = set(re.findall(r"^\| `(\w+)` \| \d ", GUIDE, flags=re.MULTILINE))
    assert _installed_apps()
    missing = sorted((set(_installed_apps()) | set(_packages())) - described)
    assert not missing, f"apps not described in docs/architecture.md: {missing}"


def test_every_app_has_a_place_in_the_layers_contract():
    layered = _layered_apps()
    assert len(layered) == len(set(layered)), "an app is in two layers"
    missing = sorted((set(_installed_apps()) | set(_packages())) - set(layered))
    assert not missing, f"apps missing from [tool.importlinter] layers in pyproject.toml: {missing}"
    contract = _layers_contract()
    assert contract["containers"] == ["lineofsight"]
    assert contract["exhaustive"] is True


def test_the_guide_draws_the_same_layers_as_the_contract():
    block = GUIDE.split("as the `layers` contract in `pyproject.toml`:", 1)[1].split("```")[1]
    assert block.strip().splitlines() == _layers_contract()["layers"]


def test_make_lint_runs_the_contracts():
    lint = (ROOT / "Makefile").read_text().split("\nlint:", 1)[1].split("\n\n", 1)[0]
    assert "lint-imports" in lint
