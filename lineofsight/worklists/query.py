"""What a worklist request asks for (filters and sort order), read from query parameters.

A value that cannot be a flag id, or a cohort, sort column or order the product does not know,
is refused (BadFilter: the page says so, with status 400) rather than ignored. A worker that is
not there simply matches no child (workers come and go between snapshots).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from lineofsight.web.filters import BadFilter

from .casedata import CaseRow
from .flags import COHORTS, FLAGS

ANY_FLAG = "any"
_FLAG_ID = re.compile(r"[a-z0-9_]{1,64}")
UNALLOCATED = "none"

# In the order of the table's columns (templatetags/worklists.py draws the cells to match).
SORT_COLUMNS: dict[str, str] = {
    "child": "Child",
    "name": "Name",
    "overdue": "Days overdue",
    "visit": "Last visit",
    "due": "Next due",
    "flags": "Flags",
    "oldest": "Oldest flag",
    "cohort": "Cohort",
    "worker": "Worker",
}
DEFAULT_SORT = "oldest"


@dataclass(frozen=True)
class WorklistQuery:
    flag: str = ""  # "" every child, "any" any flag, else one flag id
    worker: str = ""  # "" every worker, "none" unallocated, else a worker id
    cohort: str = ""
    sort: str = DEFAULT_SORT
    descending: bool = False

    @classmethod
    def parse(cls, params: Mapping[str, str]) -> WorklistQuery:
        problems = []
        flag_id = params.get("flag", "").strip()
        # A flag the product does not describe may still come from a council's own rules
        # (timeliness), so an id of the right shape is kept: it matches its children or none.
        if (
            flag_id
            and flag_id != ANY_FLAG
            and not (flag_id in FLAGS or _FLAG_ID.fullmatch(flag_id))
        ):
            problems.append("Choose a flag from the list: the flag in the page address is not one")
        cohort = params.get("cohort", "").strip()
        if cohort and cohort not in COHORTS:
            problems.append(
                "Choose a cohort from the list: the cohort in the page address is not one"
            )
        sort = params.get("sort", DEFAULT_SORT)
        if sort not in SORT_COLUMNS:
            problems.append("Sort by one of the columns: the page address names no column")
        if params.get("order", "asc") not in ("asc", "desc"):
            problems.append("Sort in ascending or descending order")
        if problems:
            raise BadFilter(problems)
        return cls(
            flag=params.get("flag", "").strip()[:64],
            worker=params.get("worker", "").strip()[:64],
            cohort=params.get("cohort", "").strip()[:32],
            sort=sort if sort in SORT_COLUMNS else DEFAULT_SORT,
            descending=params.get("order") == "desc",
        )

    def without_flag(self) -> WorklistQuery:
        """The same filters but the flag one (the flag counts are counted with these)."""
        return replace(self, flag="")

    @property
    def filtered(self) -> bool:
        return bool(self.flag or self.worker or self.cohort)

    def params(self, **changes: object) -> dict[str, str]:
        q = replace(self, **changes)
        out = {"flag": q.flag, "worker": q.worker, "cohort": q.cohort}
        out = {k: v for k, v in out.items() if v}
        if q.sort != DEFAULT_SORT or q.descending:
            out["sort"] = q.sort
            out["order"] = "desc" if q.descending else "asc"
        return out

    def urlencode(self, **changes: object) -> str:
        return urlencode(self.params(**changes))

    def matches(self, row: CaseRow) -> bool:
        if self.flag == ANY_FLAG and not row.flags:
            return False
        if self.flag and self.flag != ANY_FLAG and self.flag not in row.flag_ids:
            return False
        if self.worker == UNALLOCATED and row.worker_id:
            return False
        if self.worker and self.worker != UNALLOCATED and row.worker_id != self.worker:
            return False
        return not (self.cohort and self.cohort not in row.cohorts)

    def apply(self, rows: list[CaseRow]) -> list[CaseRow]:
        """The rows that match, sorted; rows with nothing to sort by go last either way."""
        key = _SORT_KEYS[self.sort]
        keyed = [(key(r), r.person_id, r) for r in rows if self.matches(r)]
        present = [k for k in keyed if k[0] is not None]
        missing = [k[2] for k in keyed if k[0] is None]
        present.sort(key=lambda k: (k[0], k[1]), reverse=self.descending)
        return [k[2] for k in present] + missing

    def headers(self) -> list[SortHeader]:
        """One header per sortable column: the link that sorts by it and its aria-sort."""
        out = []
        for column, title in SORT_COLUMNS.items():
            current = column == self.sort
            descending = not self.descending if current else column in _DESCENDING_FIRST
            state = "none"
            if current:
                state = "descending" if self.descending else "ascending"
            out.append(
                SortHeader(column, title, self.urlencode(sort=column, descending=descending), state)
            )
        return out


@dataclass(frozen=True)
class SortHeader:
    column: str
    title: str
    query: str
    aria_sort: str


# Most flags, or the most days overdue, first is the useful first click on those columns.
_DESCENDING_FIRST = {"flags", "overdue"}


def _oldest(row: CaseRow) -> datetime.date | None:
    return row.oldest_flag


def _overdue(row: CaseRow) -> int | None:
    # The earlier the due date, the more days overdue (whatever the snapshot's date).
    return -row.overdue_since.toordinal() if row.overdue_since else None


_SORT_KEYS = {
    "child": lambda r: r.person_id,
    "overdue": _overdue,
    "visit": lambda r: r.last_visit,
    "due": lambda r: r.next_due,
    "name": lambda r: r.name.lower() or None,
    "cohort": lambda r: ",".join(r.cohorts) or None,
    "worker": lambda r: (r.worker_name or r.worker_id).lower() or None,
    "flags": lambda r: len(r.flags),
    "oldest": _oldest,
}
