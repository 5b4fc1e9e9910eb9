"""The checker's shortcuts never change what it finds: a screened pattern is skipped only where
it could not match, and the patterns rewritten to run quickly find what the plain ones do."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from lineofsight.recording import checker
from lineofsight.recording.checker import markers, plain, text
from lineofsight.recording.checker.patterns import Screened, needles

DATA = Path(__file__).resolve().parents[3] / "tests" / "data" / "recording"


def _notes() -> list[str]:
    found = []
    for name in ("labelled_notes.jsonl", "held_out_notes.jsonl"):
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                found.append(json.loads(line)["text"])
    return found


NOTES = _notes()
SCREENED = {
    name: value
    for module in (markers, plain)
    for name, value in vars(module).items()
    if isinstance(value, Screened)
}


def test_the_notes_and_patterns_are_there():
    assert len(NOTES) >= 200
    assert {"_NO_SPEECH", "_BABY", "_VIEW_SUMMARY", "_NEGATED_VOICE"} <= SCREENED.keys()


@pytest.mark.parametrize("name", sorted(SCREENED))
def test_a_screen_never_hides_a_match(name):
    screened = SCREENED[name]
    for note in NOTES:
        for piece in (note, note.upper()):
            expected = [m.span() for m in screened.regex.finditer(piece)]
            assert [m.span() for m in screened.finditer(piece, piece.lower())] == expected
    if screened.needles is not None:
        assert not screened.may_match("nothing here at all")


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"\d+\s*(?:weeks?|months?)\s*old", {"week", "month"}),
        (r"\b(?:babbl\w*|crawl\w*|nappy)\b", {"babbl", "crawl", "nappy"}),
        (r"\bnon-verbal\b", {"verbal"}),
        (r"(?:\w+)'s (?:own )?", set()),
        (r"parents?", {"parent"}),
    ],
)
def test_needles_are_pieces_every_match_holds(pattern, expected):
    assert needles(pattern) == expected
    for piece in expected:
        assert piece == piece.lower()


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("Mum - tired - but calm .", 4),
        ("A & B", 2),
        ("“ ” quoted", 1),
        ("", 0),
        ("one\ttwo\nthree", 3),
    ],
)
def test_words_are_runs_with_a_letter_or_digit(words, expected):
    assert text.Text(words).word_count == expected


def test_the_passive_voice_is_found_after_a_word_that_ends_like_it():
    # "bit" ends in "it": "it was agreed" must not start inside it, "was agreed" still counts.
    result = checker.check("A bit was agreed. Habit is formed. It was decided by me.")
    passives = [f.text for f in result.findings if f.rule == "passive-voice"]
    assert passives == ["was agreed"]


def test_a_reason_is_not_found_inside_a_longer_word():
    # "bus" holds no "because"; "has" ends in "as": neither is a reason, the real one is.
    assert markers._reason_in("i have asked the bus company to stop") is None
    chunk = "i have asked the nursery to call me because he was unsettled today"
    assert chunk[: markers._reason_in(chunk)].endswith("because")


def test_sentences_end_at_stops_and_blank_lines():
    shaped = text.Text('She said "no." Then left!\n\nNew paragraph\n\nlast one?')
    pieces = [shaped.text[s.start : s.end] for s in shaped.sentences]
    assert pieces == ['She said "no."', "Then left!", "New paragraph\n\n", "last one?"]


def test_quotes_are_blanked_to_the_same_length():
    shaped = text.Text('He said "go away" and “leave me” twice')
    assert len(shaped.unquoted) == len(shaped.text)
    assert re.sub(r"\s+", " ", shaped.unquoted) == "He said and twice"
