"""Plain English: long sentences, hard reading, and the passive voice where who acted matters."""

from __future__ import annotations

from .patterns import compile_starting_a_word
from .rules import Rules, finding
from .text import Text, reading_ease
from .types import Finding

MAX_WORDS = 25
# Below this a text is "fairly difficult" or worse on the Flesch scale; notes of a sentence or
# two swing too much to judge, so only longer notes are scored.
HARD_TO_READ_BELOW = 40.0
MIN_WORDS_TO_SCORE = 60

# Verbs where the reader needs to know who did it: who decided, who was told, who hit whom.
_ACTOR_VERBS = [
    "agreed",
    "decided",
    "made",
    "raised",
    "reported",
    "shared",
    "hit",
    "hurt",
    "smacked",
    "punched",
    "kicked",
    "grabbed",
    "pushed",
    "slapped",
    "shaken",
    "shook",
    "left",
    "removed",
    "taken",
    "refused",
    "cancelled",
    "told",
    "asked",
    "advised",
    "informed",
    "recommended",
    "felt",
    "noted",
    "considered",
    "assessed",
    "deemed",
    "closed",
    "stepped",
    "allocated",
    "concluded",
    "judged",
    "thought",
    "believed",
]
_ACTOR_VERB_SET = frozenset(_ACTOR_VERBS)
# Run on the lower-cased text; a match must start a word (starting_a_word puts that in).
_PASSIVE = compile_starting_a_word(
    r"(?:was|were|has been|have been|had been|is being|are being|was being|will be|"
    r"it is|it was)\s+(?:not\s+)?(" + "|".join(_ACTOR_VERBS) + r")\b(?!\s+by\b)"
)


def long_sentences(text: Text, rules: Rules) -> tuple[int, list[Finding]]:
    if text.word_count <= MAX_WORDS:
        return 0, []
    count = 0
    found: list[Finding] = []
    for sentence in text.sentences:
        # More words than MAX_WORDS take at least two characters each: a shorter sentence is
        # not counted.
        if sentence.end - sentence.start <= 2 * MAX_WORDS:
            continue
        words = text.words_in(sentence, more_than=MAX_WORDS)
        if words <= MAX_WORDS:
            continue
        count += 1
        if rules.is_on("long-sentence"):
            found.append(
                finding(
                    "long-sentence",
                    start=sentence.start,
                    end=sentence.end,
                    text=text.text[sentence.start : sentence.end],
                    message=f"This sentence has {words} words: it may be hard to follow.",
                    suggestion="Split it into shorter sentences, one idea each.",
                )
            )
    return count, found


def hard_to_read(text: Text, rules: Rules) -> tuple[float | None, list[Finding]]:
    if text.word_count < MIN_WORDS_TO_SCORE:
        return None, []
    ease = reading_ease(text)
    if ease is None or ease >= HARD_TO_READ_BELOW or not rules.is_on("hard-to-read"):
        return ease, []
    return ease, [
        finding(
            "hard-to-read",
            start=0,
            end=len(text.text),
            text="",
            message=(
                f"The note's reading ease is {ease:.0f} (60 and above is plain English): "
                "it may be hard for the family to read."
            ),
            suggestion="Use shorter sentences and everyday words.",
        )
    ]


def passive(text: Text, rules: Rules) -> list[Finding]:
    if not rules.is_on("passive-voice") or not text.lower_words & _ACTOR_VERB_SET:
        return []
    return [
        finding(
            "passive-voice",
            start=m.start(),
            end=m.end(),
            text=text.text[m.start() : m.end()],
            message="This may not say who acted: the reader may need to know who.",
            suggestion=f"Say who {m.group(1)}: “I …”, “the manager …”, “Dad …”.",
        )
        for m in _PASSIVE.finditer(text.lower)
    ]
