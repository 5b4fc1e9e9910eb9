"""Reads for the recording pages people use day to day: a practitioner's own recent notes, and
the quality of recording per team and per worker for managers.

Both read the current snapshot's `recording_checks` table (one row per case note, written at
import: lineofsight.recording.table). The team of a note is the child's team on the note's
date, by the one rule of who is responsible for a child (casework.attribution); the worker is
the note's author. Every figure goes through the one small-number rule (web.figures).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import duckdb

from lineofsight.accounts import policy
from lineofsight.accounts.models import Team, User
from lineofsight.casework import attribution
from lineofsight.casework.models import Snapshot
from lineofsight.web import dates
from lineofsight.web.figures import NO_DATA, SUPPRESSED, count_text, share_text, share_withheld
from lineofsight.worklists.selectors import NO_CASEWORK, reading

from .checker import MARKERS
from .table import TABLE

RECENT_DAYS = 90
NOT_IN_LINE_OF_SIGHT = "Someone not in Line of Sight"
NO_TEAM = "No team on the note's date"


# -- the practitioner's own notes -----------------------------------------------------------------


@dataclass(frozen=True)
class MyNote:
    note_id: str
    note_date: datetime.date | None
    note_type: str
    words: int
    child_voice: bool
    analysis: bool
    decision_rationale: bool
    discouraged: int
    acronyms: int
    findings: int

    @property
    def markers(self) -> list[tuple[str, bool]]:
        return [(title, bool(getattr(self, key))) for key, title in MARKERS.items()]


@dataclass
class MyNotes:
    snapshot: Snapshot | None
    available: bool  # the snapshot holds checked notes
    professional_id: str
    since: datetime.date | None = None
    notes: list[MyNote] = field(default_factory=list)


_MY_NOTES_SQL = f"""
SELECT note_id, note_date, note_type, words, child_voice, analysis, decision_rationale,
       discouraged, acronyms, findings
FROM {TABLE}
WHERE author_id = $author AND note_date > $since AND note_date <= $as_at
ORDER BY note_date DESC, note_id DESC
"""


def my_recent_notes(user: User) -> MyNotes:
    """The notes the user wrote in the snapshot's last 90 days, newest first. Their own notes,
    by their id in the case management system: none when the account has no such id."""
    pid = user.professional_id.strip()
    try:
        with reading() as reader:
            snapshot = reader.snapshot
            if TABLE not in reader.tables:
                return MyNotes(snapshot, available=False, professional_id=pid)
            since = snapshot.as_at - datetime.timedelta(days=RECENT_DAYS)
            found = MyNotes(snapshot, available=True, professional_id=pid, since=since)
            if not pid:
                return found
            rows = reader.con.execute(
                _MY_NOTES_SQL, {"author": pid, "since": since, "as_at": snapshot.as_at}
            ).fetchall()
    except NO_CASEWORK:
        return MyNotes(None, available=False, professional_id=pid)
    found.notes = [
        MyNote(
            note_id=str(r[0]),
            note_date=r[1],
            note_type=r[2] or "",
            words=r[3] or 0,
            child_voice=bool(r[4]),
            analysis=bool(r[5]),
            decision_rationale=bool(r[6]),
            discouraged=r[7] or 0,
            acronyms=r[8] or 0,
            findings=r[9] or 0,
        )
        for r in rows
    ]
    return found


# -- the quality of recording per team and per worker ---------------------------------------------


def per_100_text(count: int, notes: int) -> str:
    """A count per 100 notes, e.g. "12.5"; withheld as a share is (1 to 4 either side)."""
    if not notes:
        return NO_DATA
    if share_withheld(count, notes):
        return SUPPRESSED
    return f"{100 * count / notes:,.1f}"


@dataclass(frozen=True)
class QualityLine:
    """One row of the table: a team, a worker, or everything in view."""

    name: str
    notes: int
    child_voice: int
    analysis: int
    decision_rationale: int
    discouraged: int
    acronyms: int

    def cells(self) -> list[str]:
        """The figures as the page and the CSV show them, in the table's order: shares of the
        notes for the markers (withheld for small numbers), findings per 100 notes."""
        return [
            count_text(self.notes),
            *(share_text(n, self.notes) for n in self._markers()),
            per_100_text(self.discouraged, self.notes),
            per_100_text(self.acronyms, self.notes),
        ]

    def _markers(self) -> tuple[int, int, int]:
        return self.child_voice, self.analysis, self.decision_rationale


COLUMNS = (
    "Notes checked",
    "With the child's voice",
    "With analysis",
    "With a decision and its reason",
    "Discouraged terms per 100 notes",
    "Unexplained acronyms per 100 notes",
)


@dataclass(frozen=True)
class QualityFilter:
    period_end: datetime.date | None = None  # None: the snapshot's date
    team: Team | None = None  # None: every team the user may see


@dataclass
class Quality:
    snapshot: Snapshot | None
    available: bool  # the snapshot holds checked notes
    period_start: datetime.date | None = None
    period_end: datetime.date | None = None
    team: Team | None = None
    everything: bool = False  # the user sees every team (and notes with no team)
    total: QualityLine | None = None
    by_team: list[QualityLine] = field(default_factory=list)
    by_worker: list[QualityLine] = field(default_factory=list)


def quality_teams(user: User) -> list[Team]:
    """The teams the user may choose on the quality page: those they may see that the case
    management system knows (a team manager their own, a service manager their service's,
    QA leads, senior leaders and analysts every one)."""
    return [t for t in policy.visible_teams(user).order_by("name") if t.case_system_id]


def period_start(period_end: datetime.date) -> datetime.date:
    """The first day of the 12 months to `period_end`."""
    return dates.add_months(period_end + datetime.timedelta(days=1), -12)


# The child's team on each note's date: child_attribution's period in force that day (the rule
# and its periods are described in casework/attribution.py; a period runs from valid_from up to,
# not including, valid_until).
_NOTES_SQL = f"""
WITH notes AS (
    SELECT r.author_id, a.team_id,
           CASE WHEN r.child_voice THEN 1 ELSE 0 END AS child_voice,
           CASE WHEN r.analysis THEN 1 ELSE 0 END AS analysis,
           CASE WHEN r.decision_rationale THEN 1 ELSE 0 END AS decision_rationale,
           coalesce(r.discouraged, 0) AS discouraged,
           coalesce(r.acronyms, 0) AS acronyms
    FROM {TABLE} r
    LEFT JOIN {attribution.TABLE} a
      ON a.person_id = r.person_id
     AND (a.valid_from IS NULL OR a.valid_from <= r.note_date)
     AND (a.valid_until IS NULL OR a.valid_until > r.note_date)
    WHERE r.note_date >= $start AND r.note_date <= $end
)
SELECT grouping(team_id) AS by_author, grouping(author_id) AS by_team, team_id, author_id,
       count(*), sum(child_voice), sum(analysis), sum(decision_rationale),
       sum(discouraged), sum(acronyms)
