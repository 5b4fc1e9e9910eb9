"""One child's chronology: every dated event in the snapshot, in date order, with the
timeliness marks the import computed for it (`event_timeliness`).

Events come from the SSD tables as they are. Each source row gives one event ("single") or two
(a "start" and an "end"); a timeliness mark belongs to the event that completed the work, so it
is shown on the end (or single) event, or on the start while the work is still open. Coded
values (a reason for closure, a placement type) are shown in words (`casework.codewords`).
Pages list the events newest first unless asked for oldest first (`ORDERS`), and list the
child's case notes (`case_notes`) newest first.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

import duckdb

from lineofsight.casework import codewords, store
from lineofsight.casework.models import Snapshot
from lineofsight.web.filters import BadFilter
from lineofsight.worklists import connections
from lineofsight.worklists.flags import cohort_label
from lineofsight.worklists.wording import EXPECTED_EVENTS


@dataclass(frozen=True)
class Source:
    table: str
    id_col: str
    person_col: str
    date_col: str
    part: str  # "start", "end" or "single"
    kind: str
    title: str
    detail: str = "NULL"  # an SQL expression over the table's columns
    seen: str = "NULL"
    seen_alone: str = "NULL"
    worker: str = "NULL"
    from_clause: str = ""  # when the person is found through another table
    # Coded values shown in words: (label, SQL expression, code list in casework.codewords).
    coded: tuple[tuple[str, str, str], ...] = ()


# A contact's or referral's source: the council's own description where it wrote one, else its
# code (shown in words).
_SOURCE = "coalesce(nullif(trim({p}_source_desc), ''), {p}_source_code)"

_CLA_REVIEWS_FROM = (
    "ssd_cla_reviews JOIN (SELECT DISTINCT clae_cla_id, clae_person_id FROM ssd_cla_episodes) e "
    "ON e.clae_cla_id = ssd_cla_reviews.clar_cla_id"
)

SOURCES: tuple[Source, ...] = (
    Source(
        "ssd_contacts",
        "cont_contact_id",
        "cont_person_id",
        "cont_contact_date",
        "single",
        "contact",
        "Contact",
        coded=(("Source", _SOURCE.format(p="cont_contact"), "referral_source"),),
    ),
    Source(
        "ssd_cin_episodes",
        "cine_referral_id",
        "cine_person_id",
        "cine_referral_date",
        "start",
        "referral",
        "Referral",
        worker="cine_referral_worker_id",
        coded=(
            ("Category of need", "cine_cin_primary_need_code", "primary_need"),
            ("Source", _SOURCE.format(p="cine_referral"), "referral_source"),
        ),
    ),
    Source(
        "ssd_cin_episodes",
        "cine_referral_id",
        "cine_person_id",
        "cine_close_date",
        "end",
        "referral",
        "Episode of need closed",
        coded=(("Reason for closure", "cine_close_reason", "cin_close_reason"),),
    ),
    Source(
        "ssd_cin_assessments",
        "cina_assessment_id",
        "cina_person_id",
        "cina_assessment_start_date",
        "start",
        "assessment",
        "Assessment started",
        worker="cina_assessment_worker_id",
    ),
    Source(
        "ssd_cin_assessments",
        "cina_assessment_id",
        "cina_person_id",
        "cina_assessment_auth_date",
        "end",
        "assessment",
        "Assessment completed",
        seen="cina_assessment_child_seen",
        worker="cina_assessment_worker_id",
    ),
    Source(
        "ssd_s47_enquiry",
        "s47e_s47_enquiry_id",
        "s47e_person_id",
        "s47e_s47_start_date",
        "start",
        "s47",
        "Section 47 enquiry started",
    ),
    Source(
        "ssd_s47_enquiry",
        "s47e_s47_enquiry_id",
        "s47e_person_id",
        "s47e_s47_end_date",
        "end",
        "s47",
        "Section 47 enquiry ended",
        detail="CASE WHEN s47e_s47_nfa = 'Y' THEN 'No further action' END",
        worker="s47e_s47_completed_by_worker_id",
    ),
    Source(
        "ssd_initial_cp_conference",
        "icpc_icpc_id",
        "icpc_person_id",
        "icpc_icpc_date",
        "single",
        "conference",
        "Initial child protection conference",
        detail="CASE icpc_icpc_outcome_cp_flag WHEN 'Y' THEN 'Child protection plan made' "
        "WHEN 'N' THEN 'No child protection plan' END",
        worker="icpc_icpc_worker_id",
    ),
    Source(
        "ssd_cin_plans",
        "cinp_cin_plan_id",
        "cinp_person_id",
        "cinp_cin_plan_start_date",
        "start",
        "plan",
        "Child in need plan started",
        worker="cinp_cin_plan_worker_id",
    ),
    Source(
        "ssd_cin_plans",
        "cinp_cin_plan_id",
        "cinp_person_id",
        "cinp_cin_plan_end_date",
        "end",
        "plan",
        "Child in need plan ended",
    ),
    Source(
        "ssd_cin_visits",
        "cinv_cin_visit_id",
        "cinv_person_id",
        "cinv_cin_visit_date",
        "single",
        "visit",
        "Child in need visit",
        seen="cinv_cin_visit_seen",
        seen_alone="cinv_cin_visit_seen_alone",
    ),
    Source(
        "ssd_cp_plans",
        "cppl_cp_plan_id",
        "cppl_person_id",
        "cppl_cp_plan_start_date",
        "start",
        "plan",
        "Child protection plan started",
        coded=(
            (
                "Category of abuse",
                "coalesce(cppl_cp_plan_latest_category, cppl_cp_plan_initial_category)",
                "cp_category",
            ),
        ),
    ),
    Source(
        "ssd_cp_plans",
        "cppl_cp_plan_id",
        "cppl_person_id",
        "cppl_cp_plan_end_date",
        "end",
        "plan",
        "Child protection plan ended",
    ),
    Source(
        "ssd_cp_visits",
        "cppv_cp_visit_id",
        "cppv_person_id",
        "cppv_cp_visit_date",
        "single",
        "visit",
        "Child protection visit",
        seen="cppv_cp_visit_seen",
        seen_alone="cppv_cp_visit_seen_alone",
    ),
    Source(
        "ssd_cp_reviews",
        "cppr_cp_review_id",
        "cppr_person_id",
        "cppr_cp_review_date",
        "single",
        "conference",
        "Child protection review conference",
        detail="CASE cppr_cp_review_outcome_continue_cp WHEN 'Y' THEN 'Plan to continue' "
        "WHEN 'N' THEN 'Plan to end' END",
        coded=(("Child's participation", "cppr_cp_review_participation", "review_participation"),),
    ),
    Source(
        "ssd_cla_episodes",
        "clae_cla_episode_id",
        "clae_person_id",
        "clae_cla_episode_start_date",
        "start",
        "care",
        "Started to be looked after",
        coded=(
            ("Reason", "clae_cla_episode_start_reason", "cla_start_reason"),
            ("Category of need", "clae_cla_primary_need_code", "primary_need"),
        ),
    ),
    Source(
        "ssd_cla_episodes",
        "clae_cla_episode_id",
        "clae_person_id",
        "clae_cla_episode_ceased_date",
        "end",
        "care",
        "Stopped being looked after",
        coded=(("Reason", "clae_cla_episode_ceased_reason", "cla_ceased_reason"),),
    ),
    Source(
        "ssd_cla_placement",
        "clap_cla_placement_id",
        "clap_person_id",
        "clap_cla_placement_start_date",
        "start",
        "placement",
        "Placement started",
        coded=(
            ("Placement type", "clap_cla_placement_type", "placement_type"),
            ("Provider", "clap_cla_placement_provider", "placement_provider"),
        ),
    ),
    Source(
        "ssd_cla_placement",
        "clap_cla_placement_id",
        "clap_person_id",
        "clap_cla_placement_end_date",
        "end",
        "placement",
        "Placement ended",
        coded=(
            ("Reason for change", "clap_cla_placement_change_reason", "placement_change_reason"),
        ),
    ),
    Source(
        "ssd_cla_reviews",
        "clar_cla_review_id",
        "e.clae_person_id",
        "clar_cla_review_date",
        "single",
        "conference",
        "Looked-after review",
        detail="CASE WHEN clar_cla_review_cancelled = 'Y' THEN 'Cancelled' END",
        coded=(("Child's participation", "clar_cla_review_participation", "review_participation"),),
        from_clause=_CLA_REVIEWS_FROM,
    ),
    Source(
        "ssd_cla_visits",
        "clav_cla_visit_id",
        "clav_person_id",
        "clav_cla_visit_date",
        "single",
        "visit",
        "Looked-after child visit",
        seen="clav_cla_visit_seen",
        seen_alone="clav_cla_visit_seen_alone",
    ),
    Source(
        "ssd_care_leavers",
        "clea_table_id",
        "clea_person_id",
        "clea_care_leaver_latest_contact",
        "single",
        "care_leaver",
        "Latest contact as a care leaver",
        worker="clea_care_leaver_worker_id",
        coded=(
            ("In touch", "clea_care_leaver_in_touch", "care_leaver_in_touch"),
            ("Accommodation", "clea_care_leaver_accommodation", "care_leaver_accommodation"),
            ("Activity", "clea_care_leaver_activity", "care_leaver_activity"),
        ),
    ),
    Source(
        "ssd_care_leavers",
        "clea_table_id",
        "clea_person_id",
        "clea_pathway_plan_review_date",
        "single",
        "care_leaver",
        "Pathway plan reviewed",
    ),
    Source(
        "ssd_missing",
        "miss_table_id",
        "miss_person_id",
        "miss_missing_episode_start_date",
        "start",
        "missing",
        "Missing episode started",
        coded=(("Type", "miss_missing_episode_type", "missing_type"),),
    ),
    Source(
        "ssd_missing",
        "miss_table_id",
        "miss_person_id",
        "miss_missing_episode_end_date",
        "end",
        "missing",
        "Missing episode ended",
        detail="CASE miss_missing_rhi_offered WHEN 'Y' THEN 'Return interview offered' "
        "WHEN 'N' THEN 'Return interview not offered' END",
    ),
    Source(
        "ssd_legal_status",
        "lega_legal_status_id",
        "lega_person_id",
        "lega_legal_status_start_date",
        "start",
        "legal",
        "Legal status started",
        coded=(("Legal status", "lega_legal_status", "legal_status"),),
    ),
    Source(
        "ssd_legal_status",
        "lega_legal_status_id",
        "lega_person_id",
        "lega_legal_status_end_date",
        "end",
        "legal",
        "Legal status ended",
        coded=(("Legal status", "lega_legal_status", "legal_status"),),
    ),
    Source(
        "ssd_involvements",
        "invo_involvements_id",
        "invo_person_id",
        "invo_involvement_start_date",
        "start",
        "worker",
        "Worker allocated",
        worker="invo_professional_id",
    ),
    Source(
        "ssd_involvements",
        "invo_involvements_id",
        "invo_person_id",
        "invo_involvement_end_date",
        "end",
        "worker",
        "Worker's involvement ended",
        coded=(("Reason for change", "invo_worker_change_reason", "worker_change_reason"),),
        worker="invo_professional_id",
    ),
)


def _coded(s: Source) -> str:
    if not s.coded:
        return "CAST([] AS VARCHAR[])"
    return "[" + ", ".join(f"CAST({expr} AS VARCHAR)" for _label, expr, _list in s.coded) + "]"


def _select(position: int, s: Source) -> str:
    return (
        f"SELECT {s.date_col}::DATE AS event_date, {position} AS position, "
        f"'{s.table}' AS source_table, CAST({s.id_col} AS VARCHAR) AS event_id, "
        f"'{s.part}' AS part, CAST({s.detail} AS VARCHAR) AS detail, "
        f"CAST({s.seen} AS VARCHAR) AS seen, CAST({s.seen_alone} AS VARCHAR) AS seen_alone, "
        f"CAST({s.worker} AS VARCHAR) AS worker_id, {_coded(s)} AS coded "
        f"FROM {s.from_clause or s.table} WHERE {s.person_col} = $person "
        f"AND {s.date_col} IS NOT NULL"
    )


_EVENTS_SQL = (
    "SELECT e.*, w.prof_professional_name FROM ("
    + " UNION ALL ".join(_select(i, s) for i, s in enumerate(SOURCES))
    + ") e LEFT JOIN ssd_professionals w ON w.prof_professional_id = e.worker_id "
    "ORDER BY e.event_date, e.position, e.event_id"
)

_MARKS_SQL = (
    "SELECT rule_id, event_type, event_id, source_table, start_date, due_date, completed_date, "
    "working_days_late, status FROM event_timeliness WHERE person_id = $person "
    "ORDER BY due_date, rule_id"
)


@dataclass(frozen=True)
class Mark:
    rule_id: str
    event_type: str
    status: str  # on_time, late, overdue, due_soon, not_due
    due_date: datetime.date | None
    completed_date: datetime.date | None
    working_days_late: int | None

    @property
    def label(self) -> str:
        days = self.working_days_late or 0
        unit = "working day" if days == 1 else "working days"
        if self.status == "on_time":
            return "On time"
        if self.status == "late" and self.completed_date is None:
            return f"Missed: not done before the plan ended ({days} {unit} late)"
        if self.status == "late":
            return f"Late by {days} {unit}"
        if self.status == "overdue":
            return f"Overdue by {days} {unit}" if days else "Overdue"
        due = f"{self.due_date:%d/%m/%Y}" if self.due_date else ""
        if self.status == "due_soon":
            return f"Due soon ({due})" if due else "Due soon"
        return f"Due by {due}" if due else "Not yet due"

    @property
    def colour(self) -> str:
        return {
            "on_time": "green",
            "late": "orange",
            "overdue": "red",
            "due_soon": "yellow",
        }.get(self.status, "grey")


@dataclass
class Event:
    date: datetime.date
    kind: str
    title: str
    detail: str = ""
    seen: str = ""  # "Y", "N" or "" (not recorded / not a visit)
    seen_alone: str = ""
    worker_name: str = ""
    # Coded values in words, each "Label: words" (casework.codewords).
    coded: list[str] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    outstanding: bool = False  # a due date with no event yet, from event_timeliness alone

    @property
    def details(self) -> list[str]:
        """What the event's row says, one line each: its own detail, then its coded values."""
        return [d for d in (self.detail, *self.coded) if d]

    @property
    def seen_text(self) -> str:
        return _YES_NO.get(self.seen, self.seen.lower())

    @property
    def seen_alone_text(self) -> str:
        return _YES_NO.get(self.seen_alone, self.seen_alone.lower())


