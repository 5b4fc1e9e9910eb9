"""One piece of evidence about a practice theme, from any source, for the triangulation page.

Each source app offers a selector `<things>_for_theme(user, theme_key) -> list[Evidence]`,
scoped to what the user may see; the themes app puts them side by side.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import StrEnum


class Leaning(StrEnum):
    STRENGTH = "strength"
    CONCERN = "concern"  # an area for development, a complaint, a "no" audit answer
    NEUTRAL = "neutral"


@dataclass(frozen=True)
class Evidence:
    source: str  # "Case-file audit", "Practice week", "Feedback", "Indicator", "Action"
    title: str  # short: what it is
    url: str  # its page in the product ("" if none)
    date: datetime.date | None
    team_name: str = ""
    summary: str = ""  # a sentence or quote, never a child's name
    leaning: Leaning = Leaning.NEUTRAL
