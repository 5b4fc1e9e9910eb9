"""Worklist page under load: one team's worklist, 10 users at once, against the running product.

    .venv/bin/python benchmarks/worklist_load.py                 # Kent (886), scale 1, seed 1
    .venv/bin/python benchmarks/worklist_load.py --tool hey --postgres postgres://postgres@127.0.0.1:5432
    .venv/bin/python benchmarks/worklist_load.py --work /tmp/kent   # keep and reuse the data

What it does, all on 127.0.0.1 and in a temporary data folder (never var/):
1. makes a synthetic Kent extract (`synthesize --la 886 --scale 1 --seed 1`) and imports it
   (`import ssd`), unless the data folder already has a current snapshot;
2. sets up the busiest team in the snapshot (most children with open cases; or --team) and a
   team manager who signs in through the sign-in form;
3. starts gunicorn as docs/operations.md runs it (3 workers, 4 threads) on a free port, with the
   practice records in SQLite in the data folder, or in a PostgreSQL database it creates and drops
   (--postgres);
4. warms up, then sends a fixed number of requests for the team's worklist, 10 at a time, and the
   same number for the health check (the peer: the same server doing almost nothing), and stops
   the server. The load comes from Python threads with one session per user, or from `hey`
   (--tool hey; Debian package), which uses less of the machine's CPU.

It prints p50, p95 and p99 response times, the target (p95 under 300 ms) and PASS or FAIL, the
worklist's p95 as a multiple of the health check's, and the server's CPU time per request, which
says what a request costs whatever else the machine is doing. The load generator shares the
machine with the server, so the response times depend on how busy the machine is: the load
average is printed with them.
"""

from __future__ import annotations

import argparse
import http.client
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
TARGET_P95_MS = 300.0
PASSWORD = "benchmark-only-password"  # noqa: S105 - a throwaway user in a throwaway database
EMAIL = "team.manager@benchmark.invalid"
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def run(args: list[str], env: dict[str, str], what: str) -> None:
    started = time.perf_counter()
    print(f"- {what} ...", flush=True)
    result = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
        raise SystemExit(f"{what} failed (exit {result.returncode})")
    print(f"  done in {time.perf_counter() - started:.0f} s", flush=True)


def has_current_snapshot(env: dict[str, str]) -> bool:
    """Whether the data folder's database has a current snapshot (so --work reuses it)."""
    current = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c",
         "from lineofsight.casework import store; print(store.current_snapshot() is not None)"],
        env=env, cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    # `shell` may print other lines first (Django 5.2 lists the models it imports): read the last.
    lines = current.stdout.strip().splitlines()
    return current.returncode == 0 and bool(lines) and lines[-1].strip() == "True"


def prepare(work: Path, extract: Path | None, env: dict[str, str], la: str) -> None:
    """Migrate; make the extract unless there is one; import it unless a snapshot is current."""
    run([PYTHON, "manage.py", "migrate", "--no-input", "-v", "0"], env, "migrating")
    if extract is None:
        extract = work / "extract"
        if not (extract / "ssd").is_dir():
            run(
                [PYTHON, "manage.py", "synthesize", "--la", la, "--scale", "1", "--seed", "1",
                 "--out", str(extract), "--no-annex-a", "-v", "0"],
                env,
                f"making a synthetic extract for LA {la}",
            )  # fmt: skip
    if has_current_snapshot(env):
        print("- a snapshot is already current; not importing again", flush=True)
        return
    ssd = extract / "ssd" if (extract / "ssd").is_dir() else extract
    run([PYTHON, "manage.py", "import", "-v", "0", "ssd", str(ssd)], env, "importing it")


