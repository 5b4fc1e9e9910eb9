"""Case notes of uneven quality: the child's own words in some, jargon in others."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from lineofsight.synthetic.generator import Result


def notes(result: Result) -> list[str]:
    with (result.out / "ssd" / "case_notes.csv").open(encoding="utf-8", newline="") as handle:
        return [row["note_text"] for row in csv.DictReader(handle)]


def test_some_notes_quote_the_child(small_council: Result) -> None:
    texts = notes(small_council)
    quoted = [t for t in texts if re.search(r'(told me|said|explained|write down), "I ', t)]
    assert len(quoted) > 0.1 * len(texts)
    assert any('"I feel safe when' in t for t in texts)


def test_some_notes_use_discouraged_terms(small_council: Result, shared_dir: Path) -> None:
    texts = notes(small_council)
    with (shared_dir / "reference" / "language-that-cares.tsv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    terms = set()
    for row in rows:
        for term in re.split(r"\s*/\s*", row["discouraged"]):
            term = term.strip().lower()
            if term and "(" not in term and "[" not in term:
                terms.add(term)
    joined = "\n".join(texts).lower()
    found = {t for t in terms if re.search(rf"\b{re.escape(t)}\b", joined)}
    assert len(found) >= 10, found
    jargon = [t for t in texts if re.search(r"\b(LAC|CLA|CP|CIN|YP|FC|TAC)\b", t)]
    assert jargon


def test_notes_are_plain_one_line_text(small_council: Result) -> None:
    texts = notes(small_council)
    assert texts
    assert all("\n" not in t and "{" not in t for t in texts)
