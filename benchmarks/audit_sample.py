"""Drawing an audit sample from a synthetic Kent (886) snapshot: target under 1 s.

    .venv/bin/python benchmarks/audit_sample.py                      # Kent, scale 1, seed 1
    .venv/bin/python benchmarks/audit_sample.py --extract DIR        # reuse an extract made earlier
    .venv/bin/python benchmarks/audit_sample.py --runs 7 --per-team 5 --keep

What it does, in a temporary data folder (never var/) with its own SQLite database:
1. makes a synthetic Kent extract (`synthesize --la 886 --scale 1 --seed 1`) and imports it
   (`import ssd`), unless --extract names one made earlier;
2. creates one Line of Sight team per team in the snapshot, a team manager in each, and a few
   quality assurance leads (the auditor pool), and loads the audit tools;
3. times `programme_draw_sample` end to end, --runs times, each on a new programme: reading the
   snapshot's open cases, the stratified draw, writing the audits and their first versions,
   allocating auditors (never their own team) and writing the change history.

It prints the median and slowest draw, PASS or FAIL for the median against the target, and,
side by side, a peer: the simplest possible sample of the same size, drawn inside DuckDB with
one window query (no cohorts, no exclusions, nothing written), and our time as a multiple of it.
"""

from __future__ import annotations

import statistics
import time

import inprocess  # noqa: E402  (benchmarks/ is not a package)

TARGET_SECONDS = 1.0


def _people(snapshot):
    from lineofsight.accounts.models import Role, Service, Team, User
    from lineofsight.audits import casefiles

    names = casefiles.team_names(snapshot)
    service = Service.objects.create(name="Children's services", code="childrens-services")
    managers = []
    for team_id, name in sorted(names.items()):
        team = Team.objects.create(name=f"{name} ({team_id})"[:120], service=service,
                                   case_system_id=team_id)  # fmt: skip
        managers.append(inprocess.team_manager(team, f"Manager {team.pk}"))
    qa = [
        User.objects.create_user(
            email=f"qa{i}@benchmark.invalid",
            full_name=f"QA lead {i}",
            role=Role.QA_LEAD,
            password=None,
        )  # fmt: skip
        for i in range(4)
    ]
    return qa[0], len(names), len(managers) + len(qa)


def _peer_seconds(snapshot, per_team: int, seed: int) -> float:
    """The floor: one DuckDB query that takes `per_team` children from each team."""
    from lineofsight.casework import store

    started = time.perf_counter()
    with store.connect(snapshot) as con:
        con.execute(
            "SELECT person_id, team_id FROM open_cases "
            "QUALIFY row_number() OVER (PARTITION BY team_id "
            "ORDER BY sha256(CAST(? AS VARCHAR) || person_id)) <= ?",
            [seed, per_team],
        ).fetchall()
    return time.perf_counter() - started


def main() -> int:
    parser = inprocess.arguments(__doc__, runs=5)
    parser.add_argument("--per-team", type=int, default=5)
    args = parser.parse_args()

    with inprocess.temporary_django("los-audit-sample-", args.keep) as work:
        from django.utils import timezone

        from lineofsight.audits import casefiles, services
        from lineofsight.audits.models import AuditToolVersion, SampleMode

        snapshot = inprocess.import_synthetic(work, args.la, args.extract)
        services.audit_tools_load()
        qa, teams, pool = _people(snapshot)
        cases, source = casefiles.open_cases(snapshot)
        children = len({c.person_id for c in cases})
        tool = AuditToolVersion.objects.get(tool__key="golden-threads")

        timings, cpu_timings, drawn = [], [], 0
        for run in range(args.runs):
            programme = services.programme_create(
                actor=qa, name=f"Benchmark {run}", period_start=timezone.localdate(),
                period_end=timezone.localdate(), tool_version=tool,
                sample_mode=SampleMode.COUNT, sample_count=args.per_team,
                exclude_recent_months=0,
            )  # fmt: skip
            result, wall, cpu = inprocess.timed(
                services.programme_draw_sample,
                actor=qa, programme=programme, seed=run + 1, snapshot=snapshot,
            )  # fmt: skip
            timings.append(wall)
            cpu_timings.append(cpu)
            drawn = result.drawn
            assert result.unallocated == 0, "every file should have an independent auditor"
        peer = statistics.median(
            _peer_seconds(snapshot, args.per_team, run + 1) for run in range(args.runs)
        )

    median, slowest = statistics.median(timings), max(timings)
    print()
    print(f"snapshot: {children} children with open cases in {teams} teams ({source})")
    print(f"sample: {drawn} files ({args.per_team} per team, stratified by cohort), "
          f"{pool} people in the auditor pool")  # fmt: skip
    print(f"draw and allocate, {args.runs} runs: median {median:.3f} s, slowest {slowest:.3f} s")
    inprocess.print_cpu(cpu_timings)
    passed = inprocess.judge(median, TARGET_SECONDS)
    print(
        f"peer (one DuckDB window query, nothing written): {peer * 1000:.0f} ms; "
        f"ours is {median / peer:.0f}x that"
    )
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
