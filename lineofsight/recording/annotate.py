"""A checked text as a page shows it: the text cut into segments at every finding's edges, each
segment knowing which findings cover it, and the findings numbered in text order.

    annotated = annotate(text, result)
    {% include "recording/includes/annotated.html"
       with segments=annotated.segments findings=annotated.findings %}
    {% include "recording/includes/markers.html" with markers=annotated.markers %}

Nothing here builds HTML: the template escapes every piece of the text as it prints it, so a
note holding "<script>" or "&amp;" reads exactly as it was written. Findings may overlap (an
acronym that is also a discouraged term, a passive verb inside a long sentence): a segment
covered by two findings is one highlight naming both, so no text is printed twice.
"""

from __future__ import annotations

from dataclasses import dataclass

from .checker import MARKERS, RULES, Finding, Result, Severity


@dataclass(frozen=True)
class NumberedFinding:
    number: int
    anchor: str  # the id of the finding in the list
    in_text: str  # the id of its number in the text
    rule: str
    title: str
    text: str
    message: str
    suggestion: str
    guidance: str
    is_suggestion: bool
    start: int
    end: int
    in_place: bool  # it marks words in the text (not a finding about the whole text)


@dataclass(frozen=True)
class Segment:
    text: str
    numbers: tuple[int, ...] = ()  # the findings that cover this piece of the text
    ends: tuple[NumberedFinding, ...] = ()  # the findings that end here (their number follows)
    only_suggestions: bool = False  # every finding covering it is a suggestion (lighter mark)

    @property
    def marked(self) -> bool:
        return bool(self.numbers)

    @property
    def label(self) -> str:
        """What a screen reader hears before the highlighted words."""
        numbers = ", ".join(str(n) for n in self.numbers)
        return f"finding{'s' if len(self.numbers) > 1 else ''} {numbers}"


@dataclass(frozen=True)
class MarkerView:
    key: str
    title: str
    present: bool
    words: tuple[str, ...]  # the words that show it, as written

    @property
    def verdict(self) -> str:
        return "may be there" if self.present else "may be missing"


@dataclass(frozen=True)
class Annotated:
    segments: tuple[Segment, ...]
    findings: tuple[NumberedFinding, ...]
    markers: tuple[MarkerView, ...]

    @property
    def counted(self) -> int:
        """Findings, suggestions left out (the figure a note's row counts)."""
        return sum(1 for f in self.findings if not f.is_suggestion)

    @property
    def suggestions(self) -> int:
        return len(self.findings) - self.counted


def _numbered(findings: tuple[Finding, ...], key: str, length: int) -> tuple[NumberedFinding, ...]:
    prefix = f"finding-{key}-" if key else "finding-"
    out = []
    for number, f in enumerate(findings, start=1):
        rule = RULES.get(f.rule)
        out.append(
            NumberedFinding(
                number=number,
                anchor=f"{prefix}{number}",
                in_text=f"{prefix}{number}-in-text",
                rule=f.rule,
                title=rule.title if rule else f.rule,
                text=f.text,
                message=f.message,
                suggestion=f.suggestion,
                guidance=f.guidance,
                is_suggestion=f.severity == Severity.SUGGESTION,
                start=f.start,
                end=f.end,
                in_place=0 <= f.start < f.end <= length,
            )
        )
    return tuple(out)


def _segments(text: str, findings: tuple[NumberedFinding, ...]) -> tuple[Segment, ...]:
    spans = [f for f in findings if f.in_place]
    # A finding without a span in the text (e.g. "hard to read", about the whole note) is
    # listed but marks nothing.
    cuts = sorted({0, len(text), *(f.start for f in spans), *(f.end for f in spans)})
    by_end: dict[int, list[NumberedFinding]] = {}
    for f in spans:
        by_end.setdefault(f.end, []).append(f)
    segments = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        covering = [f for f in spans if f.start <= start and end <= f.end]
        segments.append(
            Segment(
                text=text[start:end],
                numbers=tuple(f.number for f in covering),
                ends=tuple(by_end.get(end, ())),
                only_suggestions=bool(covering) and all(f.is_suggestion for f in covering),
            )
        )
    return tuple(segments)


def markers(result: Result) -> tuple[MarkerView, ...]:
    """The three markers of good recording, each with the words that show it."""
    return tuple(
        MarkerView(
            key=key,
            title=title,
            present=bool(getattr(result, key)),
            words=tuple(dict.fromkeys(e.text for e in result.evidence if e.marker == key)),
        )
        for key, title in MARKERS.items()
    )


def annotate(text: str, result: Result, *, key: str = "") -> Annotated:
    """`text` as checked into `result`. `key` keeps the ids apart when a page shows several
    annotated texts (e.g. a note id)."""
    findings = _numbered(result.findings, key, len(text))
    return Annotated(
        segments=_segments(text, findings),
        findings=findings,
        markers=markers(result),
    )


__all__ = ["Annotated", "MarkerView", "NumberedFinding", "Segment", "annotate", "markers"]
