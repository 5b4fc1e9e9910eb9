"""Services, teams and workers of a synthetic council, sized to its published workforce.

The layout (which teams exist, and which of them drift) is fixed before any child is generated, so
that each episode can be given its teams. Staffing comes afterwards: every case-holding team gets
enough workers for the cases it holds on the workforce census date (30 September), at the published
caseload, and the remaining in-post social workers go to roles that hold no cases (team managers,
front door screening, reviewing officers, fostering and adoption).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .names import worker_name
from .sampling import Draw, Weighted, allocate, round_half_up
from .targets import Targets

# Team kinds.
FRONT_DOOR = "front_door"
ASSESSMENT = "assessment"
FAMILY_HELP = "family_help"
DISABLED = "disabled_children"
IN_CARE = "children_in_care"
LEAVERS = "care_leavers"
REVIEWING = "reviewing"
FOSTERING = "fostering"
ADOPTION = "adoption"
QUALITY = "quality"
CASE_HOLDING = (ASSESSMENT, FAMILY_HELP, DISABLED, IN_CARE, LEAVERS)

# Worker categories on a case-holding team.
SW = "sw"  # social worker employed by the council
AGENCY = "agency"
OTHER = "other"  # family support worker or personal adviser: holds cases, not a social worker

LOCALITY_NAMES = (
    "North",
    "South",
    "East",
    "West",
    "Central",
    "North East",
    "South West",
    "North West",
    "South East",
)

# Average cases per FTE for workers who are not social workers.
OTHER_CASELOAD = {LEAVERS: 20.0}
DEFAULT_OTHER_CASELOAD = 16.0


@dataclass
class Worker:
    id: str
    name: str
    team: Team
    role: str  # "social worker", "team manager", "family support worker", "personal adviser"
    job_title: str
    fte: float
    agency: bool
    registration: str  # Social Work England number, '' for workers who are not social workers
    category: str = ""  # SW, AGENCY or OTHER for case holders, '' otherwise
    caseload: int = 0  # cases held on the workforce census date

    @property
    def social_worker(self) -> bool:
        return bool(self.registration)


@dataclass
class Team:
    id: str
    name: str
    kind: str
    service_id: str
    service: str
    drift: bool = False
    locality: int = -1
    weight: float = 1.0
    workers: list[Worker] = field(default_factory=list)
    manager: Worker | None = None
    # Filled by staff(): which kind of worker takes a case (statutory cases, where only a
    # qualified social worker may, and others), and a weighted draw of workers per kind.
    statutory_draw: Weighted[str] | None = None
    other_draw: Weighted[str] | None = None
    by_category: dict[str, Weighted[Worker]] = field(default_factory=dict)

    def draw_category(self, draw: Draw, statutory: bool) -> str:
        table = self.statutory_draw if statutory else self.other_draw
        if table is None:
            table = self.other_draw if statutory else self.statutory_draw
        return "" if table is None else draw.weighted(table)

    def draw_from(self, draw: Draw, category: str) -> Worker | None:
        pool = self.by_category.get(category)
        return self.manager if pool is None else draw.weighted(pool)

    def draw_worker(self, draw: Draw, statutory: bool) -> Worker | None:
        return self.draw_from(draw, self.draw_category(draw, statutory))


@dataclass
class Locality:
    name: str
    assessment: list[Team]
    family_help: list[Team]
    weight: float


@dataclass
class Layout:
    services: list[tuple[str, str]]  # (id, name)
    teams: list[Team]
    localities: list[Locality]
    front_door: Team
    disabled: Team
    in_care: list[Team]
    leavers: list[Team]
    reviewing: Team
    fostering: Team
    adoption: Team
    quality: Team
    locality_draw: Weighted[int]
    in_care_draw: Weighted[Team]
    leavers_draw: Weighted[Team]

    def by_kind(self, kind: str) -> list[Team]:
        return [t for t in self.teams if t.kind == kind]


def build_layout(t: Targets, draw: Draw) -> Layout:
    """Teams in proportion to the council's size; about a quarter of case-holding teams drift."""
    prefix = f"Area {t.shard + 1:02d} " if t.shards > 1 else ""
    services: list[tuple[str, str]] = []
    teams: list[Team] = []

    def service(name: str) -> tuple[str, str]:
        sid = f"S{t.shard:02d}{len(services) + 1:02d}"
        services.append((sid, prefix + name))
        return services[-1]

    def team(name: str, kind: str, svc: tuple[str, str], locality: int = -1) -> Team:
        tid = f"T{t.shard:02d}{len(teams) + 1:03d}"
        made = Team(tid, prefix + name, kind, svc[0], svc[1], locality=locality)
        made.weight = 0.8 + 0.4 * draw.r()
        teams.append(made)
        return made

    front = service("Front Door and Assessment")
    family = service("Family Help and Safeguarding")
    care = service("Children in Care and Care Leavers")
    quality = service("Safeguarding and Quality Assurance")
    placements = service("Fostering and Adoption")

    n_loc = min(len(LOCALITY_NAMES), max(1, round(t.cin_at31 / 1400)))
    open_assessments = t.flow.referrals * 32 / 365
    per_loc_family = max(0.0, t.cin_at31 - t.cla_at31 - open_assessments) / n_loc
    per_loc_assess = open_assessments / n_loc

    team("Front Door (MASH)", FRONT_DOOR, front)
    localities: list[Locality] = []
    for i in range(n_loc):
        loc_name = LOCALITY_NAMES[i] if n_loc > 1 else "Countywide"
        n_assess = max(1, round(per_loc_assess / 90))
        n_family = max(1, round(per_loc_family / 120))
        assess = [
            team(f"{loc_name} Assessment Team {j + 1}", ASSESSMENT, front, i)
            for j in range(n_assess)
        ]
        fam = [
            team(f"{loc_name} Family Help Team {j + 1}", FAMILY_HELP, family, i)
            for j in range(n_family)
        ]
        localities.append(Locality(loc_name, assess, fam, 0.8 + 0.4 * draw.r()))
    disabled = team("Disabled Children's Team", DISABLED, family)
    in_care = [
        team(f"Children in Care Team {j + 1}", IN_CARE, care)
        for j in range(max(1, round(t.cla_at31 / 120)))
    ]
    n_leavers = t.leavers_17_18.total + t.leavers_19_21.total
    leavers = [
        team(f"Care Leavers Team {j + 1}", LEAVERS, care)
        for j in range(max(1, round(n_leavers / 180)))
    ]
    reviewing = team("Independent Reviewing Service", REVIEWING, quality)
    qa = team("Quality Assurance and Practice Development", QUALITY, quality)
    fostering = team("Fostering Team", FOSTERING, placements)
    adoption = team("Adoption Team", ADOPTION, placements)

    for kind in (ASSESSMENT, FAMILY_HELP, IN_CARE):
        group = [tm for tm in teams if tm.kind == kind]
        for tm in group:
            tm.drift = draw.chance(0.25)
        if len(group) >= 2 and not any(tm.drift for tm in group):
            draw.pick(group).drift = True
        if group and all(tm.drift for tm in group):
            group[0].drift = False
    # A small council has one team of each kind; let one of them drift all the same, so that
    # timeliness still differs between teams.
    case_teams = [tm for tm in teams if tm.kind in (ASSESSMENT, FAMILY_HELP, IN_CARE)]
    if not any(tm.drift for tm in case_teams):
        draw.pick([tm for tm in case_teams if tm.kind != ASSESSMENT] or case_teams).drift = True

    return Layout(
        services=services,
        teams=teams,
        localities=localities,
        front_door=next(tm for tm in teams if tm.kind == FRONT_DOOR),
        disabled=disabled,
        in_care=in_care,
        leavers=leavers,
        reviewing=reviewing,
        fostering=fostering,
        adoption=adoption,
        quality=qa,
        locality_draw=Weighted(list(range(n_loc)), [loc.weight for loc in localities]),
        in_care_draw=Weighted(in_care, [tm.weight for tm in in_care]),
        leavers_draw=Weighted(leavers, [tm.weight for tm in leavers]),
    )


