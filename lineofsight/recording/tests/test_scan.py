"""Reading a note once for every marker pattern (scan.py) changes nothing the checker finds: it
only spares Python from running patterns that cannot match."""

from __future__ import annotations

import pytest

from lineofsight.recording import checker
from lineofsight.recording.checker import markers, scan
from lineofsight.recording.checker.patterns import Alternation
from lineofsight.synthetic.names import BOYS, GIRLS
from lineofsight.synthetic.notes import NoteWriter
from lineofsight.synthetic.sampling import Draw, seeded

from .test_screening import NOTES, SCREENED

needs_hyperscan = pytest.mark.skipif(
    not scan.available(),
    reason="Hyperscan is built for x86-64 only; other machines screen in Python",
)
ALTERNATIONS = [v for v in vars(markers).values() if isinstance(v, Alternation)]


def _variants(note: str) -> list[str]:
    # The note as written, shouted, and with the child's words run together with another's.
    return [note, note.upper(), note.replace(". ", ".\n\n"), note.replace(" ", "  ")]


def _check_all(texts: list[tuple[str, str, float | None]]) -> list[checker.Result]:
    rules = checker.Rules.default()
    people = frozenset({"Joanne", "Kai", "Amy", "Denise", "Leo"})
    return [
        checker.check(t, rules=rules, child=child, child_age=age, people=people)
        for t, child, age in texts
    ]


def _texts() -> list[tuple[str, str, float | None]]:
    found = []
    for note in NOTES:
        for variant in _variants(note):
            for child, age in (("", None), ("Kai", 1.0), ("Amy", 9.0)):
                found.append((variant, child, age))
    return found


@needs_hyperscan
def test_the_checker_finds_the_same_with_and_without_the_scan():
    texts = _texts()
    with scan.enabled(False):
        without = _check_all(texts)
    with scan.enabled(True):
        assert all(checker.text.Text(t).hits is not None for t, _, _ in texts if t.isascii())
        with_scan = _check_all(texts)
    for (text, child, age), a, b in zip(texts, without, with_scan, strict=True):
        assert a == b, (text, child, age)


@needs_hyperscan
def test_the_synthetic_councils_notes_are_found_alike():
    writer = NoteWriter(Draw(seeded(11, "notes")), size=60)
    names = GIRLS + BOYS
    texts = []
    for i in range(600):
        kind, name, age = (
            ("cp", "cin", "cla", "leaver")[i % 4],
            names[i % len(names)],
            (0, 4, 15)[i % 3],
        )
        text = writer.visit(kind, name, age, writer.carer(kind), 739000 + i, drifting=i % 3 == 0)
        texts.append((text, name, float(age)))
    with scan.enabled(False):
        without = _check_all(texts)
    with scan.enabled(True):
        assert _check_all(texts) == without


@needs_hyperscan
@pytest.mark.parametrize("alternation", ALTERNATIONS, ids=lambda a: a.pattern[:30])
def test_every_part_that_matches_is_named_by_the_scan(alternation):
    for note in NOTES:
        lower = note.lower()
        hits = scan.PHRASES.hits(lower) if lower.isascii() else None
        if hits is None:
            continue
        slow = sorted(m.span() for m in alternation.finditer(lower, frozenset(lower.split())))
        # Words from split() are not the checker's words: run every part for the slow answer.
        every = sorted(
            m.span()
            for part in {
                *alternation.always,
                *(p for ps in alternation.by_word.values() for p in ps),
            }
            for m in part.every(lower)
        )
        quick = sorted(m.span() for m in alternation.finditer(lower, frozenset(), hits))
        assert quick == every
        assert set(slow) <= set(every)


def test_texts_the_scan_cannot_read_alike_are_left_to_python():
    assert scan.PHRASES.hits("Amy said “I’m happy” to me.") is None  # beyond ASCII
    assert (
        scan.PHRASES.hits("amy said\x1cshe is happy") is None
    )  # a separator Python counts as a space
    with scan.enabled(False):
        assert scan.PHRASES.hits("amy said she is happy") is None


@needs_hyperscan
def test_an_ascii_note_is_scanned_and_only_likely_parts_are_named():
    hits = scan.PHRASES.hits("we agreed the plan because amy is scared at home.")
    assert hits is not None
    assert 0 < len(hits) < 20
    assert scan.PHRASES.hits("") == frozenset()


@needs_hyperscan
@pytest.mark.parametrize("name", sorted(n for n, s in SCREENED.items() if s.needles))
def test_the_scan_names_a_screened_pattern_exactly_where_a_piece_is(name):
    screened = SCREENED[name]
    for note in NOTES:
        folded = note.lower()
        pieces = scan.PIECES.hits(folded)
        if pieces is None:
            continue
        screened._last = (None, False)
        assert screened.may_match(folded, pieces) == screened.may_match(folded), note
