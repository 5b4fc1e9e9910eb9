"""Every import writes child_attribution into the new snapshot, published with it or not at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from lineofsight.casework import attribution, store
from lineofsight.casework.models import Snapshot
from lineofsight.intake import pipeline, services
from lineofsight.intake.models import ImportRun

from .conftest import assert_nothing_changed

pytestmark = pytest.mark.django_db


def test_an_import_publishes_the_table_with_the_snapshot(ssd_dir: Path) -> None:
    run = services.ssd_extract_import(directory=ssd_dir)
    with store.connect(run.snapshot) as con:
        assert attribution.exists(con)
        rows = con.execute("SELECT count(*) FROM child_attribution").fetchone()[0]
        worked_out = con.execute(f"SELECT count(*) FROM ({attribution.SQL})").fetchone()[0]
    assert rows == worked_out > 0


def test_an_import_that_fails_after_the_table_is_written_publishes_nothing(
    baseline: Snapshot, ssd_dir: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    written: list[bool] = []

    def explode(context: pipeline.LoadContext) -> None:
        written.append(attribution.exists(context.con, context.alias))
        raise RuntimeError("a later derived table failed")

    monkeypatch.setattr(pipeline, "POST_LOAD_STEPS", [explode])
    with pytest.raises(RuntimeError, match="later derived table"):
        services.ssd_extract_import(directory=ssd_dir)
    assert written == [True]
    assert_nothing_changed(baseline, ImportRun.objects.latest("id"), data_dir)


def test_an_import_whose_table_fails_publishes_nothing(
    baseline: Snapshot, ssd_dir: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(con, alias: str) -> None:
        raise RuntimeError("could not work out who is responsible")

    monkeypatch.setattr(attribution, "build", broken)
    with pytest.raises(RuntimeError, match="who is responsible"):
        services.ssd_extract_import(directory=ssd_dir)
    assert_nothing_changed(baseline, ImportRun.objects.latest("id"), data_dir)
