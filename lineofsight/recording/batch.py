"""Many notes checked into the counts the `recording_checks` table holds, here or in worker
processes.

Nothing here touches Django or DuckDB, so a worker needs only this module and the checker. The
workers are forked from a small server process (multiprocessing's forkserver), never from the
import: by the time the notes are written the import holds gigabytes (DuckDB's buffers), and a
worker forked from it would keep every page the import later rewrites alive twice over, which
at national scale took the import and its workers from 6.6 GB to 12.2 GB together. The notes
go to the workers through a pipe instead, a few thousand at a time.
"""

from __future__ import annotations

import gc
import multiprocessing
import multiprocessing.pool

from . import checker

_rules: checker.Rules | None = None
_people: frozenset[str] = frozenset()


def use(rules: checker.Rules, people: frozenset[str]) -> None:
    """Check with these rules, and these names of other people, in this process."""
    global _rules, _people
    _rules, _people = rules, people


def _start_worker(rules: checker.Rules, people: frozenset[str]) -> None:
    use(rules, people)
    checker.warm()
    # What the worker holds from here on is read, never freed: keep the collector off it.
    gc.freeze()


def pool(processes: int, *, rules: checker.Rules, people: frozenset[str]):
    """Worker processes ready to check notes (`check_chunk`)."""
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    if context.get_start_method() == "forkserver":
        # The server imports the checker once; each worker forked from it starts with it.
        context.set_forkserver_preload([__name__])
    return context.Pool(processes, initializer=_start_worker, initargs=(rules, people))


def check_row(text: str, forename: str, age: float | None) -> tuple:
    """The counts one note contributes to the table (same order as COLUMNS from `words`)."""
    assert _rules is not None, "batch.use() first"
    result = checker.check(
        text[: checker.MAX_TEXT_CHARACTERS],
        rules=_rules,
        child=forename,
        child_age=age,
        people=_people,
    )
    counts: dict[str, int] = {}
    for f in result.findings:
        counts[f.rule] = counts.get(f.rule, 0) + 1
    findings = sum(1 for f in result.findings if f.severity == checker.Severity.FINDING)
    return (
        result.words,
        result.child_voice,
        result.analysis,
        result.decision_rationale,
        counts.get("discouraged-term", 0),
        counts.get("legal-term", 0),
        counts.get("unexplained-acronym", 0),
        counts.get("long-sentence", 0),
        counts.get("passive-voice", 0),
        counts.get("hard-to-read", 0),
        counts.get("other-person-named", 0),
        findings,
    )


def check_chunk(rows: list[tuple[str, str, float | None]]) -> list[tuple]:
    return [check_row(text, forename, age) for text, forename, age in rows]