class Staffer:
    """Makes workers with unique ids, plausible FTE splits and fictional names."""

    def __init__(self, t: Targets, draw: Draw) -> None:
        self.shard = t.shard
        self.draw = draw
        self.count = 0
        self.workers: list[Worker] = []

    def add(
        self,
        team: Team,
        *,
        role: str,
        job_title: str,
        fte: float,
        agency: bool = False,
        registered: bool = True,
        category: str = "",
    ) -> Worker:
        self.count += 1
        wid = f"W{self.shard:02d}{self.count:05d}"
        reg = f"SW{(self.shard * 100_000 + self.count) % 1_000_000:06d}" if registered else ""
        worker = Worker(
            id=wid,
            name=worker_name(self.draw),
            team=team,
            role=role,
            job_title=job_title,
            fte=round(fte, 1),
            agency=agency,
            registration=reg,
            category=category,
        )
        team.workers.append(worker)
        self.workers.append(worker)
        return worker

    def fill(self, team: Team, total_fte: float, **kwargs: object) -> list[Worker]:
        """Workers whose FTE (one decimal) add up to total_fte; mostly full time."""
        made: list[Worker] = []
        remaining = round(total_fte, 1)
        while remaining >= 0.05:
            u = self.draw.r()
            fte = 1.0 if u < 0.78 else 0.8 if u < 0.88 else 0.6 if u < 0.96 else 0.5
            if remaining - fte < 0.3:
                fte = remaining if remaining <= 1.0 else fte
            fte = round(min(fte, remaining), 1)
            made.append(self.add(team, fte=fte, **kwargs))
            remaining = round(remaining - fte, 1)
        return made