SETUP = """
from lineofsight.accounts.models import Role, Service, Team, User
from lineofsight.casework import store
with store.connect() as con:
    team_id, name, children = con.execute(
        "SELECT oc.team_id, coalesce(any_value(d.dept_team_name), oc.team_id), count(*) "
        "FROM open_cases oc LEFT JOIN ssd_department d ON d.dept_team_id = oc.team_id "
        "WHERE oc.team_id IS NOT NULL AND (? = '' OR oc.team_id = ?) "
        "GROUP BY oc.team_id ORDER BY count(*) DESC, oc.team_id LIMIT 1",
        [__TEAM__, __TEAM__],
    ).fetchone()
service, _ = Service.objects.get_or_create(code="benchmark", defaults={"name": "Benchmark"})
team, _ = Team.objects.get_or_create(service=service, name=name, case_system_id=team_id)
user = User.objects.filter(email=__EMAIL__).first() or User.objects.create_user(
    email=__EMAIL__, password=__PASSWORD__, full_name="Benchmark Manager", role=Role.TEAM_MANAGER
)
user.memberships.get_or_create(team=team)
print(f"TEAM {team.pk} {team_id} {children} {name}")
"""


def set_up_team(env: dict[str, str], team: str) -> tuple[int, str, int, str]:
    code = (
        SETUP.replace("__TEAM__", repr(team))
        .replace("__EMAIL__", repr(EMAIL))
        .replace("__PASSWORD__", repr(PASSWORD))
    )
    result = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", code], env=env, cwd=ROOT, capture_output=True,
        text=True,
    )  # fmt: skip
    match = re.search(r"^TEAM (\d+) (\S+) (\d+) (.*)$", result.stdout, re.M)
    if result.returncode != 0 or not match:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit("could not set up the team and its manager")
    return int(match[1]), match[2], int(match[3]), match[4]


def start_server(env: dict[str, str], port: int, workers: int, threads: int) -> subprocess.Popen:
    gunicorn = Path(PYTHON).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "lineofsight.wsgi:application", "--bind", f"{HOST}:{port}",
         "--workers", str(workers), "--threads", str(threads), "--timeout", "120"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn stopped: " + server.stderr.read().decode()[-2000:])
        try:
            status, _ = Session(port).get("/health/")
            if status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.3)
    stop_server(server)
    raise SystemExit("gunicorn did not answer within 60 seconds")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def postgres_database(url: str, *, create: str = "", drop: str = "") -> None:
    """Create or drop the benchmark's own database (only ever the one it named)."""
    import psycopg

    with psycopg.connect(f"{url.rstrip('/')}/postgres", autocommit=True) as con:
        if create:
            con.execute(f'CREATE DATABASE "{create}"')
        if drop:
            con.execute(f'DROP DATABASE IF EXISTS "{drop}" WITH (FORCE)')


