"""The council's one-to-one supervision policy, read from YAML, and the due dates it gives.

The product ships supervision_policy.yml beside this module; a council points
LINEOFSIGHT_SUPERVISION_POLICY_FILE (the setting SUPERVISION_POLICY_FILE) at its own. The
interval after a supervision is the one for the worker's stage on the day of that supervision:
a worker newly qualified on day 0 and supervised on day 0 is next due on day 7; supervised on
day 42 (the start of week 7) they are next due on day 56; after their first year, a month
later.
"""

from __future__ import annotations

import calendar
import datetime
import functools
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.conf import settings

DEFAULT_FILE = Path(__file__).with_name("supervision_policy.yml")


class PolicyFileError(ValueError):
    """The policy file cannot be used; the message says where and why."""


@dataclass(frozen=True)
class Stage:
    key: str
    label: str
    every_days: int = 0
    every_months: int = 0
    newly_qualified_days: int | None = None  # None: fits everyone

    def fits(self, newly_qualified_since: datetime.date | None, on: datetime.date) -> bool:
        if self.newly_qualified_days is None:
            return True
        if newly_qualified_since is None or on < newly_qualified_since:
            return False
        return (on - newly_qualified_since).days < self.newly_qualified_days

    def after(self, day: datetime.date) -> datetime.date:
        if self.every_months:
            return add_months(day, self.every_months)
        return day + datetime.timedelta(days=self.every_days)

    @property
    def interval_text(self) -> str:
        if self.every_months:
            n = self.every_months
            return "every month" if n == 1 else f"every {n} months"
        n = self.every_days
        if n % 7 == 0:
            weeks = n // 7
            return "every week" if weeks == 1 else f"every {weeks} weeks"
        return f"every {n} days"


@dataclass(frozen=True)
class SupervisionPolicy:
    start: datetime.date
    stages: tuple[Stage, ...]

    def stage_on(self, newly_qualified_since: datetime.date | None, on: datetime.date) -> Stage:
        for stage in self.stages:
            if stage.fits(newly_qualified_since, on):
                return stage
        return self.stages[-1]

    def next_due(
        self,
        *,
        last: datetime.date | None,
        newly_qualified_since: datetime.date | None,
        started: datetime.date | None,
    ) -> datetime.date:
        """When the next supervision is due: one interval after the last (the interval of the
        worker's stage on that day); never supervised, one interval after the later of the
        policy's start and the worker's own start."""
        if last is None:
            last = max(d for d in (self.start, started, newly_qualified_since) if d is not None)
        return self.stage_on(newly_qualified_since, last).after(last)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (the month's last day when it has no such day)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def policy_file() -> Path:
    return Path(getattr(settings, "SUPERVISION_POLICY_FILE", "") or DEFAULT_FILE)


def current_policy() -> SupervisionPolicy:
    path = policy_file()
    try:
        stamp = path.stat().st_mtime_ns
    except OSError as exc:
        raise PolicyFileError(f"The supervision policy file {path} cannot be read.") from exc
    return _load(str(path), stamp)


@functools.lru_cache(maxsize=8)
def _load(path: str, _stamp: int) -> SupervisionPolicy:
    return parse_policy(Path(path).read_text(encoding="utf-8"), where=path)


def parse_policy(text: str, *, where: str = "the supervision policy") -> SupervisionPolicy:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise PolicyFileError(f"{where} is not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise PolicyFileError(f"{where} must be a mapping with start and stages.")
    start = data.get("start")
    if not isinstance(start, datetime.date):
        raise PolicyFileError(f"{where}: start must be a date like 2024-01-01.")
    raw = data.get("stages")
    if not isinstance(raw, list) or not raw:
        raise PolicyFileError(f"{where}: stages must be a list of at least one stage.")
    stages = []
    for n, item in enumerate(raw, start=1):
        here = f"{where}: stage {n}"
        if not isinstance(item, dict) or not item.get("key") or not item.get("label"):
            raise PolicyFileError(f"{here} needs a key and a label.")
        days, months = item.get("every_days", 0), item.get("every_months", 0)
        if not (isinstance(days, int) and isinstance(months, int)) or (days > 0) == (months > 0):
            raise PolicyFileError(f"{here} needs one of every_days or every_months, above 0.")
        nq = item.get("newly_qualified_days")
        if nq is not None and (not isinstance(nq, int) or nq <= 0):
            raise PolicyFileError(f"{here}: newly_qualified_days must be a number above 0.")
        stages.append(
            Stage(
                key=str(item["key"]),
                label=str(item["label"]),
                every_days=days,
                every_months=months,
                newly_qualified_days=nq,
            )
        )
    if stages[-1].newly_qualified_days is not None:
        raise PolicyFileError(
            f"{where}: the last stage must fit everyone (no newly_qualified_days)."
        )
    return SupervisionPolicy(start=start, stages=tuple(stages))
