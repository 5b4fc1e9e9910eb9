"""Every role's main pages under load: 50 people signed in at once, as under gunicorn in
production.

    .venv/bin/python benchmarks/load.py --setup                           # once: locust
    .venv/bin/python benchmarks/load.py --data /tmp/los-demo              # 10 minutes
    .venv/bin/python benchmarks/load.py --data /tmp/los-demo --minutes 2

Needs locust (requirements/dev.in), driven as a library in this process. All on 127.0.0.1:
1. the demo council in the data folder given with --data (made there with `migrate` and
   `demo_data --la 891 --scale 1`, about 2 minutes, unless it already has a current snapshot;
   without --data, a temporary folder that is removed afterwards);
2. gunicorn as docs/operations.md runs it, with 3 workers (--workers) of 4 threads, on a free
   port;
3. 50 people (--users), shared out among the demo roles, each signing in through the sign-in form
   as that role's demo user and then going round that role's main pages: the areas in its
   navigation bar, its home page, and the improvement board and one indicator when the role may
   see them, plus the health check (the peer: the same server doing almost nothing, measured
   under the same load). Each waits 5 to 15 seconds between pages, as a person reading does, for
   --minutes (default 10);
4. then people who never wait, in steps (2, 4, 8, ... up to --max-users), each for
   --step-seconds, until the p95 passes 1 second: the rate of the last step under it is about
   what the server can take.

It prints errors (any answer but 200, or being sent back to sign in), p50, p95 and p99 for every
page and for all of them, the targets (no errors, p95 under 500 ms, p99 under 1,500 ms at 50
people) and PASS or FAIL, the pages' p95 as a multiple of the health check's, the server's CPU
time per request, and the highest rate. Exits 1 when a target is missed. The load generator
shares the machine with the server, so the times depend on how busy the machine is: the load
average is printed with them.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

# locust (and gevent under it) is for this benchmark alone, so it lives in its own environment,
# benchmarks/.venv-load (ignored by git), not in the product's: --setup makes it. The product's
# own interpreter serves the pages (gunicorn, manage.py).
_ROOT = Path(__file__).resolve().parent.parent
_VENV = _ROOT / "benchmarks" / ".venv-load"
_PRODUCT_PYTHON = _ROOT / ".venv" / "bin" / "python"
if "--setup" in sys.argv:
    subprocess.run([sys.executable, "-m", "venv", str(_VENV)], check=True)
    subprocess.run(
        [str(_VENV / "bin" / "python"), "-m", "pip", "install", "--quiet", "locust==2.47.0"],
        check=True,
    )
    print(f"locust installed in {_VENV}; now run the benchmark without --setup.")
    sys.exit(0)
try:
    import gevent
    import gevent.lock
except ImportError:
    if (_VENV / "bin" / "python").exists() and Path(sys.executable).parent != _VENV / "bin":
        # Run again under the benchmark's own environment, with the same arguments.
        os.execv(str(_VENV / "bin" / "python"), [str(_VENV / "bin" / "python"), *sys.argv])  # noqa: S606
    sys.exit(f"locust is not installed: run {sys.argv[0]} --setup once (it needs the registry).")

# locust patches the standard library for gevent as it is imported, before anything here opens
# a socket or starts a thread (the standard modules above do neither on import).
import locust  # noqa: E402  (after the environment is settled above)
from locust import HttpUser, between, constant, task  # noqa: E402
from locust.env import Environment  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))

import worklist_load as wl  # noqa: E402  (benchmarks/ is not a package)

wl.PYTHON = str(_PRODUCT_PYTHON) if _PRODUCT_PYTHON.exists() else wl.PYTHON

TARGET_P95_MS = 500.0
TARGET_P99_MS = 1500.0
RAMP_P95_MS = 1000.0
PASSWORD = "demo-only-password"  # noqa: S105 - the demo council's published password
DEMO_LA = "891"
ROLES = (
    "practitioner",
    "team.manager",
    "service.manager",
    "qa.lead",
    "senior.leader",
    "analyst",
    "admin",
)
HEALTH = "/health/"
SIGN_IN = "/accounts/sign-in/"
CODE_PAGE = "/accounts/sign-in/code/"
_SESSIONS: dict[str, dict[str, str]] = {}  # each demo account's signed-in cookies
_SIGN_IN_LOCKS: dict[str, object] = {}
_JOINED: list[int] = [0]  # people who have signed in, or tried, or taken a shared session
_DEMO_CODE = re.compile(r"the code now is <strong>(\d{6})</strong>")
ONE_INDICATOR = "/indicators/referrals/"
_NAV_LINK = re.compile(r'class="govuk-service-navigation__link" href="([^"]+)"')
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


# -- what was measured -----------------------------------------------------------------------


@dataclass
class Timings:
    """Every answer: when it came (time.monotonic), the page, how long it took, and what was
    wrong with it ("" when nothing)."""

    answers: list[tuple[float, str, float, str]] = field(default_factory=list)

    def record(self, name: str, ms: float, error: str = "") -> None:
        self.answers.append((time.monotonic(), name, ms, error))

    def between(self, began: float, ended: float) -> Timings:
        return Timings([a for a in self.answers if began <= a[0] <= ended])

    def times(self, name: str) -> list[float]:
        return [ms for _, n, ms, _ in self.answers if n == name]

    def errors(self, name: str) -> int:
        return sum(1 for _, n, _, error in self.answers if n == name and error)

    def pages(self) -> list[str]:
        return sorted({n for _, n, _, _ in self.answers if n not in (SIGN_IN, HEALTH)})

    def all_pages(self) -> list[float]:
        return [ms for _, n, ms, _ in self.answers if n not in (SIGN_IN, HEALTH)]

    def page_errors(self) -> int:
        return sum(1 for _, n, _, error in self.answers if n not in (SIGN_IN, HEALTH) and error)

    def first_errors(self) -> dict[str, str]:
        first: dict[str, str] = {}
        for _, n, _, error in self.answers:
            if error:
                first.setdefault(n, error)
        return first


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)] if ordered else math.nan


def line(label: str, values: list[float], errors: int) -> str:
    return (
        f"{label:<34} n={len(values):<5} errors={errors:<3} p50={percentile(values, 50):7.1f} ms  "
        f"p95={percentile(values, 95):7.1f} ms  p99={percentile(values, 99):7.1f} ms"
    )


# -- the people ------------------------------------------------------------------------------


class Person(HttpUser):
    """Someone who signs in as one demo role and goes round that role's main pages."""

    abstract = True
    email = ""
    timings: Timings
    wait_time = between(5, 15)

    def on_start(self) -> None:
        self.pages: list[str] = []
        self.next = 0
        # Many simulated people share each demo account, and an authenticator code works once in
        # its 30 seconds: the first to start signs the account in, the rest use its session.
        with _SIGN_IN_LOCKS.setdefault(self.email, gevent.lock.Semaphore()):
            shared = _SESSIONS.get(self.email)
            if shared is None:
                started = time.perf_counter()
                error = self._sign_in()
                self.timings.record(SIGN_IN, (time.perf_counter() - started) * 1000, error)
                _JOINED[0] += 1
                if error:
                    return
                _SESSIONS[self.email] = self.client.cookies.get_dict()
            else:
                self.client.cookies.update(shared)
                _JOINED[0] += 1
        status, home = self._get("/")
        if status != 200:
            return
        paths = ["/", *_NAV_LINK.findall(home)]
        if 'href="/indicators/"' in home:
            paths += ["/indicators/", ONE_INDICATOR]
        self.pages = [*dict.fromkeys(paths), HEALTH]
        # Not everyone starts at home: spread the first pages out.
        self.next = hash(id(self)) % len(self.pages)

    def _sign_in(self) -> str:
        page = self.client.get(SIGN_IN, name=SIGN_IN)
        token = _CSRF.search(page.text or "")
        if page.status_code != 200 or token is None:
            return f"sign-in page answered {page.status_code}"
        done = self.client.post(
            SIGN_IN,
            data={"csrfmiddlewaretoken": token[1], "email": self.email, "password": PASSWORD},
            headers={"Referer": f"{self.host}{SIGN_IN}"},
            name=SIGN_IN,
            allow_redirects=False,
        )
        if done.status_code != 302:
            return f"{self.email}: signing in answered {done.status_code}"
        if CODE_PAGE in done.headers.get("Location", ""):
            # The second factor: the demonstration council shows its people's current code.
            page = self.client.get(CODE_PAGE, name=CODE_PAGE)
            code, token = _DEMO_CODE.search(page.text or ""), _CSRF.search(page.text or "")
            if code is None or token is None:
                return f"{self.email}: the code page answered {page.status_code} with no code"
            done = self.client.post(
                CODE_PAGE,
                data={"csrfmiddlewaretoken": token[1], "code": code[1]},
                headers={"Referer": f"{self.host}{CODE_PAGE}"},
                name=CODE_PAGE,
                allow_redirects=False,
            )
        if done.status_code != 302 or "sessionid" not in self.client.cookies:
            return f"{self.email}: signing in answered {done.status_code}"
        return ""

    def _get(self, path: str) -> tuple[int, str]:
        started = time.perf_counter()
        response = self.client.get(path, name=path, allow_redirects=False)
        ms = (time.perf_counter() - started) * 1000
        error = ""
        if response.status_code != 200:
            where = response.headers.get("Location", "")
            error = f"{self.email} {path}: {response.status_code} {where}".strip()
        self.timings.record(path, ms, error)
        return response.status_code, response.text if not error else ""

    @task
    def visit(self) -> None:
        if not self.pages:
            self.stop()
            return
        self._get(self.pages[self.next % len(self.pages)])
        self.next += 1


