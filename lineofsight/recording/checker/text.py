"""The shape of a note's text: quoted speech, sentences and words, with their offsets."""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import NamedTuple

from . import scan

# Double quotation marks, straight or curly. A quote left open runs to the end of its paragraph.
_QUOTE = re.compile(r'"[^"\n]*(?:"|$)|“[^”\n]*(?:”|$)', re.MULTILINE)
# A sentence ends at . ! or ? followed by white space, a closing quote, or the end of the text;
# a paragraph ends at a blank line. (Two patterns, each starting with a plain character: Python
# runs a pattern that starts with a repeat or a choice far more slowly.)
_SENTENCE_END = re.compile(r'[.!?][.!?]*["”’)]*(?=\s|$)')
_PARAGRAPH_END = re.compile(r"\n\s*\n")
_NOT_SPACE = re.compile(r"\S")
# A run of characters between spaces is a word if it has a letter or a digit in it. (Found in
# the text with a space either side: a pattern that starts with a character, not a look-behind,
# is one Python can skip through quickly.)
_NOT_A_WORD = re.compile(r"\s[^\w\s]+(?=\s)")


def _count_words(text: str) -> int:
    if text.isascii():
        # Each character as " " (white space), "a" (a letter, digit or _) or "-" (anything
        # else): the runs between spaces are counted without making a string of each, and the
        # runs with no letter or digit are found by plain text, which Python finds quickly.
        marked = text.translate(_WORD_OR_NOT)
        runs = marked.count(" a") + marked.count(" -") + (marked[:1] not in ("", " "))
        return runs - len(_NOT_A_WORD_MARKED.findall(f" {marked} "))
    return len(text.split()) - len(_NOT_A_WORD.findall(f" {text} "))


_WORD_OR_NOT = tuple(
    " " if chr(code).isspace() else "a" if re.match(r"\w", chr(code)) else "-"
    for code in range(128)
)
_NOT_A_WORD_MARKED = re.compile(r" -+(?= )")


# Everything but letters and digits separates words. str.translate is much quicker than a
# pattern, and quicker still with a table indexed by code point than with a dict: a character
# past the table's end raises IndexError, which str.translate takes as "leave it as it is".
_SEPARATOR_CHARACTERS = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~‘’“”–—…•·"
_SEPARATORS = tuple(
    " " if chr(code) in _SEPARATOR_CHARACTERS else chr(code)
    for code in range(max(map(ord, _SEPARATOR_CHARACTERS)) + 1)
)
_VOWEL_GROUPS = re.compile(r"[aeiouy][aeiouy]*")
# A silent final e ("care", "home"), not "-le" or "-ee", in a word with another vowel before it.
# Two such endings never share a letter, so the vowel and consonant before can be part of the
# match (quicker than looking behind).
_SILENT_E = re.compile(r"[aeiouy][^aeiouy\W]e\b")


class Span(NamedTuple):
    start: int
    end: int


class Text:
    """A note's text and what every check needs of it, worked out once when it is made: every
    check runs on every note, so each of these is always wanted (plain attributes are much
    quicker to read than functools.cached_property, which takes a lock on first use)."""

    __slots__ = (
        "_sentence_starts",
        "folded",
        "hits",
        "lower",
        "lower_words",
        "memo",
        "pieces",
        "quotes",
        "sentences",
        "text",
        "unquoted",
        "word_count",
    )

    def __init__(self, text: str) -> None:
        self.text = text
        # What the checks work out once per text and share (e.g. which sentences analyse).
        self.memo: dict[str, object] = {}
        self.quotes = _quotes(text)  # the spans of quoted speech
        # The text with quoted speech blanked out (same length, so offsets still hold).
        self.unquoted = _unquoted(text, self.quotes)
        # The unquoted text lower-cased, character for character (offsets still hold).
        self.lower = _lower(self.unquoted)
        # The whole text lower-cased, quoted speech and all (for screening patterns).
        # Without quoted speech, and with every letter lower-casing to one, the two are the same.
        self.folded = (
            self.lower if self.unquoted is text and len(self.lower) == len(text) else text.lower()
        )
        # The lower-cased words outside quoted speech: runs of letters and digits ("LAC" is
        # "lac"; "co-morbid" is "co" and "morbid").
        self.lower_words = frozenset(self.lower.translate(_SEPARATORS).split())
        # The markers' phrases that may match in the unquoted text, and the screened patterns
        # whose pieces the whole text holds (scan.py; None: not known).
        self.hits = scan.PHRASES.hits(self.lower)
        self.pieces = scan.PIECES.hits(self.folded)
        self.sentences = _sentences(text)
        self.word_count = _count_words(text)
        self._sentence_starts: list[int] | None = None

    def words_in(self, span: Span, *, more_than: int | None = None) -> int:
        """The words in a span; given `more_than`, a count at or below it may be any such count
        (the runs between spaces are an upper bound, and quicker to count)."""
        piece = self.text[span.start : span.end]
        if more_than is not None:
            runs = len(piece.split())
            if runs <= more_than:
                return runs
        return _count_words(piece)

    def sentence_index(self, offset: int) -> int:
        """The number of the sentence holding `offset` (0 for anything before the first)."""
        starts = self._sentence_starts
        if starts is None:
            starts = self._sentence_starts = [s.start for s in self.sentences]
        return max(bisect_right(starts, offset) - 1, 0)

    def sentence_of(self, offset: int) -> Span:
        if not self.sentences:
            return Span(0, len(self.text))
        return self.sentences[self.sentence_index(offset)]


