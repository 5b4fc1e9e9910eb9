"""The checker's shortcuts never change what it finds: a screened pattern is skipped only where
it could not match, and the patterns rewritten to run quickly find what the plain ones do."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from lineofsight.recording import checker
from lineofsight.recording.checker import markers, plain, terms, text
from lineofsight.recording.checker.patterns import (
    Alternation,
    Screened,
    _quick_fits,
    needles,
    starting_a_word,
    word_starts,
)

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


ALTERNATIONS = {
    name: value for name, value in vars(markers).items() if isinstance(value, Alternation)
}


@pytest.mark.parametrize(
    "pattern",
    [
        markers._REASON_WORDS,
        r"(?:was|were|has been|it is)\s+(?:not\s+)?(agreed|decided)\b(?!\s+by\b)",
        r"parents?(?: said| told)",
        r"(?:plan|decision|actions?)\s*:",
        r"will(?: be held| continue)\b",
    ],
)
def test_starting_a_word_finds_what_word_starts_finds(pattern):
    rewritten = re.compile(starting_a_word(pattern))
    plain_pattern = re.compile(pattern)
    for note in [*NOTES, "a bit was agreed; habit. parent said, grandparents said. plan: x"]:
        lower = note.lower()
        expected = [m.span() for m in word_starts(plain_pattern, lower)]
        assert [m.span() for m in rewritten.finditer(lower)] == expected


@pytest.mark.parametrize("pattern", [r"(?:a|b)?c", r"\bthe", r"[a-z]+ing", r"(?:a|b)c|d"])
def test_starting_a_word_refuses_what_it_cannot_rewrite(pattern):
    assert starting_a_word(pattern) is None


@pytest.mark.parametrize("name", sorted(ALTERNATIONS))
def test_screening_an_alternations_parts_never_hides_a_match(name):
    alternation = ALTERNATIONS[name]
    for note in NOTES:
        shaped = text.Text(note)
        parts = alternation._candidates(shaped.lower_words)
        expected = sorted(
            (m.span() for part in parts for m in part.every(shaped.lower)),
            key=lambda span: (span[0], -span[1]),
        )
        assert [m.span() for m in alternation.finditer(shaped.lower, shaped.lower_words)] == (
            expected
        )


def test_an_ignore_case_pattern_is_run_quickly_only_where_that_is_the_same():
    assert _quick_fits(r"\bno views\b", re.IGNORECASE)
    assert not _quick_fits(r"\bno views\b", 0)  # case matters: nothing to lower-case
    assert not _quick_fits("\u212a", re.IGNORECASE)  # the Kelvin sign folds to k
    screened = Screened(r"\bdoes not speak\b", re.IGNORECASE)
    assert screened.search("He DOES NOT SPEAK", "he does not speak")
    assert not screened.search("He does not speak much", "x")  # screened out by its pieces
    # Beyond ASCII the slow pattern decides: "ſ" folds to "s" when case is ignored.
    assert screened.search("He does not ſpeak, speak", "he does not ſpeak, speak")


def test_counting_syllables_quickly_counts_what_the_patterns_find():
    pieces = ["queueing aeiouy", "éa ée", "", "y", "e", "rhythm", "care home_ like2e cake", "ace."]
    for piece in [*NOTES, *pieces]:
        lower = piece.lower()
        expected = len(text._VOWEL_GROUPS.findall(lower)), len(text._SILENT_E.findall(lower))
        assert text._vowel_groups_and_silent_es(lower) == expected


def test_words_are_split_at_the_same_characters_as_before():
    separators = str.maketrans(dict.fromkeys(text._SEPARATOR_CHARACTERS, " "))
    for note in [*NOTES, "co-morbid A&E ‘quoted’ – dash … £5 naïve\u2030x\U0001f600y"]:
        shaped = text.Text(note)
        assert shaped.lower_words == frozenset(shaped.lower.translate(separators).split())
        assert shaped.folded == note.lower()


def test_an_adult_word_is_found_as_the_pattern_finds_it():
    words = {w for note in NOTES for w in markers._TOKEN.findall(note)}
    words |= {"Grandparents", "PARENT", "carers", "Mum’s", "nurseries", "İ"}
    for word in words:
        assert markers._is_adult_word(word) == bool(markers._ADULT_WORD.match(word))


def test_acronyms_are_found_where_the_look_behind_first_pattern_finds_them():
    before = re.compile(r"(?<![\w&'’.-])([A-Z][A-Za-z0-9&]*[A-Z0-9])(?:'s|’s|s)?(?![\w&]|-\w|\.\w)")
    tricky = "A&E. S47 LAC's x.LAC -LAC 'LAC ’LAC &LAC _LAC 9LAC LACs DfE A ÀLAC éLAC"
    for piece in [*NOTES, tricky]:
        spans = [(m.span(), m.span(1)) for m in terms._ACRONYM.finditer(piece)]
        assert spans == [(m.span(), m.span(1)) for m in before.finditer(piece)]


def test_a_fine_phrase_is_only_looked_for_where_its_piece_is():
    index = checker.Rules.default().term_index
    phrases = [pair for pairs in index.exceptions.values() for pair in pairs]
    plain_phrases = 0
    for piece, pattern in phrases:
        example = pattern.pattern.removesuffix(r"(?![\w&]|-\w)")
        if "[" in example:  # a phrase with a * in it
            continue
        example = example.replace(r"\s+", " ").replace("\\", "")
        assert pattern.search(example)  # a plain phrase matches itself...
        assert piece and piece in example  # ...and holds its piece
        plain_phrases += 1
    assert plain_phrases > 20


def test_lower_cased_copies_of_ignore_case_patterns_find_the_same():
    for note in NOTES:
        for piece in (note, note.upper()):
            lower = piece.lower()
            spans = [m.span() for m in markers._BECAUSE.finditer(piece)]
            assert [m.span() for m in markers._BECAUSE_LOWER.finditer(lower)] == spans
            for cut in range(0, len(piece), 9):
                before = piece[:cut]
                assert markers._after_whom(before) == bool(markers._AFTER_WHOM.search(before))
