"""Did the flags that brought a case to supervision clear afterwards? And did it help?

Follow-up reads the snapshots imported after the one a case's flags were frozen from (each is
the casework as at its date) and finds, for each frozen flag, the first of them in which the
child no longer has it. A case has cleared when a later snapshot holds none of its frozen flags.

The evaluation compares discussed cases with similar cases that were not discussed: children in
the same team who had exactly the same flags in the snapshot the session used, and who were never
brought to group supervision. Both groups are judged the same way: cleared within three months of
the session date, counting only cases whose three months are over in the data we have (or that
cleared already).
"""

from __future__ import annotations

import datetime
import logging
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from lineofsight.actions.models import ImprovementAction, SourceType, Status
from lineofsight.casework import store
from lineofsight.casework.models import Snapshot
from lineofsight.web.dates import add_months
from lineofsight.web.figures import SMALL_MAX, share_withheld
from lineofsight.worklists import casedata

from .models import Session, SessionCase

log = logging.getLogger(__name__)

WINDOW_MONTHS = 3
SMALLEST_SHOWN = SMALL_MAX + 1  # the small-number rule (lineofsight.web.figures)


@dataclass(frozen=True)
class Observation:
    """What one later snapshot says about a set of children."""

    snapshot: Snapshot
    flags: dict[str, frozenset[str]]  # person -> flags (children without flags are absent)
    open: frozenset[str]  # children with an open case


def snapshots_after(as_at: datetime.date) -> list[Snapshot]:
    """Snapshots as at a later date whose files are still there, one per date (the newest
    import of that date), in date order."""
    chosen: dict[datetime.date, Snapshot] = {}
    for snap in Snapshot.objects.filter(
        as_at__gt=as_at, removed_at__isnull=True, published_at__isnull=False
    ).order_by("as_at", "created_at", "id"):
        chosen[snap.as_at] = snap
    return list(chosen.values())


# What each snapshot said about each child: (flags, has an open case), or None when the snapshot
# cannot say (no drift flags in it). Snapshots never change, so answers are kept, and a page only
# opens a snapshot file for children it has not asked about before.
_Seen = tuple[frozenset[str], bool] | None
_seen: OrderedDict[tuple[str, str], _Seen] = OrderedDict()
_seen_lock = threading.Lock()
_SEEN_KEPT = 50_000


def _look(snap: Snapshot, ids: list[str]) -> dict[str, _Seen]:
    with store.connect(snap) as con:
        if not {"drift_flags", "open_cases"} <= casedata.tables_in(con, str(snap.path)):
            return dict.fromkeys(ids)
        marks = casedata.flags_for(con, ids)
        still_open = casedata.open_people(con, ids)
    return {pid: (frozenset(m.flag for m in marks.get(pid, ())), pid in still_open) for pid in ids}


def observe(snapshots: Iterable[Snapshot], person_ids: Iterable[str]) -> list[Observation]:
    """What each snapshot says about these children. Snapshots without drift flags (or whose
    file is gone) are left out: they cannot say whether a flag cleared."""
    ids = sorted(set(person_ids))
    found: list[Observation] = []
    if not ids:
        return found
    for snap in snapshots:
        path = str(snap.path)
        with _seen_lock:
            known = {pid: _seen[(path, pid)] for pid in ids if (path, pid) in _seen}
        missing = [pid for pid in ids if pid not in known]
        if missing:
            try:
                looked = _look(snap, missing)
            except (store.SnapshotFileMissing, OSError):
                log.warning("Snapshot %s could not be read for follow-up", snap.pk, exc_info=True)
                continue
            known.update(looked)
            with _seen_lock:
                for pid, seen in looked.items():
                    _seen[(path, pid)] = seen
                while len(_seen) > _SEEN_KEPT:
                    _seen.popitem(last=False)
        if any(seen is None for seen in known.values()):
            continue
        found.append(
            Observation(
                snap,
                {pid: seen[0] for pid, seen in known.items() if seen and seen[0]},
                frozenset(pid for pid, seen in known.items() if seen and seen[1]),
            )
        )
    return found


@dataclass(frozen=True)
class FlagOutcome:
    flag: str
    cleared_on: datetime.date | None  # as-at date of the first later snapshot without it