_YES_NO = {"Y": "yes", "N": "no"}


def _coded_words(s: Source, values: list[str | None] | None) -> list[str]:
    lines = []
    for (label, _expr, code_list), value in zip(s.coded, values or (), strict=False):
        words = codewords.describe(code_list, value)
        if words:
            lines.append(f"{label}: {words}")
    return lines


def _title(s: Source, worker_name: str) -> str:
    if s.kind == "worker" and s.part == "start" and worker_name:
        return f"Allocated to {worker_name}"
    return s.title


def _marks(con: duckdb.DuckDBPyConnection, person_id: str) -> list[tuple[str, str, Mark]]:
    return [
        (
            table or "",
            str(event_id) if event_id is not None else "",
            Mark(rule_id, event_type or "", status, due, done, late),
        )
        for rule_id, event_type, event_id, table, _start, due, done, late, status in con.execute(
            _MARKS_SQL, {"person": person_id}
        ).fetchall()
    ]


def events(con: duckdb.DuckDBPyConnection, person_id: str, *, with_marks: bool) -> list[Event]:
    """Every event for the child in date order. Two queries: the events and their marks."""
    rows = con.execute(_EVENTS_SQL, {"person": person_id}).fetchall()
    result: list[Event] = []
    by_row: dict[tuple[str, str], list[tuple[str, Event]]] = defaultdict(list)
    for date, pos, table, event_id, part, detail, seen, alone, _worker, coded, worker_name in rows:
        source = SOURCES[pos]
        event = Event(
            date=date,
            kind=source.kind,
            title=_title(source, worker_name or ""),
            detail=detail or "",
            seen=(seen or "").upper() if source.seen != "NULL" else "",
            seen_alone=(alone or "").upper() if source.seen_alone != "NULL" else "",
            worker_name=(worker_name or "") if source.kind != "worker" else "",
            coded=_coded_words(source, coded),
        )
        by_row[(table, event_id)].append((part, event))
        result.append(event)
    for table, event_id, mark in _marks(con, person_id) if with_marks else ():
        # A mark belongs to the event that met the expectation: the one on its completion date,
        # else the row's end (or only) event.
        candidates = by_row.get((table, event_id), []) if event_id else []
        home = next((e for _p, e in candidates if e.date == mark.completed_date), None)
        home = home or next((e for p, e in candidates if p != "start"), None)
        if home is not None:
            home.marks.append(mark)
            continue
        when = mark.due_date
        if when is None:
            continue
        # Work that has not happened (a review not held, a visit missed) shows on its due date.
        result.append(
            Event(
                date=when,
                kind="due",
                title=f"{EXPECTED_EVENTS.get(mark.event_type, mark.event_type)} due",
                marks=[mark],
                outstanding=True,
            )
        )
    result.sort(key=lambda e: (e.date, e.outstanding))
    return result


