"""Annex A lists as Standard Safeguarding Dataset tables.

Annex A has no record ids and no links between lists, so both are made here:

- a row's id is its list, the child and its key date ("L3-12345-20200916"); a second row with the
  same three gets "-2", and so on in row order, so the same file always gives the same ids;
- an assessment, section 47 enquiry or CP plan is linked to the child's latest referral dated on
  or before it (List 3, or List 6 when List 3 has none), and a CP plan to the child's initial
  conference held on its start date or in the 31 days before;
- workers and teams are named, not numbered: their ids are a short hash of the name with case
  and spacing folded ("W-" and "T-"), so a name gets the same id in every import.

docs/annex-a.md says what goes where and what Annex A cannot tell.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from typing import Any

from ...casework import schema
from ..problems import Severity
from . import codes as C
from .rows import Reporter, RowReader
from .spec import normalise
from .values import name_key

ICPC_BEFORE_PLAN = timedelta(days=31)
CHILD_ID = "Child Unique ID"

# Which tables each list provides: a table is in the extract when one of its lists was found,
# even with no rows, and absent when Annex A could not have told us.
TABLES_BY_LIST: dict[int, tuple[str, ...]] = {
    1: ("ssd_contacts",),
    3: ("ssd_cin_episodes",),
    4: ("ssd_cin_assessments",),
    5: ("ssd_s47_enquiry", "ssd_initial_cp_conference"),
    6: ("ssd_cin_episodes", "ssd_cin_plans", "ssd_cin_visits"),
    7: ("ssd_cp_plans", "ssd_cp_visits", "ssd_cp_reviews"),
    8: (
        "ssd_cla_episodes",
        "ssd_cla_placement",
        "ssd_cla_visits",
        "ssd_cla_reviews",
        "ssd_legal_status",
    ),
    9: ("ssd_care_leavers",),
    10: ("ssd_legal_status",),
}
WORKER_LISTS = frozenset({3, 4, 5, 6, 7, 8, 9})
# Lists are mapped in this order: referrals first, so that later lists can link to them.
MAPPING_ORDER = (3, 6, 1, 4, 5, 7, 8, 9, 10, 2)
# When lists disagree about a child and no value has a majority, believe the list whose records
# are kept most carefully: looked after first, then child protection, care leavers and so on.
LIST_TRUST = {8: 0, 7: 1, 9: 2, 6: 3, 5: 4, 4: 5, 3: 6, 10: 7, 1: 8, 2: 9}

_S47_OUTCOME_KEYS = (*schema.S47_OUTCOME_FLAGS, "TOTAL_NO_OF_OUTCOMES", "OUTCOME_COMMENTS")
_ICPC_OUTCOME_KEYS = (*schema.ICPC_OUTCOME_FLAGS, "TOTAL_NO_OF_OUTCOMES", "COMMENTS")


def _ymd(when: date | None, excel_row: int) -> str:
    """The date part of an id; a row without the date is told apart by its row number."""
    return f"row{excel_row}" if when is None else _compact(when)


@cache  # at most one entry per day of the two centuries a date may be in
def _compact(when: date) -> str:
    return when.isoformat().replace("-", "")


def _short_hash(text: str, length: int = 10) -> str:
    return hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()[:length]


def _outcome_json(keys: tuple[str, ...], **flags: str) -> str:
    """The SSD's outcome structure: every key present, blank when Annex A does not say."""
    outcome: dict[str, Any] = dict.fromkeys(keys, "")
    outcome["TOTAL_NO_OF_OUTCOMES"] = None
    outcome.update(flags)
    return json.dumps(outcome)


@dataclass
class _Facts:
    """What the lists say about one child, value by value, with the list that said it."""

    sex: list[tuple[str, int]] = field(default_factory=list)
    gender: list[tuple[str, int]] = field(default_factory=list)
    ethnicity: list[tuple[str, int]] = field(default_factory=list)
    dob: list[tuple[date, int]] = field(default_factory=list)


@dataclass
class _Worker:
    name: str
    title: str | None = None
    teams: Counter = field(default_factory=Counter)


