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

from . import scan

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
    """One small pattern of an Alternation, filed under the words one of which it needs:
    `first(text)` is its first match and `every(text)` all its matches (an iterator). One that
    must start a word has the check for that put in by starting_a_word, when it can be."""

    __slots__ = ("every", "first", "needles", "scan_id", "words")

    def __init__(self, words: frozenset[str], pattern: str, bounded: bool) -> None:
        self.words = words
        # Pieces of text one of which every match holds: a text that holds none of them is not
        # searched, as `in` finds that quicker than the pattern runs. Only a few pieces (more
        # cost more to look for than they save), and not when each word the part is filed
        # under holds one of them (the text is known to hold one of those words).
        # (needles misreads a group that opens straight into another, "(?:(?:clear )?...", or
        # holds one inside a capturing group: such a part is not screened by pieces.)
        misread = "(?:(" in pattern or re.search(r"\((?!\?)", pattern)
        found = frozenset() if misread else needles(pattern)
        known = bool(words) and all(any(n in w for n in found) for w in words)
        useful = 0 < len(found) <= _MOST_NEEDLES and not known
        self.needles = tuple(sorted(found)) if useful else None
        checked = starting_a_word(pattern) if bounded else pattern
        # Read for by scan, which names every text where it may match.
        self.scan_id = scan.PHRASES.register(checked or pattern)
        if checked is None:  # a part that does not start with plain words: checked here
            compiled = re.compile(pattern)
            self.first = lambda text: next(word_starts(compiled, text), None)
            self.every = lambda text: word_starts(compiled, text)
        else:
            compiled = re.compile(checked)
            self.first = compiled.search
            self.every = compiled.finditer


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
        # The parts to run for each set of this pattern's words that a text holds: texts share
        # a few such sets, and working the parts out costs more than running them.
        self._by_keys: dict[frozenset[str], list[_Part]] = {}
        for alternative in split_top_level(pattern):
            for body, bounded in _expand(alternative):
                body = lowered(body)
                lead = _LEADING_WORD.match(body)
                rest = body[lead.end() :] if lead else body
                if lead and "'" not in lead.group() and _whole_word_ends(rest):
                    leading.setdefault((lead.group(), bounded), []).append(rest)
                    continue
                words = required_words(body) if lead else frozenset()
                part = _Part(words, body, bounded)
                if not words:
                    self.always.append(part)
                for word in words:
                    self.by_word.setdefault(word, []).append(part)
        for (word, bounded), rests in leading.items():
            rests = sorted(set(rests), key=len, reverse=True)  # longest first, the bare word last
            if all(rest[:1] == " " and rest[1:2] not in _QUANTIFIERS for rest in rests):
                # "will(?: be held| continue)" as "will (?:be held|continue)": the same matches,
                # and with the space in the plain text it starts with, Python stops at fewer
                # places to try it ("will " rather than every "will").
                word_and_space, rests = f"{re.escape(word)} ", [rest[1:] for rest in rests]
            else:
                word_and_space = re.escape(word)
            group = "|".join(rests)
            part = _Part(frozenset({word}), f"{word_and_space}(?:{group})", bounded)
            self.by_word.setdefault(word, []).append(part)
        self.keys = frozenset(self.by_word)
        parts = dict.fromkeys([*self.always, *(p for ps in self.by_word.values() for p in ps)])
        self.scanned = {p.scan_id: p for p in parts if p.scan_id is not None}
        self.scan_ids = frozenset(self.scanned)
        self.unscanned = [p for p in parts if p.scan_id is None]

    def _parts(self, words: frozenset[str], hits: frozenset[int] | None) -> list[_Part]:
        """The parts that may match: those scan named in the text (`hits`) when it could read
        the text, else those filed under the text's words."""
        if hits is None or self.unscanned:
            return self._candidates(words)
        return [self.scanned[i] for i in sorted(hits & self.scan_ids)]

    def _candidates(self, words: frozenset[str]) -> list[_Part]:
        # The checks often ask twice about one text: the last answer is kept with its words.
        last = self._last  # read once: another thread may replace it
        if last[0] is words:
            return last[1]
        keys = words & self.keys
        candidates = self._by_keys.get(keys)
        if candidates is None:
            # A dict keeps the order and drops a part filed under two of the text's words.
            found = dict.fromkeys(self.always)
            for word in keys:
                found.update(dict.fromkeys(self.by_word[word]))
            candidates = list(found)
            if len(self._by_keys) < _KEPT_SETS:  # a bound on memory: the commonest come first
                self._by_keys[keys] = candidates
        self._last = (words, candidates)
        return candidates

    def search(
        self, text: str, words: frozenset[str], hits: frozenset[int] | None = None
    ) -> re.Match[str] | None:
        """The leftmost (then longest) match. `hits` is scan.hits(text), when known."""
        best: re.Match[str] | None = None
        for part in self._parts(words, hits):
            if part.needles is not None and not _holds_one(text, part.needles):
                continue
            m = part.first(text)
            if m and (best is None or (m.start(), -m.end()) < (best.start(), -best.end())):
                best = m
        return best

    def finditer(
        self, text: str, words: frozenset[str], hits: frozenset[int] | None = None
    ) -> list[re.Match[str]]:
        """Every match of every alternative that can be there, in text order (matches of
        different alternatives may overlap). `hits` is scan.hits(text), when known."""
        found: list[re.Match[str]] = []
        for part in self._parts(words, hits):
            if part.needles is None or _holds_one(text, part.needles):
                found += part.every(text)
        found.sort(key=_text_order)
        return found


