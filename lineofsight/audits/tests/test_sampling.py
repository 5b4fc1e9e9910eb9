"""Sampling and allocation are pure functions: their properties, checked with Hypothesis."""

from __future__ import annotations

import dataclasses
import math
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from lineofsight.audits import sampling
from lineofsight.audits.grades import COHORT_PRIORITY, Grade

TEAMS = ["T1", "T2", "T3", "T4"]
COHORTS = list(COHORT_PRIORITY)

cases_strategy = st.lists(
    st.builds(
        sampling.OpenCase,
        person_id=st.integers(min_value=1, max_value=400).map(lambda i: f"P{i:04d}"),
        cohort=st.sampled_from(COHORTS),
        team_id=st.sampled_from(TEAMS),
        worker_id=st.sampled_from(["W1", "W2", ""]),
    ),
    max_size=250,
)
rules = st.one_of(
    st.builds(
        sampling.SampleRule,
        mode=st.just("count"),
        count=st.integers(min_value=1, max_value=15),
        cohorts=st.sets(st.sampled_from(COHORTS), min_size=1).map(frozenset),
    ),
    st.builds(
        sampling.SampleRule,
        mode=st.just("share"),
        share=st.integers(min_value=1, max_value=100),
        cohorts=st.sets(st.sampled_from(COHORTS), min_size=1).map(frozenset),
    ),
)
seeds = st.integers(min_value=0, max_value=2**31)


@settings(max_examples=150, deadline=None)
@given(cases_strategy, rules, seeds, st.randoms(use_true_random=False))
def test_same_seed_and_cases_give_the_same_sample_in_any_row_order(cases, rule, seed, rnd):
    shuffled = list(cases)
    rnd.shuffle(shuffled)
    first = sampling.draw(cases, rule, seed)
    again = sampling.draw(shuffled, rule, seed)
    assert first.drawn == again.drawn
    assert first.strata == again.strata


@settings(max_examples=150, deadline=None)
@given(cases_strategy, rules, seeds)
def test_every_team_gets_its_quota_shared_across_cohorts_in_proportion(cases, rule, seed):
    sample = sampling.draw(cases, rule, seed)
    children = sampling.one_row_per_child(cases)
    in_scope = [c for c in children if c.cohort in rule.cohorts]
    drawn_ids = [c.person_id for c in sample.drawn]
    assert len(drawn_ids) == len(set(drawn_ids)), "a child drawn twice"
    assert set(drawn_ids) <= {c.person_id for c in in_scope}
    by_team = Counter(c.team_id for c in in_scope)
    for team, eligible in by_team.items():
        strata = [s for s in sample.strata if s.team_id == team]
        assert sum(s.eligible for s in strata) == eligible
        assert sum(s.drawn for s in strata) == rule.team_quota(eligible)
        quota = rule.team_quota(eligible)
        for s in strata:
            exact = quota * s.eligible / eligible
            assert math.floor(exact) <= s.drawn <= math.ceil(exact), (s, quota, eligible)
            drawn_here = [c for c in sample.drawn if (c.team_id, c.cohort) == (team, s.cohort)]
            assert len(drawn_here) == s.drawn


@settings(max_examples=100, deadline=None)
@given(cases_strategy, rules, seeds, st.sets(st.integers(min_value=1, max_value=400)))
def test_excluded_children_are_never_drawn_and_are_recorded(cases, rule, seed, excluded_numbers):
    excluded = {f"P{i:04d}": "audited in the last 12 months" for i in excluded_numbers}
    rule = dataclasses.replace(rule, excluded=excluded)
    sample = sampling.draw(cases, rule, seed)
    assert not {c.person_id for c in sample.drawn} & set(excluded)
    recorded = set(sample.excluded.get("audited in the last 12 months", []))
    in_scope = {c.person_id for c in sampling.one_row_per_child(cases) if c.cohort in rule.cohorts}
    assert recorded == in_scope & set(excluded)


def test_a_different_seed_usually_draws_differently_and_strata_are_independent():
    cases = [sampling.OpenCase(f"P{i:03d}", "cin", TEAMS[i % 2]) for i in range(200)]
    rule = sampling.SampleRule(mode="count", count=5)
    a = sampling.draw(cases, rule, 1)
    b = sampling.draw(cases, rule, 2)
    assert {c.person_id for c in a.drawn} != {c.person_id for c in b.drawn}
    # Dropping team T2 leaves T1's draw exactly as it was.
    only_t1 = sampling.draw([c for c in cases if c.team_id == "T1"], rule, 1)
    assert [c for c in a.drawn if c.team_id == "T1"] == list(only_t1.drawn)


