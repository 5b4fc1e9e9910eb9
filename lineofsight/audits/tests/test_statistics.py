"""The statistics module against published worked examples, and its properties."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lineofsight.audits import statistics as s
from lineofsight.audits.grades import GRADES_BEST_FIRST
from lineofsight.audits.reports import grade_row

# Cohen, J. (1968). Weighted kappa: nominal scale agreement with provision for scaled
# disagreement or partial credit. Psychological Bulletin 70(4), 213-220. Table 1: two judges,
# 200 cases, three diagnostic categories, as proportions; disagreement weights 1, 3 and 6.
# Cohen reports kappa = .492 (unweighted) and kappa_w = .348 (weighted).
COHEN_1968 = [[0.44, 0.07, 0.09], [0.05, 0.20, 0.05], [0.01, 0.03, 0.06]]
COHEN_1968_WEIGHTS = [[0, 1, 3], [1, 0, 6], [3, 6, 0]]


def test_weighted_kappa_matches_cohens_1968_worked_example():
    assert round(s.weighted_kappa(COHEN_1968, COHEN_1968_WEIGHTS), 3) == 0.348
    assert round(s.weighted_kappa(COHEN_1968, "unweighted"), 3) == 0.492


def test_counts_and_proportions_give_the_same_kappa():
    counts = [[round(p * 200) for p in row] for row in COHEN_1968]
    assert s.weighted_kappa(counts, COHEN_1968_WEIGHTS) == pytest.approx(
        s.weighted_kappa(COHEN_1968, COHEN_1968_WEIGHTS)
    )


def test_linear_weighted_kappa_is_the_weighted_mean_of_collapsed_two_by_two_kappas():
    # Warrens (2013), Cohen's weighted kappa with additive weights: with linear weights, kappa_w
    # is the average of the kappas of the k-1 tables made by splitting the scale at each cut
    # point, each weighted by its kappa's denominator. An independent check of the linear case.
    table = [[10, 4, 1, 0], [5, 10, 12, 2], [2, 4, 12, 5], [0, 2, 6, 13]]
    n = sum(map(sum, table))
    k = len(table)
    numerator = denominator = 0.0
    for cut in range(1, k):
        a = sum(table[i][j] for i in range(cut) for j in range(cut)) / n
        d = sum(table[i][j] for i in range(cut, k) for j in range(cut, k)) / n
        r = sum(table[i][j] for i in range(cut) for j in range(k)) / n
        c = sum(table[i][j] for i in range(k) for j in range(cut)) / n
        po, pe = a + d, r * c + (1 - r) * (1 - c)
        numerator += po - pe
        denominator += 1 - pe
    assert s.weighted_kappa(table, "linear") == pytest.approx(numerator / denominator)


def test_kappa_is_one_for_perfect_agreement_and_undefined_for_no_variation():
    assert s.weighted_kappa([[3, 0], [0, 5]]) == pytest.approx(1.0)
    assert s.weighted_kappa([[7, 0], [0, 0]]) is None
    assert s.weighted_kappa([[0, 0], [0, 0]]) is None


grades = st.integers(min_value=1, max_value=4)
pair_lists = st.lists(st.tuples(grades, grades), min_size=1, max_size=60)


@given(pair_lists, st.sampled_from(["linear", "quadratic", "unweighted"]))
def test_kappa_is_symmetric_between_raters_and_at_most_one(pairs, weights):
    cats = [4, 3, 2, 1]
    forward = s.weighted_kappa(s.agreement_table(pairs, cats), weights)
    backward = s.weighted_kappa(s.agreement_table([(b, a) for a, b in pairs], cats), weights)
    if forward is None:
        assert backward is None
    else:
        assert forward == pytest.approx(backward)
        assert forward <= 1 + 1e-12


@given(pair_lists)
def test_agreement_counts_add_up(pairs):
    result = s.agreement(pairs, [4, 3, 2, 1])
    assert result.higher + result.same + result.lower == result.n == len(pairs)
    assert result.exact == pytest.approx(result.same / result.n)


# Newcombe, R.G. (1998). Two-sided confidence intervals for the single proportion: comparison of
# seven methods. Statistics in Medicine 17, 857-872, Table I, method 3 (Wilson's score method
# without continuity correction, Wilson 1927): published 95% limits to four decimal places.
NEWCOMBE_1998 = [
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0000, 0.1611),
    (1, 29, 0.0061, 0.1718),
]


@pytest.mark.parametrize(("k", "n", "low", "high"), NEWCOMBE_1998)
def test_wilson_interval_matches_newcombes_published_values(k, n, low, high):
    got_low, got_high = s.wilson_interval(k, n)
    assert round(got_low, 4) == low
    assert round(got_high, 4) == high


@given(
    st.integers(min_value=1, max_value=500).flatmap(
        lambda n: st.tuples(st.integers(min_value=0, max_value=n), st.just(n))
    )
)
def test_wilson_interval_contains_the_estimate_and_stays_in_range(kn):
    k, n = kn
    low, high = s.wilson_interval(k, n)
    assert 0 <= low <= k / n <= high <= 1
    assert not math.isnan(low) and not math.isnan(high)


def test_wilson_interval_needs_a_denominator():
    assert s.wilson_interval(0, 0) is None
    with pytest.raises(ValueError):
        s.wilson_interval(5, 4)


def test_small_counts_are_suppressed_and_one_hidden_cell_takes_another_with_it():
    assert s.shown(0) == "0"
    assert s.shown(4) == "fewer than 5"
    assert s.shown(5) == "5"
    assert s.suppress_row([10, 3, 8, 0]) == [False, True, False, True]
    assert s.suppress_row([10, 3, 2, 8]) == [False, True, True, False]
    assert s.suppress_row([10, 6, 8, 7]) == [False, False, False, False]


@given(st.lists(st.integers(min_value=0, max_value=30), min_size=2, max_size=6))
def test_no_single_hidden_cell_can_be_worked_out_from_the_total(counts):
    hidden = s.suppress_row(counts)
    assert sum(hidden) != 1
    assert all(hidden[i] for i, c in enumerate(counts) if 0 < c < 5)


def test_run_chart_finds_a_shift_of_six_points_on_one_side_of_the_median():
    values = [0.5, 0.5, 0.6, 0.4, 0.7, 0.75, 0.8, 0.8, 0.9, 0.85, 0.3, 0.4, 0.45]
    chart = s.run_chart(values)
    assert chart.median == pytest.approx(0.6)
    assert chart.shift_points == frozenset({4, 5, 6, 7, 8, 9})
    assert s.run_chart([0.5, None, 0.6]).shift_points == frozenset()
    assert s.run_chart([None, None]).median is None


@given(st.lists(st.integers(min_value=0, max_value=40), min_size=2, max_size=6))
def test_a_hidden_cell_says_fewer_than_5_only_when_that_is_true(counts):
    row = grade_row(
        "Row", [g for g, n in zip(GRADES_BEST_FIRST, counts, strict=False) for _ in range(n)]
    )
    for cell in row.cells:
        if cell.hidden:
            assert cell.text == ("fewer than 5" if cell.count < 5 else "withheld")
            assert cell.cell == cell.text
        else:
            assert cell.text != "withheld"
