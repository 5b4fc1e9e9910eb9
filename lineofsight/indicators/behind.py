"""Plain words for the children behind a figure: whether each one met the measure, and a filter
to those who did not (listed first by default).

An indicator with a direction and something it is out of is a measure a child can meet or not:
- higher is better (e.g. visits on time): a child counted in the figure met it; one counted only
  in what it is out of did not;
- lower is better (e.g. re-referrals): the other way round.
A volume to watch (referrals, children in need) or a count has no measure: every child listed is
simply counted, and the filter is not offered.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from lineofsight.web.filters import BadFilter

from .types import Indicator, Polarity, Unit

MET_CHOICES = {"": "Everyone, not met first", "no": "Not met only", "yes": "Met only"}

# Care leavers' "in touch" codes (SSDA903 / SSD clea_care_leaver_in_touch), in words.
IN_TOUCH_WORDS = {
    "YES": "yes",
    "NO": "no",
    "DIED": "the young person has died",
    "REFU": "the young person refuses contact",
    "NREQ": "no longer requires services",
    "RHOM": "returned home to their family",
}
_IN_TOUCH = re.compile(r"in touch: ([A-Za-z]+)")


def is_measure(indicator: Indicator) -> bool:
    """Whether a child behind this figure can meet the measure or not."""
    return (
        indicator.unit in (Unit.PERCENT,)
        and bool(indicator.denominator)
        and indicator.polarity is not Polarity.NEITHER
    )


def met(indicator: Indicator, counted_in: str) -> bool | None:
    """Whether a row counted in the numerator ("numerator") or only in the denominator met the
    measure; None for an indicator that is not a measure."""
    if not is_measure(indicator):
        return None
    in_numerator = counted_in == "numerator"
    return in_numerator if indicator.polarity is Polarity.HIGHER_IS_BETTER else not in_numerator


def met_text(value: bool | None) -> str:
    return "" if value is None else ("Yes" if value else "No")


def parse_met(indicator: Indicator, params: Mapping[str, str]) -> str:
    """The `met` filter in the page address: "" (everyone), "no" or "yes"."""
    raw = (params.get("met") or "").strip().lower()
    if raw not in MET_CHOICES:
        raise BadFilter(
            ["Choose who to list from the options: the choice in the page address is not one"]
        )
    if raw and not is_measure(indicator):
        raise BadFilter(
            [
                "This figure is a count, not a measure a child meets or not: "
                "list everyone behind it instead"
            ]
        )
    return raw


def plain_detail(text: str) -> str:
    """A row's detail with codes in words (dates are already written out by the engine)."""

    def in_touch(m: re.Match[str]) -> str:
        code = m[1].upper()
        return f"in touch: {IN_TOUCH_WORDS.get(code, m[1])}"

    return _IN_TOUCH.sub(in_touch, text)