def _holds_one(text: str, pieces: tuple[str, ...]) -> bool:
    for piece in pieces:  # noqa: SIM110 (a loop: any() with a generator is slower here)
        if piece in text:
            return True
    return False


# The most pieces of text a part is screened by (looking for more costs more than it saves).
_MOST_NEEDLES = 4
# How many sets of words an Alternation keeps its parts for.
_KEPT_SETS = 4096


def _text_order(m: re.Match[str]) -> tuple[int, int]:
    return m.start(), -m.end()


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


_QUANTIFIERS = "?*+{"
_LEADING_TEXT = re.compile(r"[A-Za-z' ]+")


def starting_a_word(pattern: str) -> str | None:
    """`pattern` rewritten so that its matches are those word_starts finds, or None when that
    cannot be done. Each alternative must start with a plain word ("will", "(?:was|were|has
    been)"); just after that word (and any plain text after it) comes a check that no letter,
    digit or _ stands before it ("will be(?<!\\wwill be)"). The rewritten pattern still starts
    with plain text, so Python skips through a text as quickly as before, and the check runs in
    the regular expression engine rather than in word_starts' loop. Both try each place from
    the left in turn, pass over one inside a longer word (there the check fails whichever
    alternative is tried, and passes otherwise), and go on from the end of a match."""
    body, tail = pattern, ""
    if pattern.startswith("(?:") and len(split_top_level(pattern)) == 1:
        close = next(
            i for i, piece, depth, kind in _walk(pattern) if kind == "close" and depth == 0
        )
        if pattern[close + 1 : close + 2] in tuple(_QUANTIFIERS):
            return None  # the group may be left out: its words need not start the match
        body, tail = pattern[3:close], pattern[close + 1 :]
    checked = []
    for alternative in split_top_level(body):
        # The plain text it starts with: the longer, the fewer places Python stops to try it.
        lead = _LEADING_TEXT.match(alternative)
        if not lead or not lead.group()[0].isalpha():
            return None
        word = lead.group()
        if alternative[lead.end() : lead.end() + 1] in tuple(_QUANTIFIERS):
            word = word[:-1]  # "parents?": the s may be left out, so "parent" leads
        checked.append(f"{word}(?<!\\w{word}){alternative[len(word) :]}")
    joined = "|".join(checked)
    return f"(?:{joined}){tail}" if tail or body != pattern else joined


