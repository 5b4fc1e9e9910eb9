"""Drawing samples and sharing out work: pure functions, no database.

Reproducible by construction. A file's place in the draw is the SHA-256 of the seed and its
identifier, so the same seed and the same open cases give the same sample whatever order the
rows arrive in, on any machine and any Python version. Strata are drawn independently, so
adding a team or a cohort does not change who is drawn in the others.
"""

from __future__ import annotations

import datetime
import hashlib
import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from .grades import COHORT_PRIORITY, EXTREME_GRADES


@dataclass(frozen=True)
class OpenCase:
    person_id: str
    cohort: str
    team_id: str
    worker_id: str = ""
    start_date: datetime.date | None = None


def rank(seed: int, identifier: str) -> str:
    """The file's place in the draw: the lowest ranks are drawn."""
    return hashlib.sha256(f"{seed}\x1f{identifier}".encode()).hexdigest()


def one_row_per_child(cases: Iterable[OpenCase]) -> list[OpenCase]:
    """A child open in several cohorts or teams counts once: in the most intensive cohort
    (COHORT_PRIORITY), then the most recent involvement, then the lowest team id."""
    order = {c: i for i, c in enumerate(COHORT_PRIORITY)}
    best: dict[str, OpenCase] = {}

    def key(case: OpenCase) -> tuple:
        start = case.start_date.toordinal() if case.start_date else 0
        return (order.get(case.cohort, len(order)), -start, case.team_id, case.worker_id)

    for case in cases:
        current = best.get(case.person_id)
        if current is None or key(case) < key(current):
            best[case.person_id] = case
    return sorted(best.values(), key=lambda c: c.person_id)


def largest_remainder(total: int, sizes: Mapping[Hashable, int], order: Sequence) -> dict:
    """Share `total` across groups in proportion to `sizes` (Hamilton's method); ties in the
    remainders go to groups earlier in `order`. Never gives a group more than its size."""
    population = sum(sizes.values())
    if population == 0 or total <= 0:
        return dict.fromkeys(sizes, 0)
    total = min(total, population)
    quotas = {g: total * n / population for g, n in sizes.items()}
    shares = {g: math.floor(q) for g, q in quotas.items()}
    position = {g: i for i, g in enumerate(order)}
    left = total - sum(shares.values())
    by_remainder = sorted(
        (g for g in sizes if shares[g] < sizes[g]),
        key=lambda g: (-(quotas[g] - shares[g]), position.get(g, len(position))),
    )
    for g in by_remainder[:left]:
        shares[g] += 1
    return shares


@dataclass(frozen=True)
class SampleRule:
    mode: str  # "count" per team, or "share" (percent) of each team's eligible files
    count: int | None = None
    share: int | None = None
    cohorts: frozenset[str] = frozenset(COHORT_PRIORITY)
    teams: frozenset[str] | None = None  # None: every team
    excluded: Mapping[str, str] = field(default_factory=dict)  # person id -> reason

    def team_quota(self, eligible: int) -> int:
        if self.mode == "count":
            return min(self.count or 0, eligible)
        share = self.share or 0
        return min(eligible, math.ceil(eligible * share / 100)) if share > 0 else 0


@dataclass(frozen=True)
class Stratum:
    team_id: str
    cohort: str
    eligible: int
    drawn: int


@dataclass(frozen=True)
class Sample:
    drawn: tuple[OpenCase, ...]
    strata: tuple[Stratum, ...]
    population: int  # children open in the snapshot, counted once each
    excluded: dict[str, list[str]]  # reason -> person ids
    out_of_scope: int  # open in a cohort or team the programme does not cover


def draw(cases: Iterable[OpenCase], rule: SampleRule, seed: int) -> Sample:
    """Stratified by team and cohort: each team's quota is shared across its cohorts in
    proportion to their sizes, and each stratum takes its lowest-ranked files."""
    children = one_row_per_child(cases)
    excluded: dict[str, list[str]] = defaultdict(list)
    out_of_scope = 0
    strata: dict[tuple[str, str], list[OpenCase]] = defaultdict(list)
    for case in children:
        if case.cohort not in rule.cohorts or (
            rule.teams is not None and case.team_id not in rule.teams
        ):
            out_of_scope += 1
            continue
        reason = rule.excluded.get(case.person_id)
        if reason:
            excluded[reason].append(case.person_id)
            continue
        strata[(case.team_id, case.cohort)].append(case)

    drawn: list[OpenCase] = []
    records: list[Stratum] = []
    cohort_order = [c for c in COHORT_PRIORITY if c in rule.cohorts]
    for team_id in sorted({t for t, _ in strata}):
        sizes = {c: len(strata[(team_id, c)]) for c in cohort_order if (team_id, c) in strata}
        shares = largest_remainder(rule.team_quota(sum(sizes.values())), sizes, cohort_order)
        for cohort in cohort_order:
            if cohort not in sizes:
                continue
            members = sorted(strata[(team_id, cohort)], key=lambda c: rank(seed, c.person_id))
            chosen = members[: shares[cohort]]
            drawn.extend(chosen)
            records.append(Stratum(team_id, cohort, len(members), len(chosen)))
    return Sample(
        drawn=tuple(drawn),
        strata=tuple(records),
        population=len(children),
        excluded={k: sorted(v) for k, v in excluded.items()},
        out_of_scope=out_of_scope,
    )


