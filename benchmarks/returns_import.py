"""How fast is an import of the DfE returns, beside the SSD import of the same council?

    python benchmarks/returns_import.py                  # Kent (886), scale 1
    python benchmarks/returns_import.py --la ENGLAND     # every council at once
    python benchmarks/returns_import.py --extract DIR    # a synthetic council you already have

Makes a synthetic council with `manage.py synthesize` (unless --extract names one), writes its
CIN census (XML) and SSDA903 return (CSV tables) for the same children, then, each in its own
process so their peak memory is measured apart:
  ssd      the SSD import of the council's extract (the peer), every post-load step included;
  returns  `lineofsight import returns` of the CIN census, the SSDA903 return and the workforce
           census together, every post-load step included.
It prints both, and the returns import against its target: a council in under 20 s, England in
under 5 minutes and 8 GB.
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ssd_import import (  # noqa: E402
    _PEAK,
    COUNCIL,
    ENGLAND,
    GIB,
    ROOT,
    child,
    generate,
    memory,
    peak,
    verdict,
)

RETURNS = _PEAK + textwrap.dedent(
    """
    import json, os, time
    from pathlib import Path
    os.environ["DJANGO_SETTINGS_MODULE"] = "lineofsight.settings"
    import django
    django.setup()
    from django.conf import settings
    from lineofsight.intake import services
    settings.INTAKE_DUCKDB_MEMORY_LIMIT = sys.argv[1]
    kind, paths = sys.argv[2], [Path(p) if p else None for p in sys.argv[3:]]
    started = time.perf_counter()
    if kind == "ssd":
        run = services.ssd_extract_import(directory=paths[0], census=paths[1], os_user="benchmark")
    else:
        run = services.returns_import(
            cin=paths[0], ssda903=paths[1], csww_file=paths[2], os_user="benchmark"
        )
    seconds = time.perf_counter() - started
    print(json.dumps({
        "seconds": seconds, "peak_bytes": peak_bytes(), "tree_peak_bytes": tree_peak_bytes(),
        "rows": run.total_rows,
        "status": run.status, "errors": run.error_count, "warnings": run.warning_count,
        "phases": {k: v["seconds"] for k, v in run.phase_timings.items() if "seconds" in v},
        "steps": run.phase_timings.get("post_load_steps", {}),
        "failure": run.failure_message,
    }))
    """
)

WRITE = textwrap.dedent(
    """
    import datetime, json, os, sys
    from pathlib import Path
    os.environ["DJANGO_SETTINGS_MODULE"] = "lineofsight.settings"
    import django
    django.setup()
    from lineofsight.synthetic.cin_census import write_cin_census
    from lineofsight.synthetic.ssda903 import write_ssda903
    council, out = Path(sys.argv[1]), Path(sys.argv[2])
    as_at = datetime.date.fromisoformat(
        json.loads((council / "structure.json").read_text(encoding="utf-8"))["as_at"]
    )
    write_cin_census(council / "ssd", out / "cin.xml", year=as_at.year, reference_date=as_at)
    write_ssda903(council / "ssd", out / "903", year=as_at.year)
    """
)


def _measure(kind: str, work: Path, memory_limit: str, paths: list[Path | None]) -> dict:
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
    argv = [memory_limit, kind, *("" if p is None else str(p) for p in paths)]
    return child(RETURNS, argv, env=env)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--la", default="886", help="council code, or ENGLAND (default 886)")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--extract", type=Path, help="a synthesized council's folder")
    parser.add_argument("--memory-limit", help="DuckDB memory limit (default 1GB; 6GB England)")
    parser.add_argument("--work", type=Path, help="working folder (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the working folder")
    args = parser.parse_args()

    england = args.la.upper() == "ENGLAND"
    targets = ENGLAND if england else COUNCIL
    memory_limit = args.memory_limit or ("6GB" if england else "1GB")
    work = args.work or Path(tempfile.mkdtemp(prefix="los-returns-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        council = args.extract or generate(args, work / "council")
        if council is None:
            return 2
        returns = work / "returns"
        returns.mkdir(exist_ok=True)
        started = datetime.datetime.now()
        print("Writing the council's CIN census and SSDA903 return...", flush=True)
        subprocess.run(
            [sys.executable, "-c", WRITE, str(council), str(returns)],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            check=True,
        )
        written = (datetime.datetime.now() - started).total_seconds()
        census = council / "csww.xml"
        census_path = census if census.exists() else None
        sizes = sum(p.stat().st_size for p in returns.rglob("*") if p.is_file())
        print(f"Returns: {returns} ({sizes / 1024**2:,.0f} MB, written in {written:.0f} s)")
        ssd = _measure("ssd", work / "ssd-run", memory_limit, [council / "ssd", census_path])
        ours = _measure(
            "returns",
            work / "returns-run",
            memory_limit,
            [returns / "cin.xml", returns / "903", census_path],
        )
    finally:
        if not args.keep and args.work is None:
            shutil.rmtree(work, ignore_errors=True)

    print()
    for name, got in (("SSD import", ssd), ("Returns import", ours)):
        print(
            f"{name}: {got['status']}, {got['rows']:,} rows, {got['errors']} errors, "
            f"{got['warnings']} warnings; "
            + ", ".join(f"{k} {v:.1f} s" for k, v in got["phases"].items())
        )
        if got["steps"]:
            steps = ", ".join(f"{k} {v:.1f} s" for k, v in got["steps"].items())
            print(f"  post-load steps: {steps}")
        if got["failure"]:
            print(f"  {got['failure']}")
    print()
    limit = f"<= {targets.seconds:g} s"
    rows = [
        ("SSD import of the same council (peer)", f"{ssd['seconds']:.1f} s", "", ""),
        ("returns import", f"{ours['seconds']:.1f} s", limit,
         verdict(ours["seconds"] <= targets.seconds)),
        ("returns / SSD time", f"{ours['seconds'] / ssd['seconds']:.2f}x", "", ""),
        ("SSD import peak memory (peer, with its workers)", memory(ssd), "", ""),
        ("returns import peak memory (with its workers)", memory(ours),
         f"<= {targets.peak_bytes / GIB:g} GB", verdict(peak(ours) <= targets.peak_bytes)),
        ("returns import succeeded", ours["status"], "succeeded",
         verdict(ours["status"] == "succeeded")),
    ]  # fmt: skip
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    header = ("figure", "value", "target", "")
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
    return 0 if all(r[3] in ("", "PASS") for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
