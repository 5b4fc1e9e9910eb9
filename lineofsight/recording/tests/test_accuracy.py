"""How well the checker agrees with people, per marker, on labelled case-note snippets.

Two sets, both written and labelled by hand from tests/data/recording/GUIDE.md before the
checker saw them: `labelled_notes.jsonl` (205 snippets, the set the checker was built against)
and `held_out_notes.jsonl` (80 more, by another writer, first measured untouched; see GUIDE.md).
Each is measured as the command line reads it: with the child's first name and age given, and
with the text alone. The issue's bars: discouraged terms and acronyms precision 0.90 and recall
0.85; the child's voice, analysis and a decision with its reason F1 0.80.

A found term matches a labelled one when one contains the other ("choosing to go missing"
holds "choosing to"): the label names the listed term, the checker the words around it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from lineofsight.recording import checker

DATA = Path(__file__).resolve().parents[3] / "tests" / "data" / "recording"
SETS = ("labelled_notes.jsonl", "held_out_notes.jsonl")
BOOLEAN = ("child_voice", "analysis", "decision_rationale")
LISTS = ("discouraged", "acronyms")
MIN_F1 = 0.80
MIN_PRECISION, MIN_RECALL = 0.90, 0.85


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __str__(self) -> str:
        return (
            f"precision {self.precision:.2f} recall {self.recall:.2f} F1 {self.f1:.2f} "
            f"(tp {self.tp}, fp {self.fp}, fn {self.fn})"
        )


def _match_lists(found: list[str], labelled: list[str], tally: Tally) -> None:
    remaining = [x.lower() for x in labelled]
    for item in (x.lower() for x in found):
        hit = next((g for g in remaining if g in item or item in g), None)
        if hit is None:
            tally.fp += 1
        else:
            tally.tp += 1
            remaining.remove(hit)
    tally.fn += len(remaining)


def measure(name: str, *, with_child: bool) -> dict[str, Tally]:
    tallies = {marker: Tally() for marker in BOOLEAN + LISTS}
    rules = checker.Rules.default()
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        result = checker.check(
            row["text"],
            rules=rules,
            child=row["child"] if with_child else "",
            child_age=row["child_age"] if with_child else None,
        )
        for marker in BOOLEAN:
            got, want = getattr(result, marker), row["labels"][marker]
            tally = tallies[marker]
            tally.tp += got and want
            tally.fp += got and not want
            tally.fn += want and not got
        _match_lists([f.text for f in result.discouraged], row["labels"]["discouraged"],
                     tallies["discouraged"])  # fmt: skip
        _match_lists([f.text for f in result.acronyms], row["labels"]["acronyms"],
                     tallies["acronyms"])  # fmt: skip
    return tallies


def _set_id(param: tuple[str, bool]) -> str:
    return f"{param[0].split('_')[0]}-{'with-child' if param[1] else 'text-only'}"


@pytest.fixture(scope="module", params=[(s, w) for s in SETS for w in (True, False)], ids=_set_id)
def tallies(request) -> tuple[str, dict[str, Tally]]:
    name, with_child = request.param
    measured = measure(name, with_child=with_child)
    report = "\n".join(f"  {marker:20s} {tally}" for marker, tally in measured.items())
    print(f"\n{name} ({'child and age given' if with_child else 'text only'}):\n{report}")
    return name, measured


@pytest.mark.parametrize("marker", BOOLEAN)
def test_markers_reach_f1(tallies, marker):
    name, measured = tallies
    assert measured[marker].f1 >= MIN_F1, f"{name} {marker}: {measured[marker]}"


@pytest.mark.parametrize("marker", LISTS)
def test_terms_and_acronyms_reach_precision_and_recall(tallies, marker):
    name, measured = tallies
    tally = measured[marker]
    assert tally.precision >= MIN_PRECISION and tally.recall >= MIN_RECALL, (
        f"{name} {marker}: {tally}"
    )


def test_quoted_speech_is_never_a_finding():
    result = checker.check('Jay said "I hate contact, the LAC review was rubbish" to me.')
    assert result.discouraged == () and result.acronyms == ()
    assert result.child_voice


def test_fine_senses_are_left_alone():
    text = "I contacted the school in case Leo needed a lift. His school placement is going well."
    assert checker.check(text).discouraged == ()


def test_every_finding_says_may_and_points_at_its_words():
    text = "LAC review held. Foster carers said Kai kicked off. CAMHS to be contacted by the SW."
    result = checker.check(text, child="Kai")
    assert result.findings
    for finding in result.findings:
        assert " may " in f" {finding.message} "
        assert finding.suggestion and finding.guidance and finding.rule in checker.RULES
        if finding.text:
            assert text[finding.start : finding.end] == finding.text