@dataclass(frozen=True)
class Person:
    person_id: str
    name: str
    date_of_birth: datetime.date | None
    sex: str


def person(con: duckdb.DuckDBPyConnection, person_id: str) -> Person | None:
    row = con.execute(
        "SELECT pers_person_id, trim(concat_ws(' ', pers_forename, pers_surname)), pers_dob, "
        "pers_sex FROM ssd_person WHERE pers_person_id = $person",
        {"person": person_id},
    ).fetchone()
    if row is None:
        return None
    return Person(str(row[0]), row[1] or "", row[2], row[3] or "")


@dataclass(frozen=True)
class OpenCase:
    cohort: str
    team_id: str
    worker_id: str
    worker_name: str
    start_date: datetime.date | None
    team_name: str = ""

    @property
    def cohort_label(self) -> str:
        return cohort_label(self.cohort)


def open_cases(con: duckdb.DuckDBPyConnection, person_id: str) -> list[OpenCase]:
    return [
        OpenCase(cohort, team_id or "", worker_id or "", worker_name or "", start)
        for cohort, team_id, worker_id, worker_name, start in con.execute(
            "SELECT oc.cohort, oc.team_id, oc.worker_id, w.prof_professional_name, "
            "oc.start_date FROM open_cases oc LEFT JOIN ssd_professionals w "
            "ON w.prof_professional_id = oc.worker_id WHERE oc.person_id = $person "
            "ORDER BY oc.start_date, oc.cohort",
            {"person": person_id},
        ).fetchall()
    ]


