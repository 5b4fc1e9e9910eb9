"""The dates of every child's episodes, built so that the published figures come out exactly.

Rather than simulate forwards and hope, the skeleton is built from the figures:

1. the children open on the as-at date (31 March): exactly the children in need, of whom exactly
   the child protection plans (by length, from table D5) and the looked-after children;
2. care leavers of each age band and activity;
3. closed episodes filling each year's referrals, child protection plans and care starts, placed
   so that starts and endings keep a steady pace and the numbers open move smoothly month by
   month up to the as-at date, instead of closing every unfinished episode just before it
   (turnover.py);
4. re-referrals and second plans: a chosen share of each year's referrals is linked to an earlier,
   closed referral of the same child within 12 months (and plans to an earlier plan), and every
   other referral is kept clear of one, so the rates are exact too.

Everything is day ordinals; rows are written later (records.py) from these dates.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from .calendar import Calendar, add_months, add_years, ordinal
from .sampling import Draw, Weighted, allocate, round_half_up
from .targets import EET_GROUPS, NEET_GROUPS, Targets
from .turnover import already_open, leave_free, pair_endings, shortfall, steady_days
from .workforce import Layout, Team

YEAR = 365

# Phases of an episode: who holds the child. In the statutory ones (assessment, a child protection
# plan, care) only a qualified social worker may be the allocated worker.
ASSESS, FAMILY, PROTECT, CARE, LEAVER = "assess", "family", "protect", "care", "leaver"
STATUTORY = frozenset({ASSESS, PROTECT, CARE})


class Episode:
    """One referral (CIN episode) and what followed it."""

    __slots__ = (
        "kind",
        "ref",
        "close",
        "close_reason",
        "nfa",
        "assess_start",
        "assess_end",
        "s47_start",
        "s47_end",
        "cp_start",
        "cp_end",
        "cin_plans",
        "cla_start",
        "cla_end",
        "cla_reason",
        "place_year",
        "need",
        "uasc",
        "assess_team",
        "family_team",
        "care_team",
        "leaver_team",
        "leaver",
        "pred",
        "succ",
        "cum_cp",
        "min_pred_ref",
        "rr",
        "sub",
        "anchor",
        "unalloc_from",
    )

    def __init__(self, kind: str, ref: int) -> None:
        self.kind = kind
        self.ref = ref
        self.close: int | None = None
        self.close_reason = ""
        self.nfa = False
        self.assess_start: int | None = None
        self.assess_end: int | None = None
        self.s47_start: int | None = None
        self.s47_end: int | None = None
        self.cp_start: int | None = None
        self.cp_end: int | None = None
        self.cin_plans: list[tuple[int, int | None]] = []
        self.cla_start: int | None = None
        self.cla_end: int | None = None
        self.cla_reason = ""
        self.place_year = 0  # placements during the reporting year, for looked-after children
        self.need = "N1"
        self.uasc = False
        self.assess_team: Team | None = None
        self.family_team: Team | None = None
        self.care_team: Team | None = None
        self.leaver_team: Team | None = None
        self.leaver: dict[str, object] | None = None
        self.pred: Episode | None = None
        self.succ: Episode | None = None
        self.cum_cp = False
        self.min_pred_ref = -(10**9)  # earliest referral date a previous episode may have
        self.rr = False
        self.sub = False
        self.anchor: tuple[int, int] | None = None  # (day, age in days on that day)
        self.unalloc_from: int | None = None


@dataclass
class Chain:
    """One child: episodes in date order, and the date of birth that fits them all."""

    episodes: list[Episode]
    dob: int = 0
    unborn: bool = False


@dataclass
class Skeleton:
    chains: list[Chain]
    # Allocated cases per team id on the workforce census date, and those of them statutory.
    open_at_census: dict[str, int] = field(default_factory=dict)
    statutory_at_census: dict[str, int] = field(default_factory=dict)


class _YearIndex:
    """Reporting year of a day ordinal by bisection over 1 April boundaries (hot in the builder)."""

    def __init__(self, first: int, last: int) -> None:
        self.first = first
        self.starts = [ordinal(y - 1, 4, 1) for y in range(first, last + 1)]

    def __call__(self, day: int) -> int:
        return self.first - 1 + bisect_right(self.starts, day)


def phases(ep: Episode) -> list[tuple[int, int | None, str]]:
    """Who holds the child, from allocation for assessment to closure (None: still open)."""
    if ep.assess_start is None:
        return []
    out: list[tuple[int, int | None, str]] = []
    start = ep.assess_start
    end_all = ep.close
    care_from = ep.cla_start
    handover_candidates = [d for d in (ep.cp_start, ep.assess_end) if d is not None]
    if ep.cin_plans:
        handover_candidates.append(ep.cin_plans[0][0])
    handover = min(handover_candidates) if handover_candidates else None
    pre_end = care_from if care_from is not None else end_all
    if handover is not None and pre_end is not None:
        handover = min(handover, pre_end)
    if handover is None:
        out.append((start, pre_end, ASSESS))
    else:
        out.append((start, handover, ASSESS))
        if pre_end is None or handover < pre_end:
            out.append((handover, pre_end, FAMILY))
    if care_from is not None:
        out.append((care_from, ep.cla_end if ep.cla_end is not None else end_all, CARE))
        if ep.cla_end is not None and (end_all is None or end_all > ep.cla_end):
            out.append((ep.cla_end, end_all, FAMILY))
    if ep.leaver is not None and ep.cla_end is not None:
        out.append((ep.cla_end, None, LEAVER))
    if ep.cp_start is not None:
        out = _split_for_plan(out, ep.cp_start, ep.cp_end)
    out = [(s, e, k) for s, e, k in out if e is None or e > s]
    if ep.unalloc_from is not None:
        cut = ep.unalloc_from
        out = [(s, e if e is None or e <= cut else cut, k) for s, e, k in out if s < cut]
        if out and out[-1][1] is None:
            out[-1] = (out[-1][0], cut, out[-1][2])
    return out


def _split_for_plan(
    spans: list[tuple[int, int | None, str]], start: int, end: int | None
) -> list[tuple[int, int | None, str]]:
    """Mark the part of the family help phases covered by the child protection plan."""
    out: list[tuple[int, int | None, str]] = []
    big = 10**9
    for s, e, k in spans:
        if k != FAMILY:
            out.append((s, e, k))
            continue
        e_ = big if e is None else e
        lo, hi = max(s, start), min(e_, big if end is None else end)
        if lo >= hi:
            out.append((s, e, k))
            continue
        if s < lo:
            out.append((s, lo, FAMILY))
        out.append((lo, None if hi == big else hi, PROTECT))
        if hi < e_:
            out.append((hi, e, FAMILY))
    return out


def phase_team(ep: Episode, kind: str, layout: Layout) -> Team:
    if kind == ASSESS:
        return ep.assess_team or layout.front_door
    if kind in (FAMILY, PROTECT):
        return ep.family_team or layout.disabled
    if kind == CARE:
        return ep.care_team or layout.in_care[0]
    return ep.leaver_team or layout.leavers[0]


# Distributions (days unless stated). Drifting teams take longer.
ASSESS_WD = Weighted([(3, 10), (11, 40), (41, 45), (46, 75)], [12, 68, 13, 7])
ASSESS_WD_DRIFT = Weighted([(3, 10), (11, 40), (41, 45), (46, 95)], [6, 52, 14, 28])
ICPC_WD = Weighted([(5, 15), (16, 30)], [88, 12])
ICPC_WD_DRIFT = Weighted([(5, 15), (16, 35)], [65, 35])
CP_ENDED = Weighted([(20, 90), (91, 180), (181, 365), (366, 730), (731, 1000)], [15, 15, 40, 26, 4])
CIN_CLOSED = Weighted([(40, 120), (121, 270), (271, 540), (541, 900)], [25, 40, 25, 10])
CIN_OPEN_AGE = Weighted([(45, 150), (151, 365), (366, 730), (731, 1460)], [30, 35, 25, 10])
CLA_CLOSED = Weighted([(3, 60), (61, 365), (366, 900), (901, 1400)], [25, 35, 30, 10])
OPEN_ASSESS_AGE = Weighted([(0, 30), (31, 63), (64, 120)], [70, 25, 5])
# Age in years at first referral (-1: unborn), by what the child needed.
AGE_GENERAL = Weighted([-1, 0, 1, 5, 10, 16], [2, 9, 17, 26, 34, 12])
AGE_CP = Weighted([-1, 0, 1, 5, 10, 16], [4, 10, 27, 29, 27, 3])
AGE_BAND_SPAN = {-1: (0, 0), 0: (0, 0), 1: (1, 4), 5: (5, 9), 10: (10, 15), 16: (16, 17)}
CLA_AGE = Weighted([0, 1, 5, 10, 16], [5, 13, 17, 37, 28])
CLA_START_AGE = Weighted([0, 1, 5, 10, 16], [17, 14, 13, 33, 23])
CLA_AGE_SPAN = {0: (0, 0), 1: (1, 4), 5: (5, 9), 10: (10, 15), 16: (16, 17)}
NEEDS = Weighted(["N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8"], [57, 10, 7, 8, 12, 2, 1, 3])
CLA_NEEDS = Weighted(["N1", "N2", "N3", "N4", "N5", "N6", "N8"], [66, 3, 3, 6, 13, 3, 6])
CLOSED_CLA_REASONS = Weighted(
    ["E4A", "E4B", "E13", "E41", "E45", "E46", "E47", "E48", "E3", "E8", "E16"],
    [40, 5, 6, 5, 4, 2, 6, 2, 3, 5, 1],
)


class Builder:
    def __init__(self, t: Targets, layout: Layout, cal: Calendar, draw: Draw) -> None:
        self.t = t
        self.layout = layout
        self.cal = cal
        self.d = draw
        self.A = ordinal(t.year, 3, 31)
        self.census = ordinal(t.year - 1, 9, 30)
        self.years = [f.year for f in t.flows]
        self.episodes: list[Episode] = []
        self.leaver_chains: list[Chain] = []
        self.cp_budget = {f.year: f.cp_starts for f in t.flows}
        # Referrals still being assessed on the as-at date (part of the children in need).
        self.open_assessments: list[Episode] = []
        years = range(t.year - 40, t.year + 3)
        self._bounds = {y: (ordinal(y - 1, 4, 1), ordinal(y, 3, 31)) for y in years}
        self._ry = _YearIndex(years[0], years[-1])
        self.family_draws = [
            (
                Weighted(loc.family_help, [tm.weight for tm in loc.family_help]),
                Weighted(
                    loc.family_help,
                    [tm.weight * (3.0 if tm.drift else 1.0) for tm in loc.family_help],
                ),
            )
            for loc in layout.localities
        ]

    # -- dates ---------------------------------------------------------------------------------

    def year_start(self, y: int) -> int:
        return self._bounds[y][0]

    def year_end(self, y: int) -> int:
        return self._bounds[y][1]

    def ry(self, day: int) -> int:
        return self._ry(day)

    def span(self, table: Weighted[tuple[int, int]], scale: float = 1.0) -> int:
        lo, hi = self.d.weighted(table)
        return int(self.d.between(lo, hi) * scale)

    def snap(self, day: int, lo: int, hi: int) -> int:
        """A working day near `day` within [lo, hi] (the day itself if none is)."""
        cal = self.cal
        if cal.is_working(day):
            return day
        # Any working day of the same week, so that Fridays and Mondays do not take all the
        # weekend's dates.
        monday = day - (day - 1) % 7  # day ordinal 1 (1 January of year 1) was a Monday
        for _ in range(4):
            other = monday + self.d.between(0, 4)
            if lo <= other <= hi and cal.is_working(other):
                return other
        back = day
        while back > lo and not cal.is_working(back):
            back -= 1
        if cal.is_working(back) and back >= lo:
            return back
        fwd = cal.next_working(day)
        return fwd if fwd <= hi else day

    def sub_working(self, day: int, n: int) -> int:
        out = day
        while n > 0:
            out -= 1
            if self.cal.is_working(out):
                n -= 1
        return out

    # -- teams ---------------------------------------------------------------------------------

    def teams_for(self, ep: Episode, long_plan: bool = False) -> None:
        """A locality's assessment and family help teams; long plans drift into drifting teams."""
        i = self.d.weighted(self.layout.locality_draw)
        loc = self.layout.localities[i]
        ep.assess_team = self.d.pick(loc.assessment)
        if ep.need == "N2":
            ep.family_team = self.layout.disabled
            return
        ep.family_team = self.family_draws[i][1 if long_plan else 0].draw(self.d.r())

    def new(self, kind: str, ref: int, need: str | None = None, long_plan: bool = False) -> Episode:
        ep = Episode(kind, ref)
        ep.need = need or self.d.weighted(NEEDS)
        self.teams_for(ep, long_plan)
        self.episodes.append(ep)
        return ep

    # -- building blocks -----------------------------------------------------------------------

    def assessment(self, ep: Episode, limit: int | None = None) -> None:
        """Allocate for assessment within a couple of days of referral; authorise after a while."""
        start = self.cal.next_working(ep.ref + self.d.weighted(_START_LAG))
        # Nothing may happen after the as-at date: an importer reads the extract's date from it.
        start = max(ep.ref, min(start, self.A))
        if limit is not None and start > limit:
            start = max(ep.ref, min(start, limit))
        ep.assess_start = start
        drift = ep.assess_team is not None and ep.assess_team.drift
        wd = self.span(ASSESS_WD_DRIFT if drift else ASSESS_WD)
        end = self.cal.add_working(start, wd)
        # Those that had to be done by a date (the as-at date, care starting) are the quicker
        # ones: a length that fits, else any day up to the limit rather than all on it.
        for _ in range(6):
            if limit is None or end <= limit:
                break
            end = self.cal.add_working(start, self.span(ASSESS_WD_DRIFT if drift else ASSESS_WD))
        if limit is not None and end > limit:
            end = self.d.between(start, max(start, limit))
        ep.assess_end = end

    def section47(self, ep: Episode, conference: int) -> None:
        """Strategy discussion and enquiry ending in a conference on `conference`."""
        drift = ep.family_team is not None and ep.family_team.drift
        lag = self.span(ICPC_WD_DRIFT if drift else ICPC_WD)
        start = self.sub_working(conference, lag)
        ep.s47_start = start
        ep.s47_end = min(conference, self.cal.add_working(start, self.d.between(3, min(lag, 15))))
        ep.cp_start = conference

    # -- 1. open on the as-at date -------------------------------------------------------------

    def cla_stock(self) -> None:
        t, d, A = self.t, self.d, self.A
        n = t.cla_at31
        n_uasc = round_half_up(n * t.uasc_share)
        ages: list[int] = []
        for i in range(n):
            if i < n_uasc:
                ages.append(d.between(15 * YEAR + 60, 18 * YEAR - 20))
            else:
                lo, hi = CLA_AGE_SPAN[d.weighted(CLA_AGE)]
                ages.append(d.between(lo * YEAR + 1, hi * YEAR + YEAR - 20))
        eligible2 = [i for i in range(n) if ages[i] > 2 * YEAR + 40 and i >= n_uasc]
        want2 = round_half_up(n * t.cla_2years_share)
        p2 = min(1.0, want2 / len(eligible2)) if eligible2 else 0.0
        eps: list[Episode] = []
        for i in range(n):
            age = ages[i]
            uasc = i < n_uasc
            if uasc:
                in_care = d.between(1, min(age - 15 * YEAR + 30, 700))
            elif age > 2 * YEAR + 40 and d.chance(p2):
                in_care = min(age - 5, 2 * YEAR + 5 + int(d.expovariate(900)))
            else:
                cap = min(age - 1, 2 * YEAR - 5)
                in_care = d.between(1, min(cap, YEAR)) if d.chance(0.55) else d.between(1, cap)
            in_care = max(1, in_care)
            cla_start = A - in_care
            ep = self.cla_episode(cla_start, A - age, uasc)
            eps.append(ep)
        # Exactly the published number with three or more placements during the year.
        ys = self.year_start(self.t.year)
        room = [ep for ep in eps if A - max(ep.cla_start or A, ys) >= 25]
        chosen = set(map(id, d.sample(room, min(t.cla_3plus, len(room)))))
        for ep in eps:
            start = ep.cla_start or A
            if id(ep) in chosen:
                ep.place_year = d.weighted(Weighted([3, 4, 5, 6], [65, 22, 9, 4]))
                ep.place_year = min(ep.place_year, max(3, (A - max(start, ys)) // 8))
            else:
                ep.place_year = 2 if d.chance(0.22 if start >= ys else 0.25) else 1
                if A - max(start, ys) < 6:
                    ep.place_year = 1

    def cla_episode(self, cla_start: int, dob: int, uasc: bool) -> Episode:
        """A child looked after from `cla_start` and still looked after on the as-at date."""
        d = self.d
        need = "N8" if uasc else d.weighted(CLA_NEEDS)
        if uasc:
            ref = cla_start - d.between(0, 2)
            ep = self.new("cla", ref, need)
        else:
            with_cp = d.chance(0.3) and cla_start - dob > 60
            if with_cp:
                cp_start = self.snap(cla_start - d.between(30, 420), dob - 200, cla_start - 20)
                cp_start = max(cp_start, dob - 200)
                year = self.ry(cp_start)
                # Leave enough of the year's plans for the closed-plan flows.
                with_cp = year not in self.cp_budget or self.cp_budget[year] > self.cap_for(year)
            if with_cp:
                ep = self.new("cla", cla_start, need)
                self.section47(ep, cp_start)
                ep.ref = max(dob - 200, (ep.s47_start or cp_start) - d.between(0, 3))
                ep.cp_end = cla_start
                self.spend_cp(cp_start)
            else:
                pre = d.weighted(_PRE_CARE)
                ep = self.new("cla", max(dob - 200, cla_start - pre), need)
            self.assessment(ep)
            if (
                ep.cp_start is None
                and ep.assess_end is not None
                and cla_start - ep.assess_end >= 30
            ):
                ep.cin_plans.append((ep.assess_end, cla_start))
        ep.uasc = uasc
        ep.cla_start = cla_start
        ep.care_team = d.weighted(self.layout.in_care_draw)
        ep.anchor = (cla_start, cla_start - dob)
        ep.min_pred_ref = dob - 270
        if ep.assess_start is None:
            self.assessment(ep)
        if ep.assess_end is not None and ep.assess_end > self.A:
            ep.assess_end = None
        return ep

    def cap_for(self, year: int) -> int:
        """Plans kept back for the closed-plan flows of `year` (so budgets never go negative)."""
        flow = self.t.flow_for(year)
        return int(flow.cp_starts * 0.45)

    def cp_stock(self) -> None:
        A = self.A
        b3, b6 = add_months(A, -3), add_months(A, -6)
        b12, b24 = add_months(A, -12), add_months(A, -24)
        ranges = [(b3 + 5, A), (b6 + 5, b3 - 5), (b12 + 5, b6 - 5), (b24 + 5, b12 - 5)]
        for bucket, count in enumerate(self.t.cp_by_duration):
            for _ in range(count):
                if bucket < 4:
                    lo, hi = ranges[bucket]
                    start = self.d.between(lo, hi)
                else:
                    lo, hi = add_months(A, -40), b24 - 5
                    start = max(lo, hi - int(self.d.expovariate(120)))
                start = self.snap(start, lo, hi)
                self.cp_episode_open(start, long_plan=bucket >= 2)

    def cp_episode_open(self, cp_start: int, long_plan: bool) -> Episode:
        d = self.d
        ep = self.new("cp", cp_start, "N1" if d.chance(0.92) else d.weighted(NEEDS), long_plan)
        self.section47(ep, cp_start)
        self.spend_cp(cp_start)
        if d.chance(0.2):
            ep.ref = cp_start - d.between(60, 400)
            self.assessment(ep, limit=ep.s47_start)
            if ep.assess_end is not None and (ep.s47_start or cp_start) - ep.assess_end > 20:
                ep.cin_plans.append((ep.assess_end, ep.s47_start or cp_start))
        else:
            ep.ref = (ep.s47_start or cp_start) - d.between(0, 3)
            self.assessment(ep)
        if ep.assess_end is not None and ep.assess_end > self.A:
            ep.assess_end = None
        return ep

    def spend_cp(self, day: int) -> None:
        year = self.ry(day)
        if year in self.cp_budget:
            self.cp_budget[year] -= 1

    def cin_stock(self) -> None:
        t, d, A = self.t, self.d, self.A
        n_assess = round_half_up(t.flow.referrals * (1 - t.nfa_rate) * 32 / 365)
        n_other = t.cin_at31 - t.cla_at31 - t.cp_at31
        n_assess = max(0, min(n_assess, n_other))
        for _ in range(n_assess):
            ref = A - self.span(OPEN_ASSESS_AGE)
            ep = self.new("cin", ref)
            self.assessment(ep)
            ep.assess_end = None
            self.open_assessments.append(ep)
        for _ in range(n_other - n_assess):
            disabled = d.chance(0.12)
            if disabled:
                ep = self.new("cin", A - d.between(180, 3650), "N2")
            else:
                need = d.weighted(NEEDS)
                ep = self.new("cin", A - self.span(CIN_OPEN_AGE), "N1" if need == "N2" else need)
            age = A - ep.ref
            stepped_down = False
            if not disabled and age >= 150 and d.chance(0.25):
                cp_start = self.snap(ep.ref + d.between(12, 40), ep.ref, A - 120)
                year = self.ry(cp_start)
                if year not in self.cp_budget or self.cp_budget[year] > self.cap_for(year):
                    self.section47(ep, cp_start)
                    ep.ref = min(ep.ref, (ep.s47_start or cp_start) - d.between(0, 2))
                    self.assessment(ep)
                    longest = A - 30 - cp_start
                    cp_len = d.between(60, max(60, min(longest, 600)))
                    ep.cp_end = self.snap(cp_start + cp_len, cp_start + 30, A - 30)
                    ep.cin_plans.append((ep.cp_end, None))
                    self.spend_cp(cp_start)
                    stepped_down = True
            if not stepped_down:
                self.assessment(ep, limit=A - 5)
                ep.cin_plans.append((ep.assess_end or A - 5, None))

    # -- 2. closed flows -----------------------------------------------------------------------

    def window(self) -> int:
        """First day of the earliest reporting year the flows fill."""
        return self.year_start(self.years[0])

    def turnover(
        self,
        *,
        per_year: dict[int, int],
        starts: list[int],
        ends: list[int],
        lead: int,
        table: Weighted[tuple[int, int]],
    ) -> list[tuple[int, int]]:
        """(start, end) of the closed episodes of one kind, given the starts and endings already
        fixed by the open ones: starts fill each year's published number at a steady pace, and
        endings keep the same pace, so that the number open stays level (see turnover.py).
        `lead` is the shortest length; `table` the usual lengths."""
        d, A = self.d, self.A
        flow: list[int] = []
        slots: list[int] = []
        for y, n in per_year.items():
            lo, hi = self.year_start(y), min(self.year_end(y), A - lead - 1)
            fixed = [s for s in starts if lo <= s <= self.year_end(y)]
            free = leave_free(days=steady_days(first=lo, last=hi, n=n, draw=d), taken=fixed)
            flow += free
            # Endings follow the starts a few days either side, so that where the published
            # figures put more starts (plans under 3 months, say) more episodes end too.
            hi = min(self.year_end(y), A - 1)
            echo = [_within(s + d.between(-7, 7), lo, hi) for s in free + fixed]
            slots += leave_free(days=echo, taken=[e for e in ends if lo <= e <= hi])
        w0 = self.window()
        opens = [s + lead for s in flow]
        begun = already_open(
            before=w0,
            n=shortfall(opens=opens, ends=slots),
            length=lambda: self.span(table),
            draw=d,
        )
        paired = pair_endings(
            opens=opens + [s + lead for s in begun], ends=slots, length=lambda: self.span(table)
        )
        out: list[tuple[int, int]] = []
        for start, end in zip(flow + begun, paired, strict=True):
            if end is None:
                if start < w0:
                    continue  # begun and ended before the window: nothing of it is needed
                # No steady ending was left: a natural length, ending by the day before as-at.
                end = d.between(start + lead, min(A - 1, start + lead + self.span(table)))
            out.append((start, end))
        return out

    def cp_flows(self) -> None:
        d, A = self.d, self.A
        fixed = [ep for ep in self.episodes if ep.cp_start is not None]
        pairs = self.turnover(
            per_year={f.year: f.cp_starts for f in self.t.flows},
            starts=[ep.cp_start for ep in fixed if ep.cp_start is not None],
            ends=[ep.cp_end for ep in fixed if ep.cp_end is not None],
            lead=20,
            table=CP_ENDED,
        )
        for start, end in pairs:
            cp_start = self.snap(start, start - 3, min(start + 3, A - 10))
            need = "N1" if d.chance(0.92) else d.weighted(NEEDS)
            # Plans of over a year are more often held by the teams where work drifts.
            ep = self.new("cp", cp_start, need, long_plan=end - start > YEAR)
            self.section47(ep, cp_start)
            if d.chance(0.15):
                ep.ref = cp_start - d.between(60, 300)
                self.assessment(ep, limit=ep.s47_start)
                if ep.assess_end is not None and (ep.s47_start or cp_start) - ep.assess_end > 20:
                    ep.cin_plans.append((ep.assess_end, ep.s47_start or cp_start))
            else:
                ep.ref = (ep.s47_start or cp_start) - d.between(0, 3)
                self.assessment(ep, limit=A - 1)
            ep.cp_end = min(A - 1, max(cp_start + 1, self.snap(end, cp_start + 1, A - 1)))
            if d.chance(0.55) and A - 1 - ep.cp_end >= 14:
                # A child in need plan after the protection plan; when it closes is settled with
                # every other such plan (smooth_closures).
                ep.close = ep.cp_end + d.between(60, 270)
                ep.cin_plans.append((ep.cp_end, ep.close))
            else:
                ep.close = ep.cp_end
            ep.close_reason = "RC7"
            if ep.assess_end is not None and ep.assess_end > ep.close:
                ep.assess_end = ep.close
        for y in self.years:
            self.cp_budget[y] = 0

    def cla_flows(self) -> None:
        d, A, t = self.d, self.A, self.t
        starts = [ep.cla_start for ep in self.episodes if ep.cla_start is not None]
        ends: list[int] = []
        for chain in self.leaver_chains:
            ep = chain.episodes[0]
            if ep.cla_start is not None and ep.cla_end is not None:
                starts.append(ep.cla_start)
                ends.append(ep.cla_end)
        pairs = self.turnover(
            per_year={f.year: f.cla_starts for f in t.flows},
            starts=starts,
            ends=ends,
            lead=3,
            table=CLA_CLOSED,
        )
        for cla_start, cla_end in pairs:
            length = cla_end - cla_start
            uasc = d.chance(t.uasc_start_share)
            if uasc:
                age = d.between(15 * YEAR, 17 * YEAR + 200)
            else:
                lo, hi = CLA_AGE_SPAN[d.weighted(CLA_START_AGE)]
                age = d.between(lo * YEAR + 1, hi * YEAR + YEAR - 30)
            # Looked after until 18 at the latest: a long stay began young enough.
            oldest = cla_start - add_years(cla_end + 3, -18)
            if age > oldest:
                uasc = uasc and oldest >= 15 * YEAR
                age = d.between(max(1, oldest - 3 * YEAR), max(1, oldest))
            dob = cla_start - age
            need = "N8" if uasc else d.weighted(CLA_NEEDS)
            ep = self.new("cla", cla_start - (d.between(0, 2) if uasc else d.weighted(_PRE_FLOW)))
            ep.need = need
            ep.uasc = uasc
            ep.cla_start = cla_start
            ep.cla_end = cla_end
            ep.care_team = d.weighted(self.layout.in_care_draw)
            ep.anchor = (cla_start, age)
            ep.min_pred_ref = dob - 270
            self.assessment(ep, limit=ep.cla_end)
            if age < 3 * YEAR and length > 365 and d.chance(0.5):
                ep.cla_reason = "E11" if d.chance(0.8) else "E12"
            elif uasc:
                ep.cla_reason = d.pick(("E15", "E16", "E8", "E3", "E13"))
            else:
                ep.cla_reason = d.weighted(CLOSED_CLA_REASONS)
            ep.close_reason = _CLOSE_FOR_CLA.get(ep.cla_reason, "RC7")
            if ep.cla_reason in ("E4A", "E4B") and d.chance(0.5) and A - 1 - ep.cla_end > 20:
                # Home with a child in need plan; its closing is settled in smooth_closures.
                ep.close = ep.cla_end + d.between(20, 180)
                ep.cin_plans.append((ep.cla_end, ep.close))
            else:
                ep.close = ep.cla_end

    def simple_flows(self) -> None:
        """Referrals that closed without a plan, or after a child in need plan, by 31 March.

        They take the referral days the other episodes leave free, so that referrals arrive at a
        steady pace through each year."""
        t, d = self.t, self.d
        refs = [ep.ref for ep in self.episodes] + [c.episodes[0].ref for c in self.leaver_chains]
        for f in t.flows:
            lo, hi = self.year_start(f.year), min(self.year_end(f.year), self.A)
            free = leave_free(
                days=steady_days(first=lo, last=hi, n=f.referrals, draw=d),
                taken=[r for r in refs if lo <= r <= self.year_end(f.year)],
            )
            budget = len(free)
            n_nfa = min(budget, round_half_up(t.nfa_rate * f.referrals))
            n_nin = min(budget - n_nfa, round_half_up(t.not_in_need_rate * f.referrals))
            rest = budget - n_nfa - n_nin
            n_s47 = round_half_up(rest * 0.12)
            plan = ["nfa"] * n_nfa + ["nin"] * n_nin + ["s47"] * n_s47 + ["cin"] * (rest - n_s47)
            d.shuffle(plan)
            # A referral in the last weeks still being assessed is one of the open children in
            # need; the closed ones of those weeks are the quick decisions of no further action.
            late = sorted(
                (i for i, ref in enumerate(free) if self.A - ref < LATE_DAYS),
                key=lambda i: -free[i],
            )
            late_set = set(late)
            early_nfa = [i for i, k in enumerate(plan) if k == "nfa" and i not in late_set]
            for i in late:
                if plan[i] != "nfa" and early_nfa:
                    j = early_nfa.pop()
                    plan[i], plan[j] = plan[j], plan[i]
            late: list[tuple[str, int]] = []
            for kind, ref in zip(plan, free, strict=True):
                if kind != "nfa" and self.A - ref <= OPEN_ASSESS_DAYS:
                    late.append((kind, ref))
                else:
                    self.simple_episode(kind, ref)
            if f.year == t.year:
                late = self.settle_open_assessments(late)
            for kind, ref in late:
                self.simple_episode(kind, ref)

    def settle_open_assessments(self, late: list[tuple[str, int]]) -> list[tuple[str, int]]:
        """Decide which of the last months' referrals are still open on the as-at date.

        The open ones are those whose assessment (and any plan after it) would naturally run
        past the as-at date: the referrals of the open assessments and of the closed referrals
        are pooled, and the open assessments take those that would close last. Otherwise the
        closed referrals of the last weeks would all have to close within days, and closings
        would pile up just before the as-at date. Returns the closed referrals (kind, day)."""
        d, cal = self.d, self.cal
        stock = self.open_assessments
        entries = [("open", ep.ref) for ep in stock] + late

        def natural_close(kind: str, ref: int) -> int:
            start = cal.next_working(ref + d.weighted(_START_LAG))
            end = cal.add_working(start, self.span(ASSESS_WD))
            return end if kind == "nin" else end + 2 * TAIL_MIN

        ranked = sorted(entries, key=lambda e: -natural_close(*e))
        open_refs = sorted(ref for _, ref in ranked[: len(stock)])
        closed_refs = sorted((ref for _, ref in ranked[len(stock) :]), reverse=True)
        # The latest of the closed referrals are the quickest outcomes: not in need first.
        kinds = sorted((k for k, _ in late), key=lambda k: k != "nin")
        for ep, ref in zip(sorted(stock, key=lambda e: e.ref), open_refs, strict=True):
            ep.ref = ref
            self.assessment(ep)
            ep.assess_end = None
        return list(zip(kinds, closed_refs, strict=True))

    def simple_episode(self, kind: str, ref: int) -> Episode:
        d, A = self.d, self.A
        if kind == "nfa":
            ep = self.new("nfa", ref, "N0")
            ep.nfa = True
            ep.close = min(A, ep.ref + d.pick((0, 0, 1, 1, 2)))
            ep.close_reason = "RC8"
            return ep
        if kind == "nin":
            ep = self.new("nin", ref, "N0")
            self.assessment(ep, limit=A)
            ep.close = ep.assess_end
            ep.close_reason = "RC8" if d.chance(0.7) else "RC9"
            return ep
        ep = self.new(kind, ref)
        if kind == "s47":
            start = self.cal.next_working(ref + d.between(0, 3))
            ep.s47_start = min(start, A)
            ep.s47_end = min(A, self.cal.add_working(ep.s47_start, d.between(3, 15)))
        self.assessment(ep, limit=A)
        end = ep.assess_end or A
        if kind == "s47":
            end = max(end, ep.s47_end or end)
        if (kind == "cin" or d.chance(0.5)) and A - end >= TAIL_MIN + 14:
            # A child in need plan; when it closes is settled in smooth_closures.
            close = end + self.span(CIN_CLOSED)
            ep.cin_plans.append((end, close))
            ep.close = close
            ep.close_reason = "RC7"
            return ep
        ep.close = end
        ep.close_reason = "RC8" if kind == "s47" else "RC7"
        return ep

    def smooth_closures(self) -> None:
        """Settle when every closed child in need plan ends, so that closures keep pace with
        referrals and the number of children in need stays level up to the as-at date.

        Closures fixed by other events (no further action, an assessment, a plan or care ending)
        keep their dates; the plans that follow take the remaining closing days of each year.
        """
        d, A = self.d, self.A
        tails: list[Episode] = []
        fixed: list[int] = []
        for ep in self.episodes:
            if ep.close is None:
                continue
            if ep.cin_plans and ep.cin_plans[-1][1] == ep.close and ep.close > ep.cin_plans[-1][0]:
                tails.append(ep)
            else:
                fixed.append(ep.close)
        fixed += [c.episodes[0].close for c in self.leaver_chains if c.episodes[0].close]
        slots: list[int] = []
        for f in self.t.flows:
            lo, hi = self.year_start(f.year), min(self.year_end(f.year), A)
            slots += leave_free(
                days=steady_days(first=lo, last=hi, n=f.referrals, draw=d),
                taken=[c for c in fixed if lo <= c <= hi],
            )
        w0 = self.window()
        opens = [ep.cin_plans[-1][0] + TAIL_MIN for ep in tails]
        # Children referred before the first reporting year whose plan closes within it.
        begun = already_open(
            before=w0,
            n=shortfall(opens=opens, ends=slots),
            length=lambda: self.span(CIN_CLOSED) + 30,
            draw=d,
        )
        closes = pair_endings(
            opens=opens + [r + 30 + TAIL_MIN for r in begun],
            ends=slots,
            length=lambda: self.span(CIN_CLOSED),
        )
        for ep, close in zip(tails, closes[: len(tails)], strict=True):
            plan_from = ep.cin_plans[-1][0]
            if close is None:
                # No steady closing was left: a natural length, closing by the as-at date.
                opens_on = plan_from + TAIL_MIN
                close = d.between(opens_on, min(A, opens_on + self.span(CIN_CLOSED)))
            close = max(close, min(A, plan_from + 1))
            ep.cin_plans[-1] = (plan_from, close)
            ep.close = close
            if ep.assess_end is not None and ep.assess_end > close:
                ep.assess_end = close
        for ref, close in zip(begun, closes[len(tails) :], strict=True):
            if close is None:
                continue  # referred and closed before the window: nothing of it is needed
            ep = self.new("cin", ref)
            self.assessment(ep, limit=close - TAIL_MIN)
            ep.cin_plans.append((ep.assess_end or ref, close))
            ep.close = close
            ep.close_reason = "RC7"

    # -- 3. care leavers -----------------------------------------------------------------------

    def care_leavers(self) -> None:
        t, d = self.t, self.d
        groups = (("17-18", t.leavers_17_18.counts), ("19-21", t.leavers_19_21.counts))
        for band, counts in groups:
            slots = [g for g, n in sorted(counts.items()) for _ in range(n)]
            d.shuffle(slots)
            n = len(slots)
            if band == "17-18":
                ages = [17] * round_half_up(n * 0.22)
                ages += [18] * (n - len(ages))
            else:
                ages = [
                    19 + k for k, m in enumerate(allocate(n, [1.0, 1.0, 1.0])) for _ in range(m)
                ]
            d.shuffle(ages)
            for age, group in zip(ages, slots, strict=True):
                self.care_leaver(age, group, "Relevant" if age < 18 else "Former Relevant")
        # Young people 22 to 25 who still ask for support, and a few qualifying care leavers;
        # neither is counted by the DfE tables the calibration uses.
        for _ in range(round_half_up(0.2 * t.leavers_19_21.total)):
            group = d.pick(EET_GROUPS) if d.chance(0.55) else d.pick(NEEDS_NEET)
            self.care_leaver(d.between(22, 24), group, "Former Relevant")
        for _ in range(round_half_up(0.03 * (t.leavers_17_18.total + t.leavers_19_21.total))):
            self.care_leaver(d.between(17, 21), d.pick(EET_GROUPS + NEEDS_NEET), "Qualifying")

    def care_leaver(self, age: int, group: str, eligibility: str) -> None:
        d, A = self.d, self.A
        dob = add_years(A, -(age + 1)) + d.between(1, 364)
        eighteen = add_years(dob, 18)
        uasc = d.chance(self.t.uasc_share * 0.8)
        if eligibility == "Qualifying":
            sixteen = add_years(dob, 16)
            cla_start = d.between(sixteen, max(sixteen, min(sixteen + 500, A - 100)))
            cla_end = min(cla_start + d.between(10, 85), A - 1)
        elif age < 18:
            cla_end = d.between(add_years(dob, 16) + 100, min(A - 1, add_years(dob, 17) + 300))
            cla_start = d.between(add_years(dob, 14), cla_end - 92)
        else:
            cla_end = eighteen
            if uasc:
                cla_start = d.between(add_years(dob, 15), cla_end - 120)
            elif d.chance(0.35):
                cla_start = d.between(add_years(dob, 2), add_years(dob, 14))
            else:
                cla_start = d.between(add_years(dob, 14), cla_end - 92)
        ep = Episode("leaver", cla_start - (d.between(0, 2) if uasc else d.between(0, 90)))
        ep.need = "N8" if uasc else d.weighted(CLA_NEEDS)
        ep.uasc = uasc
        self.teams_for(ep)
        ep.cla_start, ep.cla_end = cla_start, cla_end
        ep.care_team = d.weighted(self.layout.in_care_draw)
        self.assessment(ep, limit=cla_end)
        ep.close = cla_end
        ep.cla_reason = _LEAVING_REASONS.draw(d.r()) if age >= 18 else d.pick(("E5", "E13", "E4A"))
        if eligibility == "Qualifying":
            ep.cla_reason = d.pick(("E4A", "E13", "E8"))
        ep.close_reason = "RC7"
        ep.leaver_team = d.weighted(self.layout.leavers_draw)
        ep.leaver = {"group": group, "eligibility": eligibility, "age": age}
        self.leaver_chains.append(Chain([ep], dob=dob))

    # -- 4. re-referrals and second plans -------------------------------------------------------

    def link(self) -> None:
        d = self.d
        by_year: dict[int, list[Episode]] = {}
        cp_by_year: dict[int, list[Episode]] = {}
        for ep in self.episodes:
            by_year.setdefault(self.ry(ep.ref), []).append(ep)
            if ep.cp_start is not None:
                cp_by_year.setdefault(self.ry(ep.cp_start), []).append(ep)
        leaver_refs: dict[int, int] = {}
        for chain in self.leaver_chains:
            y = self.ry(chain.episodes[0].ref)
            leaver_refs[y] = leaver_refs.get(y, 0) + 1
        for f in self.t.flows:
            eps = by_year.get(f.year, [])
            want = round_half_up(f.rereferral_rate * (len(eps) + leaver_refs.get(f.year, 0)))
            able = [ep for ep in eps if ep.min_pred_ref <= ep.ref - 40]
            for ep in d.sample(able, want):
                ep.rr = True
            cps = cp_by_year.get(f.year, [])
            want = round_half_up(f.cp_subsequent_rate * len(cps))
            able = [ep for ep in cps if ep.min_pred_ref <= ep.ref - 2 * YEAR]
            for ep in d.sample(able, want):
                ep.sub = True

        closed = sorted(
            (ep for ep in self.episodes if ep.close is not None),
            key=lambda e: (e.close, e.ref),
        )
        pool: list[Episode] = []
        used: set[int] = set()
        j = 0
        for ep in sorted(self.episodes, key=lambda e: e.ref):
            if not ep.rr:
                ep.cum_cp = ep.cp_start is not None
                continue
            while j < len(closed) and (closed[j].close or 0) < ep.ref:
                pool.append(closed[j])
                j += 1
            lo = max(add_months(ep.ref, -12), ep.min_pred_ref)
            found = None
            for _ in range(16):
                if not pool:
                    break
                k = int(d.r() * len(pool))
                cand = pool[k]
                if id(cand) in used or cand.ref < add_months(ep.ref, -12):
                    pool[k] = pool[-1]
                    pool.pop()
                    continue
                if cand.ref < lo:
                    continue
                if cand.cum_cp and ep.cp_start is not None and not ep.sub:
                    continue
                found = cand
                pool[k] = pool[-1]
                pool.pop()
                break
            if found is None:
                found = self.fallback_predecessor(ep)
            used.add(id(found))
            found.succ = ep
            ep.pred = found
            ep.cum_cp = found.cum_cp or ep.cp_start is not None

        for ep in self.episodes[:]:
            if not ep.sub:
                continue
            anc = ep.pred
            has = False
            while anc is not None:
                if anc.cp_start is not None:
                    has = True
                    break
                anc = anc.pred
            if not has:
                head = ep
                while head.pred is not None:
                    head = head.pred
                self.historic_plan(head)

    def fallback_predecessor(self, ep: Episode) -> Episode:
        """A short, closed referral within 12 months before `ep`, kept out of the as-at year."""
        d = self.d
        lo = max(add_months(ep.ref, -12), ep.min_pred_ref)
        ys = self.year_start(self.t.year)
        hi = ys - 1 if self.ry(ep.ref) == self.t.year and lo <= ys - 1 else ep.ref - 8
        hi = max(lo, min(hi, ep.ref - 8))
        ref = d.between(lo, hi)
        pred = Episode("nin", ref)
        pred.need = "N0"
        self.teams_for(pred)
        self.assessment(pred, limit=ep.ref - 1)
        pred.close = max(ref, min(pred.assess_end or ref, ep.ref - 1))
        pred.assess_end = pred.close
        pred.close_reason = "RC8"
        self.episodes.append(pred)
        return pred

    def historic_plan(self, head: Episode) -> None:
        """An earlier child protection plan, over 12 months before the child's first referral."""
        d = self.d
        ref = add_months(head.ref, -d.between(13, 40))
        ref = max(ref, head.min_pred_ref)
        if ref >= add_months(head.ref, -12) - 5:
            return
        ep = self.new("cp", ref, "N1")
        ep.ref = ref
        conference = self.snap(ref + d.between(10, 25), ref, head.ref - 60)
        self.section47(ep, conference)
        ep.s47_start = max(ep.s47_start or ref, ref)
        ep.s47_end = max(ep.s47_end or ep.s47_start, ep.s47_start)
        self.assessment(ep, limit=head.ref - 2)
        latest = head.ref - 2
        ep.cp_end = min(latest, conference + d.between(90, 420))
        if ep.cp_end <= conference:
            ep.cp_end = conference + 1
        ep.close = min(latest, ep.cp_end + (d.between(30, 150) if d.chance(0.5) else 0))
        if ep.close > ep.cp_end:
            ep.cin_plans.append((ep.cp_end, ep.close))
        ep.close = max(ep.close, ep.cp_end)
        if ep.assess_end is not None and ep.assess_end > ep.close:
            ep.assess_end = ep.close
        ep.close_reason = "RC7"
        ep.min_pred_ref = head.min_pred_ref
        ep.cum_cp = True
        ep.succ = head
        head.pred = ep

    # -- 5. children ---------------------------------------------------------------------------

    def chains(self) -> list[Chain]:
        d, A = self.d, self.A
        out: list[Chain] = []
        for head in self.episodes:
            if head.pred is not None:
                continue
            eps = [head]
            while eps[-1].succ is not None:
                eps.append(eps[-1].succ)
            first = eps[0].ref
            last = A if eps[-1].close is None else eps[-1].close
            anchored = next((e for e in eps if e.anchor is not None), None)
            if anchored is not None:
                day, age = anchored.anchor
                dob = day - age
            else:
                table = AGE_CP if any(e.cp_start is not None for e in eps) else AGE_GENERAL
                band = d.weighted(table)
                if band < 0:
                    dob = first + d.between(20, 250)
                else:
                    lo, hi = AGE_BAND_SPAN[band]
                    dob = first - d.between(lo * YEAR + 1, hi * YEAR + YEAR - 30)
            lo_dob = last - 18 * 365 - 2  # under 18 at the last event, whatever the leap days
            hi_dob = first + 260
            cla_starts = [e.cla_start for e in eps if e.cla_start is not None]
            if cla_starts:
                hi_dob = min(hi_dob, min(cla_starts))
            if dob < lo_dob:
                dob = min(hi_dob, lo_dob + d.between(0, 200))
            if dob > hi_dob:
                dob = max(lo_dob, hi_dob - d.between(0, 200))
            out.append(Chain(eps, dob=dob, unborn=dob > A))
        return out

    def unallocated(self, chains: list[Chain]) -> None:
        """A few children open on the as-at date have no allocated worker."""
        d, A = self.d, self.A
        for chain in chains:
            ep = chain.episodes[-1]
            if ep.close is None and d.chance(0.03):
                ep.unalloc_from = max(self.census + 1, A - d.between(3, 45))


# Referrals this close to the as-at date may still be being assessed on it (days).
OPEN_ASSESS_DAYS = 150
# Referrals this close to the as-at date that closed are decisions of no further action (days).
LATE_DAYS = 60
# Shortest child in need plan after an assessment, a protection plan or care (days).
TAIL_MIN = 14
_START_LAG = Weighted([0, 1, 2, 3], [60, 25, 10, 5])
_PRE_CARE = Weighted([0, 3, 14, 60, 180, 400], [20, 15, 15, 20, 20, 10])
_PRE_FLOW = Weighted([0, 1, 5, 20, 60], [45, 15, 15, 15, 10])
_CLOSE_FOR_CLA = {
    "E11": "RC1",
    "E12": "RC1",
    "E45": "RC4",
    "E46": "RC4",
    "E47": "RC4",
    "E48": "RC4",
    "E41": "RC3",
    "E3": "RC5",
}
_LEAVING_REASONS = Weighted(["E17", "E5", "E6", "E13", "E4A"], [22, 40, 12, 14, 12])
NEEDS_NEET = NEET_GROUPS


def _within(day: int, lo: int, hi: int) -> int:
    """`day` reflected back into [lo, hi], so that days near either edge do not pile up on it."""
    if day > hi:
        day = 2 * hi - day
    if day < lo:
        day = 2 * lo - day
    return min(hi, max(lo, day))


def build(t: Targets, layout: Layout, cal: Calendar, draw: Draw) -> Skeleton:
    b = Builder(t, layout, cal, draw)
    b.cp_stock()
    b.cla_stock()
    b.cin_stock()
    b.care_leavers()
    b.cp_flows()
    b.cla_flows()
    b.simple_flows()
    b.smooth_closures()
    b.link()
    chains = b.chains()
    b.unallocated(chains)
    chains.extend(b.leaver_chains)
    skeleton = Skeleton(chains)
    census = b.census
    counts: dict[str, int] = {}
    statutory: dict[str, int] = {}
    for chain in chains:
        for ep in chain.episodes:
            for start, end, kind in phases(ep):
                if start <= census and (end is None or end > census):
                    team = phase_team(ep, kind, layout)
                    counts[team.id] = counts.get(team.id, 0) + 1
                    if kind in STATUTORY:
                        statutory[team.id] = statutory.get(team.id, 0) + 1
    skeleton.open_at_census = counts
    skeleton.statutory_at_census = statutory
    return skeleton