FROM notes
WHERE {{scope}}
GROUP BY GROUPING SETS ((team_id), (author_id), ())
"""


def _team_condition(user: User, chosen: Team | None, teams: list[Team]) -> tuple[str, dict, bool]:
    """The notes the user may count: the condition, its parameters, and whether it is all."""
    everything = policy.scope_for(user) is policy.Scope.EVERYTHING
    if chosen is not None:
        if chosen.pk not in {t.pk for t in teams}:
            return "FALSE", {}, False
        return "team_id = $team", {"team": chosen.case_system_id}, False
    if everything:
        return "TRUE", {}, True
    keys = [t.case_system_id for t in teams]
    if not keys:
        return "FALSE", {}, False
    return "list_contains($teams::VARCHAR[], team_id)", {"teams": keys}, False


def _line(name: str, row: tuple) -> QualityLine:
    notes, voice, analysis, decision, discouraged, acronyms = (int(v or 0) for v in row[4:10])
    return QualityLine(name, notes, voice, analysis, decision, discouraged, acronyms)


def _merge(name: str, lines: list[QualityLine]) -> QualityLine:
    return QualityLine(
        name,
        sum(x.notes for x in lines),
        sum(x.child_voice for x in lines),
        sum(x.analysis for x in lines),
        sum(x.decision_rationale for x in lines),
        sum(x.discouraged for x in lines),
        sum(x.acronyms for x in lines),
    )


def _department_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    try:
        rows = con.execute("SELECT dept_team_id, dept_team_name FROM ssd_department").fetchall()
    except duckdb.CatalogException:
        return {}
    return {str(i): str(n) for i, n in rows if i and n}


def recording_quality(
    user: User, chosen: QualityFilter, *, teams: list[Team] | None = None
) -> Quality:
    """Notes checked in the 12 months to the period end, per team and per worker, within the
    user's scope. `teams` is `quality_teams(user)` when the caller has it already; a chosen
    team outside it counts nothing."""
    policy.require(user, policy.Capability.VIEW_RECORDING)
    if teams is None:
        teams = quality_teams(user)
    condition, params, everything = _team_condition(user, chosen.team, teams)
    try:
        with reading() as reader:
            snapshot = reader.snapshot
            end = chosen.period_end or snapshot.as_at
            found = Quality(
                snapshot,
                available=TABLE in reader.tables,
                period_start=period_start(end),
                period_end=end,
                team=chosen.team,
                everything=everything,
            )
            if not found.available:
                return found
            attribution.ensure(reader.con)
            rows = reader.con.execute(
                _NOTES_SQL.format(scope=condition),
                {**params, "start": found.period_start, "end": end},
            ).fetchall()
            departments = _department_names(reader.con) if everything else {}
    except NO_CASEWORK:
        return Quality(None, available=False, team=chosen.team)
    team_names = {t.case_system_id: t.name for t in teams}
    team_rows = [r for r in rows if not r[0] and r[1]]
    author_rows = [r for r in rows if r[0] and not r[1]]
    total_rows = [r for r in rows if r[0] and r[1]]
    found.total = _line("All notes in view", total_rows[0]) if total_rows else None
    teams = []
    for r in team_rows:
        key = r[2]
        if key is None:
            name = NO_TEAM
        else:
            name = team_names.get(key) or departments.get(key) or f"Team {key}"
        teams.append(_line(name, r))
    found.by_team = sorted(teams, key=lambda x: (x.name == NO_TEAM, x.name.casefold()))
    found.by_worker = _workers(author_rows)
    return found


def _workers(rows: list[tuple]) -> list[QualityLine]:
    """One line per author with an account in Line of Sight, by name; the notes of everyone
    else together on one line, last (their names are not the product's to show)."""
    ids = [str(r[3]) for r in rows if r[3]]
    names = dict(
        User.objects.filter(professional_id__in=ids)
        .exclude(professional_id="")
        .values_list("professional_id", "full_name")
    )
    known, unknown = [], []
    for r in rows:
        name = names.get(str(r[3])) if r[3] else None
        if name:
            known.append(_line(name, r))
        else:
            unknown.append(_line(NOT_IN_LINE_OF_SIGHT, r))
    lines = sorted(known, key=lambda x: x.name.casefold())
    if unknown:
        lines.append(_merge(NOT_IN_LINE_OF_SIGHT, unknown))
    return lines
