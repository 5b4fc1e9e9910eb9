"""Improvement board under load: the council-wide board, 10 users at once, against the running
product.

    .venv/bin/python benchmarks/board_load.py                  # Kent (886), scale 1, seed 1
    .venv/bin/python benchmarks/board_load.py --team busiest   # the board filtered to one team
    .venv/bin/python benchmarks/board_load.py --work /tmp/kent # keep and reuse the data

The same approach as worklist_load.py (whose helpers it uses), all on 127.0.0.1 and in a
temporary data folder (never var/):
1. makes a synthetic extract (`synthesize --la 886 --scale 1 --seed 1`) and imports it, unless
   the data folder already has a current snapshot;
2. sets up a senior leader who signs in through the sign-in form (and, with --team busiest, the
   team with most open cases, for the board filtered to it);
3. starts gunicorn as docs/operations.md runs it (3 workers, 4 threads) on a free port;
4. times the first request for the board (the indicators are computed for the snapshot and
   kept; every later request reads them), warms up, then sends a fixed number of requests for the
   board, 10 at a time, and the same number for the health check (the peer: the same server doing
   almost nothing), and stops the server.

It prints the first request's time, p50, p95 and p99 response times, the target (p95 under
500 ms) and PASS or FAIL, the board's p95 as a multiple of the health check's, and the server's
CPU time per request. The load generator shares the machine with the server, so the times depend
on how busy the machine is: the load average is printed with them.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import worklist_load as wl  # noqa: E402  (benchmarks/ is not a package)

TARGET_P95_MS = 500.0
EMAIL = "senior.leader@benchmark.invalid"
PASSWORD = wl.PASSWORD

SETUP = """
from lineofsight.accounts.models import Role, Service, Team, User
from lineofsight.casework import store
team_pk = ""
if __TEAM__:
    with store.connect() as con:
        team_id, name = con.execute(
            "SELECT oc.team_id, coalesce(any_value(d.dept_team_name), oc.team_id) "
            "FROM open_cases oc LEFT JOIN ssd_department d ON d.dept_team_id = oc.team_id "
            "WHERE oc.team_id IS NOT NULL GROUP BY oc.team_id "
            "ORDER BY count(*) DESC, oc.team_id LIMIT 1"
        ).fetchone()
    service, _ = Service.objects.get_or_create(code="benchmark", defaults={"name": "Benchmark"})
    team, _ = Team.objects.get_or_create(service=service, name=name, case_system_id=team_id)
    team_pk = team.pk
if not User.objects.filter(email=__EMAIL__).exists():
    User.objects.create_user(
        email=__EMAIL__, password=__PASSWORD__, full_name="Benchmark Leader",
        role=Role.SENIOR_LEADER,
    )
print(f"LEADER {team_pk}")
"""


def set_up_leader(env: dict[str, str], team: bool) -> str:
    code = (
        SETUP.replace("__TEAM__", repr(team))
        .replace("__EMAIL__", repr(EMAIL))
        .replace("__PASSWORD__", repr(PASSWORD))
    )
    result = subprocess.run(
        [wl.PYTHON, "manage.py", "shell", "-c", code], env=env, cwd=wl.ROOT,
        capture_output=True, text=True,
    )  # fmt: skip
    match = re.search(r"^LEADER (\d*)$", result.stdout, re.M)
    if result.returncode != 0 or not match:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit("could not set up the senior leader")
    return match[1]


def has_current_snapshot(env: dict[str, str]) -> bool:
    """Whether the data folder already has a database with a current snapshot (so --work reuses
    it without migrating first)."""
    if not (Path(env["LINEOFSIGHT_DATA_DIR"]) / "lineofsight.sqlite3").exists():
        return False
    return wl.has_current_snapshot(env)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--la", default="886", help="council to imitate (default 886, Kent)")
    parser.add_argument("--extract", type=Path, help="an SSD extract made earlier (a folder)")
    parser.add_argument(
        "--team",
        choices=("", "busiest"),
        default="",
        help="'busiest': the board filtered to the team with most open cases (default: the "
        "whole council)",
    )
    wl.add_server_arguments(parser, requests=500)
    args = parser.parse_args()

    work = args.work or Path(tempfile.mkdtemp(prefix="los-board-bench-"))
    env = wl.server_env(work)
    server = None
    try:
        if has_current_snapshot(env):
            wl.run([wl.PYTHON, "manage.py", "migrate", "--no-input", "-v", "0"], env, "migrating")
            print("- a snapshot is already current; not importing again", flush=True)
        else:
            wl.prepare(work, args.extract, env, args.la)
        team_pk = set_up_leader(env, bool(args.team))
        path = "/indicators/" + (f"?team={team_pk}" if team_pk else "")
        port = wl.free_port()
        server = wl.start_server(env, port, args.workers, args.threads)
        print(
            f"- serving on http://{wl.HOST}:{port}/ (gunicorn, {args.workers} workers x "
            f"{args.threads} threads); page {path}",
            flush=True,
        )
        sessions = [wl.Session(port, EMAIL) for _ in range(args.users)]
        for s in sessions:
            s.sign_in()
        started = time.perf_counter()
        status, body = sessions[0].get(path)
        first_ms = (time.perf_counter() - started) * 1000
        if status != 200 or b"Improvement board" not in body:
            raise SystemExit(f"the board answered {status}")
        load_before = wl.load_average()
        wl.warm_up(sessions, path, args.warm_up)
        cpu_before = wl.server_cpu_seconds(server)
        board = wl.load(
            "improvement board", sessions, path, args.requests, lambda b: b"los-card-grid" in b
        )
        cpu_after = wl.server_cpu_seconds(server)
        peer = wl.load("health check (peer)", sessions, "/health/", args.requests, lambda b: True)
        cpu_peer = wl.server_cpu_seconds(server)
    finally:
        if server is not None:
            wl.stop_server(server)
        wl.finish(work, args)

    p95 = board.percentile(95)
    load_now = wl.load_average()
    print()
    area = "one team" if team_pk else "the whole council"
    print(f"Improvement board for {area}, {args.users} users at once, {args.requests} requests")
    print(f"machine: {os.cpu_count()} CPUs; load average before: {load_before}, after: {load_now}")
    print(f"first request (indicators computed for the snapshot): {first_ms:.0f} ms")
    print(board.line())
    print(peer.line())
    print(f"board p95 is {p95 / peer.percentile(95):.1f} x the health check's p95")
    if cpu := wl.cpu_per_request((cpu_before, cpu_after, cpu_peer), args.requests):
        per_request, per_peer = cpu
        print(f"server CPU per request: board {per_request:.1f} ms, health check {per_peer:.1f} ms")
    passed = p95 < TARGET_P95_MS and board.errors == 0
    print(f"target: p95 < {TARGET_P95_MS:.0f} ms with no errors -> {'PASS' if passed else 'FAIL'}")
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