def test_a_child_open_in_two_cohorts_counts_once_in_the_most_intensive():
    cases = [
        sampling.OpenCase("P1", "cin", "T1"),
        sampling.OpenCase("P1", "cp", "T2"),
        sampling.OpenCase("P2", "care_leaver", "T1"),
        sampling.OpenCase("P2", "cla", "T1"),
    ]
    rows = sampling.one_row_per_child(cases)
    assert [(r.person_id, r.cohort, r.team_id) for r in rows] == [
        ("P1", "cp", "T2"),
        ("P2", "cla", "T1"),
    ]


workers_strategy = st.lists(
    st.builds(
        sampling.Worker,
        user_id=st.integers(min_value=1, max_value=10_000),
        conflicts=st.sets(st.integers(min_value=1, max_value=4), max_size=2).map(frozenset),
        professional_id=st.sampled_from(["", "W1", "W2"]),
    ),
    min_size=1,
    max_size=8,
    unique_by=lambda w: w.user_id,
)
jobs_strategy = st.lists(
    st.builds(
        sampling.Job,
        key=st.integers(),
        team_id=st.one_of(st.none(), st.integers(min_value=1, max_value=4)),
        worker_id=st.sampled_from(["", "W1", "W2", "W3"]),
    ),
    max_size=60,
    unique_by=lambda j: j.key,
)


@settings(max_examples=200, deadline=None)
@given(jobs_strategy, workers_strategy)
def test_nobody_audits_their_own_team_or_case_and_every_possible_job_is_given(jobs, workers):
    result = sampling.allocate(jobs, workers)
    by_id = {w.user_id: w for w in workers}
    for job in jobs:
        chosen = result[job.key]
        if chosen is None:
            assert not any(sampling.eligible(job, w) for w in workers)
        else:
            assert sampling.eligible(job, by_id[chosen])


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=0, max_value=80),
    st.lists(st.integers(min_value=1, max_value=10_000), min_size=1, max_size=9, unique=True),
)
def test_loads_are_even_when_the_rules_allow(n_jobs, user_ids):
    jobs = [sampling.Job(key=i, team_id=None) for i in range(n_jobs)]
    workers = [sampling.Worker(user_id=u) for u in user_ids]
    loads = Counter(sampling.allocate(jobs, workers).values())
    counts = [loads.get(u, 0) for u in user_ids]
    assert max(counts) - min(counts) <= 1


def test_allocation_keeps_loads_even_around_conflicts():
    # Three auditors; one is in team 1, which holds half the files.
    workers = [sampling.Worker(1, frozenset({1})), sampling.Worker(2), sampling.Worker(3)]
    jobs = [sampling.Job(i, 1 if i % 2 else 2) for i in range(30)]
    loads = Counter(sampling.allocate(jobs, workers).values())
    assert sorted(loads.values()) == [10, 10, 10]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(TEAMS), st.sampled_from([g.value for g in Grade])),
        max_size=120,
    ),
    st.integers(min_value=1, max_value=100),
    seeds,
)
def test_moderation_sample_keeps_every_extreme_grade_and_reaches_the_rate(rows, rate, seed):
    audits = [sampling.Submitted(i, team, grade) for i, (team, grade) in enumerate(rows)]
    sample = sampling.draw_moderation(audits, rate, seed)
    chosen = set(sample.always) | set(sample.sampled)
    extremes = {a.audit_id for a in audits if a.grade in (Grade.OUTSTANDING, Grade.INADEQUATE)}
    assert set(sample.always) == extremes
    assert not set(sample.always) & set(sample.sampled)
    target = math.ceil(len(audits) * rate / 100)
    assert len(chosen) == max(len(extremes), min(target, len(audits)))
    assert sampling.draw_moderation(list(reversed(audits)), rate, seed) == sample
    for team, eligible, drawn in sample.strata:
        assert drawn <= eligible
        assert drawn == sum(1 for i in sample.sampled if audits[i].team_key == team)


def test_a_recorded_seed_draws_the_same_files_on_any_machine():
    # SHA-256 ranks, not hash() or random: these values hold on every machine and every run.
    assert sampling.rank(7, "P0001")[:16] == "27a945546f2cba8a"
    cases = [sampling.OpenCase(f"P{i:03d}", "cin", "T1") for i in range(20)]
    drawn = sampling.draw(cases, sampling.SampleRule(mode="count", count=3), 2024).drawn
    assert [c.person_id for c in drawn] == ["P017", "P009", "P015"]