@dataclass(frozen=True)
class Outcome:
    person_id: str
    base_as_at: datetime.date
    held_on: datetime.date
    flags: tuple[FlagOutcome, ...]
    cleared_on: datetime.date | None  # first later snapshot with none of the flags
    closed_on: datetime.date | None  # first later snapshot with no open case
    latest_seen: datetime.date | None  # the latest snapshot looked at

    @property
    def window_ends(self) -> datetime.date:
        return add_months(self.held_on, WINDOW_MONTHS)

    @property
    def has_flags(self) -> bool:
        return bool(self.flags)

    @property
    def cleared_in_window(self) -> bool:
        return self.cleared_on is not None and self.cleared_on <= self.window_ends

    @property
    def judgeable(self) -> bool:
        """Whether the three months are over in the data, or the flags already cleared."""
        if not self.has_flags:
            return False
        return self.cleared_in_window or (
            self.latest_seen is not None and self.latest_seen >= self.window_ends
        )


def outcome(
    person_id: str,
    frozen: Iterable[str],
    base_as_at: datetime.date,
    held_on: datetime.date,
    observations: list[Observation],
) -> Outcome:
    frozen = tuple(dict.fromkeys(frozen))
    later = [o for o in observations if o.snapshot.as_at > base_as_at]
    flag_outcomes = []
    for flag_id in frozen:
        cleared = next(
            (o.snapshot.as_at for o in later if flag_id not in o.flags.get(person_id, ())), None
        )
        flag_outcomes.append(FlagOutcome(flag_id, cleared))
    case_cleared = None
    if frozen:
        case_cleared = next(
            (
                o.snapshot.as_at
                for o in later
                if not set(frozen) & o.flags.get(person_id, frozenset())
            ),
            None,
        )
    closed = next((o.snapshot.as_at for o in later if person_id not in o.open), None)
    return Outcome(
        person_id=person_id,
        base_as_at=base_as_at,
        held_on=held_on,
        flags=tuple(flag_outcomes),
        cleared_on=case_cleared,
        closed_on=closed,
        latest_seen=later[-1].snapshot.as_at if later else None,
    )


def _base_as_at(case: SessionCase) -> datetime.date:
    snap = case.flags_snapshot or case.session.snapshot
    return snap.as_at if snap is not None else case.session.held_on


def case_outcomes(cases: list[SessionCase]) -> dict[int, Outcome]:
    """The follow-up of each case, reading each later snapshot once for all of them."""
    if not cases:
        return {}
    earliest = min(_base_as_at(c) for c in cases)
    observations = observe(snapshots_after(earliest), [c.person_id for c in cases])
    return {
        c.pk: outcome(
            c.person_id, c.frozen_flag_ids, _base_as_at(c), c.session.held_on, observations
        )
        for c in cases
    }


# -- evaluation ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Share:
    numerator: int
    denominator: int

    @property
    def shown(self) -> bool:
        """The one small-number rule: no share when there is nothing to divide, or when either
        count is 1 to 4 (`lineofsight.web.figures`)."""
        return bool(self.denominator) and not share_withheld(self.numerator, self.denominator)

    @property
    def percent(self) -> int | None:
        if not self.shown:
            return None
        return round(100 * self.numerator / self.denominator)


@dataclass(frozen=True)
class ActionFigures:
    total: int
    done_on_time: int
    done_late: int
    not_done: int
    open_overdue: int
    open_not_yet_due: int

    @property
    def on_time(self) -> Share:
        # Actions still open and not yet due cannot be judged on time or late yet.
        return Share(self.done_on_time, self.total - self.open_not_yet_due)


@dataclass
class Evaluation:
    sessions: int = 0
    cases_discussed: int = 0
    cases_without_flags: int = 0
    discussed: Share = field(default_factory=lambda: Share(0, 0))
    discussed_too_recent: int = 0
    comparison: Share = field(default_factory=lambda: Share(0, 0))
    comparison_too_recent: int = 0
    comparison_sessions_unread: int = 0  # sessions whose snapshot could not be read
    actions: ActionFigures = field(default_factory=lambda: ActionFigures(0, 0, 0, 0, 0, 0))
    latest_as_at: datetime.date | None = None


