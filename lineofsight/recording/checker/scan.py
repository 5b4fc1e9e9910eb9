"""One pass over a note that tells which of the checker's patterns may match in it.

The markers run hundreds of small patterns (patterns.Alternation's parts), and screen dozens of
others by the pieces of text every match must hold (patterns.Screened); doing either one pattern
at a time in Python costs more than running the few patterns that can match. Hyperscan reads a
text once for all of them together and names the ones that may match; only those are then run
by Python's `re`, which still decides every match, so what the checker finds is exactly what it
finds without this.

Two scanners, each read once a note:
- PHRASES, the Alternations' parts, on the note lower-cased without its quoted speech, in
  Hyperscan's prefilter mode (it may name a part that does not match, never leaves out one that
  does);
- PIECES, each Screened pattern's pieces as one list of plain words, on the whole note
  lower-cased: named exactly when one of the pieces is in the note.

Only for texts where Hyperscan and Python read every character alike: ASCII text without the
control characters Python counts as white space and Hyperscan does not. For any other text, or
where Hyperscan cannot be loaded (it is built for x86-64 only), `hits` returns None and the
callers screen as before. `enabled(False)` switches it off (the tests compare the two ways).
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Iterator

try:
    import hyperscan
except ImportError:  # another processor, or not installed: the checker screens in Python
    hyperscan = None

# Control characters Python's \s matches in text and Hyperscan's does not.
_ODD_SPACES = ("\x1c", "\x1d", "\x1e", "\x1f")
_state = {"enabled": hyperscan is not None}


class Scanner:
    """Patterns read for together. register() gives each its id; hits(text) the ids of those
    that may match in a text (None when the text must be screened the slow way)."""

    def __init__(self, *, prefilter: bool) -> None:
        self.patterns: list[str] = []
        self.flags = 0
        if hyperscan is not None:
            self.flags = hyperscan.HS_FLAG_SINGLEMATCH | (
                hyperscan.HS_FLAG_PREFILTER if prefilter else 0
            )
        self._lock = threading.Lock()
        self._local = threading.local()
        self._database = None
        self._built_for = 0
        # Ids of patterns Hyperscan cannot take: named in every text's hits, so always run.
        self._always: frozenset[int] = frozenset()

    def register(self, pattern: str) -> int | None:
        """A pattern (for lower-cased text, case mattering) to read for: its id in `hits`
        (None without Hyperscan)."""
        if hyperscan is None:
            return None
        with self._lock:
            self.patterns.append(pattern)
            return len(self.patterns) - 1

    def hits(self, lower: str) -> frozenset[int] | None:
        """The ids of the patterns that may match in `lower` (a lower-cased text), or None."""
        if not _state["enabled"] or not lower.isascii() or any(c in lower for c in _ODD_SPACES):
            return None
        database = self._ready()
        if database is None:
            return None
        local = self._local
        if getattr(local, "database", None) is not database:
            # A scratch space is one thread's own: the web server may check texts in several.
            local.scratch, local.database = hyperscan.Scratch(database), database
        found: list[int] = []
        database.scan(
            lower.encode("ascii"),
            match_event_handler=_collect,
            context=found,
            scratch=local.scratch,
        )
        return frozenset(found).union(self._always) if self._always else frozenset(found)

    def _ready(self):
        if self._database is not None and self._built_for == len(self.patterns):
            return self._database
        with self._lock:
            if self._database is None or self._built_for != len(self.patterns):
                patterns = list(self.patterns)
                try:
                    database, always = self._compile(patterns), frozenset()
                except hyperscan.error:
                    # Rare: find the ones it cannot take (one by one), and read for the rest; a
                    # byte no ASCII text holds stands in for each.
                    always = frozenset(i for i, p in enumerate(patterns) if not self._takes(p))
                    database = self._compile(
                        [r"\xff" if i in always else p for i, p in enumerate(patterns)]
                    )
                self._database, self._always = database, always
                self._built_for = len(patterns)
            return self._database

    def _compile(self, patterns: list[str]):
        if not patterns:
            return None
        database = hyperscan.Database()
        database.compile(
            expressions=[p.encode("ascii") for p in patterns],
            ids=list(range(len(patterns))),
            elements=len(patterns),
            flags=[self.flags] * len(patterns),
        )
        return database

    def _takes(self, pattern: str) -> bool:
        if not pattern.isascii():
            return False
        try:
            self._compile([pattern])
        except hyperscan.error:
            return False
        return True


def _collect(pattern_id: int, start: int, end: int, flags: int, found: list[int]) -> None:
    found.append(pattern_id)


PHRASES = Scanner(prefilter=True)
PIECES = Scanner(prefilter=False)


def pieces_pattern(pieces: tuple[str, ...]) -> str:
    """One pattern that matches where any of the pieces (plain text) is."""
    return "|".join(re.escape(p) for p in pieces)


def warm() -> None:
    """Build the scanners now (before worker processes are forked, so each has them)."""
    if _state["enabled"]:
        PHRASES._ready()
        PIECES._ready()


@contextlib.contextmanager
def enabled(on: bool) -> Iterator[None]:
    """Screen with Hyperscan (when it is there) or not, within the block."""
    before = _state["enabled"]
    _state["enabled"] = on and hyperscan is not None
    try:
        yield
    finally:
        _state["enabled"] = before


def available() -> bool:
    return hyperscan is not None
