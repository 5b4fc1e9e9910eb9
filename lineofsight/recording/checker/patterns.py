"""Long alternations made quick.

Python's regular expressions try every alternative at every position, and a pattern that starts
with `\\b` or ignores case cannot jump ahead to a likely place, so an eighty-way pattern is slow on
a page of text. `Alternation` keeps the meaning of one case-insensitive pattern but runs it as many
small case-sensitive ones on the lower-cased text, each starting with a plain word (which Python
finds quickly), and only those one of whose words is in the text at all.
"""

from __future__ import annotations

import re

_GROUP_OPENING = re.compile(r"\(\?(?:[:!=]|<[=!]|P?<\w+>|[aiLmsux]+(?:-[imsx]+)?[:)])")
_WORD_IN_PATTERN = re.compile(r"[A-Za-z]{2,}")
# A leading group of plain alternatives: "(?:this|that|which)" at the start of an alternative.
_LEADING_CHOICE = re.compile(r"^\(\?:((?:[A-Za-z' ]+\|)*[A-Za-z' ]+)\)")
_LEADING_WORD = re.compile(r"^[A-Za-z']+")


def split_top_level(pattern: str) -> list[str]:
    """A pattern's alternatives at depth 0 (outside brackets and character classes)."""
    parts: list[str] = []
    depth = 0
    in_class = False
    current: list[str] = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            current.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            parts.append("".join(current))
            current = []
            i += 1
            continue
        current.append(c)
        i += 1
    parts.append("".join(current))
    return parts


def plain_words(alternative: str) -> frozenset[str]:
    """Words that stand whole in an alternative: every match contains one of them. A word with
    a quantifier or a word character class straight after it ("parents?", "struggl\\w*") is
    only a stem, so it is left out."""
    stripped = _GROUP_OPENING.sub(" ", alternative)
    stripped = re.sub(r"\[[^\]]*\]", "#", stripped)  # a character class: not a word
    stripped = re.sub(r"\\[bBs]", " ", stripped)  # word boundaries and spaces: a gap
    stripped = re.sub(r"\\.", "#", stripped)  # any other escape: not part of a word
    words = set()
    for m in _WORD_IN_PATTERN.finditer(stripped):
        before = stripped[m.start() - 1] if m.start() else " "
        after = stripped[m.end()] if m.end() < len(stripped) else " "
        if after in "?*+{#" or before == "#":
            continue
        words.add(m.group().lower())
    return frozenset(words)


# Words so common that screening on them saves nothing.
_COMMON = frozenset(
    [
        "a",
        "an",
        "the",
        "to",
        "of",
        "in",
        "on",
        "at",
        "for",
        "and",
        "or",
        "but",
        "with",
        "by",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "has",
        "have",
        "had",
        "do",
        "does",
        "did",
        "not",
        "no",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "i",
        "we",
        "he",
        "she",
        "they",
        "me",
        "us",
        "him",
        "her",
        "his",
        "their",
        "my",
        "our",
        "you",
        "your",
        "will",
        "would",
        "can",
        "could",
        "may",
        "might",
        "should",
        "must",
        "so",
        "if",
        "then",
        "than",
        "there",
        "here",
        "what",
        "which",
        "who",
        "when",
        "where",
        "how",
        "all",
        "any",
        "some",
        "one",
        "up",
        "out",
        "about",
        "into",
        "from",
        "now",
        "just",
        "very",
    ]
)


def _groups_at_top(alternative: str) -> tuple[list[str], list[tuple[str, bool]]]:
    """The plain text at depth 0 (groups blanked) and each depth-1 group's inside, with
    whether the group may be skipped (a ?, * or {0 after it)."""
    top: list[str] = []
    groups: list[tuple[str, bool]] = []
    depth, start, in_class, i = 0, 0, False, 0
    while i < len(alternative):
        c = alternative[i]
        if c == "\\":
            if depth == 0:
                top.append(alternative[i : i + 2])
            i += 2
            continue
        if in_class:
            in_class = c != "]"
            if depth == 0:
                top.append(c)
        elif c == "[":
            in_class = True
            if depth == 0:
                top.append(c)
        elif c == "(":
            if depth == 0:
                start = i
                top.append(" ")
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                inner = _GROUP_OPENING.sub("", alternative[start : i + 1], count=1)[:-1]
                if inner.startswith("("):
                    inner = inner[1:]
                following = alternative[i + 1 : i + 3]
                optional = following[:1] in ("?", "*") or following.startswith("{0")
                lookaround = alternative.startswith(("(?=", "(?!", "(?<=", "(?<!"), start)
                groups.append((inner, optional or lookaround))
        elif depth == 0:
            top.append(c)
        i += 1
    return ["".join(top)], groups


