"""The shape of a note's text: quoted speech, sentences and words, with their offsets."""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import cached_property
from typing import NamedTuple

# Double quotation marks, straight or curly. A quote left open runs to the end of its paragraph.
_QUOTE = re.compile(r'"[^"\n]*(?:"|$)|“[^”\n]*(?:”|$)', re.MULTILINE)
# A sentence ends at . ! or ? followed by white space, a closing quote, or the end of the text;
# a paragraph ends at a blank line. (Two patterns, each starting with a plain character: Python
# runs a pattern that starts with a repeat or a choice far more slowly.)
_SENTENCE_END = re.compile(r'[.!?][.!?]*["”’)]*(?=\s|$)')
_PARAGRAPH_END = re.compile(r"\n\s*\n")
# A run of characters between spaces is a word if it has a letter or a digit in it. (Found in
# the text with a space either side: a pattern that starts with a character, not a look-behind,
# is one Python can skip through quickly.)
_NOT_A_WORD = re.compile(r"\s[^\w\s]+(?=\s)")


def _count_words(text: str) -> int:
    return len(text.split()) - len(_NOT_A_WORD.findall(f" {text} "))


# Everything but letters and digits separates words (str.translate is much quicker than a pattern).
_SEPARATORS = str.maketrans(dict.fromkeys("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~‘’“”–—…•·", " "))
_VOWEL_GROUPS = re.compile(r"[aeiouy][aeiouy]*")
# A silent final e ("care", "home"), not "-le" or "-ee", in a word with another vowel before it.
# Two such endings never share a letter, so the vowel and consonant before can be part of the
# match (quicker than looking behind).
_SILENT_E = re.compile(r"[aeiouy][^aeiouy\W]e\b")


class Span(NamedTuple):
    start: int
    end: int


class Text:
    def __init__(self, text: str) -> None:
        self.text = text
        # What the checks work out once per text and share (e.g. which sentences analyse).
        self.memo: dict[str, object] = {}

    @cached_property
    def quotes(self) -> tuple[Span, ...]:
        if '"' not in self.text and "“" not in self.text:
            return ()
        return tuple(Span(m.start(), m.end()) for m in _QUOTE.finditer(self.text))

    @cached_property
    def lower(self) -> str:
        """The unquoted text lower-cased, character for character (offsets still hold)."""
        lowered = self.unquoted.lower()
        if len(lowered) == len(self.unquoted):
            return lowered
        # A few letters lower-case to two characters ("İ"): leave those as they are.
        return "".join(c if len(c.lower()) != 1 else c.lower() for c in self.unquoted)

    @cached_property
    def folded(self) -> str:
        """The whole text lower-cased, quoted speech and all (for screening patterns)."""
        return self.text.lower()

    @cached_property
    def lower_words(self) -> frozenset[str]:
        """The lower-cased words outside quoted speech: runs of letters and digits ("LAC" is
        "lac"; "co-morbid" is "co" and "morbid")."""
        return frozenset(self.lower.translate(_SEPARATORS).split())

    @cached_property
    def unquoted(self) -> str:
        """The text with quoted speech blanked out (same length, so offsets still hold)."""
        if not self.quotes:
            return self.text
        # A quote never holds a line break (_QUOTE), so it is blanked out whole.
        pieces, at = [], 0
        for q in self.quotes:
            pieces += (self.text[at : q.start], " " * (q.end - q.start))
            at = q.end
        pieces.append(self.text[at:])
        return "".join(pieces)

    @cached_property
    def sentences(self) -> tuple[Span, ...]:
        text = self.text
        spans: list[Span] = []
        start = 0
        ends = [m.end() for m in _SENTENCE_END.finditer(text)]
        if "\n" in text:
            ends = sorted(ends + [m.end() for m in _PARAGRAPH_END.finditer(text)])
        for end in [*ends, len(text)]:
            piece = text[start:end]
            stripped = piece.lstrip()
            if stripped:  # lstrip leaves nothing of a piece that is all white space
                spans.append(Span(start + len(piece) - len(stripped), end))
            start = end
        return tuple(spans)

    def words_in(self, span: Span, *, more_than: int | None = None) -> int:
        """The words in a span; given `more_than`, a count at or below it may be any such count
        (the runs between spaces are an upper bound, and quicker to count)."""
        piece = self.text[span.start : span.end]
        if more_than is not None:
            runs = len(piece.split())
            if runs <= more_than:
                return runs
        return _count_words(piece)

    @cached_property
    def word_count(self) -> int:
        return _count_words(self.text)

    @cached_property
    def _sentence_starts(self) -> list[int]:
        return [s.start for s in self.sentences]

    def sentence_index(self, offset: int) -> int:
        """The number of the sentence holding `offset` (0 for anything before the first)."""
        return max(bisect_right(self._sentence_starts, offset) - 1, 0)

    def sentence_of(self, offset: int) -> Span:
        if not self.sentences:
            return Span(0, len(self.text))
        return self.sentences[self.sentence_index(offset)]


def syllables(text: str, words: int | None = None) -> int:
    """A rough syllable count for reading ease: vowel groups, less silent final e's, at least
    one a word."""
    lower = text.lower()
    groups = len(_VOWEL_GROUPS.findall(lower)) - len(_SILENT_E.findall(lower))
    return max(groups, words if words is not None else _count_words(text))


def reading_ease(text: Text) -> float | None:
    """Flesch reading ease: 206.835 - 1.015 (words/sentences) - 84.6 (syllables/words)."""
    words = text.word_count
    sentences = len(text.sentences)
    if not words or not sentences:
        return None
    return round(
        206.835 - 1.015 * (words / sentences) - 84.6 * (syllables(text.text, words) / words), 1
    )