def server_cpu_seconds(server: subprocess.Popen) -> float | None:
    """CPU time used so far by gunicorn and its workers (Linux /proc), to say what one request
    costs the server whatever else the machine is doing; None where /proc is not there."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    total = 0
    try:
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            pid, ppid = int(stat.parent.name), int(fields[1])
            if pid == server.pid or ppid == server.pid:
                total += int(fields[11]) + int(fields[12])  # utime + stime
    except OSError:
        return None
    return total / tick


class Session:
    """One simulated user: a keep-alive connection and its cookies."""

    def __init__(self, port: int, email: str = EMAIL) -> None:
        self.port = port
        self.email = email
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection(HOST, port, timeout=60)

    def _headers(self) -> dict[str, str]:
        headers = {"Host": f"{HOST}:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return headers

    def _send(self, method: str, path: str, body: str | None, headers: dict) -> tuple[int, bytes]:
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        except (http.client.HTTPException, OSError):
            # The server may close a keep-alive connection between requests; open a new one.
            self.conn.close()
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        data = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            for key, morsel in SimpleCookie(header).items():
                self.cookies[key] = morsel.value
        return response.status, data

    def get(self, path: str) -> tuple[int, bytes]:
        return self._send("GET", path, None, self._headers())

    def sign_in(self) -> None:
        status, page = self.get("/accounts/sign-in/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or token is None:
            raise SystemExit(f"sign-in page: status {status}")
        body = urlencode(
            {"csrfmiddlewaretoken": token[1].decode(), "email": self.email, "password": PASSWORD}
        )
        headers = self._headers() | {
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"http://{HOST}:{self.port}/accounts/sign-in/",
        }
        status, _ = self._send("POST", "/accounts/sign-in/", body, headers)
        if status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"signing in failed: status {status}")


@dataclass
class Result:
    label: str
    times_ms: list[float]
    errors: int
    seconds: float
    points: dict[int, float] | None = None  # percentiles as reported by an external tool
    count: int | None = None

    def percentile(self, p: float) -> float:
        if self.points is not None:
            return self.points.get(int(p), math.nan)
        ordered = sorted(self.times_ms)
        return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)] if ordered else math.nan

    def line(self) -> str:
        n = self.count if self.count is not None else len(self.times_ms)
        return (
            f"{self.label:<22} n={n:<5} errors={self.errors:<3} "
            f"p50={self.percentile(50):7.1f} ms  p95={self.percentile(95):7.1f} ms  "
            f"p99={self.percentile(99):7.1f} ms  max={self.percentile(100):7.1f}"
            f" ms  {n / self.seconds:6.1f} req/s"
        )


def load(
    label: str, sessions: list[Session], path: str, total: int, ok: Callable[[bytes], bool]
) -> Result:
    """`total` requests for `path`, shared out among the sessions, all running at once."""
    remaining = [total]
    lock = threading.Lock()
    times: list[float] = []
    errors = [0]

    def user(session: Session) -> None:
        while True:
            with lock:
                if remaining[0] <= 0:
                    return
                remaining[0] -= 1
            started = time.perf_counter()
            status, body = session.get(path)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                times.append(elapsed)
                if status != 200 or not ok(body):
                    errors[0] += 1

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(sessions)) as pool:
        list(pool.map(user, sessions))
    return Result(label, times, errors[0], time.perf_counter() - started)


def load_with_hey(label: str, session: Session, path: str, total: int, users: int) -> Result:
    """The same load driven by `hey` (Debian package), which costs the machine less CPU than
    Python threads. All its connections share one signed-in session."""
    cookie = "; ".join(f"{k}={v}" for k, v in session.cookies.items())
    started = time.perf_counter()
    out = subprocess.run(
        ["hey", "-n", str(total), "-c", str(users), "-H", f"Cookie: {cookie}",
         f"http://{HOST}:{session.port}{path}"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    seconds = time.perf_counter() - started
    ok = sum(int(n) for n in re.findall(r"\[200\]\s+(\d+) responses", out))
    # hey prints a latency distribution, not every time: keep its percentiles as the sample.
    points = {int(p): float(s) * 1000 for p, s in re.findall(r"(\d+)% in ([\d.]+) secs", out)}
    slowest = re.search(r"Slowest:\s+([\d.]+) secs", out)
    times = [points[p] for p in sorted(points)]
    result = Result(label, times, total - ok, seconds)
    result.points = points | ({100: float(slowest[1]) * 1000} if slowest else {})
    result.count = total
    return result


def add_server_arguments(parser: argparse.ArgumentParser, requests: int) -> None:
    """The options of every benchmark that loads a page of the running product."""
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--requests", type=int, default=requests, help="measured requests per page")
    parser.add_argument("--warm-up", type=int, default=3, help="unmeasured requests per user")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--work", type=Path, help="data folder to use and keep (default: temp)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data folder")


def server_env(work: Path) -> dict[str, str]:
    """The environment of manage.py and gunicorn: a data folder and SQLite database in `work`."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lineofsight.settings",
        "LINEOFSIGHT_DATA_DIR": str(work / "var"),
        "LINEOFSIGHT_ENV": "development",
        "LINEOFSIGHT_DEBUG": "0",
        "LINEOFSIGHT_LOG_LEVEL": "WARNING",
        "DATABASE_URL": f"sqlite:///{work / 'var' / 'lineofsight.sqlite3'}",
    }


def warm_up(sessions: list[Session], path: str, times: int) -> None:
    """Unmeasured requests for the page and the health check, so that every worker is ready."""
    for s in sessions:
        for _ in range(times):
            s.get(path)
            s.get("/health/")


def load_average() -> str:
    return ", ".join(f"{x:.1f}" for x in os.getloadavg())


def finish(work: Path, args: argparse.Namespace) -> None:
    """Remove the temporary data folder, or say where the data was kept."""
    if args.work is None and not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    elif args.keep or args.work:
        print(f"- data kept in {work}")