def compile_starting_a_word(pattern: str) -> re.Pattern[str]:
    """A pattern whose matches must start a word, compiled as starting_a_word rewrites it."""
    checked = starting_a_word(pattern)
    if checked is None:
        raise ValueError(f"Not every alternative starts with a plain word: {pattern}")
    return re.compile(checked)


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
    holds: most notes hold none of them, and `in` finds that far quicker than the pattern.

    A pattern that ignores case is slow to run: Python cannot skip ahead to a likely place, so
    it tries every alternative at every character. On a text of ASCII characters only (nearly
    every note) it matches where the same pattern lower-cased, with case mattering, matches the
    text lower-cased, and that one Python runs quickly; so that one is run first, and the slow
    one only where it has found a match (which it then finds too). Other characters can fold
    in ways plain lower-casing does not ("ſ" matches "s"), so any other text is left to the slow
    pattern."""

    __slots__ = ("_last", "needles", "quick", "regex", "scan_id")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.regex = re.compile(pattern, flags)
        found: set[str] = set()
        for alternative in split_top_level(pattern):
            pieces = needles(alternative)
            if not pieces:
                found = set()
                break
            found |= pieces
        # A piece that holds another is there only if the other is: looking for it adds nothing.
        kept = {n for n in found if not any(m != n and m in n for m in found)}
        self.needles = tuple(sorted(kept)) or None
        # Read for by scan.PIECES, which names every note holding one of the pieces.
        self.scan_id = (
            None
            if self.needles is None
            else scan.PIECES.register(scan.pieces_pattern(self.needles))
        )
        self.quick = re.compile(lowered(pattern)) if _quick_fits(pattern, flags) else None
        # The checks ask again and again about one note: the last answer is kept with its text.
        self._last: tuple[str | None, bool] = (None, False)

    def may_match(self, lowered: str, pieces: frozenset[int] | None = None) -> bool:
        """Whether the text, lower-cased, may hold a match (False means it cannot). `pieces`
        is scan.PIECES.hits(lowered), when known."""
        if self.needles is None:
            return True
        if pieces is not None and self.scan_id is not None:
            return self.scan_id in pieces
        last = self._last  # read once: another thread may replace it
        if last[0] is lowered:
            return last[1]
        answer = False
        for needle in self.needles:
            if needle in lowered:
                answer = True
                break
        self._last = (lowered, answer)
        return answer

    def _cannot_match(self, text: str, span: tuple[int, ...]) -> bool:
        return (
            self.quick is not None and text.isascii() and not self.quick.search(text.lower(), *span)
        )

    def search(
        self, text: str, lowered: str, *span: int, pieces: frozenset[int] | None = None
    ) -> re.Match[str] | None:
        """`regex.search(text, *span)`, skipped when `lowered` (text lower-cased, or a text that
        holds it) cannot hold a match. `pieces` is scan.PIECES.hits(lowered), when known."""
        if not self.may_match(lowered, pieces) or self._cannot_match(text, span):
            return None
        return self.regex.search(text, *span)

    def finditer(
        self, text: str, lowered: str, pieces: frozenset[int] | None = None
    ) -> Iterator[re.Match[str]]:
        if not self.may_match(lowered, pieces) or self._cannot_match(text, ()):
            return iter(())
        return self.regex.finditer(text)


def _quick_fits(pattern: str, flags: int) -> bool:
    """Whether a pattern lower-cased, with case mattering, matches ASCII text lower-cased where
    the pattern ignoring case matches the text: it ignores case (and has no other flag), and
    any character in it beyond ASCII has no case (such as ’), so cannot fold to an ASCII one."""
    return flags == re.IGNORECASE and all(
        c.isascii() or c.lower() == c.upper() == c for c in pattern
    )
