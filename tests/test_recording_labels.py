"""The labelled case-note snippets that the recording checker will be measured against.

They were written and labelled before any checker existed (tests/data/recording/GUIDE.md says how
each marker is labelled), and a second reader labelled a sample of them independently, from the
guide and the text alone. These tests keep the set fit for measuring: enough positive and
negative examples of every marker, labels that point at text that is really there, and a second
reading that agrees with the first well beyond chance.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from lineofsight.audits.statistics import agreement_table, weighted_kappa

DATA = Path(__file__).parent / "data" / "recording"
BOOLEAN_MARKERS = ("child_voice", "analysis", "decision_rationale")
LIST_MARKERS = ("discouraged", "acronyms", "other_names")
MIN_SNIPPETS = 150
MIN_EACH_WAY = 30
MIN_SECOND_READING = 50
# Agreed before the second reading was made: "moderate" agreement or better (Landis and Koch).
# Readers of case files agree at kappa 0.33 to 0.74 on judgement questions, so a higher bar
# would say more about the guide than about the readers.
MIN_KAPPA = 0.4


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


@pytest.fixture(scope="module")
def snippets() -> list[dict]:
    return _lines(DATA / "labelled_notes.jsonl")


@pytest.fixture(scope="module")
def second() -> dict[str, dict]:
    return {row["id"]: row["labels"] for row in _lines(DATA / "second_reading.jsonl")}


def test_the_set_is_large_enough_and_every_snippet_is_labelled_for_every_marker(snippets):
    assert len(snippets) >= MIN_SNIPPETS
    assert len({s["id"] for s in snippets}) == len(snippets), "ids repeat"
    for s in snippets:
        assert s["text"].strip() and s["child"].strip(), s["id"]
        labels = s["labels"]
        for marker in BOOLEAN_MARKERS:
            assert isinstance(labels[marker], bool), (s["id"], marker)
        for marker in LIST_MARKERS:
            assert isinstance(labels[marker], list), (s["id"], marker)
        assert isinstance(labels["long_sentences"], int) and labels["long_sentences"] >= 0


@pytest.mark.parametrize("marker", BOOLEAN_MARKERS + LIST_MARKERS)
def test_every_marker_has_enough_examples_each_way(snippets, marker):
    present = sum(1 for s in snippets if s["labels"][marker])
    assert present >= MIN_EACH_WAY, f"{marker}: {present} snippets with it"
    assert len(snippets) - present >= MIN_EACH_WAY, f"{marker}: {present} of {len(snippets)}"


@pytest.mark.parametrize("marker", LIST_MARKERS)
def test_labelled_words_are_in_the_text_as_written(snippets, marker):
    for s in snippets:
        for text in s["labels"][marker]:
            assert re.search(re.escape(text), s["text"], flags=re.IGNORECASE), (s["id"], text)


def test_the_second_reading_covers_enough_snippets_of_the_set(snippets, second):
    ids = {s["id"] for s in snippets}
    assert len(second) >= MIN_SECOND_READING
    assert set(second) <= ids, set(second) - ids


@pytest.mark.parametrize("marker", BOOLEAN_MARKERS)
def test_two_readers_agree_beyond_chance(snippets, second, marker):
    first = {s["id"]: s["labels"] for s in snippets}
    pairs = [(int(first[i][marker]), int(labels[marker])) for i, labels in second.items()]
    kappa = weighted_kappa(agreement_table(pairs, [0, 1]))
    assert kappa is not None and kappa >= MIN_KAPPA, f"{marker}: kappa {kappa}"