class Mapper:
    def __init__(self, reporter: Reporter, placeholder_names: frozenset[str]) -> None:
        self.reporter = reporter
        self.placeholders = placeholder_names
        self.rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.present: set[str] = set()
        self.filled: dict[str, list[str]] = {}  # set by finish()
        self._ids: dict[str, set[str]] = defaultdict(set)
        self.people: dict[str, _Facts] = {}
        self.teams: dict[str, str] = {}
        self.workers: dict[str, _Worker] = {}
        self.involvements: dict[str, dict[str, Any]] = {}
        self.referrals: dict[str, list[tuple[date, str]]] = defaultdict(list)
        self.referral_rows: dict[str, dict[str, Any]] = {}
        self.icpcs: dict[str, list[tuple[date, dict[str, Any], RowPlace]]] = defaultdict(list)
        self.legal: set[tuple[str, str | None, date | None]] = set()
        self._name_ids: dict[tuple[str, str], str | None] = {}
        self.handlers: dict[int, Callable[[RowReader, str, int], None]] = {
            1: self._contacts,
            2: self._early_help,
            3: self._referrals,
            4: self._assessments,
            5: self._section_47,
            6: self._children_in_need,
            7: self._child_protection,
            8: self._looked_after,
            9: self._care_leavers,
            10: self._adoption,
        }

    # --- shared helpers --------------------------------------------------------------------------

    def _id(self, table: str, base: str) -> str:
        used = self._ids[table]
        candidate, n = base, 2
        while candidate in used:
            candidate, n = f"{base}-{n}", n + 1
        used.add(candidate)
        return candidate

    def _key(self, table: str, prefix: str, child: str, when: date | None, excel_row: int) -> str:
        return self._id(table, f"{prefix}-{child}-{_ymd(when, excel_row)}")

    def _emit(self, table: str, row: dict[str, Any]) -> dict[str, Any]:
        self.rows[table].append(row)
        return row

    def _named_id(self, prefix: str, name: str | None) -> str | None:
        """A stable id for a worker's or team's name; None for 'Unallocated' and the like."""
        if name is None:
            return None
        key = (prefix, name)
        if key not in self._name_ids:
            placeholder = normalise(name) in self.placeholders
            self._name_ids[key] = None if placeholder else prefix + _short_hash(name_key(name))
        return self._name_ids[key]

    def _team(self, rr: RowReader, column: str = "Allocated Team") -> str | None:
        name = rr.name(column)
        team_id = self._named_id("T-", name)
        if team_id is not None:
            self.teams.setdefault(team_id, name)
        return team_id

    def _worker(
        self,
        rr: RowReader,
        team_id: str | None,
        column: str = "Allocated Worker",
        title: str | None = None,
    ) -> str | None:
        name = rr.name(column)
        worker_id = self._named_id("W-", name)
        if worker_id is None:
            return None
        worker = self.workers.get(worker_id)
        if worker is None:
            worker = self.workers[worker_id] = _Worker(name=name, title=title)
        if team_id is not None:
            worker.teams[team_id] += 1
        return worker_id

    def _involve(self, child: str, worker_id: str | None, team_id: str | None, role: str) -> None:
        if worker_id is None:
            return
        key = "INV-" + _short_hash(f"{child}|{worker_id}|{team_id or ''}|{role}", 12)
        self.involvements.setdefault(
            key,
            {
                "invo_involvements_id": key,
                "invo_professional_id": worker_id,
                "invo_professional_role_id": role,
                "invo_professional_team": team_id,
                "invo_person_id": child,
            },
        )

    def _allocation(self, rr: RowReader, child: str) -> tuple[str | None, str | None]:
        team_id = self._team(rr)
        worker_id = self._worker(rr, team_id)
        self._involve(child, worker_id, team_id, "Allocated Worker")
        return team_id, worker_id

    def _referral_before(self, child: str, when: date | None) -> str | None:
        if when is None:
            return None
        best: tuple[date, str] | None = None
        for referred, referral_id in self.referrals.get(child, ()):
            if referred <= when and (best is None or referred > best[0]):
                best = (referred, referral_id)
        return best[1] if best else None

    def _see_person(self, rr: RowReader, child: str, list_number: int) -> None:
        facts = self.people.setdefault(child, _Facts())
        sex = rr.code("Sex", C.GENDER_CATEGORY) if rr.has("Sex") else None
        gender = rr.code("Gender", C.GENDER_CATEGORY) if rr.has("Gender") else None
        if sex in C.SEX_FROM_CATEGORY:
            facts.sex.append((C.SEX_FROM_CATEGORY[sex], list_number))
        if gender in C.GENDER_FROM_CATEGORY:
            facts.gender.append((C.GENDER_FROM_CATEGORY[gender], list_number))
            if sex is None:
                # Before 2026 the column was called Gender but held the CIN census sex codes.
                facts.sex.append((C.SEX_FROM_CATEGORY[gender], list_number))
        ethnicity = rr.code("Ethnicity", C.ETHNICITY)
        if ethnicity is not None:
            facts.ethnicity.append((ethnicity, list_number))
        dob = rr.date("Date of Birth")
        if dob is not None:
            facts.dob.append((dob, list_number))

    # --- the lists -------------------------------------------------------------------------------

    def map_rows(
        self, rr: RowReader, rows: list[tuple[int, Sequence[object]]], list_number: int
    ) -> None:
        handler = self.handlers.get(list_number)
        if handler is None:
            return
        self.present.update(TABLES_BY_LIST.get(list_number, ()))
        if list_number in WORKER_LISTS:
            self.present.update(("ssd_professionals", "ssd_department", "ssd_involvements"))
        self.present.add("ssd_person")
        id_header = rr.table.columns[CHILD_ID][1]
        for excel_row, cells in rows:
            rr.at(excel_row, cells)
            try:
                child = rr.id(CHILD_ID)
                if child is None:
                    rr.problem(
                        Severity.ERROR,
                        "row has data but no Child Unique ID; it was not imported",
                        id_header,
                        kind="no child id",
                    )
                    continue
                self._see_person(rr, child, list_number)
                handler(rr, child, excel_row)
            except Exception as exc:  # one bad row must not stop the rest of the file
                rr.problem(
                    Severity.ERROR,
                    f"this row could not be read ({type(exc).__name__}: {exc})",
                    "",
                    kind=f"row could not be read: {type(exc).__name__}",
                )

    def _early_help(self, rr: RowReader, child: str, excel_row: int) -> None:
        """List 2 gives only the child: the snapshot has no early help table."""

    def _contacts(self, rr: RowReader, child: str, excel_row: int) -> None:
        when = rr.date("Date of Contact")
        source = rr.code("Contact Source", C.SOURCE)
        self._emit(
            "ssd_contacts",
            {
                "cont_contact_id": self._key("ssd_contacts", "L1", child, when, excel_row),
                "cont_person_id": child,
                "cont_contact_date": when,
                **_source_fields("cont_contact", source),
            },
        )

    def _referrals(self, rr: RowReader, child: str, excel_row: int) -> None:
        when = rr.date("Date of referral")
        source = rr.code("Referral Source", C.SOURCE)
        team_id, worker_id = self._allocation(rr, child)
        referral_id = self._key("ssd_cin_episodes", "L3", child, when, excel_row)
        row = self._emit(
            "ssd_cin_episodes",
            {
                "cine_referral_id": referral_id,
                "cine_person_id": child,
                "cine_referral_date": when,
                **_source_fields("cine_referral", source),
                "cine_referral_nfa": rr.flag("Referral NFA?", C.YES_NO),
                "cine_referral_team": team_id,
                "cine_referral_worker_id": worker_id,
                # Not an SSD field: kept only if the snapshot schema adds it (see docs).
                "cine_referrals_last_12_months": rr.count("Number of Referrals in Last 12 Months"),
            },
        )
        self.referral_rows[referral_id] = row
        if when is not None:
            self.referrals[child].append((when, referral_id))

    def _children_in_need(self, rr: RowReader, child: str, excel_row: int) -> None:
        start = rr.date("CIN Start Date")
        closed = rr.date("CIN Closure Date")
        status = rr.code("Case Status", C.CASE_STATUS)
        team_id, worker_id = self._allocation(rr, child)
        details = {
            "cine_cin_primary_need_code": rr.code("Primary Need Code", C.PRIMARY_NEED),
            "cine_close_date": closed,
            "cine_close_reason": rr.code("Reason for Closure", C.CIN_CLOSURE),
        }
        same_day = [rid for day, rid in self.referrals.get(child, ()) if day == start]
        if start is not None and same_day:
            # The List 3 referral that began this episode: add what List 6 knows to it.
            episode = self.referral_rows[same_day[0]]
            for key, value in details.items():
                if episode.get(key) is None:
                    episode[key] = value
            episode_id = same_day[0]
        else:
            episode_id = self._key("ssd_cin_episodes", "L6", child, start, excel_row)
            self.referral_rows[episode_id] = self._emit(
                "ssd_cin_episodes",
                {
                    "cine_referral_id": episode_id,
                    "cine_person_id": child,
                    "cine_referral_date": start,
                    **details,
                },
            )
            if start is not None:
                self.referrals[child].append((start, episode_id))
        if status == "CIN":
            self._emit(
                "ssd_cin_plans",
                {
                    "cinp_cin_plan_id": self._key("ssd_cin_plans", "L6P", child, start, excel_row),
                    "cinp_referral_id": episode_id,
                    "cinp_person_id": child,
                    "cinp_cin_plan_end_date": closed,
                    "cinp_cin_plan_team": team_id,
                    "cinp_cin_plan_worker_id": worker_id,
                },
            )
        seen = rr.date("Date Child Was Last Seen")
        if seen is not None and status not in ("CP", "CLA"):
            # Children on a CP plan or looked after have their visits from Lists 7 and 8.
            self._emit(
                "ssd_cin_visits",
                {
                    "cinv_cin_visit_id": self._key("ssd_cin_visits", "L6V", child, seen, excel_row),
                    "cinv_person_id": child,
                    "cinv_cin_visit_date": seen,
                    "cinv_cin_visit_seen": "Y",
                },
            )

    def _assessments(self, rr: RowReader, child: str, excel_row: int) -> None:
        start = rr.date("Continuous Assessment Start Date")
        needs_support = rr.flag(
            "Was the child assessed as requiring LA children's social care support?", C.YES_NO
        )
        team_id, worker_id = self._allocation(rr, child)
        self._emit(
            "ssd_cin_assessments",
            {
                "cina_assessment_id": self._key(
                    "ssd_cin_assessments", "L4", child, start, excel_row
                ),
                "cina_person_id": child,
                "cina_referral_id": self._referral_before(child, start),
                "cina_assessment_start_date": start,
                "cina_assessment_child_seen": rr.flag(
                    "Child Seen During Continuous Assessment", C.YES_NO
                ),
                "cina_assessment_auth_date": rr.date("Continuous Assessment Date of Authorisation"),
                # Assessed as needing support means the assessment did not end in no further action
                "cina_assessment_outcome_nfa": {"Y": "N", "N": "Y"}.get(needs_support or ""),
                "cina_assessment_team": team_id,
                "cina_assessment_worker_id": worker_id,
            },
        )

    def _section_47(self, rr: RowReader, child: str, excel_row: int) -> None:
        start = rr.date("Strategy discussion initiating Section 47 Enquiry Start Date")
        no_icpc = rr.flag(
            "Was an Initial Child Protection Conference deemed unnecessary?", C.YES_NO
        )
        icpc_date = rr.date("Date of Initial Child Protection Conference")
        cp_plan = rr.flag(
            "Did the Initial Child Protection Conference Result in a Child Protection Plan",
            C.YES_NO,
        )
        team_id, worker_id = self._allocation(rr, child)
        referral_id = self._referral_before(child, start)
        conference = "N" if no_icpc == "Y" else ("Y" if no_icpc == "N" or icpc_date else "")
        s47_id = self._key("ssd_s47_enquiry", "L5", child, start, excel_row)
        self._emit(
            "ssd_s47_enquiry",
            {
                "s47e_s47_enquiry_id": s47_id,
                "s47e_referral_id": referral_id,
                "s47e_person_id": child,
                "s47e_s47_start_date": start,
                "s47e_s47_outcome_json": (
                    _outcome_json(_S47_OUTCOME_KEYS, CP_CONFERENCE_FLAG=conference)
                    if conference
                    else None
                ),
                "s47e_s47_completed_by_worker_id": worker_id,
                "s47e_s47_completed_by_team": team_id,
            },
        )
        if icpc_date is None:
            return
        icpc = self._emit(
            "ssd_initial_cp_conference",
            {
                "icpc_icpc_id": self._key(
                    "ssd_initial_cp_conference", "L5C", child, icpc_date, excel_row
                ),
                "icpc_s47_enquiry_id": s47_id,
                "icpc_person_id": child,
                "icpc_cp_plan_id": None,  # set when List 7 has the plan
                "icpc_referral_id": referral_id,
                "icpc_icpc_date": icpc_date,
                "icpc_icpc_outcome_cp_flag": cp_plan,
                "icpc_icpc_outcome_json": (
                    _outcome_json(_ICPC_OUTCOME_KEYS, CP_FLAG=cp_plan) if cp_plan else None
                ),
                "icpc_icpc_team": team_id,
                "icpc_icpc_worker_id": worker_id,
            },
        )
        place = RowPlace(
            rr.table.sheet,
            rr.table.label,
            excel_row,
            _header(rr, "Date of Initial Child Protection Conference"),
        )
        self.icpcs[child].append((icpc_date, icpc, place))

    def _conference_for_plan(self, child: str, start: date | None) -> dict[str, Any] | None:
        if start is None:
            return None
        candidates = [
            (held, icpc)
            for held, icpc, _place in self.icpcs.get(child, ())
            if icpc["icpc_cp_plan_id"] is None and start - ICPC_BEFORE_PLAN <= held <= start
        ]
        # The latest conference before the plan; on a tie, the first row.
        return max(candidates, key=lambda c: c[0])[1] if candidates else None

    def _child_protection(self, rr: RowReader, child: str, excel_row: int) -> None:
        start = rr.date("Child Protection Plan Start Date")
        self._allocation(rr, child)
        plan_id = self._key("ssd_cp_plans", "L7", child, start, excel_row)
        icpc = self._conference_for_plan(child, start)
        if icpc is not None:
            icpc["icpc_cp_plan_id"] = plan_id
        self._emit(
            "ssd_cp_plans",
            {
                "cppl_cp_plan_id": plan_id,
                "cppl_referral_id": self._referral_before(child, start),
                "cppl_icpc_id": icpc["icpc_icpc_id"] if icpc else None,
                "cppl_person_id": child,
                "cppl_cp_plan_start_date": start,
                "cppl_cp_plan_end_date": rr.date("Child Protection Plan End Date"),
                "cppl_cp_plan_initial_category": rr.code(
                    "Initial Category of Abuse", C.CP_CATEGORY
                ),
                "cppl_cp_plan_latest_category": rr.code("Latest Category of Abuse", C.CP_CATEGORY),
                # Not an SSD field: kept only if the snapshot schema adds it (see docs).
                "cppl_cp_plan_previous_plans": rr.count(
                    "Number of Previous Child Protection Plans"
                ),
            },
        )
        visited = rr.date("Date of the Last Statutory Visit")
        if visited is not None:
            alone = rr.flag("Was the Child Seen Alone?", C.YES_NO)
            self._emit(
                "ssd_cp_visits",
                {
                    "cppv_cp_visit_id": self._key(
                        "ssd_cp_visits", "L7V", child, visited, excel_row
                    ),
                    "cppv_person_id": child,
                    "cppv_cp_plan_id": plan_id,
                    "cppv_cp_visit_date": visited,
                    # Seen alone means seen; "not seen alone" does not say whether seen at all.
                    "cppv_cp_visit_seen": "Y" if alone == "Y" else None,
                    "cppv_cp_visit_seen_alone": alone,
                },
            )
        reviewed = rr.date("Date of latest review conference")
        if reviewed is not None:
            self._emit(
                "ssd_cp_reviews",
                {
                    "cppr_cp_review_id": self._key(
                        "ssd_cp_reviews", "L7R", child, reviewed, excel_row
                    ),
                    "cppr_person_id": child,
                    "cppr_cp_plan_id": plan_id,
                    "cppr_cp_review_date": reviewed,
                },
            )

    def _looked_after(self, rr: RowReader, child: str, excel_row: int) -> None:
        entered = rr.date("Date Started to be Looked After")
        legal_start = rr.date("Start date of current legal status")
        legal = rr.code("Child's Legal Status", C.LEGAL_STATUS)
        ceased = rr.date("Date Ceased to be Looked After")
        placed = rr.date("Start Date of Most Recent Placement")
        placement_type = rr.code("Placement Type", C.PLACEMENT_TYPE)
        self._allocation(rr, child)
        dob = rr.date("Date of Birth")
        if entered is not None and dob is not None and entered < dob:
            rr.problem(
                Severity.WARNING,
                f"started to be looked after ({entered:%d/%m/%Y}) before the date of birth"
                f" ({dob:%d/%m/%Y})",
                _header(rr, "Date Started to be Looked After"),
                entered.isoformat(),
                kind="looked after before birth",
            )
        # A placement or legal status said to start after care ended cannot have begun the last
        # episode; it is kept on its own row, without the end date it cannot have.
        after_care = self._after_care(rr, ceased, placed, legal_start)
        cla_id = self._key("ssd_cla_episodes", "L8", child, entered, excel_row)
        placement_id = None
        if placed is not None or placement_type is not None:
            placement_id = self._key("ssd_cla_placement", "L8P", child, placed, excel_row)
            self._emit(
                "ssd_cla_placement",
                {
                    "clap_cla_placement_id": placement_id,
                    "clap_cla_id": cla_id,
                    "clap_person_id": child,
                    "clap_cla_placement_start_date": placed,
                    "clap_cla_placement_type": placement_type,
                    "clap_cla_placement_urn": rr.id("URN of Placement"),
                    "clap_cla_placement_provider": rr.code(
                        "Placement Provider", C.PLACEMENT_PROVIDER
                    ),
                    "clap_cla_placement_postcode": rr.postcode("Placement postcode"),
                    "clap_cla_placement_end_date": None if placed in after_care else ceased,
                },
            )
        # The current episode began at the latest change of placement or legal status.
        starts = [
            d for d in (entered, placed, legal_start) if d is not None and d not in after_care
        ]
        self._emit(
            "ssd_cla_episodes",
            {
                "clae_cla_episode_id": cla_id,
                "clae_person_id": child,
                "clae_cla_episode_start_date": max(starts) if starts else None,
                "clae_cla_episode_start_reason": "S" if starts and max(starts) == entered else None,
                "clae_cla_primary_need_code": rr.code("Child's Category of Need", C.PRIMARY_NEED),
                "clae_cla_episode_ceased_date": ceased,
                "clae_cla_episode_ceased_reason": rr.code(
                    "Reason Ceased to be Looked After", C.CLA_CEASED
                ),
                "clae_cla_id": cla_id,
                "clae_cla_placement_id": placement_id,
                "clae_entered_care_date": entered,
                "clae_cla_last_iro_contact_date": rr.date(
                    "Date of Last IRO Visit / Contact to the Child"
                ),
            },
        )
        visited = rr.date("Date of Last Social Work Visit")
        if visited is not None:
            self._emit(
                "ssd_cla_visits",
                {
                    "clav_cla_visit_id": self._key(
                        "ssd_cla_visits", "L8V", child, visited, excel_row
                    ),
                    "clav_cla_id": cla_id,
                    "clav_person_id": child,
                    "clav_cla_visit_date": visited,
                },
            )
        reviewed = rr.date("Date of Latest Statutory Review")
        if reviewed is not None:
            self._emit(
                "ssd_cla_reviews",
                {
                    "clar_cla_review_id": self._key(
                        "ssd_cla_reviews", "L8R", child, reviewed, excel_row
                    ),
                    "clar_cla_id": cla_id,
                    "clar_cla_review_date": reviewed,
                },
            )
        if legal is not None or legal_start is not None:
            ended = None if legal_start in after_care else ceased
            self._legal_status(child, "L8LS", legal, legal_start, ended, excel_row)

    def _after_care(
        self, rr: RowReader, ceased: date | None, placed: date | None, legal_start: date | None
    ) -> set[date]:
        if ceased is None:
            return set()
        late = set()
        for column, when in (
            ("Start Date of Most Recent Placement", placed),
            ("Start date of current legal status", legal_start),
        ):
            if when is not None and when > ceased:
                late.add(when)
                rr.problem(
                    Severity.WARNING,
                    f"starts ({when:%d/%m/%Y}) after the child ceased to be looked after"
                    f" ({ceased:%d/%m/%Y}); not taken as the start of the last episode",
                    _header(rr, column),
                    when.isoformat(),
                    kind="starts after care ended",
                )
        return late

    def _legal_status(
        self,
        child: str,
        prefix: str,
        status: str | None,
        start: date | None,
        end: date | None,
        excel_row: int,
    ) -> None:
        if (child, status, start) in self.legal:
            return
        self.legal.add((child, status, start))
        self._emit(
            "ssd_legal_status",
            {
                "lega_legal_status_id": self._key(
                    "ssd_legal_status", prefix, child, start, excel_row
                ),
                "lega_person_id": child,
                "lega_legal_status": status,
                "lega_legal_status_start_date": start,
                "lega_legal_status_end_date": end,
            },
        )

    def _care_leavers(self, rr: RowReader, child: str, excel_row: int) -> None:
        team_id, worker_id = self._allocation(rr, child)
        adviser = rr.name("Allocated Personal Advisor")
        if self._named_id("W-", adviser) is None:
            adviser = None
        else:
            adviser_id = self._worker(
                rr, None, column="Allocated Personal Advisor", title="Personal Adviser"
            )
            self._involve(child, adviser_id, None, "Personal Adviser")
        self._emit(
            "ssd_care_leavers",
            {
                "clea_table_id": self._id("ssd_care_leavers", f"L9-{child}"),
                "clea_person_id": child,
                "clea_care_leaver_eligibility": rr.code("Eligibility Category", C.CL_ELIGIBILITY),
                "clea_care_leaver_in_touch": rr.code("LA in Touch", C.CL_IN_TOUCH),
                "clea_care_leaver_latest_contact": rr.date("Latest Date of Contact"),
                "clea_care_leaver_accommodation": rr.code(
                    "Type of Accommodation", C.CL_ACCOMMODATION
                ),
                "clea_care_leaver_accom_suitable": rr.code(
                    "Suitability of Accommodation", C.CL_SUITABLE
                ),
                "clea_care_leaver_activity": rr.code("Activity Status", C.CL_ACTIVITY),
                "clea_pathway_plan_review_date": rr.date("Latest Pathway Plan Review Date"),
                "clea_care_leaver_personal_advisor": adviser,
                "clea_care_leaver_allocated_team": team_id,
                "clea_care_leaver_worker_id": worker_id,
            },
        )

    def _adoption(self, rr: RowReader, child: str, excel_row: int) -> None:
        # Only the placement order fits the snapshot: it is a legal status (E1), ending when the
        # adoption order is made. The rest of the adoption timeline has no SSD table here.
        ordered = rr.date("Date of Placement Order")
        if ordered is not None:
            adopted = rr.date("Date of Adoption Order")
            self._legal_status(child, "L10LS", "E1", ordered, adopted, excel_row)

    # --- after every list ------------------------------------------------------------------------

    def finish(self) -> dict[str, list[dict[str, Any]]]:
        self._check_conferences()
        self.rows["ssd_person"] = [self._person(child, f) for child, f in self.people.items()]
        self.rows["ssd_department"] = [
            {"dept_team_id": team_id, "dept_team_name": name}
            for team_id, name in self.teams.items()
        ]
        self.rows["ssd_professionals"] = [
            {
                "prof_professional_id": worker_id,
                "prof_professional_name": worker.name,
                "prof_professional_job_title": worker.title,
                "prof_professional_department": self._main_team(worker),
            }
            for worker_id, worker in self.workers.items()
        ]
        self.rows["ssd_involvements"] = list(self.involvements.values())
        # The fields the lists gave a place to (even if empty in every row): the rest are ones
        # Annex A cannot tell us, which pages must not read as "none" (indicators.coverage).
        tables = schema.tables()
        self.filled = {
            name: sorted({key for row in rows for key in row} & set(tables[name].field_names))
            for name, rows in self.rows.items()
            if name in tables
        }
        return _conform(self.rows, self.present)

    def _main_team(self, worker: _Worker) -> str | None:
        if not worker.teams:
            return None
        team_id, _count = worker.teams.most_common(1)[0]  # ties: the team seen first
        return self.teams.get(team_id)

    def _check_conferences(self) -> None:
        """Conferences that made a plan List 7 does not have get the id that plan would have had
        (plans start on the day of the conference), so the plan is named though not listed."""
        for child, conferences in self.icpcs.items():
            for held, icpc, place in conferences:
                if icpc["icpc_icpc_outcome_cp_flag"] != "Y" or icpc["icpc_cp_plan_id"] is not None:
                    continue
                icpc["icpc_cp_plan_id"] = f"L7-{child}-{_ymd(held, place.row)}"
                if "ssd_cp_plans" in self.present:
                    self.reporter.warning(
                        f"the initial conference on {held:%d/%m/%Y} made a CP plan, but List 7"
                        " has no plan for this child starting then",
                        sheet=place.sheet,
                        table=place.table,
                        row=place.row,
                        column=place.column,
                        value=held.isoformat(),
                        kind="conference made a plan that List 7 lacks",
                    )

    def _person(self, child: str, facts: _Facts) -> dict[str, Any]:
        return {
            "pers_person_id": child,
            "pers_sex": self._agreed(child, "Sex", facts.sex),
            "pers_gender": self._agreed(child, "Gender", facts.gender),
            "pers_ethnicity": self._agreed(child, "Ethnicity", facts.ethnicity),
            "pers_dob": self._agreed(child, "Date of Birth", facts.dob),
        }

    def _agreed(self, child: str, what: str, seen: list[tuple[Any, int]]) -> Any:
        """The value most lists give (a known value over 'not known'); warn where they differ."""
        if not seen:
            return None
        first = seen[0][0]
        if all(value == first for value, _list in seen):
            return first
        known = [(v, n) for v, n in seen if v not in C.UNINFORMATIVE] or seen
        counts = Counter(v for v, _n in known)
        trust = {v: min(LIST_TRUST.get(n, 99) for w, n in known if w == v) for v in counts}
        chosen = min(counts, key=lambda v: (-counts[v], trust[v]))
        if len(counts) > 1:

            def message() -> str:
                said: dict[Any, set[int]] = defaultdict(set)
                for value, number in known:
                    said[value].add(number)
                detail = "; ".join(
                    f"{_shown(v)} in {', '.join(f'List {n}' for n in sorted(lists))}"
                    for v, lists in sorted(said.items(), key=lambda item: min(item[1]))
                )
                return f"lists disagree on {what.lower()} for child {child}: {detail};" + (
                    f" used {_shown(chosen)}"
                )

            self.reporter.warning(
                message,
                table="ssd_person",
                column=what,
                value=child,
                kind=f"lists disagree on {what.lower()}",
            )
        return chosen


