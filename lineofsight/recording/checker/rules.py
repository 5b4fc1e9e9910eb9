"""The council's rules for the checker: its word lists, its allowed acronyms and which rules are
switched off; and the fixed list of rule ids with the guidance each comes from.

    rules = Rules.default()                     # the starting lists (default_rules.yml)
    rules = Rules.from_data(data)               # a council's saved lists (the same shape)
    problems = validate_data(data)              # what is wrong with lists a person typed
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

import yaml

from .types import Finding

DEFAULTS = Path(__file__).with_name("default_rules.yml")


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    guidance: str
    # "finding": counted and dismissable; "marker": a good-recording marker (child's voice...)
    kind: str = "finding"


RULES: dict[str, Rule] = {
    r.id: r
    for r in (
        Rule(
            "discouraged-term",
            "Words the council asks writers to avoid",
            "Language that cares: the council's word list",
        ),
        Rule(
            "legal-term",
            "Terms the court papers still use",
            "Language that cares: kept in court papers, so a suggestion only",
        ),
        Rule(
            "unexplained-acronym",
            "Acronyms not spelled out",
            "Plain language: spell an acronym out the first time a note uses it",
        ),
        Rule(
            "long-sentence",
            "Sentences over 25 words",
            "Plain language: GOV.UK suggests 25 words or fewer a sentence",
        ),
        Rule(
            "hard-to-read",
            "Hard to read",
            "Plain language: a low reading-ease score usually means long words and sentences",
        ),
        Rule(
            "passive-voice",
            "Passive voice where who acted matters",
            "Fact and opinion: say who decided, saw or did something",
        ),
        Rule(
            "other-person-named",
            "Another person named",
            "Privacy: a note on one child that names other people may need care before it is "
            "shared",
        ),
    )
}


def finding(
    rule: str, *, start: int, end: int, text: str, message: str, suggestion: str
) -> Finding:
    """A finding of one of the rules above, with the guidance the rule comes from."""
    return Finding(
        rule=rule,
        start=start,
        end=end,
        text=text,
        message=message,
        suggestion=suggestion,
        guidance=RULES[rule].guidance,
    )


MARKERS = {
    "child_voice": "The child's voice",
    "analysis": "Analysis: what it means for the child",
    "decision_rationale": "A decision with its reason",
}


@dataclass(frozen=True)
class Term:
    term: str
    variants: tuple[str, ...]
    preferred: str
    reason: str
    not_when: tuple[str, ...] = ()
    legal: bool = False
    match_case: bool = False


def phrase_pattern(phrase: str) -> str:
    """A plain phrase as a regular expression: words may be separated by any white space, a
    word ending in * takes any ending, a lone * is any one word."""
    parts = []
    for word in phrase.split():
        if word == "*":
            parts.append(r"[\w'’-]+")
        elif word.endswith("*"):
            parts.append(re.escape(word[:-1]) + r"[\w'’-]*")
        else:
            parts.append(re.escape(word))
    return r"\s+".join(parts)


@dataclass(frozen=True)
class Rules:
    terms: tuple[Term, ...] = ()
    allowed_acronyms: frozenset[str] = frozenset()
    switched_off: frozenset[str] = frozenset()  # rule ids the council has switched off
    version: str = "default"

    @classmethod
    def default(cls) -> Rules:
        return _default()

    @classmethod
    def from_data(cls, data: dict, *, version: str = "") -> Rules:
        problems = validate_data(data)
        if problems:
            raise ValueError("; ".join(problems))
        terms = tuple(
            Term(
                term=str(t["term"]).strip(),
                variants=tuple(str(v).strip() for v in t.get("variants") or [t["term"]]),
                preferred=str(t.get("preferred") or "").strip(),
                reason=str(t.get("reason") or "").strip(),
                not_when=tuple(str(v).strip() for v in t.get("not_when") or ()),
                legal=bool(t.get("legal", False)),
                match_case=bool(t.get("match_case", False)),
            )
            for t in data.get("terms") or ()
        )
        return cls(
            terms=terms,
            allowed_acronyms=frozenset(str(a).strip() for a in data.get("allowed_acronyms") or ()),
            switched_off=frozenset(str(r) for r in data.get("switched_off") or ()),
            version=version or "custom",
        )

    def as_data(self) -> dict:
        return {
            "terms": [
                {
                    "term": t.term,
                    "variants": list(t.variants),
                    "preferred": t.preferred,
                    "reason": t.reason,
                    "not_when": list(t.not_when),
                    "legal": t.legal,
                    "match_case": t.match_case,
                }
                for t in self.terms
            ],
            "allowed_acronyms": sorted(self.allowed_acronyms),
            "switched_off": sorted(self.switched_off),
        }

    def is_on(self, rule: str) -> bool:
        return rule not in self.switched_off

    @cached_property
    def term_index(self) -> TermIndex:
        return TermIndex(self.terms)

    @cached_property
    def allowed_bare(self) -> frozenset[str]:
        return frozenset(_bare(a) for a in self.allowed_acronyms)


def _bare(acronym: str) -> str:
    return re.sub(r"(?:'s|’s|s)$", "", acronym) if len(acronym) > 2 else acronym


class TermIndex:
    """The terms' variants, found quickly: each variant is a small pattern that starts with a
    plain word (lower-cased unless the term's case matters), filed under that word, so a text is
    only searched for the variants whose first word it contains."""

    def __init__(self, terms: tuple[Term, ...]) -> None:
        # first word -> [(term index, pattern, case matters)]
        self.by_word: dict[str, list[tuple[int, re.Pattern[str], bool]]] = {}
        self.by_prefix: list[tuple[str, int, re.Pattern[str], bool]] = []
        # term index -> its fine phrases, each as (a piece of text every match of it holds,
        # its pattern): a phrase whose piece is not in a text is not looked for there.
        self.exceptions: dict[int, tuple[tuple[str, re.Pattern[str]], ...]] = {}
        for index, term in enumerate(terms):
            for variant in term.variants:
                words = variant.split()
                if not words or words[0] == "*":
                    continue
                source = variant if term.match_case else variant.lower()
                pattern = re.compile(phrase_pattern(source) + r"(?![\w&]|-\w)")
                first = re.findall(r"\w+", words[0].rstrip("*").lower())
                if not first:
                    continue
                if words[0].endswith("*") and len(first) == 1:
                    self.by_prefix.append((first[0], index, pattern, term.match_case))
                else:
                    self.by_word.setdefault(first[0], []).append((index, pattern, term.match_case))
            self.exceptions[index] = tuple(
                (
                    _piece(p.lower(), " ".join(term.variants).lower()),
                    re.compile(phrase_pattern(p.lower()) + r"(?![\w&]|-\w)"),
                )
                for p in term.not_when
            )
        self.first_words = frozenset(self.by_word)

    def candidates(self, words: frozenset[str]) -> list[tuple[int, re.Pattern[str], bool]]:
        found = [c for w in words & self.first_words for c in self.by_word[w]]
        for prefix, index, pattern, match_case in self.by_prefix:
            if any(w.startswith(prefix) for w in words):
                found.append((index, pattern, match_case))
        return found


def _piece(phrase: str, term: str) -> str:
    """A word of a phrase as phrase_pattern matches it letter for letter (a word ending in *
    without the *; a lone * is no word), so every match of the phrase holds it: the longest
    one that is not part of the term (the term is in the text whenever the phrase is looked
    for, so its words would screen nothing out)."""
    words = [w.removesuffix("*") for w in phrase.split() if w != "*"]
    return min(words, key=lambda w: (w in term, -len(w)), default="")


def validate_data(data: object) -> list[str]:
    """What is wrong with a set of lists, each problem saying where; empty when all is well."""
    if not isinstance(data, dict):
        return ["The rules must be a mapping with 'terms' and 'allowed_acronyms'."]
    problems: list[str] = []
    terms = data.get("terms") or []
    if not isinstance(terms, list):
        return ["'terms' must be a list."]
    seen: set[str] = set()
    for n, t in enumerate(terms, start=1):
        where = f"Term {n}"
        if not isinstance(t, dict) or not str(t.get("term") or "").strip():
            problems.append(f"{where}: give the term.")
            continue
        name = str(t["term"]).strip()
        where = f"Term {n} ({name})"
        if name.lower() in seen:
            problems.append(f"{where}: this term is listed twice.")
        seen.add(name.lower())
        for key in ("variants", "not_when"):
            value = t.get(key) or []
            if not isinstance(value, list) or not all(str(v).strip() for v in value):
                problems.append(f"{where}: {key.replace('_', ' ')} must be a list of phrases.")
        if not str(t.get("preferred") or "").strip():
            problems.append(f"{where}: say what to write instead.")
    acronyms = data.get("allowed_acronyms") or []
    if not isinstance(acronyms, list):
        problems.append("'allowed_acronyms' must be a list.")
    unknown = set(data.get("switched_off") or ()) - set(RULES)
    if unknown:
        problems.append(f"Unknown rules switched off: {', '.join(sorted(unknown))}.")
    return problems


@cache
def _default() -> Rules:
    return Rules.from_data(yaml.safe_load(DEFAULTS.read_text(encoding="utf-8")), version="default")