CASE_JOB_TITLES = (
    "Social Worker",
    "Social Worker",
    "Senior Social Worker",
    "Advanced Practitioner",
)
ASYE_TITLE = "Social Worker (ASYE)"


def _category_draw(
    shares: dict[str, float], pools: dict[str, list[Worker]]
) -> Weighted[str] | None:
    cats = [c for c, s in shares.items() if s > 0 and pools.get(c)]
    if not cats:
        cats = [c for c in (SW, AGENCY) if pools.get(c)]
        return Weighted(cats, [1.0] * len(cats)) if cats else None
    return Weighted(cats, [shares[c] for c in cats])


def _tenths(total: float, weights: dict[str, float]) -> dict[str, float]:
    """Split an FTE total (to 0.1) in proportion to weights, summing exactly."""
    keys = list(weights)
    parts = allocate(round_half_up(total * 10), [weights[k] for k in keys])
    return {k: n / 10 for k, n in zip(keys, parts, strict=True)}


def staff(
    layout: Layout,
    t: Targets,
    open_at_census: dict[str, int],
    statutory_at_census: dict[str, int],
    draw: Draw,
) -> list[Worker]:
    """Create the workers, sized by the allocated cases of each team on the census date.

    Council social workers hold exactly the published number of cases (caseload x case holders):
    statutory cases (assessments, child protection, care) go to them and to agency social workers,
    and what is left of their capacity takes children in need; family support workers and
    personal advisers hold the rest, which are never statutory.
    """
    staffer = Staffer(t, draw)
    case_teams = [tm for tm in layout.teams if tm.kind in CASE_HOLDING]
    other_teams = [
        layout.front_door,
        layout.reviewing,
        layout.fostering,
        layout.adoption,
        layout.quality,
    ]
    caseload = max(t.caseload, 1.0)
    # Where nearly every social worker holds cases (the published case holders leave too little
    # in-post FTE for a manager per team), team managers hold cases too, as in small councils.
    managers_hold = t.inpost_fte - t.case_holders_fte < len(case_teams) + len(other_teams)

    leavers = [tm for tm in case_teams if tm.kind == LEAVERS]
    teams = [tm for tm in case_teams if tm.kind != LEAVERS]
    total = {tm.id: open_at_census.get(tm.id, 0) for tm in case_teams}
    stat = {tm.id: min(statutory_at_census.get(tm.id, 0), total[tm.id]) for tm in case_teams}
    n_stat = sum(stat[tm.id] for tm in teams)
    n_other = sum(total[tm.id] - stat[tm.id] for tm in teams)
    n_leavers = sum(total[tm.id] for tm in leavers)

    sw_cases = caseload * t.case_holders_fte
    leaver_sw = min(0.15 * n_leavers, sw_cases)
    sw_cases -= leaver_sw
    agency_cases = t.agency_fte * caseload
    if sw_cases + agency_cases >= n_stat:
        sw_stat = n_stat * sw_cases / (sw_cases + agency_cases) if n_stat else 0.0
    else:  # too few qualified workers: agency social workers carry the excess
        sw_stat = min(sw_cases, n_stat)
    ag_stat = n_stat - sw_stat
    sw_left = sw_cases - sw_stat
    ag_left = max(0.0, agency_cases - ag_stat)
    s_other = min(1.0, sw_left / n_other) if n_other else 0.0
    a_other = min(1.0 - s_other, ag_left / n_other) if n_other else 0.0
    o_other = max(0.0, 1.0 - s_other - a_other)
    excess = max(0.0, sw_left - n_other)  # more social work capacity than children in need
    p_leavers = min(1.0, (leaver_sw + excess) / n_leavers) if n_leavers else 0.0
    f_sw = sw_stat / n_stat if n_stat else 1.0
    f_ag = 1.0 - f_sw

    def expected(tm: Team) -> tuple[float, float, float]:
        """Cases on the census date held by (council social workers, agency, others)."""
        if tm.kind == LEAVERS:
            return p_leavers * total[tm.id], 0.0, (1 - p_leavers) * total[tm.id]
        non = total[tm.id] - stat[tm.id]
        return (
            f_sw * stat[tm.id] + s_other * non,
            f_ag * stat[tm.id] + a_other * non,
            o_other * non,
        )

    weight = {tm.id: expected(tm)[1] for tm in teams}
    if sum(weight.values()) <= 0:
        weight = {tm.id: float(stat[tm.id] + 1) for tm in teams}
    agency_fte = _tenths(t.agency_fte, weight)

    for tm in case_teams:
        sw_n, ag_n, other_n = expected(tm)
        # A manager only holds cases in a team with at least a full-time post's worth of them.
        holds = managers_hold and sw_n / caseload >= 1.0
        tm.manager = staffer.add(
            tm, role="team manager", job_title="Team Manager", fte=1.0, category=SW if holds else ""
        )
        sw_fte = sw_n / caseload - (tm.manager.fte if holds else 0.0)
        sw = staffer.fill(
            tm,
            max(sw_fte, 0.1 if sw_n > 0 and not holds else 0.0),
            role="social worker",
            job_title="Social Worker",
            category=SW,
        )
        for w in sw:
            w.job_title = ASYE_TITLE if draw.chance(0.12) else draw.pick(CASE_JOB_TITLES)
        if holds:
            sw.append(tm.manager)
        ag = staffer.fill(
            tm,
            agency_fte.get(tm.id, 0.0),
            role="social worker",
            job_title="Social Worker (Agency)",
            agency=True,
            category=AGENCY,
        )
        leaving_care = tm.kind == LEAVERS
        other_caseload = OTHER_CASELOAD.get(tm.kind, DEFAULT_OTHER_CASELOAD)
        other = staffer.fill(
            tm,
            max(other_n / other_caseload, 0.5 if other_n > 0.5 else 0.0),
            role="personal adviser" if leaving_care else "family support worker",
            job_title="Personal Adviser" if leaving_care else "Family Support Worker",
            registered=False,
            category=OTHER,
        )
        pools = {SW: sw, AGENCY: ag, OTHER: other}
        tm.by_category = {c: Weighted(p, [w.fte for w in p]) for c, p in pools.items() if p}
        if leaving_care:
            shares_stat = {SW: p_leavers, AGENCY: 0.0}
            shares_other = {SW: p_leavers, AGENCY: 0.0, OTHER: 1.0 - p_leavers}
        else:
            shares_stat = {SW: f_sw, AGENCY: f_ag}
            shares_other = {SW: s_other, AGENCY: a_other, OTHER: o_other}
        tm.statutory_draw = _category_draw(shares_stat, pools)
        tm.other_draw = _category_draw(shares_other, pools)

    # Social workers who hold no cases take what is left of the in-post FTE: a manager for each
    # remaining team while it lasts, then front door, reviewing, quality, fostering and adoption.
    in_post = sum(w.fte for w in staffer.workers if w.social_worker and not w.agency)
    budget = round(max(0.0, t.inpost_fte - in_post), 1)
    for tm in other_teams:
        fte = round(min(1.0, budget), 1)
        if fte >= 0.1:
            tm.manager = staffer.add(tm, role="team manager", job_title="Team Manager", fte=fte)
            budget = round(budget - fte, 1)
    front = layout.front_door
    wants = {
        front.id: max(1.0, t.flow.referrals / 600),
        layout.reviewing.id: max(1.0, (t.cla_at31 + t.cp_at31) / 60),
        layout.quality.id: max(0.5, t.inpost_fte * 0.02),
        layout.fostering.id: 0.0,
        layout.adoption.id: 0.0,
    }
    fixed = sum(wants.values())
    if budget < fixed:
        wants = {k: v * budget / fixed for k, v in wants.items()}
    else:
        wants[layout.fostering.id] = (budget - fixed) * 0.7
        wants[layout.adoption.id] = (budget - fixed) * 0.3
    titles = {
        front.id: "Social Worker (Front Door)",
        layout.reviewing.id: "Independent Reviewing Officer",
        layout.quality.id: "Advanced Practitioner (Quality Assurance)",
        layout.fostering.id: "Supervising Social Worker",
        layout.adoption.id: "Adoption Social Worker",
    }
    for tm in other_teams:
        staffer.fill(tm, wants[tm.id], role="social worker", job_title=titles[tm.id])
    _true_up_inpost(staffer, t, layout)
    return staffer.workers


def _true_up_inpost(staffer: Staffer, t: Targets, layout: Layout) -> None:
    """Make in-post social worker FTE equal the target to the published precision (0.1 FTE)."""
    total = round(sum(w.fte for w in staffer.workers if w.social_worker and not w.agency), 1)
    gap = round(t.inpost_fte - total, 1)
    if gap >= 0.1:
        staffer.fill(
            layout.fostering, gap, role="social worker", job_title="Supervising Social Worker"
        )
    elif gap <= -0.1:
        # Over target (a tiny council): trim part-time hours from non-case-holding social workers.
        for w in reversed(staffer.workers):
            if gap > -0.05:
                break
            if w.social_worker and not w.agency and not w.category and w.role != "team manager":
                cut = round(min(w.fte - 0.1, -gap), 1)
                if cut > 0:
                    w.fte = round(w.fte - cut, 1)
                    gap = round(gap + cut, 1)
