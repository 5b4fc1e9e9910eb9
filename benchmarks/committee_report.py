"""Producing the committee report (DOCX and PDF) from a synthetic Kent (886) snapshot: target
under 10 s.

    .venv/bin/python benchmarks/committee_report.py                  # Kent, scale 1, seed 1
    .venv/bin/python benchmarks/committee_report.py --extract DIR    # an extract made earlier
    .venv/bin/python benchmarks/committee_report.py --runs 5 --keep

What it does, in a temporary data folder (never var/) with its own SQLite database:
1. makes a synthetic Kent extract (`synthesize --la 886 --scale 1 --seed 1`, as
   benchmarks/drift_rules.py does) and imports it (`import ssd`), unless --extract names one;
2. adds practice records to count: 2,000 improvement actions from every source;
3. times, --runs times, what the download does: `document.build_report` (every indicator and the
   monthly trends from the snapshot, published comparisons, audits, drift flags, group
   supervision, actions, the charts) then `render_docx` and `render_pdf`.

It prints the median and slowest run against the target, with PASS or FAIL for the median, and,
side by side, a peer measured in the same run: writing the same blocks without their charts
(DOCX and PDF), the floor for documents of this size, and our time as a multiple of it.
"""

from __future__ import annotations

import os
import statistics
import time

import inprocess  # noqa: E402  (benchmarks/ is not a package)

TARGET_SECONDS = 10.0


def _records(snapshot):
    """A writer, a team, and 2,000 improvement actions dated before the snapshot's import."""
    import datetime

    from django.utils import timezone

    from lineofsight.accounts.models import Role, Service, Team, User
    from lineofsight.actions.models import ImprovementAction, SourceType, Status

    service = Service.objects.create(name="Children's services", code="childrens-services")
    team = Team.objects.create(name="Benchmark team", service=service, case_system_id="T-B")
    writer = User.objects.create_user(
        email="qa@benchmark.invalid", full_name="QA lead", role=Role.QA_LEAD, password=None
    )
    start = timezone.make_aware(
        datetime.datetime.combine(snapshot.as_at - datetime.timedelta(days=400), datetime.time())
    )
    sources, statuses = list(SourceType.values), list(Status.values)
    actions = []
    for i in range(2000):
        created = start + datetime.timedelta(hours=4 * i)
        status = statuses[i % len(statuses)]
        actions.append(
            ImprovementAction(
                source_type=sources[i % len(sources)],
                source_id=str(i),
                team=team,
                issue="Benchmark issue",
                action="Benchmark action",
                due_date=(created + datetime.timedelta(days=30)).date(),
                owner=writer,
                status=status,
                created_by=writer,
                created_at=created,
                closed_at=created + datetime.timedelta(days=20)
                if status in ("done", "not_done")
                else None,
            )
        )
    ImprovementAction.objects.bulk_create(actions)
    return writer


def _without_charts(report):
    from lineofsight.web import documents

    return documents.Report(
        title=report.title,
        subtitle=report.subtitle,
        produced_at=report.produced_at,
        blocks=[b for b in report.blocks if not isinstance(b, documents.Image)],
    )


def main() -> int:
    args = inprocess.arguments(__doc__, runs=3).parse_args()

    with inprocess.temporary_django("los-committee-report-", args.keep) as work:
        from lineofsight.reports import document
        from lineofsight.reports import services as report_services
        from lineofsight.web import documents

        snapshot = inprocess.import_synthetic(work, args.la, args.extract)
        writer = _records(snapshot)
        period_end = report_services.period_end_choices(snapshot)[0]
        item = report_services.report_create(
            actor=writer, title="Quality of practice", period_end=period_end, snapshot=snapshot
        )

        timings, build_t, docx_t, pdf_t, peer_t = [], [], [], [], []
        sizes = (0, 0)
        for _ in range(args.runs):
            started = time.perf_counter()
            built = document.build_report(item)
            built_at = time.perf_counter()
            docx = documents.render_docx(built)
            docx_at = time.perf_counter()
            pdf = documents.render_pdf(built)
            done = time.perf_counter()
            timings.append(done - started)
            build_t.append(built_at - started)
            docx_t.append(docx_at - built_at)
            pdf_t.append(done - docx_at)
            sizes = (len(docx), len(pdf))
            plain = _without_charts(built)
            peer_started = time.perf_counter()
            documents.render_docx(plain)
            documents.render_pdf(plain)
            peer_t.append(time.perf_counter() - peer_started)
        charts = sum(isinstance(b, documents.Image) for b in built.blocks)
        tables = sum(isinstance(b, documents.Table) for b in built.blocks)
        rows = int(snapshot.row_counts.get("ssd_person", 0)) if snapshot.row_counts else 0

    median, slowest = statistics.median(timings), max(timings)
    m = statistics.median
    print()
    print(f"snapshot: LA {args.la}, as at {snapshot.as_at:%d/%m/%Y}, {rows:,} people; "
          f"year to {period_end:%d/%m/%Y}")  # fmt: skip
    print(f"report: {tables} tables, {charts} charts; DOCX {sizes[0] / 1e6:.1f} MB, "
          f"PDF {sizes[1] / 1e6:.1f} MB")  # fmt: skip
    print(f"build + DOCX + PDF, {args.runs} runs: median {median:.2f} s, slowest {slowest:.2f} s")
    print(f"  (median: figures and charts {m(build_t):.2f} s, DOCX {m(docx_t):.2f} s, "
          f"PDF {m(pdf_t):.2f} s; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} "
          "CPUs)")  # fmt: skip
    passed = inprocess.judge(median, TARGET_SECONDS, places=0)
    peer = m(peer_t)
    print(f"peer (the same blocks written without charts, DOCX and PDF): {peer:.2f} s; "
          f"ours is {median / peer:.1f}x that")  # fmt: skip
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
