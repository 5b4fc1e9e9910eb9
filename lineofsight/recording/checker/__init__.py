"""The recording checker: explainable checks on one piece of case-note text.

    from lineofsight.recording import checker
    result = checker.check(text, rules=rules, child="Maya", child_age=9, people={"Joanne"})
    result.child_voice, result.analysis, result.decision_rationale   # markers, with evidence
    result.findings                                                  # each with rule, span, message

It points at evidence in the text for a person to read; it never scores a family, never
rewrites a note and never looks for problems inside quoted speech. Nothing here touches Django
or a snapshot: the council's rules and the names of other people are passed in.
"""

from __future__ import annotations

from collections.abc import Collection

from . import markers, names, plain, scan, terms
from .markers import YOUNG_UNDER
from .rules import MARKERS, RULES, Rule, Rules, Term
from .text import Text
from .types import Evidence, Finding, Result, Severity

__all__ = [
    "MARKERS",
    "MAX_TEXT_CHARACTERS",
    "RULES",
    "Evidence",
    "Finding",
    "Result",
    "Rule",
    "Rules",
    "Severity",
    "Term",
    "YOUNG_UNDER",
    "check",
    "warm",
]

# Longer texts are refused: a case note is a few thousand characters, and a checker that promises
# quick answers while people type must not be handed a book.
MAX_TEXT_CHARACTERS = 1_000_000


def check(
    text: str,
    *,
    rules: Rules | None = None,
    child: str = "",
    child_age: float | None = None,
    people: Collection[str] = (),
) -> Result:
    """Check one text. `child` is the child's first name (or full name) when known, `child_age`
    their age in years (under 3, observations of the child count as their voice), `people` the
    names of other people in the council's records."""
    if len(text) > MAX_TEXT_CHARACTERS:
        raise ValueError(f"The text is over {MAX_TEXT_CHARACTERS:,} characters.")
    rules = rules or Rules.default()
    shaped = Text(text)
    long_count, long_findings = plain.long_sentences(shaped, rules)
    ease, hard = plain.hard_to_read(shaped, rules)
    findings = [
        *terms.discouraged(shaped, rules),
        *terms.acronyms(shaped, rules),
        *long_findings,
        *hard,
        *plain.passive(shaped, rules),
        *names.other_people(shaped, rules, people=people, child=child),
    ]
    findings.sort(key=lambda f: (f.start, f.end, f.rule))
    evidence = markers.evidence(shaped, child=child, child_age=child_age)
    found = {e.marker for e in evidence}
    return Result(
        child_voice="child_voice" in found,
        analysis="analysis" in found,
        decision_rationale="decision_rationale" in found,
        findings=tuple(findings),
        evidence=tuple(evidence),
        sentences=len(shaped.sentences),
        words=shaped.word_count,
        reading_ease=ease,
        long_sentences=long_count,
    )


def warm() -> None:
    """Get ready to check many texts (worker processes forked after this share what it builds)."""
    scan.warm()
