"""What the benchmarks that run Line of Sight inside their own process share: Django set up on a
temporary data folder, and a synthetic council's extract made and imported there."""

from __future__ import annotations

import argparse
import io
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

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


def arguments(doc: str, *, runs: int, council: bool = True) -> argparse.ArgumentParser:
    """The options these benchmarks share: the council to imitate (where they import one), how
    many timed runs, and whether to keep the temporary folder."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    if council:
        parser.add_argument("--la", default="886")
        parser.add_argument("--extract", type=Path, help="an extract made earlier (its ssd folder)")
    parser.add_argument("--runs", type=int, default=runs)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    return parser


@contextmanager
def temporary_django(prefix: str, keep: bool) -> Iterator[Path]:
    """Django set up on a new temporary folder (never var/), removed afterwards unless `keep`."""
    work = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        setup_django(work / "var")
        yield work
    finally:
        if keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def timed(fn: Callable[..., T], /, **kwargs: object) -> tuple[T, float, float]:
    """What `fn(**kwargs)` returns, with the wall-clock and this process's CPU seconds it took."""
    started, cpu = time.perf_counter(), time.process_time()
    result = fn(**kwargs)
    return result, time.perf_counter() - started, time.process_time() - cpu


def print_cpu(cpu_timings: list[float]) -> None:
    print(
        f"  (CPU time of this process: median {statistics.median(cpu_timings):.3f} s; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs while it ran)"
    )


def judge(median: float, target: float, places: int = 1) -> bool:
    """Print and return whether the median met the target."""
    # Judged on the median: one slow run on a shared machine says little about the product.
    passed = median < target
    print(f"target: median under {target:.{places}f} s -> {'PASS' if passed else 'FAIL'}")
    return passed


def team_manager(team, full_name: str):
    """A manager of `team` who cannot sign in (no password): set-up, not a user of the figures.
    Call after setup_django."""
    from lineofsight.accounts.models import Role, User

    user = User.objects.create_user(
        email=f"tm.{team.pk}@benchmark.invalid", full_name=full_name, role=Role.TEAM_MANAGER,
        password=None,
    )  # fmt: skip
    user.memberships.create(team=team)
    return user
