"""What the recording checker returns. Plain data: nothing here touches Django or a snapshot."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    # A finding is counted (per 100 notes on the board) and can be dismissed with a reason.
    FINDING = "finding"
    # A suggestion is shown but never counted: e.g. a term the court papers still use.
    SUGGESTION = "suggestion"


@dataclass(frozen=True)
class Finding:
    rule: str  # a rule id from checker.rules.RULES, e.g. "discouraged-term"
    start: int  # character offsets into the text: text[start:end] is what was found
    end: int
    text: str
    message: str  # always says "may": the checker points at evidence, a person decides
    suggestion: str
    guidance: str  # where the rule comes from, in a few words
    severity: Severity = Severity.FINDING

    def as_dict(self) -> dict:
        return {
            "rule": self.rule,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "message": self.message,
            "suggestion": self.suggestion,
            "guidance": self.guidance,
            "severity": str(self.severity),
        }


@dataclass(frozen=True)
class Evidence:
    """A span of the text that shows a good-recording marker is there."""

    marker: str  # "child_voice", "analysis" or "decision_rationale"
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Result:
    child_voice: bool
    analysis: bool
    decision_rationale: bool
    findings: tuple[Finding, ...] = ()  # every finding and suggestion, in text order
    evidence: tuple[Evidence, ...] = ()
    sentences: int = 0
    words: int = 0
    reading_ease: float | None = None  # Flesch reading ease of the whole text; None if empty
    long_sentences: int = 0

    def of_rule(self, rule: str) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.rule == rule)

    @property
    def discouraged(self) -> tuple[Finding, ...]:
        """Discouraged terms, the ones the court papers keep included (as suggestions)."""
        return tuple(f for f in self.findings if f.rule in ("discouraged-term", "legal-term"))

    @property
    def acronyms(self) -> tuple[Finding, ...]:
        return self.of_rule("unexplained-acronym")