def _quotes(text: str) -> tuple[Span, ...]:
    if '"' not in text and "“" not in text:
        return ()
    return tuple(Span(m.start(), m.end()) for m in _QUOTE.finditer(text))


def _unquoted(text: str, quotes: tuple[Span, ...]) -> str:
    """The text with quoted speech blanked out (same length, so offsets still hold)."""
    if not quotes:
        return text
    # A quote never holds a line break (_QUOTE), so it is blanked out whole.
    pieces, at = [], 0
    for q in quotes:
        pieces += (text[at : q.start], " " * (q.end - q.start))
        at = q.end
    pieces.append(text[at:])
    return "".join(pieces)


def _lower(unquoted: str) -> str:
    """The unquoted text lower-cased, character for character (offsets still hold)."""
    lowered = unquoted.lower()
    if len(lowered) == len(unquoted):
        return lowered
    # A few letters lower-case to two characters ("İ"): leave those as they are.
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in unquoted)


def _sentences(text: str) -> tuple[Span, ...]:
    spans: list[Span] = []
    start = 0
    ends = [m.end() for m in _SENTENCE_END.finditer(text)]
    if "\n" in text:
        ends = sorted(ends + [m.end() for m in _PARAGRAPH_END.finditer(text)])
    ends.append(len(text))
    for end in ends:
        # A sentence starts at its piece's first character that is not white space (a piece
        # that is all white space is none).
        first = _NOT_SPACE.search(text, start, end)
        if first:
            spans.append(Span(first.start(), end))
        start = end
    return tuple(spans)


def syllables(text: str, words: int | None = None, *, lower: str | None = None) -> int:
    """A rough syllable count for reading ease: vowel groups, less silent final e's, at least
    one a word. `lower` is text.lower() when the caller has it."""
    if lower is None:
        lower = text.lower()
    groups, silent = _vowel_groups_and_silent_es(lower)
    return max(groups - silent, words if words is not None else _count_words(text))


# Each ASCII character as "v" (a vowel but e), "e", "c" (any other letter, digit or _) or " "
# (anything else). Counting a few short strings in that is much quicker than finding every
# match of _VOWEL_GROUPS and _SILENT_E, and counts the same: a vowel group starts at a vowel
# after a character that is not one ("cv", "ce", " v", " e", or the first character), and a
# silent e is a vowel, a "c" and an e before a " " or the end ("vce ", "ece "; two of these
# never overlap, as no other one can start inside one).
_LETTER_KINDS = tuple(
    "e" if c == "e" else "v" if c in "aiouy" else "c" if re.match(r"\w", c) else " "
    for c in map(chr, range(128))
)


def _vowel_groups_and_silent_es(lower: str) -> tuple[int, int]:
    """How many times _VOWEL_GROUPS and _SILENT_E match in `lower`."""
    if not lower.isascii():  # the table would leave other characters as they are
        return len(_VOWEL_GROUPS.findall(lower)), len(_SILENT_E.findall(lower))
    kinds = lower.translate(_LETTER_KINDS) + " "
    count = kinds.count
    groups = count("cv") + count("ce") + count(" v") + count(" e") + (kinds[0] in "ve")
    return groups, count("vce ") + count("ece ")


def reading_ease(text: Text) -> float | None:
    """Flesch reading ease: 206.835 - 1.015 (words/sentences) - 84.6 (syllables/words)."""
    words = text.word_count
    sentences = len(text.sentences)
    if not words or not sentences:
        return None
    return round(
        206.835
        - 1.015 * (words / sentences)
        - 84.6 * (syllables(text.text, words, lower=text.folded) / words),
        1,
    )