# -- the order events are listed in ----------------------------------------------------------

ORDERS: dict[str, str] = {"newest": "newest first", "oldest": "oldest first"}
# Newest first by default: what happened last, and what is due next, is what a worker or
# manager opening the record looks for. A chronology for court reads oldest first (`?order=`).
DEFAULT_ORDER = "newest"


def parse_order(value: str | None) -> str:
    """The `order` query parameter, or the default when it is absent; BadFilter otherwise."""
    if value is None or value == "":
        return DEFAULT_ORDER
    if value not in ORDERS:
        raise BadFilter(
            [f"The order “{value[:40]}” is not one this page knows: use newest or oldest."]
        )
    return value


def in_order(found: list[Event], order: str) -> list[Event]:
    """`events()` lists oldest first; newest first is the same list turned round."""
    return list(reversed(found)) if order == "newest" else list(found)


# -- case notes: what the worker wrote, as the snapshot holds it -----------------------------


@dataclass(frozen=True)
class CaseNote:
    date: datetime.date | None
    note_type: str
    author: str
    text: str


@dataclass
class CaseNotes:
    available: bool  # False when the snapshot has no case_notes table
    notes: list[CaseNote] = field(default_factory=list)
    total: int = 0
    page: int = 1
    pages: int = 1

    @property
    def more(self) -> int:
        """How many notes are not on this page."""
        return max(self.total - len(self.notes), 0)