def people(roles: tuple[str, ...], timings: Timings, *, waiting: bool) -> list[type[Person]]:
    """One class of person per role, sharing the users out evenly."""
    made = []
    for role in roles:
        attributes = {
            "email": f"{role}@demo.invalid",
            "timings": timings,
            "wait_time": between(5, 15) if waiting else constant(0),
            "weight": 1,
        }
        made.append(type(f"Person_{role.replace('.', '_')}", (Person,), attributes))
    return made


class Crowd:
    """The people on one locust runner: more can join, and everyone stops at the end."""

    def __init__(self, host: str, classes: list[type[Person]], timings: Timings) -> None:
        self.timings = timings
        self.runner = Environment(
            user_classes=classes, host=host, events=locust.events
        ).create_local_runner()

    def grow(self, users: int, *, spawn_rate: float) -> None:
        """Up to `users` people, arriving `spawn_rate` a second; returns once every one has
        signed in (or failed to), so signing in is never in a measured time."""
        signed_in = _JOINED[0]
        joining = users - self.runner.user_count
        self.runner.start(users, spawn_rate=spawn_rate, wait=False)
        deadline = time.monotonic() + 300 + joining * 5
        while _JOINED[0] < signed_in + joining and time.monotonic() < deadline:
            gevent.sleep(0.2)

    def measure(self, seconds: float, server_cpu=lambda: None) -> tuple[float, float, float | None]:
        """Waits `seconds`; returns when that began and ended (time.monotonic) and the server's
        CPU seconds in it."""
        began, cpu_began = time.monotonic(), server_cpu()
        gevent.sleep(seconds)
        ended, cpu_ended = time.monotonic(), server_cpu()
        cpu = None if cpu_began is None or cpu_ended is None else cpu_ended - cpu_began
        return began, ended, cpu

    def stop(self) -> None:
        self.runner.quit()
        self.runner.greenlet.join(timeout=60)