def cpu_per_request(
    cpu: tuple[float | None, float | None, float | None], requests: int
) -> tuple[float, float] | None:
    """Server CPU ms per request for the page and the peer, from the readings before the page,
    after it and after the peer; None where /proc could not be read."""
    before, after, peer = cpu
    if before is None or after is None or peer is None:
        return None
    return (after - before) / requests * 1000, (peer - after) / requests * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--la", default="886", help="council to imitate (default 886, Kent)")
    parser.add_argument("--extract", type=Path, help="an SSD extract made earlier (a folder)")
    parser.add_argument("--team", default="", help="case-system team id (default: the busiest)")
    add_server_arguments(parser, requests=1000)
    parser.add_argument(
        "--tool",
        choices=("python", "hey"),
        default="python",
        help="load generator: Python threads, one session per user (default), or hey "
        "(apt-get install hey), lighter on the CPU, one session shared",
    )
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="practice records in a new PostgreSQL database made (and dropped) on this server, "
        "e.g. postgres://postgres@127.0.0.1:5432 (default: SQLite in the data folder)",
    )
    args = parser.parse_args()

    work = args.work or Path(tempfile.mkdtemp(prefix="los-worklist-bench-"))
    env = server_env(work)
    server = None
    database = None
    if args.postgres:
        database = f"los_worklist_bench_{os.getpid()}"
        postgres_database(args.postgres, create=database)
        env["DATABASE_URL"] = f"{args.postgres.rstrip('/')}/{database}"
        (work / "var" / "snapshots").mkdir(parents=True, exist_ok=True)
    try:
        prepare(work, args.extract, env, args.la)
        team_pk, team_id, children, name = set_up_team(env, args.team)
        port = free_port()
        server = start_server(env, port, args.workers, args.threads)
        print(
            f"- serving on http://{HOST}:{port}/ (gunicorn, {args.workers} workers x "
            f"{args.threads} threads); team {name} ({team_id}): {children} children",
            flush=True,
        )
        load_before = load_average()
        sessions = [Session(port) for _ in range(args.users)]
        for s in sessions:
            s.sign_in()
        path = f"/worklists/team/{team_pk}/"
        warm_up(sessions, path, args.warm_up)

        cpu_before = server_cpu_seconds(server)
        if args.tool == "hey":
            if shutil.which("hey") is None:
                raise SystemExit("hey is not installed (apt-get install hey)")
            worklist = load_with_hey("worklist", sessions[0], path, args.requests, args.users)
            cpu_after = server_cpu_seconds(server)
            peer = load_with_hey(
                "health check (peer)", sessions[0], "/health/", args.requests, args.users
            )
            cpu_peer = server_cpu_seconds(server)
        else:
            worklist = load(
                "worklist", sessions, path, args.requests, lambda b: b"Chronology of child" in b
            )
            cpu_after = server_cpu_seconds(server)
            peer = load("health check (peer)", sessions, "/health/", args.requests, lambda b: True)
            cpu_peer = server_cpu_seconds(server)
    finally:
        if server is not None:
            stop_server(server)
        if database:
            postgres_database(args.postgres, drop=database)
        finish(work, args)

    p95 = worklist.percentile(95)
    load_now = load_average()
    print()
    print(
        f"Worklist of one team, {args.users} users at once, {args.requests} requests "
        f"(load from {args.tool})"
    )
    print(f"machine: {os.cpu_count()} CPUs; load average before: {load_before}, after: {load_now}")
    print(worklist.line())
    print(peer.line())
    print(f"worklist p95 is {p95 / peer.percentile(95):.1f} x the health check's p95")
    if cpu := cpu_per_request((cpu_before, cpu_after, cpu_peer), args.requests):
        per_request, per_peer = cpu
        print(
            f"server CPU per request: worklist {per_request:.1f} ms, health check "
            f"{per_peer:.1f} ms (the worklist alone: at most "
            f"{1000 / per_request * (os.cpu_count() or 1):.0f} req/s on {os.cpu_count()} idle CPUs)"
        )
    passed = p95 < TARGET_P95_MS and worklist.errors == 0
    print(f"target: p95 < {TARGET_P95_MS:.0f} ms with no errors -> {'PASS' if passed else 'FAIL'}")
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
