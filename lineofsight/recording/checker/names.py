"""Other people named in a note about one child (from the snapshot's person records)."""

from __future__ import annotations

import re
from collections.abc import Collection

from .rules import Rules, finding
from .text import Text
from .types import Finding

# A capitalised word; one that goes on from a letter, an apostrophe or a hyphen before it is
# passed over in the loop (a pattern that starts with a look-behind is much slower to run).
_CAPITALISED = re.compile(r"[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)?(?![\w])")
_GOES_ON_FROM = re.compile(r"[\w'’-]")
# Words that are also first names: only counted as a name when a surname follows.
_ALSO_WORDS = frozenset(
    [
        "May",
        "June",
        "April",
        "August",
        "Will",
        "Grace",
        "Hope",
        "Faith",
        "Joy",
        "Rose",
        "Summer",
        "Autumn",
        "Dawn",
        "Bill",
        "Mark",
        "Pat",
        "Sue",
        "Frank",
        "Ray",
        "Rob",
        "Jack",
        "Jay",
        "Gene",
        "Holly",
        "Ivy",
        "Amber",
        "Ruby",
        "Pearl",
        "Violet",
        "Lily",
        "Daisy",
        "Iris",
        "Sky",
        "Hunter",
        "Mason",
        "Miles",
        "Chase",
        "Reed",
        "Glen",
        "Dale",
        "Brook",
        "Robin",
        "Sunny",
        "Rich",
        "Eve",
        "Star",
        "Chance",
    ]
)


def other_people(
    text: Text, rules: Rules, *, people: Collection[str], child: str = ""
) -> list[Finding]:
    """Capitalised words that are another person's first name. `people` holds the first names
    (and full names) of everyone in the snapshot other than this child."""
    if not people or not rules.is_on("other-person-named"):
        return []
    child_names = {part for part in child.split() if part}
    source = text.text
    # Most notes name nobody but the child: that is asked of all their capitalised words at once.
    named = set(_CAPITALISED.findall(source)) - child_names
    if not named or not any(name in people for name in named):
        return []
    found: list[Finding] = []
    seen: set[str] = set()
    for m in _CAPITALISED.finditer(source):
        name = m.group()
        # Most capitalised words are nobody's name: that is asked first.
        if name not in people or name in child_names or name in seen:
            continue
        if m.start() and _GOES_ON_FROM.match(source, m.start() - 1):
            continue
        if name in _ALSO_WORDS:
            following = source[m.end() : m.end() + 30].split()
            if not following or not following[0][:1].isupper():
                continue
        seen.add(name)
        found.append(
            finding(
                "other-person-named",
                start=m.start(),
                end=m.end(),
                text=name,
                message=f"“{name}” may be another person: check before this note is shared.",
                suggestion="Use a role (“her brother”, “Mum's partner”) if the reader need not "
                "know the name.",
            )
        )
    return found