def required_words(alternative: str) -> frozenset[str]:
    """A set of words one of which every match of the alternative contains, chosen to be as
    rare as can be told (empty when no such set can be found)."""
    candidates: list[frozenset[str]] = []
    top, groups = _groups_at_top(alternative)
    for word in plain_words(top[0]):
        candidates.append(frozenset({word}))
    for inner, optional in groups:
        if optional:
            continue
        union: set[str] = set()
        for branch in split_top_level(inner):
            needed = required_words(branch)
            if not needed:
                union = set()
                break
            union |= needed
        if union:
            candidates.append(frozenset(union))
    if not candidates:
        return frozenset()
    return min(candidates, key=lambda c: (len(c & _COMMON) > 0, len(c)))


def lowered(pattern: str) -> str:
    """A pattern for lower-cased text: its letters lower-cased, outside escapes (so \\S stays
    \\S), and "A-Z" ranges made "a-z"."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if pattern.startswith("(?P<", i):  # a group's name keeps its case
            end = pattern.index(">", i)
            out.append(pattern[i : end + 1])
            i = end + 1
            continue
        out.append(c.lower())
        i += 1
    return "".join(out)


class _Part:
    __slots__ = ("bounded", "pattern", "words")

    def __init__(self, words: frozenset[str], pattern: re.Pattern[str], bounded: bool) -> None:
        self.words = words
        self.pattern = pattern
        self.bounded = bounded  # a word boundary must come before the match


def _expand(alternative: str) -> list[tuple[str, bool]]:
    """An alternative as one or more that start with a plain word, with whether it needs a word
    boundary before it."""
    bounded = alternative.startswith(r"\b")
    body = alternative[2:] if bounded else alternative
    choice = _LEADING_CHOICE.match(body)
    if choice:
        rest = body[choice.end() :]
        return [(word + rest, bounded) for word in choice.group(1).split("|")]
    return [(body, bounded)]


class Alternation:
    """One case-insensitive pattern, run quickly. `text` given to search/finditer must be the
    lower-cased text and `words` its set of lower-cased words (Text.lower and Text.lower_words).

    Alternatives that start with a whole word are gathered under that word into one pattern
    ("will be held", "will continue"... become "will(?: be held| continue|...)"), run only when
    the word is in the text; the others run when one of their required words is."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        leading: dict[tuple[str, bool], list[str]] = {}
        self.always: list[_Part] = []  # parts that cannot be screened: always run
        self.by_word: dict[str, list[_Part]] = {}
        for alternative in split_top_level(pattern):
            for body, bounded in _expand(alternative):
                body = lowered(body)
                lead = _LEADING_WORD.match(body)
                rest = body[lead.end() :] if lead else body
                if lead and "'" not in lead.group() and _whole_word_ends(rest):
                    leading.setdefault((lead.group(), bounded), []).append(rest)
                    continue
                words = required_words(body) if lead else frozenset()
                part = _Part(words, re.compile(body), bounded)
                if not words:
                    self.always.append(part)
                for word in words:
                    self.by_word.setdefault(word, []).append(part)
        for (word, bounded), rests in leading.items():
            rests = sorted(set(rests), key=len, reverse=True)  # longest first, the bare word last
            group = "|".join(rests)
            part = _Part(frozenset({word}), re.compile(f"{re.escape(word)}(?:{group})"), bounded)
            self.by_word.setdefault(word, []).append(part)

    def _candidates(self, words: frozenset[str]) -> list[_Part]:
        found = list(self.always)
        for word in words & self.by_word.keys():
            for part in self.by_word[word]:
                if part not in found:
                    found.append(part)
        return found

    @staticmethod
    def _matches(part: _Part, text: str) -> list[re.Match[str]]:
        if not part.bounded:
            return list(part.pattern.finditer(text))
        return [
            m
            for m in part.pattern.finditer(text)
            if not m.start() or not (text[m.start() - 1].isalnum() or text[m.start() - 1] == "_")
        ]

    @staticmethod
    def _first(part: _Part, text: str) -> re.Match[str] | None:
        m = part.pattern.search(text)
        while (
            m
            and part.bounded
            and m.start()
            and (text[m.start() - 1].isalnum() or text[m.start() - 1] == "_")
        ):
            m = part.pattern.search(text, m.start() + 1)
        return m

    def search(self, text: str, words: frozenset[str]) -> re.Match[str] | None:
        """The leftmost (then longest) match."""
        best: re.Match[str] | None = None
        for part in self._candidates(words):
            m = self._first(part, text)
            if m and (best is None or (m.start(), -m.end()) < (best.start(), -best.end())):
                best = m
        return best

    def finditer(self, text: str, words: frozenset[str]) -> list[re.Match[str]]:
        """Every match of every alternative that can be there, in text order (matches of
        different alternatives may overlap)."""
        found = [m for part in self._candidates(words) for m in self._matches(part, text)]
        found.sort(key=lambda m: (m.start(), -m.end()))
        return found


def _whole_word_ends(rest: str) -> bool:
    """Whether what follows a leading word leaves it whole (a space, a boundary, nothing)."""
    return rest == "" or rest.startswith((" ", "\\s", "\\b"))
