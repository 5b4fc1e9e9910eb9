"""Long alternations made quick.

Python's regular expressions try every alternative at every position, and a pattern that starts
with `\\b` or ignores case cannot jump ahead to a likely place, so an eighty-way pattern is slow on
a page of text. `Alternation` keeps the meaning of one case-insensitive pattern but runs it as many
small case-sensitive ones on the lower-cased text, each starting with a plain word (which Python
finds quickly), and only those one of whose words is in the text at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

_GROUP_OPENING = re.compile(r"\(\?(?:[:!=]|<[=!]|P?<\w+>|[aiLmsux]+(?:-[imsx]+)?[:)])")
_WORD_IN_PATTERN = re.compile(r"[A-Za-z]{2,}")
# A leading group of plain alternatives: "(?:this|that|which)" at the start of an alternative.
_LEADING_CHOICE = re.compile(r"^\(\?:((?:[A-Za-z' ]+\|)*[A-Za-z' ]+)\)")
_LEADING_WORD = re.compile(r"^[A-Za-z']+")


def _walk(pattern: str) -> Iterator[tuple[int, str, int, str]]:
    """Each piece of a pattern with where it starts, the depth of brackets it stands at, and
    its kind: "escape" (a backslash and its character), "class" (inside or opening a character
    class, where brackets are plain), "open" or "close" (a group's bracket), or "char"."""
    depth, in_class, i = 0, False, 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            yield i, pattern[i : i + 2], depth, "escape"
            i += 2
            continue
        if in_class or c == "[":
            in_class = c != "]" if in_class else True
            yield i, c, depth, "class"
        elif c == "(":
            yield i, c, depth, "open"
            depth += 1
        elif c == ")":
            depth -= 1
            yield i, c, depth, "close"
        else:
            yield i, c, depth, "char"
        i += 1


def split_top_level(pattern: str) -> list[str]:
    """A pattern's alternatives at depth 0 (outside brackets and character classes)."""
    parts: list[str] = []
    current: list[str] = []
    for _, piece, depth, kind in _walk(pattern):
        if piece == "|" and depth == 0 and kind == "char":
            parts.append("".join(current))
            current = []
        else:
            current.append(piece)
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
    start = 0
    for i, piece, depth, kind in _walk(alternative):
        if kind == "open":
            if depth == 0:
                start = i
                top.append(" ")
        elif kind == "close":
            if depth == 0:
                groups.append(_group(alternative, start, i))
        elif depth == 0:
            top.append(piece)
    return ["".join(top)], groups


def _group(pattern: str, start: int, end: int) -> tuple[str, bool]:
    """The inside of the group from `start` to `end` (its brackets), and whether a match may
    leave it out (a ?, * or {0 after it, or a look-around)."""
    inner = _GROUP_OPENING.sub("", pattern[start : end + 1], count=1)[:-1]
    if inner.startswith("("):
        inner = inner[1:]
    following = pattern[end + 1 : end + 3]
    optional = following[:1] in ("?", "*") or following.startswith("{0")
    lookaround = pattern.startswith(("(?=", "(?!", "(?<=", "(?<!"), start)
    return inner, optional or lookaround


def _one_of(
    alternative: str,
    pieces: Callable[[str], Iterable[str]],
    rank: Callable[[frozenset[str]], tuple],
) -> frozenset[str]:
    """A set of pieces (as `pieces` finds them in plain pattern text) one of which every match
    of the alternative holds, the lowest by `rank`; empty when no such set can be told."""
    top, groups = _groups_at_top(alternative)
    candidates = [frozenset({piece}) for piece in pieces(top[0])]
    for inner, optional in groups:
        if optional:
            continue
        union: set[str] = set()
        for branch in split_top_level(inner):
            needed = _one_of(branch, pieces, rank)
            if not needed:
                union = set()
                break
            union |= needed
        if union:
            candidates.append(frozenset(union))
    return min(candidates, key=rank) if candidates else frozenset()


def required_words(alternative: str) -> frozenset[str]:
    """A set of whole words one of which every match of the alternative contains, chosen to be
    as rare as can be told (empty when no such set can be found)."""
    return _one_of(alternative, plain_words, lambda c: (len(c & _COMMON) > 0, len(c)))


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
        self._last: tuple[frozenset[str] | None, list[_Part]] = (None, [])
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
        self.keys = frozenset(self.by_word)

    def _candidates(self, words: frozenset[str]) -> list[_Part]:
        # The checks often ask twice about one text: the last answer is kept with its words.
        last = self._last  # read once: another thread may replace it
        if last[0] is words:
            return last[1]
        # A dict keeps the order and drops a part filed under two of the text's words.
        found = dict.fromkeys(self.always)
        for word in words & self.keys:
            found.update(dict.fromkeys(self.by_word[word]))
        candidates = list(found)
        self._last = (words, candidates)
        return candidates

    @staticmethod
    def _matches(part: _Part, text: str) -> list[re.Match[str]]:
        if part.bounded:
            return list(word_starts(part.pattern, text))
        return list(part.pattern.finditer(text))

    @staticmethod
    def _first(part: _Part, text: str) -> re.Match[str] | None:
        if part.bounded:
            return next(word_starts(part.pattern, text), None)
        return part.pattern.search(text)

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


# ---------------------------------------------------------------- matches that start a word

_WORD_CHARACTER = re.compile(r"\w")


def word_starts(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """`pattern.finditer(text)` as if the pattern began with a word boundary. A pattern that
    starts with plain words rather than `\\b` is one Python can skip through quickly; a match
    that starts inside a longer word ("it" in "bit") is passed over, looking on from the next
    character, so no match that does start a word is missed."""
    at = 0
    while m := pattern.search(text, at):
        if m.start() and _WORD_CHARACTER.match(text, m.start() - 1):
            at = m.start() + 1
            continue
        at = max(m.end(), m.start() + 1)
        yield m


# ---------------------------------------------------------------- screening by substrings

_QUANTIFIER = "?*{"


def _literal_runs(plain: str) -> list[str]:
    """Runs of letters in a pattern's top-level text that every match holds as they are: a
    letter a quantifier may repeat away ("weeks?", "struggl\\w*") is left off its run."""
    stripped = re.sub(r"\[[^\]]*\]", "#", plain)
    stripped = re.sub(r"\\.", "#", stripped)
    runs = []
    for m in re.finditer(r"[A-Za-z]+", stripped):
        run = m.group()
        after = stripped[m.end()] if m.end() < len(stripped) else ""
        if after and after in _QUANTIFIER:
            run = run[:-1]
        if len(run) >= 3:
            runs.append(run.lower())
    return runs


def needles(alternative: str) -> frozenset[str]:
    """Lower-case pieces of text one of which is in every match of the alternative (empty when
    none can be told): a text lower-cased that holds none of them cannot match. The set whose
    shortest piece is longest is the least likely to be in a text by chance."""
    return _one_of(alternative, _literal_runs, lambda c: (-min(len(n) for n in c), len(c)))


class Screened:
    """A compiled pattern that is only run on a text holding one of the pieces every match
    holds: most notes hold none of them, and `in` finds that far quicker than the pattern."""

    __slots__ = ("needles", "regex")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.regex = re.compile(pattern, flags)
        found: set[str] = set()
        for alternative in split_top_level(pattern):
            pieces = needles(alternative)
            if not pieces:
                found = set()
                break
            found |= pieces
        self.needles = tuple(sorted(found)) or None

    def may_match(self, lowered: str) -> bool:
        """Whether the text, lower-cased, may hold a match (False means it cannot)."""
        return self.needles is None or any(n in lowered for n in self.needles)

    def search(self, text: str, lowered: str, *span: int) -> re.Match[str] | None:
        """`regex.search(text, *span)`, skipped when `lowered` (text lower-cased, or a text that
        holds it) cannot hold a match."""
        return self.regex.search(text, *span) if self.may_match(lowered) else None

    def finditer(self, text: str, lowered: str) -> Iterator[re.Match[str]]:
        return self.regex.finditer(text) if self.may_match(lowered) else iter(())
