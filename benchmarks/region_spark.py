"""The regional indicator catalogue over ten councils' pooled extracts, on Spark and on DuckDB.

    .venv/bin/python benchmarks/region_spark.py                       # ten councils, scale 1.7
    .venv/bin/python benchmarks/region_spark.py --councils 3 --scale 0.1     # a quick look
    .venv/bin/python benchmarks/region_spark.py --extracts DIR        # pooled extracts made earlier
    .venv/bin/python benchmarks/region_spark.py --spark-master spark://host:7077 --extracts DIR
    .venv/bin/python benchmarks/region_spark.py --spark-conf spark.driver.memory=8g

Ten synthetic councils (the ten councils of the East Midlands, at 1.7 times their own published
sizes by default: about 10 million rows pooled; 5.9 million at scale 1) are synthesized,
imported and exported as pooled extracts (not timed; `--keep` keeps them, `--extracts` reuses
them). Then `region_rows` runs the whole catalogue for every council and the region once on
DuckDB and once on Spark (local mode on every core, unless `--spark-master` names a cluster),
each in a process of its own so that its peak memory (the process and everything it started, the
JVM included, sampled every 0.1 s) is its own. It prints rows pooled, each engine's wall time
and peak memory side by side, the ratio of Spark to DuckDB, and whether both gave the same rows.
There is no target: the figure says what Spark costs where DuckDB still fits, and the same run
on a cluster is how the region for all 153 councils is worked out (docs/region.md). Needs the
`spark` extra and Java 17.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

# The ten councils of the East Midlands (old_la_codes).
COUNCILS = ("830", "831", "855", "856", "857", "891", "892", "925", "940", "941")


def _tree_rss(pid: int) -> int:
    """Resident memory of a process and all its descendants, in bytes (Linux /proc)."""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
            for task in Path(f"/proc/{p}/task").iterdir():
                children = (task / "children").read_text().split()
                stack.extend(int(c) for c in children)
        except (OSError, ValueError):
            continue
    return total


def run_engine(
    engine: str, extracts: list[Path], master: str | None, conf: list[str]
) -> tuple[float, int, list]:
    """(seconds, peak bytes, rows) of one engine in a process of its own."""
    out = Path(tempfile.mkstemp(prefix=f"region-{engine}-", suffix=".json")[1])
    cmd = [sys.executable, __file__, "--run-engine", engine, "--out", str(out)]
    if master:
        cmd += ["--spark-master", master]
    for item in conf:
        cmd += ["--spark-conf", item]
    cmd += [str(e) for e in extracts]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(proc.pid))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    code = proc.wait()
    done.set()
    sampler.join()
    if code != 0:
        out.unlink(missing_ok=True)
        raise SystemExit(f"the {engine} run failed (exit status {code})")
    result = json.loads(out.read_text())
    out.unlink()
    return result["seconds"], peak, result["rows"]


def _child(args: argparse.Namespace) -> None:
    """One engine's run (in its own process): the figure is region_rows alone."""
    import atexit

    from inprocess import setup_django

    data = Path(tempfile.mkdtemp(prefix="region-run-"))
    atexit.register(shutil.rmtree, data, ignore_errors=True)
    setup_django(data / "var")
    from lineofsight.region import figures
    from lineofsight.region.engines import DuckDBEngine, SparkEngine
    from lineofsight.region.pooled import read_extracts

    extracts = read_extracts(args.extracts)
    period_end = figures.default_period_end(extracts)
    if args.run_engine == "spark":
        conf = dict(item.split("=", 1) for item in args.spark_conf)
        eng = SparkEngine(master=args.spark_master or "local[*]", conf=conf)
        eng.spark.sparkContext.setLogLevel("ERROR")
    else:
        eng = DuckDBEngine()
    started = time.perf_counter()
    with eng:
        rows = figures.region_rows(extracts, eng=eng, period_end=period_end)
    seconds = time.perf_counter() - started  # with Spark: the session start is not counted
    Path(args.out).write_text(json.dumps({"seconds": seconds, "rows": [r.as_dict() for r in rows]}))


