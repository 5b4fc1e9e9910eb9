"""How fast is an SSD import, and how much memory does it take?

    python benchmarks/ssd_import.py                      # Kent (886), scale 1
    python benchmarks/ssd_import.py --la ENGLAND         # every council at once
    python benchmarks/ssd_import.py --extract DIR        # an extract you already have

Makes a synthetic extract with `manage.py synthesize` (unless --extract is given), then, each in
its own process so their peak memory is measured apart:
  floor  DuckDB loading the same CSV files into tables with no checks (read_csv_auto into
         CREATE TABLE, in a DuckDB file): the least any import could take;
  import Line of Sight's full import (read, every check, typed snapshot, registration, and
         every post-load step: timeliness and drift, the recording checks);
  bare   the same import with no post-load steps, which is what the floor is compared with.
It prints each figure against its target: a council in under 20 s and 2 GB, England in under
5 minutes and 8 GB, and the import without its steps within 3 times the floor.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GIB = 1024**3

# Peak memory of the measuring process: ru_maxrss is KiB on Linux, bytes on macOS. The import
# also forks worker processes (the recording checks), whose memory ru_maxrss does not count; on
# Linux a thread samples the proportional set size (shared pages divided among the processes
# sharing them, so nothing is counted twice) of the process and every descendant, twice a second.
_PEAK = textwrap.dedent(
    """
    import os, resource, sys, threading, time as _time
    def peak_bytes():
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == "darwin" else peak * 1024
    _tree = {"peak": 0}
    def _pss(pid):
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                return next(int(l.split()[1]) * 1024 for l in f if l.startswith("Pss:"))
        except (OSError, StopIteration):
            return 0
    def _below(pid):
        try:
            with open(f"/proc/{pid}/task/{pid}/children") as f:
                return [int(c) for c in f.read().split()]
        except OSError:
            return []
    def _sample():
        while True:
            pids = [os.getpid()]
            for pid in pids:
                pids.extend(_below(pid))
            _tree["peak"] = max(_tree["peak"], sum(_pss(p) for p in pids))
            _time.sleep(0.5)
    if os.path.exists(f"/proc/{os.getpid()}/smaps_rollup"):
        threading.Thread(target=_sample, daemon=True).start()
    def tree_peak_bytes():
        return _tree["peak"]
    """
)

FLOOR = _PEAK + textwrap.dedent(
    """
    import json, time
    from pathlib import Path
    import duckdb
    extract, target = Path(sys.argv[1]), Path(sys.argv[2])
    started = time.perf_counter()
    con = duckdb.connect(str(target))
    rows = 0
    for path in sorted(extract.glob("*.csv")):
        name = path.stem.lower()
        con.execute(f"CREATE TABLE \\"{name}\\" AS SELECT * FROM read_csv_auto(?)", [str(path)])
        rows += con.execute(f"SELECT count(*) FROM \\"{name}\\"").fetchone()[0]
    con.close()
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "peak_bytes": peak_bytes(), "rows": rows}))
    """
)

IMPORT = _PEAK + textwrap.dedent(
    """
    import json, os, time
    from pathlib import Path
    os.environ["DJANGO_SETTINGS_MODULE"] = "lineofsight.settings"
    import django
    django.setup()
    from django.conf import settings
    from lineofsight.intake import pipeline, services
    settings.INTAKE_DUCKDB_MEMORY_LIMIT = sys.argv[2]
    if sys.argv[3] == "without-steps":
        pipeline.POST_LOAD_STEPS.clear()
        pipeline.EARLY_STARTS.clear()
    started = time.perf_counter()
    run = services.ssd_extract_import(directory=Path(sys.argv[1]), os_user="benchmark")
    seconds = time.perf_counter() - started
    # What the steps held the import up by (a step begun early ran partly beside the writing).
    post_load = run.phase_timings.get("post_load_steps_held_up", {}).get(
        "wall", sum(run.phase_timings.get("post_load_steps", {}).values()))
    print(json.dumps({
        "seconds": seconds, "post_load_seconds": post_load,
        "peak_bytes": peak_bytes(), "tree_peak_bytes": tree_peak_bytes(),
        "rows": run.total_rows,
        "status": run.status, "errors": run.error_count, "warnings": run.warning_count,
        "phases": {k: v["seconds"] for k, v in run.phase_timings.items() if "seconds" in v},
        "steps": run.phase_timings.get("post_load_steps", {}),
        "report": run.report_path,
    }))
    """
)


@dataclass(frozen=True)
class Targets:
    seconds: float
    peak_bytes: int
    ratio: float = 3.0


COUNCIL = Targets(seconds=20, peak_bytes=2 * GIB)
ENGLAND = Targets(seconds=5 * 60, peak_bytes=8 * GIB)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--la", default="886", help="council code, or ENGLAND (default 886)")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--extract", type=Path, help="use this SSD folder instead of generating")
    parser.add_argument(
        "--memory-limit",
        help="DuckDB memory limit for the import (default 1GB; 6GB for ENGLAND)",
    )
    parser.add_argument("--repeat", type=int, default=1, help="runs of each; the median is shown")
    parser.add_argument("--work", type=Path, help="working folder (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the working folder")
    args = parser.parse_args()

    england = args.la.upper() == "ENGLAND"
    targets = ENGLAND if england else COUNCIL
    memory_limit = args.memory_limit or ("6GB" if england else "1GB")
    work = args.work or Path(tempfile.mkdtemp(prefix="los-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        extract = args.extract or generate(args, work / "extract")
        if extract is None:
            return 2
        if (extract / "ssd").is_dir():
            extract = extract / "ssd"
        size = sum(p.stat().st_size for p in extract.glob("*.csv"))
        print(f"Extract: {extract} ({size / 1024**2:,.0f} MB of CSV)", flush=True)

        floor = median_run(args.repeat, lambda i: measure_floor(extract, work / f"floor{i}"))
        ours = median_run(
            args.repeat, lambda i: measure_import(extract, work / f"import{i}", memory_limit)
        )
        # The same import with no post-load steps: what compares like with like with the floor.
        # (With them, the recording workers share the cores with the table writes, so the
        # import's own part cannot be told apart from the total.)
        bare = median_run(
            args.repeat,
            lambda i: measure_import(extract, work / f"bare{i}", memory_limit, steps=False),
        )
    finally:
        if not args.keep and args.work is None:
            shutil.rmtree(work, ignore_errors=True)

    # The floor loads the SSD tables only: the ratio is the import without its post-load steps.
    core = bare["seconds"]
    ratio = core / floor["seconds"]
    print()
    print(f"Rows: {ours['rows']:,} imported ({floor['rows']:,} loaded by the floor)")
    print(f"Import DuckDB memory limit: {memory_limit}")
    print(f"Import status: {ours['status']} ({ours['errors']} errors, {ours['warnings']} warnings)")
    print("Import phases: " + ", ".join(f"{k} {v:.1f} s" for k, v in ours["phases"].items()))
    if ours["steps"]:
        print(
            "Post-load steps (in the write phase; recording_checks from its early start, "
            "beside the table writes): "
            + ", ".join(f"{k} {v:.1f} s" for k, v in ours["steps"].items())
            + f"; the steps held the import up {ours['post_load_seconds']:.1f} s"
        )
    print()
    limit = f"<= {targets.seconds:g} s"
    rows = [
        ("floor time (DuckDB, no checks)", f"{floor['seconds']:.1f} s", "", ""),
        ("floor peak memory", f"{floor['peak_bytes'] / GIB:.2f} GB", "", ""),
        ("import time without post-load steps", f"{core:.1f} s", limit,
         verdict(core <= targets.seconds)),
        ("import time with post-load steps", f"{ours['seconds']:.1f} s", limit,
         verdict(ours["seconds"] <= targets.seconds)),
        ("import peak memory (its own process)", f"{ours['peak_bytes'] / GIB:.2f} GB",
         "", ""),
        ("import peak memory (with its workers)", memory(ours),
         f"<= {targets.peak_bytes / GIB:g} GB", verdict(peak(ours) <= targets.peak_bytes)),
        ("import without steps / floor time", f"{ratio:.2f}x", f"<= {targets.ratio:g}x",
         verdict(ratio <= targets.ratio)),
        ("import succeeded", ours["status"], "succeeded", verdict(ours["status"] == "succeeded")),
    ]  # fmt: skip
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    print(
        "  ".join(
            h.ljust(w) for h, w in zip(("figure", "value", "target", ""), widths, strict=True)
        )
    )
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
    return 0 if all(r[3] in ("", "PASS") for r in rows) else 1


def generate(args: argparse.Namespace, out: Path) -> Path | None:
    print(f"Generating a synthetic extract for {args.la} at scale {args.scale}...", flush=True)
    command = [
        sys.executable, str(ROOT / "manage.py"), "synthesize", "--la", args.la,
        "--scale", str(args.scale), "--seed", str(args.seed), "--out", str(out), "--no-annex-a",
    ]  # fmt: skip
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        print(done.stderr.strip()[-2000:], file=sys.stderr)
        print(
            "Could not generate an extract with `manage.py synthesize`. "
            "Give one with --extract DIR.",
            file=sys.stderr,
        )
        return None
    return out


def measure_floor(extract: Path, work: Path) -> dict:
    work.mkdir(parents=True, exist_ok=True)
    return child(FLOOR, [str(extract), str(work / "floor.duckdb")], env=os.environ.copy())


def measure_import(extract: Path, work: Path, memory_limit: str, *, steps: bool = True) -> dict:
    env = {
        **os.environ,
        "LINEOFSIGHT_DATA_DIR": str(work),
        "DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}",
        "PYTHONPATH": str(ROOT),
    }
    work.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "migrate", "-v0"], cwd=ROOT, env=env, check=True
    )
    return child(
        IMPORT, [str(extract), memory_limit, "with-steps" if steps else "without-steps"], env=env
    )


def child(script: str, argv: list[str], env: dict[str, str]) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", script, *argv], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"Measurement failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def median_run(times: int, measure) -> dict:
    results = [measure(i) for i in range(max(1, times))]
    results.sort(key=lambda r: r["seconds"])
    middle = results[len(results) // 2]
    middle["seconds"] = statistics.median(r["seconds"] for r in results)
    return middle


def peak(measured: dict) -> int:
    """The import's peak memory: its process and workers together where that was sampled."""
    return max(measured["peak_bytes"], measured.get("tree_peak_bytes", 0))


def memory(measured: dict) -> str:
    sampled = measured.get("tree_peak_bytes", 0)
    if not sampled:
        return f"{measured['peak_bytes'] / GIB:.2f} GB (workers not sampled on this system)"
    return f"{peak(measured) / GIB:.2f} GB"


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


if __name__ == "__main__":
    sys.exit(main())
