"""What the benchmarks that run Line of Sight inside their own process share: Django set up on a
temporary data folder, and a synthetic council's extract made and imported there."""

from __future__ import annotations

import io
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(data_dir: Path) -> None:
    """Django on `data_dir`, always with a temporary SQLite database (never DATABASE_URL)."""
    os.environ["LINEOFSIGHT_DATA_DIR"] = str(data_dir)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lineofsight.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def step(what: str, fn: Callable[[], object]) -> None:
    """Run one preparation step, saying what and how long it took (never part of a figure)."""
    started = time.perf_counter()
    print(f"- {what} ...", flush=True)
    fn()
    print(f"  done in {time.perf_counter() - started:.0f} s", flush=True)


def import_synthetic(work: Path, la: str, extract: Path | None = None):
    """Migrate, synthesize council `la` at scale 1 (unless `extract` names one made earlier),
    import it, and return the current snapshot. Call after setup_django."""
    from django.core.management import call_command

    from lineofsight.casework import store

    quiet = {"stdout": io.StringIO(), "stderr": io.StringIO()}
    step("migrating", lambda: call_command("migrate", verbosity=0, **quiet))
    if extract is None:
        extract = work / "extract"
        step(
            f"making a synthetic extract for LA {la}",
            lambda: call_command(
                "synthesize", la=la, scale=1.0, seed=1, out=extract, no_annex_a=True,
                verbosity=0, **quiet,
            ),
        )  # fmt: skip
    ssd = extract / "ssd" if (extract / "ssd").is_dir() else extract
    step("importing it", lambda: call_command("import", "ssd", str(ssd), **quiet))
    return store.current_snapshot()