_NOTES_COUNT_SQL = "SELECT count(*) FROM case_notes WHERE note_person_id = $person"
_NOTES_SQL = (
    "SELECT n.note_date::DATE, n.note_type, coalesce(w.prof_professional_name, n.note_author_id), "
    "n.note_text FROM case_notes n LEFT JOIN ssd_professionals w "
    "ON w.prof_professional_id = n.note_author_id WHERE n.note_person_id = $person "
    "ORDER BY n.note_date DESC NULLS LAST, n.note_id DESC LIMIT $limit OFFSET $offset"
)


def case_notes(
    con: duckdb.DuckDBPyConnection, person_id: str, *, per_page: int, page: int = 1
) -> CaseNotes:
    """One page of the child's case notes, newest first, and how many there are in all (a page
    past the last shows the last). The caller has checked that the user may see the child,
    and logs the view."""
    try:
        (total,) = con.execute(_NOTES_COUNT_SQL, {"person": person_id}).fetchone()
        pages = max(1, -(-total // per_page))
        page = min(max(page, 1), pages)
        rows = con.execute(
            _NOTES_SQL,
            {"person": person_id, "limit": per_page, "offset": (page - 1) * per_page},
        ).fetchall()
    except duckdb.CatalogException:  # an extract without case notes
        return CaseNotes(available=False)
    notes = [
        CaseNote(date, (kind or "").strip(), (author or "").strip(), text or "")
        for date, kind, author, text in rows
    ]
    return CaseNotes(available=True, notes=notes, total=total, page=page, pages=pages)


def case_notes_in(snapshot: Snapshot, person_id: str, *, per_page: int, page: int = 1) -> CaseNotes:
    """`case_notes` read from a snapshot (for pages outside the chronology, such as an audit).
    A snapshot whose file has gone has no notes to show."""
    try:
        con = connections.cursor(snapshot)
    except store.SnapshotFileMissing:
        return CaseNotes(available=False)
    try:
        return case_notes(con, person_id, per_page=per_page, page=page)
    finally:
        con.close()


def parse_page(value: str | None) -> int:
    """A page number from the query string: absent is the first; BadFilter if not a number."""
    if value is None or value == "":
        return 1
    if not value.isdigit() or len(value) > 6 or int(value) < 1:
        raise BadFilter([f"The page “{value[:40]}” is not a page number: use 1, 2, 3 and so on."])
    return int(value)