def action_figures(case_ids: Iterable[int], today: datetime.date) -> ActionFigures:
    actions: QuerySet[ImprovementAction] = ImprovementAction.objects.filter(
        source_type=SourceType.SUPERVISION, source_id__in=[str(i) for i in case_ids]
    ).only("status", "due_date", "closed_at")
    total = on_time = late = not_done = overdue = not_due = 0
    for a in actions:
        total += 1
        if a.status == Status.DONE:
            done_on = timezone.localdate(a.closed_at) if a.closed_at else None
            if done_on is not None and done_on <= a.due_date:
                on_time += 1
            else:
                late += 1
        elif a.status == Status.NOT_DONE:
            not_done += 1
        elif a.due_date < today:
            overdue += 1
        else:
            not_due += 1
    return ActionFigures(total, on_time, late, not_done, overdue, not_due)


def _reference_snapshot(session: Session, cases: list[SessionCase]) -> Snapshot | None:
    if session.snapshot is not None:
        return session.snapshot
    return next((c.flags_snapshot for c in cases if c.flags_snapshot is not None), None)


def comparison_group(
    sessions: list[Session],
    cases_by_session: dict[int, list[SessionCase]],
    ever_discussed: set[str],
) -> tuple[list[tuple[Session, str, frozenset[str], datetime.date]], int]:
    """Children like the discussed ones but never discussed: (session, child, flags, base date).
    Also how many sessions' snapshots could not be read."""
    pairs: list[tuple[Session, str, frozenset[str], datetime.date]] = []
    unread = 0
    for session in sessions:
        cases = cases_by_session.get(session.pk, [])
        wanted = {frozenset(c.frozen_flag_ids) for c in cases if c.frozen_flags}
        snap = _reference_snapshot(session, cases)
        if not wanted or snap is None or not session.team.case_system_id:
            continue
        try:
            with store.connect(snap) as con:
                if not {"drift_flags", "open_cases"} <= casedata.tables_in(con, str(snap.path)):
                    unread += 1
                    continue
                team = casedata.team_flag_sets(con, session.team.case_system_id)
        except (store.SnapshotFileMissing, OSError):
            unread += 1
            continue
        for person_id, flags in sorted(team.items()):
            if person_id not in ever_discussed and flags in wanted:
                pairs.append((session, person_id, flags, snap.as_at))
    return pairs, unread


def evaluate(sessions: list[Session], today: datetime.date | None = None) -> Evaluation:
    """The evaluation of these sessions (the caller has scoped them to the user)."""
    today = today or timezone.localdate()
    if not sessions:
        return Evaluation()
    session_ids = [s.pk for s in sessions]
    cases = list(
        SessionCase.objects.filter(session_id__in=session_ids).select_related(
            "session__team", "session__snapshot", "flags_snapshot"
        )
    )
    by_session: dict[int, list[SessionCase]] = {}
    for c in cases:
        by_session.setdefault(c.session_id, []).append(c)
    ever_discussed = set(SessionCase.objects.values_list("person_id", flat=True).distinct())
    pairs, unread = comparison_group(sessions, by_session, ever_discussed)

    bases = [_base_as_at(c) for c in cases] + [base for *_rest, base in pairs]
    observations = (
        observe(
            snapshots_after(min(bases)),
            [c.person_id for c in cases] + [pid for _s, pid, _f, _b in pairs],
        )
        if bases
        else []
    )
    discussed = [
        outcome(c.person_id, c.frozen_flag_ids, _base_as_at(c), c.session.held_on, observations)
        for c in cases
    ]
    compared = [
        outcome(pid, sorted(flags), base, session.held_on, observations)
        for session, pid, flags, base in pairs
    ]

    def share(outcomes: list[Outcome]) -> tuple[Share, int]:
        flagged = [o for o in outcomes if o.has_flags]
        judged = [o for o in flagged if o.judgeable]
        cleared = sum(1 for o in judged if o.cleared_in_window)
        return Share(cleared, len(judged)), len(flagged) - len(judged)

    discussed_share, discussed_recent = share(discussed)
    compared_share, compared_recent = share(compared)
    latest = (
        Snapshot.objects.filter(removed_at__isnull=True, published_at__isnull=False)
        .order_by("-as_at")
        .first()
    )
    return Evaluation(
        sessions=len(sessions),
        cases_discussed=len(cases),
        cases_without_flags=sum(1 for c in cases if not c.frozen_flags),
        discussed=discussed_share,
        discussed_too_recent=discussed_recent,
        comparison=compared_share,
        comparison_too_recent=compared_recent,
        comparison_sessions_unread=unread,
        actions=action_figures([c.pk for c in cases], today),
        latest_as_at=latest.as_at if latest else None,
    )
