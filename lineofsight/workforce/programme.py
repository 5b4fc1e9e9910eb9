"""The early careers programme as configuration: its stages, when each is due, and the share of a
full caseload a worker in it may hold. Read from programme.yml, or from the file the setting
EARLY_CAREERS_PROGRAMME_FILE names."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from django.conf import settings

DEFAULT_FILE = Path(__file__).parent / "programme.yml"

OUTCOME_LABELS = {"pass": "Passed", "fail": "Not passed", "extended": "Extended"}
FINAL_PANEL = "final-panel"


class ProgrammeError(ValueError):
    pass


@dataclass(frozen=True)
class Stage:
    key: str  # "review-3", "observation-1", "final-panel"
    label: str
    due_months: int
    outcomes: tuple[str, ...] = ()  # the final panel's outcomes; () for a stage without one

    def due_on(self, start: datetime.date) -> datetime.date:
        return add_months(start, self.due_months)

    @property
    def outcome_choices(self) -> list[tuple[str, str]]:
        return [(o, OUTCOME_LABELS[o]) for o in self.outcomes]


@dataclass(frozen=True)
class Programme:
    name: str
    stages: tuple[Stage, ...]
    protected_caseload_share: float

    def stage(self, key: str) -> Stage | None:
        return next((s for s in self.stages if s.key == key), None)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (the month's last day when it is shorter)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last))


def _months(value: object, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= 60:
        raise ProgrammeError(f"{where} must be a whole number of months from 1 to 60")
    return value


def parse(data: object) -> Programme:
    if not isinstance(data, dict):
        raise ProgrammeError("the programme file must be a mapping")
    stages: list[Stage] = []
    for months in data.get("reviews") or []:
        months = _months(months, "reviews")
        stages.append(Stage(f"review-{months}", f"{months}-month review", months))
    observations = data.get("direct_observations") or {}
    count = observations.get("count", 0)
    due = list(observations.get("due_months") or [])
    if not isinstance(count, int) or count < 0 or len(due) != count:
        raise ProgrammeError("direct_observations needs a count and one due month for each")
    for n, months in enumerate(due, start=1):
        months = _months(months, "direct_observations.due_months")
        stages.append(Stage(f"observation-{n}", f"Direct observation {n}", months))
    panel = data.get("final_panel") or {}
    outcomes = tuple(str(o) for o in panel.get("outcomes") or ("pass", "fail", "extended"))
    unknown = set(outcomes) - set(OUTCOME_LABELS)
    if unknown or "pass" not in outcomes:
        raise ProgrammeError("final_panel.outcomes are pass, fail and extended (pass is needed)")
    stages.append(
        Stage(
            FINAL_PANEL,
            "Final panel",
            _months(panel.get("due_months", 12), "final_panel"),
            outcomes,
        )
    )
    stages.sort(key=lambda s: (s.due_months, s.key == FINAL_PANEL))
    share = data.get("protected_caseload_share", 0.9)
    if not isinstance(share, int | float) or not 0 < share <= 1:
        raise ProgrammeError("protected_caseload_share must be more than 0 and at most 1")
    return Programme(
        name=str(data.get("name") or "Early careers programme").strip(),
        stages=tuple(stages),
        protected_caseload_share=float(share),
    )


@cache
def _load(path: str) -> Programme:
    try:
        return parse(yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {})
    except ProgrammeError as exc:
        raise ProgrammeError(f"{path}: {exc}") from None


def programme() -> Programme:
    """The programme in force (EARLY_CAREERS_PROGRAMME_FILE, or the file beside this one)."""
    configured = getattr(settings, "EARLY_CAREERS_PROGRAMME_FILE", "")
    return _load(str(Path(configured) if configured else DEFAULT_FILE))
