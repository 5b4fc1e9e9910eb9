"""The synthetic council's case notes give every check something to find, and something not
to: each marker and each rule is there in some notes and missing from others, in proportions a
team manager would recognise (poor notes full of acronyms, good ones with the child's words)."""

from __future__ import annotations

import datetime
from collections import Counter

import pytest

from lineofsight.recording import checker
from lineofsight.synthetic.names import BOYS, GIRLS
from lineofsight.synthetic.notes import NoteWriter
from lineofsight.synthetic.sampling import Draw, seeded

MARKERS = ("child_voice", "analysis", "decision_rationale")
RULES = (
    "discouraged-term",
    "legal-term",
    "unexplained-acronym",
    "long-sentence",
    "passive-voice",
    "other-person-named",
)
# Each way, at least this share of the notes.
AT_LEAST = 0.05


@pytest.fixture(scope="module")
def checked() -> list[checker.Result]:
    writer = NoteWriter(Draw(seeded(7, "notes")), size=60)
    draw = Draw(seeded(7, "visits"))
    day = datetime.date(2025, 1, 6).toordinal()
    people = frozenset(GIRLS + BOYS)
    results = []
    for i in range(1200):
        kind = ("cp", "cin", "cla", "leaver")[i % 4]
        name = (GIRLS + BOYS)[i % len(GIRLS + BOYS)]
        age = 0 if draw.r() < 0.15 else (4, 9, 15)[i % 3]
        if i % 5 == 0:
            text = writer.event(("assessment", "strategy", "supervision")[i % 3], name, day + i)
        else:
            text = writer.visit(kind, name, age, writer.carer(kind), day + i, drifting=i % 3 == 0)
        results.append(checker.check(text, child=name, child_age=age, people=people - {name}))
    return results


@pytest.mark.parametrize("marker", MARKERS)
def test_every_marker_is_found_in_some_notes_and_missing_from_others(checked, marker):
    found = sum(getattr(r, marker) for r in checked)
    assert AT_LEAST * len(checked) <= found <= (1 - AT_LEAST) * len(checked), (marker, found)


@pytest.mark.parametrize("rule", RULES)
def test_every_rule_finds_something_in_some_notes_and_nothing_in_others(checked, rule):
    with_it = sum(1 for r in checked if r.of_rule(rule))
    assert AT_LEAST * len(checked) <= with_it <= (1 - AT_LEAST) * len(checked), (rule, with_it)


def test_discouraged_terms_are_many_different_words(checked):
    words = Counter(f.text.lower() for r in checked for f in r.discouraged)
    assert len(words) >= 20, words.most_common()