def warm_up(host: str, roles: tuple[str, ...], rounds: int) -> None:
    """Each role's pages `rounds` times, one person at a time, unmeasured: what a worker works
    out once and keeps (the indicators of the snapshot, its board cards) is ready in every
    worker before the measured time, as on a server that has been up a while."""
    timings = Timings()
    for cls in people(roles, timings, waiting=False):
        cls.host = host
        person = cls(Environment(user_classes=[cls], host=host, events=locust.events))
        person.on_start()
        for _ in range(rounds * len(person.pages)):
            person._get(person.pages[person.next % len(person.pages)])
            person.next += 1
    if failed := timings.first_errors():
        print(f"  while warming up: {failed}", flush=True)


# -- the data and the server -----------------------------------------------------------------


def demo_env(data: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lineofsight.settings",
        "LINEOFSIGHT_DATA_DIR": str(data),
        "LINEOFSIGHT_ENV": "development",
        "LINEOFSIGHT_DEBUG": "0",
        "LINEOFSIGHT_LOG_LEVEL": "WARNING",
        "DATABASE_URL": f"sqlite:///{data / 'lineofsight.sqlite3'}",
    }


def prepare(data: Path, env: dict[str, str]) -> None:
    """Migrate; make the demo council unless the folder already has a current snapshot."""
    data.mkdir(parents=True, exist_ok=True)
    wl.run([wl.PYTHON, "manage.py", "migrate", "--no-input", "-v", "0"], env, "migrating")
    if wl.has_current_snapshot(env):
        print("- the demo council is already there; not making it again", flush=True)
        return
    wl.run(
        [wl.PYTHON, "manage.py", "demo_data", "--la", DEMO_LA, "--scale", "1"],
        env,
        f"making the demo council (LA {DEMO_LA}, scale 1)",
    )