# -- sharing out work --------------------------------------------------------------------------


@dataclass(frozen=True)
class Worker:
    """Someone who can take files: an auditor or a moderator."""

    user_id: int
    # Teams whose files they may not take (their own; for a service manager, their service's).
    conflicts: frozenset[int] = frozenset()
    professional_id: str = ""
    load: int = 0  # files they already hold in this programme


@dataclass(frozen=True)
class Job:
    key: Hashable
    team_id: int | None
    worker_id: str = ""  # the case's allocated practitioner, who may not audit it
    excluded_user_ids: frozenset[int] = frozenset()  # e.g. the auditor, for moderation


def eligible(job: Job, worker: Worker) -> bool:
    if job.team_id is not None and job.team_id in worker.conflicts:
        return False
    if worker.user_id in job.excluded_user_ids:
        return False
    return not (job.worker_id and job.worker_id == worker.professional_id)


def allocate(jobs: Sequence[Job], workers: Sequence[Worker]) -> dict[Hashable, int | None]:
    """Give each job to an eligible worker, keeping loads as even as the rules allow.

    The most constrained jobs go first, each to the eligible worker with the lightest load
    (ties: lowest user id), so the result is deterministic. None: nobody is eligible.
    """
    load = {w.user_id: w.load for w in workers}
    # Work out who may take each kind of job once: a team's files share their conflicts, and
    # only the rare worker who is also the case's practitioner is taken out per job.
    by_team: dict[tuple, list[Worker]] = {}
    practitioners = {w.professional_id for w in workers if w.professional_id}
    options = {}
    for job in jobs:
        kind = (job.team_id, job.excluded_user_ids)
        if kind not in by_team:
            probe = Job(key=None, team_id=job.team_id, excluded_user_ids=job.excluded_user_ids)
            by_team[kind] = [w for w in workers if eligible(probe, w)]
        candidates = by_team[kind]
        if job.worker_id and job.worker_id in practitioners:
            candidates = [w for w in candidates if w.professional_id != job.worker_id]
        options[job.key] = candidates
    result: dict[Hashable, int | None] = {}
    for job in sorted(jobs, key=lambda j: (len(options[j.key]), str(j.key))):
        candidates = options[job.key]
        if not candidates:
            result[job.key] = None
            continue
        chosen = min(candidates, key=lambda w: (load[w.user_id], w.user_id))
        load[chosen.user_id] += 1
        result[job.key] = chosen.user_id
    return result


# -- moderation sample -------------------------------------------------------------------------


@dataclass(frozen=True)
class Submitted:
    audit_id: int
    team_key: str  # the stratum: the file's team
    grade: int


@dataclass(frozen=True)
class ModerationSample:
    always: tuple[int, ...]  # every Outstanding and Inadequate audit
    sampled: tuple[int, ...]
    strata: tuple[tuple[str, int, int], ...]  # (team, eligible, drawn) for the random part


def draw_moderation(audits: Sequence[Submitted], rate: int, seed: int) -> ModerationSample:
    """At least `rate`% of the audits, always including every extreme grade; the rest drawn
    at random within teams, in proportion to each team's share of the remaining audits."""
    always = sorted(a.audit_id for a in audits if a.grade in EXTREME_GRADES)
    target = math.ceil(len(audits) * rate / 100) if rate > 0 else 0
    rest = [a for a in audits if a.grade not in EXTREME_GRADES]
    by_team: dict[str, list[Submitted]] = defaultdict(list)
    for a in rest:
        by_team[a.team_key].append(a)
    teams = sorted(by_team)
    shares = largest_remainder(
        max(0, target - len(always)), {t: len(by_team[t]) for t in teams}, teams
    )
    sampled: list[int] = []
    strata = []
    for team in teams:
        members = sorted(by_team[team], key=lambda a: rank(seed, str(a.audit_id)))
        chosen = [a.audit_id for a in members[: shares[team]]]
        sampled.extend(chosen)
        strata.append((team, len(members), len(chosen)))
    return ModerationSample(tuple(always), tuple(sorted(sampled)), tuple(strata))
