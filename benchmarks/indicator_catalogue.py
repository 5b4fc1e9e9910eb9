"""How long the whole indicator catalogue takes on a council-sized (or national) snapshot.

    .venv/bin/python benchmarks/indicator_catalogue.py                  # synthesise Kent, time
    .venv/bin/python benchmarks/indicator_catalogue.py --extract DIR    # an SSD extract
    .venv/bin/python benchmarks/indicator_catalogue.py --snapshot FILE  # a snapshot (.duckdb)
    .venv/bin/python benchmarks/indicator_catalogue.py --la ENGLAND     # all England (slow)

An extract's SSD CSV files are loaded into an in-memory DuckDB snapshot with the snapshot's types
and the timeliness step every import runs (not timed), as benchmarks/drift_rules.py does. Then
every snapshot indicator of the catalogue is computed by the engine for the 12 month ends to the
default period end (the latest 31 March), the work the improvement board's first request does
for a snapshot: that is the figure. The peer, run on the same snapshot in the same process, is
`synthetic.calibration.compute_figures`, the product's plain SQL for the DfE's published figures
for one year. It prints the figure, the target (a council < 3 s; England < 60 s), the ratio of
the figure to the target and to the peer, and PASS or FAIL. The test suite never asserts on time.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lineofsight.settings")

TARGET_SECONDS = {"ENGLAND": 60.0}
COUNCIL_TARGET_SECONDS = 3.0
# Tables no indicator reads: left out of the load, they would only take time and memory.
SKIPPED = {"case_notes", "ssd_contacts"}


def open_snapshot(path: Path, memory_limit: str):
    """A snapshot file, read-only; the tables with rows count as provided."""
    import duckdb

    con = duckdb.connect(str(path), read_only=True, config={"memory_limit": memory_limit})
    names = [
        r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    ]
    provided = {
        n
        for n in names
        if n.startswith("ssd_") and con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0]
    }
    return con, provided


def time_catalogue(
    con, as_at: datetime.date, provided: set[str], months: int
) -> tuple[float, dict]:
    from lineofsight.indicators import catalogue as cat
    from lineofsight.indicators import engine
    from lineofsight.indicators.types import Source

    period_end = engine.default_period_end(type("S", (), {"as_at": as_at})())
    ends = engine.month_ends(period_end, months)
    specs = [s for s in cat.specs() if s.indicator.source is Source.SNAPSHOT]
    started = time.perf_counter()
    sums = engine.run_snapshot_indicators(
        con, as_at=as_at, provided=provided, ends=ends, team_keys=None, specs=specs
    )
    return time.perf_counter() - started, sums


def time_peer(con, year: int) -> float:
    from lineofsight.synthetic.calibration import compute_figures

    started = time.perf_counter()
    compute_figures(con, year)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    from drift_rules import (
        _django,
        add_common_arguments,
        derive,
        latest_event,
        load,
        ssd_folder,
        structure_of,
        synthesise,
    )

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--extract", type=Path, help="an SSD extract folder (<table>.csv files)")
    source.add_argument("--snapshot", type=Path, help="a snapshot file (.duckdb)")
    add_common_arguments(parser)
    parser.add_argument("--months", type=int, default=12, help="month ends in the trend")
    args = parser.parse_args(argv)

    _django()
    with tempfile.TemporaryDirectory(prefix="indicator-bench-") as scratch:
        structure: dict = {}
        if args.snapshot:
            if not args.snapshot.is_file():
                parser.error(f"{args.snapshot} is not a file")
            con, provided = open_snapshot(args.snapshot, args.memory_limit)
            as_at = args.as_at or latest_event_in(con)
        else:
            extract = args.extract or synthesise(args.la, args.scale, args.seed, Path(scratch))
            folder = ssd_folder(extract)
            if not (folder / "ssd_person.csv").is_file():
                parser.error(f"{folder} holds no ssd_person.csv")
            started = time.perf_counter()
            from lineofsight.casework import schema

            wanted = set(schema.tables()) - SKIPPED
            con, provided = load(folder, args.memory_limit, Path(scratch) / "spill", wanted)
            structure = structure_of(extract)
            given = structure.get("as_at")
            as_at = (
                args.as_at or (given and datetime.date.fromisoformat(given)) or latest_event(con)
            )
            derive(con, as_at, provided)
            con.execute("USE snap")
            print(
                f"Loaded {len(provided)} tables and worked out timeliness in "
                f"{time.perf_counter() - started:.1f} s; as at {as_at}"
            )
        repeat = max(1, args.repeat)
        runs = [time_catalogue(con, as_at, provided, args.months) for _ in range(repeat)]
        single = min(time_catalogue(con, as_at, provided, 1)[0] for _ in range(repeat))
        peer_year = as_at.year if (as_at.month, as_at.day) >= (3, 31) else as_at.year - 1
        peers = [time_peer(con, peer_year) for _ in range(repeat)]
        sums = runs[-1][1]
        con.close()

    figure = min(t for t, _ in runs)
    peer = min(peers)
    area = str(structure.get("area_name") or structure.get("area") or args.la)
    if args.snapshot:
        area = args.snapshot.name
    target = TARGET_SECONDS.get(area.upper(), COUNCIL_TARGET_SECONDS)
    if args.la.upper() == "ENGLAND":
        target = TARGET_SECONDS["ENGLAND"]
    verdict = "PASS" if figure < target else "FAIL"
    computed = sum(
        1 for per_end in sums.values() if not any(isinstance(v, str) for v in per_end.values())
    )
    print(
        f"{len(sums)} snapshot indicators ({computed} with data) x {args.months} month ends; "
        f"runs: {', '.join(f'{t:.2f} s' for t, _ in runs)}; one period end only: {single:.2f} s; "
        f"peer (calibration.compute_figures, one year): {peer:.2f} s, median "
        f"{statistics.median(peers):.2f} s; {os.cpu_count()} cores"
    )
    print(f"{'benchmark':<40} {'figure':>9} {'target':>9} {'ratio':>7} {'vs peer':>8}  result")
    label = f"indicator catalogue, {area}"
    print(
        f"{label:<40} {figure:>8.2f}s {target:>8.1f}s {figure / target:>7.2f} "
        f"{figure / peer if peer else float('nan'):>7.1f}x  {verdict}"
    )
    return 0 if verdict == "PASS" else 1


def latest_event_in(con) -> datetime.date:
    """The as-at date of a snapshot file: its latest referral, plan or episode date."""
    (found,) = con.execute(
        "SELECT max(d) FROM (SELECT max(cine_referral_date) AS d FROM ssd_cin_episodes "
        "UNION ALL SELECT max(cppl_cp_plan_start_date) FROM ssd_cp_plans "
        "UNION ALL SELECT max(clae_cla_episode_start_date) FROM ssd_cla_episodes)"
    ).fetchone()
    return found or datetime.date.today()


if __name__ == "__main__":
    raise SystemExit(main())
