"""Rows of every SSD table, written child by child from the skeleton's dates.

Only the dates that the calibration depends on come from the skeleton; everything else (workers
over time, visits, reviews, placements, legal statuses, notes) is drawn here, one child at a time,
and streamed to the table files so memory stays flat however large the council.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import count

from .calendar import Calendar, add_months, age_on, ordinal
from .codes import (
    ACCOMMODATION,
    ACTIVITY,
    ASSESSMENT_OUTCOMES,
    CONTACT_OUTCOMES,
    CP_CATEGORIES,
    ETHNICITY,
    ICPC_OUTCOME,
    LEGAL_START,
    PARTICIPATION,
    PLACEMENT_BY_AGE,
    PLACEMENT_CHANGE,
    PROVIDER,
    REFERRAL_OUTCOMES,
    S47_OUTCOMES,
    SOURCE_DRAW,
    SOURCES,
    UASC_ORIGINS,
    UNSUITABLE,
    WORKER_CHANGE,
)
from .names import child_forename, surname
from .notes import NoteWriter
from .output import quote
from .sampling import Draw, Weighted
from .skeleton import LEAVER, STATUTORY, Chain, Episode, phase_team, phases
from .targets import Targets
from .workforce import DISABLED, IN_CARE, LEAVERS, Layout, Team, Worker

Row = Callable[[str], None]

# Free-text codes and JSON outcomes, quoted once for the CSV files.
SOURCE_TEXT = {k: quote(v) for k, v in SOURCES.items()}
CONTACT_TEXT = {k: quote(v) for k, v in CONTACT_OUTCOMES.items()}
REFERRAL_TEXT = {k: quote(v) for k, v in REFERRAL_OUTCOMES.items()}
ASSESSMENT_TEXT = {k: quote(v) for k, v in ASSESSMENT_OUTCOMES.items()}
S47_TEXT = {k: quote(v) for k, v in S47_OUTCOMES.items()}
ICPC_TEXT = quote(ICPC_OUTCOME)

NOTE_DAYS = 365  # by default case notes cover the 12 months to the as-at date
LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # postcode unit letters (fictional "ZZ" postcodes)
Allocations = list[tuple[int, int | None, Worker, Team, str]]
YEAR = 365

# Changes of allocated worker per year, by team kind, for steady and drifting teams.
CHANGE_RATE = {IN_CARE: (0.7, 2.0), LEAVERS: (0.5, 1.2), DISABLED: (0.5, 1.5)}
DEFAULT_CHANGE_RATE = (0.9, 2.8)
# Visit rhythm in working days: (nominal, late up to, chance of being late, drifting).
VISITS = {
    "cp": (10, 20, 30, 0.12, 0.35),
    "cin": (20, 40, 60, 0.15, 0.40),
    "cla": (30, 45, 70, 0.10, 0.30),
}
NOTE_TYPES = {
    "cp": "Child protection visit",
    "cin": "Child in need visit",
    "cla": "Looked after child visit",
}


@dataclass(slots=True)
class Child:
    pid: str
    name: str
    dob: int
    sex: str
    uasc: bool


class Recorder:
    def __init__(
        self,
        t: Targets,
        layout: Layout,
        workers: list[Worker],
        cal: Calendar,
        draw: Draw,
        out: dict[str, Row],
        note_days: int = NOTE_DAYS,
    ) -> None:
        self.t = t
        self.layout = layout
        self.workers = workers
        self.cal = cal
        self.d = draw
        self.out = out
        self.iso = cal.iso
        self.A = ordinal(t.year, 3, 31)
        self.ys = ordinal(t.year - 1, 4, 1)
        self.W = ordinal(t.year - 3, 4, 1)
        self.census = ordinal(t.year - 1, 9, 30)
        self.note_from = self.A - note_days
        self.shard = t.shard
        self.counters: dict[str, Iterator[int]] = {}
        self.notes = NoteWriter(draw)
        visit_ids = count((t.shard + 10) * 10_000_000 + 1)
        self.visit_id: Callable[[], str] = lambda: "X" + str(next(visit_ids))
        front = layout.front_door
        screeners = [w for w in front.workers if w.role == "social worker"]
        self.front_door_workers = screeners or ([front.manager] if front.manager else [])

    # -- helpers -------------------------------------------------------------------------------

    def next_id(self, prefix: str) -> str:
        """Unique within the area: the shard is part of the number (shard 0 -> 100000001...)."""
        counter = self.counters.get(prefix)
        if counter is None:
            counter = self.counters[prefix] = count((self.shard + 10) * 10_000_000 + 1)
        return prefix + str(next(counter))

    def yn(self, p: float) -> str:
        return "Y" if self.d.r() < p else "N"

    @staticmethod
    def worker_at(invs: Allocations, day: int) -> Worker | None:
        for start, end, worker, _team, _reason in reversed(invs):
            if start <= day and (end is None or day < end):
                return worker
        return None

    def author(self, invs: Allocations, day: int, team: Team | None) -> str:
        w = self.worker_at(invs, day)
        if w is None and team is not None:
            w = team.manager
        return w.id if w is not None else ""

    def note(self, pid: str, day: int, author: str, kind: str, text: str) -> None:
        self.out["case_notes"](
            ",".join([self.next_id("N"), pid, self.iso(day), author, kind, _quoted(text)])
        )

    # -- people --------------------------------------------------------------------------------

    def person(self, chain: Chain) -> Child:
        d = self.d
        pid = self.next_id("C")
        uasc = any(ep.uasc for ep in chain.episodes)
        # Unborn children's sex is not recorded; most unaccompanied young people are boys.
        sex = "U" if chain.unborn else "M" if d.r() < (0.9 if uasc else 0.52) else "F"
        nationality = ""
        if uasc:
            nationality, ethnicity = d.pick(UASC_ORIGINS)
        else:
            ethnicity = d.weighted(ETHNICITY)
        name = child_forename(d, sex)
        age_at_a = age_on(chain.dob, self.A) if not chain.unborn else -1
        in_care = [ep for ep in chain.episodes if ep.cla_start is not None and ep.cla_end is None]
        upn = ""
        if in_care:
            upn = "UN2" if uasc else ("UN1" if 0 <= age_at_a < 4 else "")
        disabled = any(ep.need == "N2" for ep in chain.episodes)
        self.out["ssd_person"](
            ",".join(
                [
                    pid,
                    name,
                    surname(d),
                    sex,
                    {"M": "01", "F": "02"}.get(sex, "00"),
                    ethnicity,
                    "" if chain.unborn else self.iso(chain.dob),
                    f"999{int(pid[1:]) % 10_000_000:07d}",
                    "",
                    upn,
                    self.yn(0.7 if disabled else 0.1),
                    self.iso(chain.dob) if chain.unborn else "",
                    "",
                    "Y" if sex == "F" and age_at_a >= 15 and d.chance(0.02) else "N",
                    nationality,
                ]
            )
        )
        return Child(pid, name, chain.dob, sex, uasc)

    def chain(self, chain: Chain) -> None:
        child = self.person(chain)
        for ep in chain.episodes:
            self.episode(ep, child)
        self.extra_contacts(chain, child)

    def extra_contacts(self, chain: Chain, child: Child) -> None:
        d = self.d
        n = 0
        u = d.r()
        if u < 0.3:
            n = 1
        elif u < 0.38:
            n = 2
        first = max(self.W, chain.dob - 200)
        if first > self.A:
            return  # an unborn child not yet known to anyone: nothing may follow the as-at date
        for _ in range(n):
            day = d.between(first, self.A)
            open_then = any(
                ep.ref <= day and (ep.close is None or day <= ep.close) for ep in chain.episodes
            )
            kind = "existing" if open_then else ("advice" if d.chance(0.35) else "nfa")
            code = d.weighted(SOURCE_DRAW)
            self.out["ssd_contacts"](
                ",".join(
                    [
                        self.next_id("K"),
                        child.pid,
                        self.iso(day),
                        code,
                        SOURCE_TEXT[code],
                        CONTACT_TEXT[kind],
                    ]
                )
            )

    def contact_only(self, n: int) -> None:
        """Children known only through contacts that led to no referral."""
        d = self.d
        for _ in range(n):
            sex = "M" if d.chance(0.51) else "F"
            pid = self.next_id("C")
            dob = self.A - d.between(30, 17 * YEAR)
            self.out["ssd_person"](
                ",".join(
                    [
                        pid,
                        child_forename(d, sex),
                        surname(d),
                        sex,
                        "01" if sex == "M" else "02",
                        d.weighted(ETHNICITY),
                        self.iso(dob),
                        "",
                        "",
                        "",
                        self.yn(0.08),
                        "",
                        "",
                        "N",
                        "",
                    ]
                )
            )
            for _ in range(1 if d.chance(0.8) else 2):
                day = d.between(max(self.W, dob), self.A)
                code = d.weighted(SOURCE_DRAW)
                kind = "advice" if d.chance(0.4) else "nfa"
                self.out["ssd_contacts"](
                    ",".join(
                        [
                            self.next_id("K"),
                            pid,
                            self.iso(day),
                            code,
                            SOURCE_TEXT[code],
                            CONTACT_TEXT[kind],
                        ]
                    )
                )

    # -- workers over time ---------------------------------------------------------------------

    def involvements(
        self, ep: Episode, child: Child, ref_id: str, spans: list[tuple[int, int | None, str]]
    ) -> Allocations:
        """Allocated workers over time: a new row at each change of worker. The worker stays on
        across phases in the same team unless the new phase needs a qualified social worker."""
        d = self.d
        out: Allocations = []
        current: list[object] = []  # [start, worker, team, reason] of the open allocation
        previous_end: int | None = -1
        for start, end, kind in spans:
            team = phase_team(ep, kind, self.layout)
            statutory = kind in STATUTORY
            rate = CHANGE_RATE.get(team.kind, DEFAULT_CHANGE_RATE)[1 if team.drift else 0]
            stop = end if end is not None else self.A
            # Within one team the worker stays on if the kind of worker the new phase calls for
            # (e.g. a qualified social worker once a plan starts) is the kind they are.
            category = team.draw_category(d, statutory)
            keep = (
                current
                and current[2] is team
                and previous_end == start
                and current[1].category == category
            )
            if not keep:
                if current:
                    out.append((current[0], start, current[1], current[2], current[3]))
                reason = "FCONTA" if not out and not current else "TSPROC"
                t0 = start
                if start < self.W - YEAR:
                    # Long before the extract's window: record the latest allocation only.
                    t0 = max(start, self.W - YEAR - d.between(0, YEAR))
                    reason = d.weighted(WORKER_CHANGE)
                worker = team.draw_from(d, category)
                current = [t0, worker, team, reason] if worker is not None else []
            while current:
                nxt = max(current[0], start) + 7 + int(d.expovariate(YEAR / rate))
                if nxt >= stop:
                    break
                out.append((current[0], nxt, current[1], current[2], current[3]))
                new = team.draw_worker(d, statutory)
                if new is current[1]:
                    new = team.draw_worker(d, statutory)
                current = [nxt, new, team, d.weighted(WORKER_CHANGE)] if new is not None else []
            previous_end = end
        if current:
            out.append((current[0], previous_end, current[1], current[2], current[3]))
        census, W, iso = self.census, self.W, self.iso
        write = self.out["ssd_involvements"]
        for start, end, worker, team, reason in out:
            if start <= census and (end is None or end > census):
                worker.caseload += 1
            if end is not None and end < W:
                continue
            if worker.role == "personal adviser":
                role = "Personal Adviser"
            elif worker.social_worker:
                role = "Allocated Social Worker"
            else:
                role = "Allocated Case Worker"
            leaving = team.kind == LEAVERS and ep.leaver is not None
            write(
                ",".join(
                    [
                        self.next_id("I"),
                        worker.id,
                        role,
                        team.id,
                        iso(start),
                        iso(end),
                        reason,
                        child.pid,
                        "" if leaving else ref_id,
                    ]
                )
            )
        return out

    # -- one referral and what followed ----------------------------------------------------------

    def episode(self, ep: Episode, child: Child) -> None:
        d, iso, out = self.d, self.iso, self.out
        ref_id = self.next_id("R")
        source = d.weighted(SOURCE_DRAW)
        if ep.ref >= self.W:
            self.out["ssd_contacts"](
                ",".join(
                    [
                        self.next_id("K"),
                        child.pid,
                        iso(max(ep.ref - d.pick((0, 0, 0, 1, 2)), child.dob - 270)),
                        source,
                        SOURCE_TEXT[source],
                        CONTACT_TEXT["referral"],
                    ]
                )
            )
        spans = phases(ep)
        invs = self.involvements(ep, child, ref_id, spans)
        front = self.d.pick(self.front_door_workers) if self.front_door_workers else None
        if ep.nfa:
            ref_outcome = "nfa"
        elif ep.cla_start is not None and ep.cla_start - ep.ref < 30:
            ref_outcome = "care"
        elif ep.s47_start is not None and ep.s47_start - ep.ref < 10:
            ref_outcome = "strategy"
        else:
            ref_outcome = "assessment"
        out["ssd_cin_episodes"](
            ",".join(
                [
                    ref_id,
                    child.pid,
                    iso(ep.ref),
                    ep.need,
                    source,
                    SOURCE_TEXT[source],
                    REFERRAL_TEXT[ref_outcome],
                    "Y" if ep.nfa else "N",
                    ep.close_reason if ep.close is not None else "",
                    iso(ep.close),
                    self.layout.front_door.id,
                    front.id if front else "",
                ]
            )
        )
        if front is not None and ep.ref >= self.note_from:
            self.note(
                child.pid,
                ep.ref,
                front.id,
                "Contact and referral",
                self.notes.event("referral", child.name, ep.ref + 1),
            )
        self.assessment(ep, child, ref_id, invs)
        if ep.s47_start is not None:
            self.child_protection(ep, child, ref_id, invs)
        for start, end in ep.cin_plans:
            plan_id = self.next_id("P")
            team = ep.family_team or self.layout.disabled
            out["ssd_cin_plans"](
                ",".join(
                    [
                        plan_id,
                        ref_id,
                        child.pid,
                        iso(start),
                        iso(end),
                        team.id,
                        self.author(invs, start, team),
                    ]
                )
            )
            self.visits("cin", start, end, child, invs, team, plan_id)
        if ep.cla_start is not None:
            self.looked_after(ep, child, ref_id, invs)
        if ep.leaver is not None or (
            ep.cla_start is not None
            and ep.cla_end is None
            and age_on(child.dob, self.A) >= 16
            and self.A - ep.cla_start >= 91
        ):
            self.care_leaver(ep, child, invs)
        self.supervision(ep, child, invs, spans)

    def assessment(self, ep: Episode, child: Child, ref_id: str, invs: Allocations) -> None:
        if ep.assess_start is None:
            return
        if ep.assess_end is None:
            outcome = "open"
        elif ep.close is not None and ep.close == ep.assess_end and not ep.cin_plans:
            outcome = "nfa" if ep.s47_start is None and ep.cla_start is None else "services"
        elif ep.cla_start is not None:
            outcome = "care"
        elif ep.s47_start is not None:
            outcome = "strategy"
        else:
            outcome = "services"
        team = ep.assess_team or self.layout.front_door
        worker = self.author(invs, ep.assess_start, team)
        self.out["ssd_cin_assessments"](
            ",".join(
                [
                    self.next_id("A"),
                    child.pid,
                    ref_id,
                    self.iso(ep.assess_start),
                    "N" if child.dob > ep.assess_start else self.yn(0.95),
                    self.iso(ep.assess_end),
                    ASSESSMENT_TEXT[outcome],
                    "" if outcome == "open" else ("Y" if outcome == "nfa" else "N"),
                    team.id,
                    worker,
                ]
            )
        )
        if ep.assess_end is not None and ep.assess_end >= self.note_from:
            text = self.notes.event(
                "assessment",
                child.name,
                ep.assess_end + 14,
                outcome={"nfa": "no further action", "care": "legal planning"}.get(
                    outcome, "child in need plan"
                ),
            )
            self.note(child.pid, ep.assess_end, worker, "Assessment", text)

    def child_protection(self, ep: Episode, child: Child, ref_id: str, invs: Allocations) -> str:
        d, iso, out = self.d, self.iso, self.out
        s47_id = self.next_id("S")
        start = ep.s47_start or ep.ref
        team = ep.assess_team if ep.cp_start is None else (ep.family_team or ep.assess_team)
        worker = self.author(invs, start, team)
        if ep.cp_start is not None:
            s47_outcome = "conference"
        else:
            s47_outcome = "services" if ep.cin_plans else "nfa"
        out["ssd_s47_enquiry"](
            ",".join(
                [
                    s47_id,
                    ref_id,
                    child.pid,
                    iso(start),
                    iso(ep.s47_end),
                    "Y" if s47_outcome == "nfa" else "N",
                    S47_TEXT[s47_outcome],
                    worker,
                    team.id if team else "",
                ]
            )
        )
        if start >= self.note_from:
            self.note(
                child.pid,
                start,
                worker,
                "Strategy discussion",
                self.notes.event("strategy", child.name, start + 15),
            )
        if ep.cp_start is None:
            return ""
        icpc_id = self.next_id("Q")
        cp_id = self.next_id("CP")
        fam = ep.family_team or team
        out["ssd_initial_cp_conference"](
            ",".join(
                [
                    icpc_id,
                    self.next_id("M"),
                    s47_id,
                    child.pid,
                    cp_id,
                    ref_id,
                    "N",
                    iso(self.cal.add_working(start, 15)),
                    iso(ep.cp_start),
                    "Y",
                    ICPC_TEXT,
                    fam.id if fam else "",
                    self.author(invs, ep.cp_start, fam),
                ]
            )
        )
        initial = d.weighted(CP_CATEGORIES)
        latest = initial if d.chance(0.85) else d.weighted(CP_CATEGORIES)
        out["ssd_cp_plans"](
            ",".join(
                [
                    cp_id,
                    ref_id,
                    icpc_id,
                    child.pid,
                    iso(ep.cp_start),
                    iso(ep.cp_end),
                    initial,
                    "N",
                    latest,
                ]
            )
        )
        if ep.cp_start >= self.note_from:
            self.note(
                child.pid,
                ep.cp_start,
                self.author(invs, ep.cp_start, fam),
                "Child protection conference",
                self.notes.event("conference", child.name, ep.cp_start + 14, category=initial),
            )
        self.visits("cp", ep.cp_start, ep.cp_end, child, invs, fam, cp_id)
        self.cp_reviews(ep, child, cp_id, fam, invs)
        return cp_id

    def held(self, due: int, drift: bool) -> int:
        """When a review due on `due` took place: mostly a few days early, sometimes late."""
        d = self.d
        if d.chance(0.3 if drift else 0.08):
            return self.cal.next_working(due + d.between(1, 35))
        return self.cal.next_working(due - d.between(0, 12))

    def cp_reviews(
        self, ep: Episode, child: Child, cp_id: str, team: Team | None, invs: Allocations
    ) -> None:
        assert ep.cp_start is not None
        iso = self.iso
        drift = bool(team and team.drift)
        end = ep.cp_end
        ended_by_care = ep.cla_start is not None and end == ep.cla_start
        due = add_months(ep.cp_start, 3)
        write = self.out["ssd_cp_reviews"]
        while True:
            day = self.held(due, drift)
            last = end is not None and day >= end
            if end is None and day > self.A:
                if due >= self.W:
                    write(
                        ",".join(
                            [self.next_id("V"), child.pid, cp_id, iso(due), "", "", "", "", ""]
                        )
                    )
                break
            if last:
                if ended_by_care or end is None:
                    break
                day = end
            if day >= self.W:
                write(
                    ",".join(
                        [
                            self.next_id("V"),
                            child.pid,
                            cp_id,
                            iso(due),
                            iso(day),
                            self.next_id("M"),
                            "N" if last else "Y",
                            self.yn(0.95),
                            self.participation(child, day),
                        ]
                    )
                )
                if day >= self.note_from:
                    self.note(
                        child.pid,
                        day,
                        self.author(invs, day, team),
                        "Child protection review",
                        self.notes.event("review", child.name, day + 90),
                    )
            if last:
                break
            due = add_months(day, 6)

    def participation(self, child: Child, day: int) -> str:
        if day - child.dob < 4 * YEAR:
            return "PN0"
        return self.d.weighted(PARTICIPATION)

    # -- visits --------------------------------------------------------------------------------

    def visits(
        self,
        kind: str,
        start: int,
        end: int | None,
        child: Child,
        invs: Allocations,
        team: Team | None,
        link_id: str,
        extra_days: list[int] | None = None,
    ) -> None:
        d, cal = self.d, self.cal
        nominal, late_to, late_to_drift, p_late, p_late_drift = VISITS[kind]
        drift = bool(team and team.drift)
        stop = min(end if end is not None else self.A, self.A)
        if drift:
            late_to, p_late = late_to_drift, p_late_drift
        half = nominal // 2
        wdays, at = cal.working_days, cal.working_index
        if start < self.W:
            i = at(self.W) + d.between(0, nominal)
        else:
            i = at(start) + d.between(1, min(5, nominal))
        days: list[int] = []
        r = d.r
        span_late, span_ok = late_to - nominal, nominal - half + 1
        day = wdays[i]
        while day < stop or (end is None and day <= stop):
            days.append(day)
            if r() < p_late:
                i += nominal + 1 + int(r() * span_late)
            else:
                i += half + int(r() * span_ok)
            day = wdays[i]
        if extra_days:
            days = sorted(set(days).union(x for x in extra_days if self.W <= x < stop))
        p_seen = 0.85 if drift else 0.94
        write = self.out[
            {"cp": "ssd_cp_visits", "cin": "ssd_cin_visits", "cla": "ssd_cla_visits"}[kind]
        ]
        note_type = NOTE_TYPES[kind]
        dob, pid, note_from, visit_id = child.dob, child.pid, self.note_from, self.visit_id
        four = dob + 4 * YEAR
        isos, base = cal.iso_table, cal.base
        notes = self.notes
        for day in days:
            seen = "Y" if dob <= day and r() < p_seen else "N"
            alone = "Y" if seen == "Y" and day >= four and r() < 0.65 else "N"
            when = isos[day - base]
            if kind == "cp":
                bedroom = "Y" if r() < 0.55 else "N"
                write(f"{visit_id()},{pid},{link_id},{when},{seen},{alone},{bedroom}")
            elif kind == "cin":
                write(f"{visit_id()},{pid},{when},{seen},{alone},{'Y' if r() < 0.45 else 'N'}")
            else:
                write(f"{visit_id()},{link_id},{pid},{when},{seen},{alone}")
            if day >= note_from:
                text = notes.visit(
                    kind,
                    child.name,
                    (day - dob) // YEAR,
                    notes.carer(kind),
                    day + nominal + 7,
                    drift,
                )
                self.note(pid, day, self.author(invs, day, team), note_type, text)

    # -- looked after --------------------------------------------------------------------------

    def looked_after(self, ep: Episode, child: Child, ref_id: str, invs: Allocations) -> None:
        assert ep.cla_start is not None
        d, iso, out = self.d, self.iso, self.out
        start, end = ep.cla_start, ep.cla_end
        stop = end if end is not None else self.A
        cla_id = self.next_id("L")
        changes = self.placement_changes(ep)
        starts = [start, *changes]
        ends: list[int | None] = [*changes, end]
        adoption = ep.cla_reason in ("E11", "E12")
        young_long = end is None and stop - child.dob < 5 * YEAR and stop - start > YEAR
        placed_for_adoption = adoption or (young_long and d.chance(0.2))
        placements: list[tuple[str, int, int | None, str]] = []
        for i, (p_start, p_end) in enumerate(zip(starts, ends, strict=True)):
            final = i == len(starts) - 1
            if final and placed_for_adoption:
                ptype = d.pick(("A5", "A6", "A6"))
            else:
                ptype = self.placement_type(p_start - child.dob, ep.uasc)
            pid = self.next_id("PL")
            placements.append((pid, p_start, p_end, ptype))
            letter = ptype[0]
            provider = d.weighted(PROVIDER.get(letter, PROVIDER["U"]))
            far = d.chance(0.2)
            distance = d.between(200, 1500) / 10 if far else d.between(3, 150) / 10
            if letter in ("K", "H", "S", "R", "U"):
                urn = f"SC{d.between(100000, 999999)}"
            elif letter == "A":
                urn = "XXXXXXX" if provider == "PR2" else f"SC{d.between(100000, 999999)}"
            else:
                urn = ""
            out["ssd_cla_placement"](
                ",".join(
                    [
                        pid,
                        iso(p_start),
                        ptype,
                        urn,
                        f"{distance:.1f}",
                        cla_id,
                        provider,
                        f"ZZ{d.between(1, 99)} {d.between(1, 9)}{d.pick(LETTERS)}{d.pick(LETTERS)}",
                        iso(p_end),
                        "" if final else d.weighted(PLACEMENT_CHANGE),
                        child.pid,
                    ]
                )
            )
        legal = self.legal_statuses(ep, child, placed_for_adoption)
        for code, l_start, l_end in legal:
            out["ssd_legal_status"](
                ",".join([self.next_id("G"), child.pid, code, iso(l_start), iso(l_end)])
            )

        reviews = self.cla_reviews(ep, child, cla_id, invs)
        last_review = max((r for r in reviews if r <= stop), default=None)

        # SSDA903 episodes: a new one at every change of placement or legal status.
        marks: dict[int, set[str]] = {}
        for c in changes:
            marks.setdefault(c, set()).add("P")
        for _, l_start, _ in legal[1:]:
            if start < l_start < stop:
                marks.setdefault(l_start, set()).add("L")
        bounds = [start, *sorted(marks)]
        for i, e_start in enumerate(bounds):
            e_end = bounds[i + 1] if i + 1 < len(bounds) else end
            if i == 0:
                reason = "S"
            else:
                m = marks[e_start]
                if m == {"P"}:
                    reason = "T" if d.chance(0.08) else "P"
                elif m == {"L"}:
                    reason = "L"
                else:
                    reason = "U" if d.chance(0.05) else "B"
            last = i + 1 == len(bounds)
            ceased = "X1" if not last else (ep.cla_reason if end is not None else "")
            current = next(p for p in reversed(placements) if p[1] <= e_start)
            last_iro = last_review if i + 1 == len(bounds) else None
            out["ssd_cla_episodes"](
                ",".join(
                    [
                        self.next_id("E"),
                        child.pid,
                        iso(e_start),
                        reason,
                        ep.need,
                        iso(e_end),
                        ceased,
                        cla_id,
                        ref_id,
                        current[0],
                        iso(start),
                        iso(last_iro),
                    ]
                )
            )
        care_team = ep.care_team
        extra = [self.cal.add_working(p[1], d.between(1, 5)) for p in placements[1:]]
        self.visits("cla", start, end, child, invs, care_team, cla_id, extra_days=extra)
        self.missing(ep, child, start, stop)

    def placement_changes(self, ep: Episode) -> list[int]:
        """Days a new placement began; for children in care on the as-at date the number during
        the year is exactly the one the skeleton chose."""
        d = self.d
        start = ep.cla_start
        assert start is not None
        if ep.cla_end is None:
            ys, A = self.ys, self.A
            in_year = max(0, ep.place_year - 1)
            if start >= ys:
                return sorted(d.rng.sample(range(start + 1, A + 1), min(in_year, A - start)))
            before = d.weighted(_EARLIER_MOVES)
            room = ys - 1 - start
            pre = sorted(d.rng.sample(range(start + 1, ys), min(before, max(0, room - 1))))
            during = sorted(d.rng.sample(range(ys + 1, A + 1), min(in_year, A - ys)))
            return pre + during
        length = ep.cla_end - start
        expected = length / YEAR * 0.6
        n = 0
        while d.r() < expected / (n + 1 + expected) and n < 6:
            n += 1
        if length < 3:
            return []
        return sorted(d.rng.sample(range(start + 1, ep.cla_end), min(n, length - 2)))

    def placement_type(self, age_days: int, uasc: bool) -> str:
        if uasc:
            return self.d.pick(("U6", "U6", "H5", "H5", "K2", "U4"))
        if age_days < YEAR:
            band = "infant"
        elif age_days < 11 * YEAR:
            band = "child"
        elif age_days < 16 * YEAR:
            band = "teen"
        else:
            band = "older"
        return self.d.weighted(PLACEMENT_BY_AGE[band])

    def legal_statuses(
        self, ep: Episode, child: Child, adoption: bool
    ) -> list[tuple[str, int, int | None]]:
        d = self.d
        start, end = ep.cla_start, ep.cla_end
        assert start is not None
        stop = end if end is not None else self.A + 1
        if ep.uasc:
            return [("V2", start, end)]
        first = d.weighted(LEGAL_START)
        if adoption and first in ("V2", "J1"):
            first = "C1"
        seq: list[tuple[str, int]] = [(first, start)]
        day = start
        if first in ("L1", "L2"):
            day += d.between(1, 8)
            seq.append(("C1", day))
            first = "C1"
        if first == "J1":
            day += d.between(10, 90)
            seq.append(("V2", day))
        if first == "C1":
            day += d.between(120, 400)
            if adoption:
                day = min(day, stop - 100)
            seq.append(("C2", day))
            if adoption:
                seq.append(("E1", day + d.between(0, 30)))
        kept = [(c, s) for c, s in seq if s < stop and s >= start]
        clean: list[tuple[str, int]] = []
        for c, s in kept:
            if clean and s <= clean[-1][1]:
                clean[-1] = (c, clean[-1][1]) if s == clean[-1][1] else clean[-1]
                if s == clean[-1][1]:
                    continue
            clean.append((c, s))
        return [
            (c, s, clean[i + 1][1] if i + 1 < len(clean) else end) for i, (c, s) in enumerate(clean)
        ]

    def cla_reviews(self, ep: Episode, child: Child, cla_id: str, invs: Allocations) -> list[int]:
        assert ep.cla_start is not None
        iso = self.iso
        drift = bool(ep.care_team and ep.care_team.drift)
        end = ep.cla_end
        due = self.cal.add_working(ep.cla_start, 20)
        n = 0
        held_days: list[int] = []
        write = self.out["ssd_cla_reviews"]
        while True:
            day = self.held(due, drift)
            if end is not None and day >= end:
                break
            if end is None and day > self.A:
                if due >= self.W:
                    write(",".join([self.next_id("Y"), cla_id, iso(due), "", "N", ""]))
                break
            held_days.append(day)
            if day >= self.W:
                cancelled = self.d.chance(0.02)
                write(
                    ",".join(
                        [
                            self.next_id("Y"),
                            cla_id,
                            iso(due),
                            iso(day),
                            "Y" if cancelled else "N",
                            "" if cancelled else self.participation(child, day),
                        ]
                    )
                )
                if day >= self.note_from and not cancelled:
                    self.note(
                        child.pid,
                        day,
                        self.author(invs, day, ep.care_team),
                        "Looked after child review",
                        self.notes.event("review", child.name, day + 180),
                    )
            n += 1
            due = add_months(day, 3 if n == 1 else 6)
        return held_days

    def missing(self, ep: Episode, child: Child, start: int, stop: int) -> None:
        d = self.d
        if stop - child.dob < 11 * YEAR:
            return
        if not d.chance(0.25 if stop - child.dob >= 14 * YEAR else 0.1):
            return
        lo = max(start, self.W)
        if stop - lo < 5:
            return
        for _ in range(d.between(1, 7)):
            day = d.between(lo, stop - 1)
            kind = "M" if d.chance(0.6) else "A"
            back = day + d.pick((0, 0, 1, 1, 2, 3, 6))
            still_missing = back > self.A
            offered = "Y" if kind == "M" and d.chance(0.85) else ("N" if kind == "M" else "")
            accepted = ("Y" if d.chance(0.6) else "N") if offered == "Y" else ""
            self.out["ssd_missing"](
                ",".join(
                    [
                        self.next_id("Z"),
                        child.pid,
                        self.iso(day),
                        kind,
                        "" if still_missing else self.iso(back),
                        "" if still_missing else offered,
                        "" if still_missing else accepted,
                    ]
                )
            )

    # -- care leavers --------------------------------------------------------------------------

    def care_leaver(self, ep: Episode, child: Child, invs: Allocations) -> None:
        d, A, iso = self.d, self.A, self.iso
        info = ep.leaver or {"group": "EDU", "eligibility": "Eligible", "age": age_on(child.dob, A)}
        group = str(info["group"])
        age = int(info["age"])
        team = ep.leaver_team or d.weighted(self.layout.leavers_draw)
        pa = self.worker_at(invs, A) if ep.leaver is not None else team.draw_worker(d, False)
        if pa is None:
            pa = team.manager
        if group == "UNK":
            in_touch = "NO" if d.chance(0.7) else "REFU"
            activity = accommodation = suitable = latest = ""
        else:
            in_touch = "YES" if d.chance(0.95) else "RHOM"
            activity = d.weighted(ACTIVITY[group])
            accommodation = d.weighted(ACCOMMODATION["17-18" if age < 19 else "19+"])
            if ep.leaver is None:
                accommodation = ""
            suitable = "" if not accommodation else ("2" if accommodation in UNSUITABLE else "1")
            latest = iso(A - d.between(1, 56 if in_touch == "YES" else 200))
        review = A - (d.between(184, 300) if d.chance(0.1) else d.between(1, 183))
        self.out["ssd_care_leavers"](
            ",".join(
                [
                    self.next_id("CL"),
                    child.pid,
                    str(info["eligibility"]),
                    in_touch,
                    latest,
                    accommodation,
                    suitable,
                    activity,
                    iso(review),
                    quote(pa.name) if pa else "",
                    team.id,
                    pa.id if pa else "",
                ]
            )
        )
        if ep.leaver is not None and in_touch == "YES":
            day = max(self.note_from, ep.cla_end or self.note_from) + d.between(5, 60)
            while day <= A:
                text = self.notes.visit("leaver", child.name, age, "", day + 56, team.drift)
                self.note(child.pid, day, pa.id if pa else "", "Care leaver contact", text)
                day += d.between(40, 90)

    def supervision(
        self,
        ep: Episode,
        child: Child,
        invs: Allocations,
        spans: list[tuple[int, int | None, str]],
    ) -> None:
        """Management oversight notes while the child is open, more often in steady teams."""
        d = self.d
        for start, end, kind in spans:
            if kind in (LEAVER,):
                continue
            lo = max(start, self.note_from)
            hi = min(end if end is not None else self.A, self.A)
            if hi - lo < 20:
                continue
            team = phase_team(ep, kind, self.layout)
            gap = (90, 150) if team.drift else (50, 80)
            day = lo + d.between(10, gap[1])
            while day < hi:
                manager = team.manager
                text = self.notes.event("supervision", child.name, day + d.between(14, 42))
                self.note(child.pid, day, manager.id if manager else "", "Supervision", text)
                day += d.between(*gap)


def _quoted(text: str) -> str:
    """Always quoted: notes nearly always hold commas, and quoting a plain field is still valid."""
    return '"' + text.replace('"', '""') + '"'


_EARLIER_MOVES = Weighted([0, 1, 2, 3], [50, 30, 15, 5])


def write_teams(layout: Layout, out: dict[str, Row]) -> None:
    for team in layout.teams:
        out["ssd_department"](
            ",".join([team.id, quote(team.name), team.service_id, quote(team.service)])
        )


def write_workers(workers: list[Worker], out: dict[str, Row]) -> None:
    for w in workers:
        out["ssd_professionals"](
            ",".join(
                [
                    w.id,
                    f"E{w.id[1:]}",
                    quote(w.name),
                    w.registration,
                    quote(w.job_title),
                    str(w.caseload),
                    w.team.id,
                    f"{w.fte:.1f}",
                    "Y" if w.agency else "N",
                ]
            )
        )