def make_extracts(work: Path, codes: list[str], scale: float) -> list[Path]:
    from inprocess import setup_django, step

    setup_django(work / "var")
    from django.core.management import call_command

    from lineofsight.casework import store
    from lineofsight.intake import services
    from lineofsight.region import pooled
    from lineofsight.synthetic.csww import write_census
    from lineofsight.synthetic.generator import synthesize

    quiet = {"stdout": io.StringIO(), "stderr": io.StringIO()}
    call_command("migrate", verbosity=0, **quiet)
    key = pooled.pooling_key(work / "pooling_key")
    out = []
    for code in codes:
        target = work / "pooled" / code

        def one(code: str = code, target: Path = target) -> None:
            result = synthesize(code, work / "extract" / code, scale=scale, seed=1, annex_a=False)
            census = write_census(result.out, seed=1)
            run = services.ssd_extract_import(
                directory=result.out / "ssd", census=census, gate_mode="accept"
            )
            if run.status != "succeeded":
                raise SystemExit(f"council {code}: {run.failure_message}")
            snapshot = store.current_snapshot()
            with store.connect(snapshot) as con:
                pooled.write_extract(
                    con, target, key=key, council_code=code, as_at=snapshot.as_at,
                    provided=list(snapshot.provided_tables), source_kind=snapshot.source_kind,
                )  # fmt: skip

        step(f"council {code}: synthesizing, importing and exporting (scale {scale})", one)
        out.append(target)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("extracts", nargs="*", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--councils", type=int, default=len(COUNCILS))
    # 1.7 times the councils' published sizes pools about 10 million rows.
    parser.add_argument("--scale", type=float, default=1.7)
    parser.add_argument("--extracts", dest="extracts_dir", type=Path, help="pooled extracts")
    parser.add_argument("--spark-master", help="default: local mode on every core")
    parser.add_argument(
        "--spark-conf", action="append", default=[], metavar="KEY=VALUE",
        help="a Spark setting, e.g. spark.driver.memory=8g (repeatable)",
    )  # fmt: skip
    parser.add_argument("--keep", action="store_true", help="keep the extracts made")
    parser.add_argument("--run-engine", choices=("duckdb", "spark"), help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run_engine:
        _child(args)
        return
    work = Path(tempfile.mkdtemp(prefix="region-bench-"))
    try:
        same = _compare(args, work)
    finally:
        if args.keep and not args.extracts_dir:
            print(f"kept the pooled extracts in {work / 'pooled'}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    if not same:
        raise SystemExit(1)


def _compare(args: argparse.Namespace, work: Path) -> bool:
    if args.extracts_dir:
        extracts = sorted(p for p in args.extracts_dir.iterdir() if (p / "manifest.json").is_file())
    else:
        extracts = make_extracts(work, list(COUNCILS[: args.councils]), args.scale)
    rows = sum(
        t["rows"]
        for e in extracts
        for t in json.loads((e / "manifest.json").read_text())["tables"].values()
    )
    print(f"pooled extracts: {len(extracts)} councils, {rows:,} rows")
    results = {}
    for engine in ("duckdb", "spark"):
        print(f"- running the catalogue on {engine} ...", flush=True)
        results[engine] = run_engine(engine, extracts, args.spark_master, args.spark_conf)
    print()
    print(f"{'engine':<8} {'seconds':>10} {'peak memory':>14}")
    for engine, (seconds, peak, _) in results.items():
        print(f"{engine:<8} {seconds:>10.1f} {peak / 2**20:>11,.0f} MB")
    duck, spark = results["duckdb"], results["spark"]
    print(
        f"spark / duckdb: {spark[0] / duck[0]:.1f}x the time, {spark[1] / duck[1]:.1f}x the memory"
    )
    print(f"same rows on both engines: {'yes' if duck[2] == spark[2] else 'NO'}")
    print(f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
    return duck[2] == spark[2]


if __name__ == "__main__":
    main()