def ramp(host: str, roles: tuple[str, ...], step_seconds: float, max_users: int) -> list[tuple]:
    """(people, requests a second, pages p95 ms, errors) for each step, until the p95 passes 1 s.
    The same people stay from step to step; each step adds as many again."""
    steps = []
    timings = Timings()
    crowd = Crowd(host, people(roles, timings, waiting=False), timings)
    users = 2
    try:
        while users <= max_users:
            crowd.grow(users, spawn_rate=users)
            gevent.sleep(2)
            began, ended, _ = crowd.measure(step_seconds)
            inside = timings.between(began, ended)
            rate = (len(inside.all_pages()) + len(inside.times(HEALTH))) / (ended - began)
            errors = inside.page_errors() + inside.errors(HEALTH)
            p95 = percentile(inside.all_pages(), 95)
            steps.append((users, rate, p95, errors))
            print(
                f"  {users:>3} people without waiting: {rate:6.1f} requests/s, pages p95 "
                f"{p95:7.1f} ms, errors {errors}",
                flush=True,
            )
            if p95 > RAMP_P95_MS:
                break
            users *= 2
    finally:
        crowd.stop()
    return steps


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, help="demo data folder to use (made if absent)")
    parser.add_argument("--minutes", type=float, default=10.0, help="length of the 50-user run")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--roles", default=",".join(ROLES), help="demo roles, comma separated")
    parser.add_argument("--step-seconds", type=float, default=30.0, help="length of a ramp step")
    parser.add_argument("--max-users", type=int, default=64, help="largest ramp step")
    parser.add_argument("--no-ramp", action="store_true", help="skip the ramp")
    parser.add_argument(
        "--warm-up", type=int, default=2, help="unmeasured rounds of every role's pages (default 2)"
    )
    parser.add_argument(
        "--spawn-rate", type=float, default=2.0, help="people arriving a second (default 2)"
    )
    args = parser.parse_args()
    roles = tuple(r.strip() for r in args.roles.split(",") if r.strip())

    data = args.data or Path(tempfile.mkdtemp(prefix="los-load-bench-"))
    env = demo_env(data.resolve())
    server = None
    try:
        prepare(data, env)
        port = wl.free_port()
        server = wl.start_server(env, port, args.workers, args.threads)
        host = f"http://{wl.HOST}:{port}"
        print(
            f"- serving on {host}/ (gunicorn, {args.workers} workers x {args.threads} threads); "
            f"{args.users} people across {len(roles)} roles for {args.minutes:g} minutes",
            flush=True,
        )
        load_before = wl.load_average()
        if args.warm_up:
            started = time.perf_counter()
            print(f"- warming up: every role's pages {args.warm_up} times", flush=True)
            warm_up(host, roles, args.warm_up)
            print(f"  done in {time.perf_counter() - started:.0f} s", flush=True)
        everything = Timings()
        crowd = Crowd(host, people(roles, everything, waiting=True), everything)
        try:
            crowd.grow(args.users, spawn_rate=args.spawn_rate)
            gevent.sleep(5)
            began, ended, cpu = crowd.measure(
                args.minutes * 60, lambda: wl.server_cpu_seconds(server)
            )
        finally:
            crowd.stop()
        timings = everything.between(began, ended)
        load_after = wl.load_average()
        steps = []
        if not args.no_ramp:
            print("- raising the rate: people who never wait", flush=True)
            steps = ramp(host, roles, args.step_seconds, args.max_users)
    finally:
        if server is not None:
            wl.stop_server(server)
        if args.data is None:
            shutil.rmtree(data, ignore_errors=True)

    pages = timings.all_pages()
    errors = timings.page_errors()
    # Signing in happens before the measured time: its errors are counted over the whole run.
    sign_in_errors = everything.errors(SIGN_IN)
    health = timings.times(HEALTH)
    print()
    print(
        f"Main pages of every role, {args.users} people waiting 5 to 15 s between pages, "
        f"{(ended - began) / 60:.1f} minutes measured"
    )
    print(
        f"machine: {os.cpu_count()} CPUs, shared with the load generator; load average before: "
        f"{load_before}, after: {load_after}"
    )
    for name in timings.pages():
        print(line(name, timings.times(name), timings.errors(name)))
    print(line("sign in (before the measured time)", everything.times(SIGN_IN), sign_in_errors))
    print(line("health check (peer)", health, timings.errors(HEALTH)))
    print(line("all pages", pages, errors))
    for name, note in sorted(everything.first_errors().items()):
        print(f"  first error on {name}: {note}")
    p95, p99 = percentile(pages, 95), percentile(pages, 99)
    print(f"pages p95 is {p95 / percentile(health, 95):.1f} x the health check's p95")
    requests = len(pages) + len(health)
    if cpu is not None and requests:
        print(f"server CPU per request (pages and health checks): {cpu / requests * 1000:.1f} ms")
    if steps:
        under = [s for s in steps if s[2] <= RAMP_P95_MS]
        if under:
            users, rate, step_p95, _ = under[-1]
            print(
                f"highest rate with pages p95 under {RAMP_P95_MS:.0f} ms: {rate:.1f} requests/s "
                f"({users} people without waiting, p95 {step_p95:.0f} ms)"
            )
        else:
            print(f"no step kept the pages' p95 under {RAMP_P95_MS:.0f} ms")
        if steps[-1][2] <= RAMP_P95_MS:
            print(f"(the p95 stayed under {RAMP_P95_MS:.0f} ms up to {steps[-1][0]} people)")
    passed = errors == 0 and sign_in_errors == 0 and p95 < TARGET_P95_MS and p99 < TARGET_P99_MS
    print(
        f"target: no errors, p95 < {TARGET_P95_MS:.0f} ms, p99 < {TARGET_P99_MS:.0f} ms at "
        f"{args.users} people -> {'PASS' if passed else 'FAIL'}"
    )
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