@dataclass(frozen=True)
class RowPlace:
    sheet: str
    table: str
    row: int
    column: str


def _header(rr: RowReader, column: str) -> str:
    found = rr.table.columns.get(column)
    return found[1] if found else column


def _shown(value: Any) -> str:
    return value.strftime("%d/%m/%Y") if isinstance(value, date) else str(value)


def _source_fields(prefix: str, source: str | None) -> dict[str, str | None]:
    if source is None:
        return {f"{prefix}_source_code": None, f"{prefix}_source_desc": None}
    if source in C.SOURCE_DESCRIPTIONS:
        return {
            f"{prefix}_source_code": source,
            f"{prefix}_source_desc": C.SOURCE_DESCRIPTIONS[source],
        }
    return {f"{prefix}_source_code": None, f"{prefix}_source_desc": source}


def _conform(
    rows: dict[str, list[dict[str, Any]]], present: set[str]
) -> dict[str, list[dict[str, Any]]]:
    """Every present table, in schema order, each row with exactly the schema's fields."""
    tables: dict[str, list[dict[str, Any]]] = {}
    for name, table in schema.tables().items():
        if name not in present:
            continue
        empty = dict.fromkeys(table.field_names)
        conformed = []
        for row in rows.get(name, ()):
            full = empty.copy()
            full.update(row)
            if len(full) != len(empty):
                full = {f: full[f] for f in empty}  # drop fields the schema does not have
            conformed.append(full)
        tables[name] = conformed
    return tables
