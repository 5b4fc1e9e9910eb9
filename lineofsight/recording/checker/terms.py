"""Words: the council's discouraged terms and acronyms that are not spelled out.

Neither is ever looked for inside quoted speech: a child's or a parent's own words are theirs.
"""

from __future__ import annotations

import re

from .rules import RULES, Rules, Term, finding
from .text import Text
from .types import Finding, Severity

# Two or more capitals, with at most one lower-case letter, digits or "&" among them ("CAMHS",
# "A&E", "DfE", "S47"), and an optional plural or possessive ending.
# (The check on the character before comes after the first capital, not first: a pattern that
# starts with a capital is one Python can skip through quickly, one that starts by looking
# behind is tried at every character.)
_ACRONYM = re.compile(
    r"([A-Z](?<![\w&'’.-][A-Z])[A-Za-z0-9&]*[A-Z0-9])(?:'s|’s|s)?(?![\w&]|-\w|\.\w)"
)
# Every acronym holds a capital followed, after lower-case letters or "&" only, by a capital or
# a digit; most notes hold none, and this is far quicker to look for than an acronym.
_ACRONYM_HINT = re.compile(r"[A-Z][a-z&]*[A-Z0-9]")
# Written in capitals for emphasis, not acronyms.
_SHOUTED = frozenset(
    [
        "NO",
        "NOT",
        "YES",
        "STOP",
        "NEVER",
        "ALWAYS",
        "ALL",
        "AND",
        "THE",
        "HELP",
        "DO",
        "DONT",
        "DON'T",
        "SO",
        "VERY",
        "MUST",
        "NOW",
        "HATE",
        "LOVE",
        "WHY",
        "WHAT",
        "HE",
        "SHE",
        "ME",
        "MY",
        "YOU",
        "WE",
        "THEY",
        "IT",
        "IS",
        "AM",
        "ARE",
        "WAS",
        "WERE",
        "BE",
        "GO",
        "OFF",
        "OUT",
        "UP",
        "ON",
        "IN",
        "AT",
        "TO",
        "OF",
        "OR",
        "BUT",
        "IF",
        "MORE",
        "LESS",
        "EVERY",
        "HOME",
        "MUM",
        "DAD",
        "NAN",
        "GET",
        "LEAVE",
        "SORRY",
        "PLEASE",
        "THANK",
        "THANKS",
        "FINE",
        "BAD",
        "GOOD",
    ]
)


def _is_acronym(word: str) -> bool:
    if word in _SHOUTED or len(word) > 8:
        return False
    capitals = sum(c.isupper() for c in word)
    lower = sum(c.islower() for c in word)
    digits = sum(c.isdigit() for c in word)
    if lower > 1 or (lower == 1 and (word[-1].islower() or capitals < 2)):
        return False
    return capitals >= 2 or (capitals == 1 and digits >= 1)


_FILLERS = frozenset({"and", "of", "the", "for", "in", "on", "to", "&", "with", "or"})


def _initials_fit(acronym: str, words: list[str]) -> bool:
    """Whether some words could be what the acronym stands for: the first letter of the
    acronym begins the first word, and its last letter begins one of the words."""
    letters = [c.lower() for c in acronym if c.isalpha()]
    words = [w for w in words if w.lower() not in _FILLERS and w[:1].isalpha()]
    if not letters or not words:
        return False
    return words[0][0].lower() == letters[0] and any(w[0].lower() == letters[-1] for w in words)


def _spelled_out_here(text: str, start: int, end: int, acronym: str) -> bool:
    """ "full words (ACR)" or "ACR (full words)" at this occurrence."""
    before = text[max(0, start - 2) : start]
    after = text[end : end + 2]
    if before.endswith("(") and after.startswith(")"):
        letters = sum(c.isalpha() for c in acronym)
        words = re.findall(r"[\w&'’-]+", text[max(0, start - 120) : start - 1])[-(letters + 3) :]
        # The full words end just before the bracket and start with the acronym's first letter.
        return any(_initials_fit(acronym, words[i:]) for i in range(len(words)))
    following = re.match(r"\s*\(([^()]{3,120})\)", text[end : end + 130])
    return bool(
        following
        and len(following.group(1).split()) >= 2
        and _initials_fit(acronym, following.group(1).split())
    )


def discouraged(text: Text, rules: Rules) -> list[Finding]:
    if not rules.terms:
        return []
    index = rules.term_index
    source, lower = text.unquoted, text.lower
    matches: set[tuple[int, int, int]] = set()  # (start, -length, term)
    for term_index, pattern, match_case in index.candidates(text.lower_words):
        haystack = source if match_case else lower
        for m in pattern.finditer(haystack):
            start, end = m.start(), m.end()
            if start and _WORD_BEFORE.match(haystack, start - 1):
                continue  # inside a longer word
            if _inside_exception(index.exceptions[term_index], lower, start, end):
                continue
            matches.add((start, start - end, term_index))
    found: list[Finding] = []
    taken_until = -1
    # Longest first where two terms start together ("placement breakdown" over "placement");
    # a term inside another is not found again.
    for start, negative_length, term_index in sorted(matches):
        end = start - negative_length
        if start < taken_until:
            continue
        term = rules.terms[term_index]
        rule = "legal-term" if term.legal else "discouraged-term"
        if not rules.is_on(rule):
            continue
        taken_until = end
        found.append(_term_finding(text.text[start:end], start, end, term, rule))
    return found


_WORD_BEFORE = re.compile(r"[\w&-]")


def _term_finding(written: str, start: int, end: int, term: Term, rule: str) -> Finding:
    if term.legal:
        message = (
            f"“{written}” may read better as: {term.preferred}. "
            "Court papers may still need the legal term."
        )
    else:
        message = f"“{written}” may not be how the child or family would put it."
    return Finding(
        rule=rule,
        start=start,
        end=end,
        text=written,
        message=message,
        suggestion=term.preferred,
        guidance=f"{RULES[rule].guidance}. {term.reason}".strip(),
        severity=Severity.SUGGESTION if term.legal else Severity.FINDING,
    )


def _inside_exception(
    phrases: tuple[tuple[str, re.Pattern[str]], ...], lower: str, start: int, end: int
) -> bool:
    """Whether start..end lies inside one of the term's fine phrases ("contact details")."""
    window, stop = max(0, start - 60), min(len(lower), end + 60)
    for piece, pattern in phrases:
        if piece not in lower:  # a piece every match of the phrase holds
            continue
        for m in pattern.finditer(lower, window, stop):
            if (
                m.start() <= start
                and end <= m.end()
                and not (m.start() and _WORD_BEFORE.match(lower, m.start() - 1))
            ):
                return True
    return False


def acronyms(text: Text, rules: Rules) -> list[Finding]:
    if not rules.is_on("unexplained-acronym"):
        return []
    source = text.unquoted
    if not _ACRONYM_HINT.search(source):
        return []
    seen: set[str] = set()
    found: list[Finding] = []
    for m in _ACRONYM.finditer(source):
        word = m.group(1)
        if not _is_acronym(word) or word in seen:
            continue
        seen.add(word)
        if word in rules.allowed_bare or word in rules.allowed_acronyms:
            continue
        if _spelled_out_here(source, m.start(1), m.end(), word):
            continue
        found.append(
            finding(
                "unexplained-acronym",
                start=m.start(1),
                end=m.end(1),
                text=word,
                message=f"“{word}” may not be clear to the child or family reading this later.",
                suggestion=f"Write the words in full the first time, then ({word}).",
            )
        )
    return found
