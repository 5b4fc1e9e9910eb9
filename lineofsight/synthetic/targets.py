"""What a synthetic council must look like: the published DfE figures of one area, scaled.

Every volume is an integer the generator hits exactly (or, for caseloads, in expectation); rates are
kept as fractions. Figures an area does not publish (suppressed, or a council that did not make the
return) fall back to the England rate applied to the area's size, so generation never stops for a
missing cell; calibration simply skips those figures.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from lineofsight.publishedstats import loader
from lineofsight.publishedstats.loader import ENGLAND

from .sampling import allocate, round_half_up, split_evenly

# Largest share of the children in need at 31 March that one generator process builds at once.
SHARD_CHILDREN_IN_NEED = 25_000

CP_DURATION_COLUMNS = (
    "3_months_or_less",
    "more_than_3_months_6_months",
    "more_than_6_months_less_than_1_year",
    "1_year_less_than_2_years",
    "2_years_or_more",
)

# Care leaver activity groups: DfE breakdown label -> our group key.
ACTIVITY_BREAKDOWNS = {
    "Higher education i.e. studies beyond A level": "HE",
    "Education other than higher education": "EDU",
    "In an apprenticeship": "APP",
    "In training or employment (excl. apprenticeship)": "TRN",
    "Not in education, training or employment, owing to illness or disability": "ILL",
    "Not in education, training or employment, owing to other reasons": "OTH",
    "Not in education, training or employment, owing to pregnancy or parenting": "PREG",
}
EET_GROUPS = ("HE", "EDU", "APP", "TRN")
NEET_GROUPS = ("ILL", "OTH", "PREG")


class UnknownAreaError(ValueError):
    pass


@dataclass(frozen=True)
class YearFlow:
    """Flows in one reporting year (1 April to 31 March)."""

    year: int
    referrals: int
    rereferral_rate: float
    cp_starts: int
    cp_subsequent_rate: float
    cla_starts: int


@dataclass(frozen=True)
class LeaverGroup:
    """Care leavers of one age band by activity group (HE, EDU, ..., UNK for not known)."""

    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class Targets:
    area: str
    area_name: str
    year: int
    scale: float
    flows: tuple[YearFlow, ...]  # oldest first; the last one is `year`
    nfa_rate: float
    not_in_need_rate: float
    cin_at31: int
    cp_by_duration: tuple[int, int, int, int, int]
    cla_at31: int
    cla_3plus: int
    cla_2years_share: float
    uasc_share: float
    uasc_start_share: float
    leavers_17_18: LeaverGroup
    leavers_19_21: LeaverGroup
    inpost_fte: float
    case_holders_fte: float
    agency_fte: float
    caseload: float
    shard: int = 0
    shards: int = 1

    @property
    def cp_at31(self) -> int:
        return sum(self.cp_by_duration)

    @property
    def flow(self) -> YearFlow:
        return self.flows[-1]

    def flow_for(self, year: int) -> YearFlow:
        return next(f for f in self.flows if f.year == year)


def _first(*values: float | None) -> float | None:
    return next((v for v in values if v is not None), None)


def _ratio(num: float | None, den: float | None) -> float | None:
    if num is None or not den:
        return None
    return num / den


def _cin(area: str, year: int) -> float | None:
    return loader.value("cin", area, year, "At31_episodes")


def _cla(area: str, year: int, population: str) -> float | None:
    return loader.value("cla", area, year, "children_count", population_type=population)


def _stability(area: str, year: int, group: str, measure: str) -> float | None:
    return loader.value(
        "placement_stability",
        area,
        year,
        "children_count",
        cla_group=group,
        placement_stability=measure,
    )


def _leaver_groups(area: str, year: int, band: str) -> dict[str, float] | None:
    found = {
        row["breakdown"]: loader.number(row.get("care_leaver_count"))
        for row in loader.area_rows("care_leavers", area, year)
        if row.get("care_leaver_age") == band
    }
    if not found:
        return None
    return found


def _leaver_counts(area: str, year: int, band: str, size_ratio: float) -> dict[str, float]:
    """Counts per activity group, filling suppressed cells from England's proportions."""
    national = _leaver_groups(ENGLAND, year, band) or {}
    local = _leaver_groups(area, year, band) or {}

    def get(src: dict[str, float | None], key: str) -> float | None:
        return src.get(key)

    n_total = get(national, "Total") or 1.0
    total = get(local, "Total")
    if total is None:
        total = n_total * size_ratio
    parts: dict[str, float | None] = {
        "EET": get(local, "Total in education, employment or training"),
        "NEET": get(local, "Total not in education, employment or training"),
        "UNK": get(local, "Total information not known"),
    }
    n_parts = {
        "EET": get(national, "Total in education, employment or training") or 0.0,
        "NEET": get(national, "Total not in education, employment or training") or 0.0,
        "UNK": get(national, "Total information not known") or 0.0,
    }
    _fill(parts, n_parts, total)
    out: dict[str, float] = {"UNK": parts["UNK"] or 0.0}
    for whole, groups in (("EET", EET_GROUPS), ("NEET", NEET_GROUPS)):
        labels = {g: lbl for lbl, g in ACTIVITY_BREAKDOWNS.items() if g in groups}
        sub = {g: get(local, labels[g]) for g in groups}
        n_sub = {g: get(national, labels[g]) or 0.0 for g in groups}
        _fill(sub, n_sub, parts[whole] or 0.0)
        out.update({g: v or 0.0 for g, v in sub.items()})
    return out


def _fill(parts: dict[str, float | None], national: dict[str, float], total: float) -> None:
    """Give missing parts the residual of `total`, shared in England's proportions."""
    missing = [k for k, v in parts.items() if v is None]
    if not missing:
        return
    known = sum(v for v in parts.values() if v is not None)
    residual = max(0.0, total - known)
    weights = [national.get(k, 0.0) for k in missing]
    s = sum(weights)
    for k, w in zip(missing, weights, strict=True):
        parts[k] = residual * (w / s if s else 1.0 / len(missing))


def _year_flow(area: str, year: int, size_ratio: float, fallback: YearFlow | None) -> YearFlow:
    refs = loader.value("referrals", area, year, "referral_count")
    rerefs = loader.value("referrals", area, year, "rereferral_count")
    cp_start = loader.value("cp_subsequent", area, year, "CPP_start")
    cp_sub = loader.value("cp_subsequent", area, year, "CPP_subsequent")
    cla_start = _cla(area, year, "Children starting to be looked after each year")
    national = None
    if None in (refs, rerefs, cp_start, cp_sub, cla_start) and area != ENGLAND:
        national = _year_flow(ENGLAND, year, 1.0, None) if year in loader.years() else None

    def pick(local: float | None, prev: float | None, nat: float | None) -> float:
        return float(_first(local, prev, nat, 0.0))

    def count(local: float | None, name: str) -> int:
        """A volume: the area's, else last year's, else England's scaled to the area's size."""
        nat = national and getattr(national, name) * size_ratio
        return int(pick(local, fallback and getattr(fallback, name), nat))

    def rate(local: float | None, name: str) -> float:
        """A rate: the area's, else last year's, else England's."""
        nat = national and getattr(national, name)
        return pick(local, fallback and getattr(fallback, name), nat)

    return YearFlow(
        year=year,
        referrals=count(refs, "referrals"),
        rereferral_rate=rate(_ratio(rerefs, refs), "rereferral_rate"),
        cp_starts=count(cp_start, "cp_starts"),
        cp_subsequent_rate=rate(_ratio(cp_sub, cp_start), "cp_subsequent_rate"),
        cla_starts=count(cla_start, "cla_starts"),
    )


def area_targets(area: str, year: int | None = None, scale: float = 1.0) -> Targets:
    """The published figures of `area` (old_la_code or ENGLAND) for `year`, times `scale`."""
    area = loader.normalise_area(area)
    year = year or loader.latest_year()
    name = loader.area_name(area, year)
    cin_published = _cin(area, year)
    if name is None or cin_published is None:
        known = ", ".join(f"{c} {n}" for c, n in loader.areas(year)[:8])
        raise UnknownAreaError(
            f"No children-in-need figures for area {area!r} in {year}. "
            f"Use an old_la_code (e.g. {known}, ...) or ENGLAND."
        )
    size = cin_published / (_cin(ENGLAND, year) or cin_published)

    def local_or_national(local: float | None, national: float | None, per_size: bool) -> float:
        if local is not None:
            return local
        if national is None:
            return 0.0
        return national * size if per_size else national

    def both(fn: Callable[..., float | None], *args: str) -> tuple[float | None, float | None]:
        return fn(area, year, *args), fn(ENGLAND, year, *args)

    flows: list[YearFlow] = []
    current = _year_flow(area, year, size, None)
    for y in (year - 2, year - 1):
        flows.append(_year_flow(area, y, size, current) if y in loader.years() else current)
    flows = [replace(f, year=y) for f, y in zip(flows, (year - 2, year - 1), strict=True)]
    flows.append(current)

    refs = loader.value("referrals", area, year, "referral_count")
    nfa = _ratio(loader.value("referrals", area, year, "no_further_action_count"), refs)
    nin = _ratio(loader.value("referrals", area, year, "not_in_need_count"), refs)
    n_refs = loader.value("referrals", ENGLAND, year, "referral_count")
    nfa = _first(
        nfa, _ratio(loader.value("referrals", ENGLAND, year, "no_further_action_count"), n_refs)
    )
    nin = _first(nin, _ratio(loader.value("referrals", ENGLAND, year, "not_in_need_count"), n_refs))

    cp_total = loader.value("cp_duration", area, year, "CPP_At31")
    n_cp = [loader.value("cp_duration", ENGLAND, year, c) or 0.0 for c in CP_DURATION_COLUMNS]
    if cp_total is None:
        cp_total = (loader.value("cp_duration", ENGLAND, year, "CPP_At31") or 0.0) * size
    parts: dict[str, float | None] = {
        c: loader.value("cp_duration", area, year, c) for c in CP_DURATION_COLUMNS
    }
    _fill(parts, dict(zip(CP_DURATION_COLUMNS, n_cp, strict=True)), cp_total)
    cp_counts = [parts[c] or 0.0 for c in CP_DURATION_COLUMNS]

    cla_at31 = local_or_national(
        *both(_cla, "Children looked after on 31 March each year"), per_size=True
    )
    three = both(_stability, "CLA on 31 March", "With 3 or more placements during the year")
    three_total = both(_stability, "CLA on 31 March", "Total children")
    rate3 = _first(_ratio(three[0], three_total[0]), _ratio(three[1], three_total[1]), 0.1)
    two = both(_stability, "CLA 2 years on 31 March", "Total children")
    share2 = _first(_ratio(two[0], three_total[0]), _ratio(two[1], three_total[1]), 0.65)
    starts_ratio = (current.cla_starts or 1) / max(cla_at31, 1.0)
    # Councils whose starts far exceed their stock (Kent, ports of entry) look after many
    # unaccompanied young people who arrive at 16-17 and leave care at 18.
    uasc_share = min(0.45, max(0.03, 0.06 + 0.28 * max(0.0, starts_ratio - 0.5)))
    uasc_start_share = min(0.7, max(0.05, 0.1 + 0.4 * max(0.0, starts_ratio - 0.5)))

    inpost = loader.value("workforce", area, year, "inpost_fte")
    agency = loader.value("workforce", area, year, "agency_fte")
    holders = loader.value("workforce", area, year, "case_holders_fte")
    caseload = loader.value("workforce", area, year, "caseload_fte")
    n_inpost = loader.value("workforce", ENGLAND, year, "inpost_fte") or 0.0
    n_agency = loader.value("workforce", ENGLAND, year, "agency_fte") or 0.0
    n_holders = loader.value("workforce", ENGLAND, year, "case_holders_fte") or 0.0
    n_caseload = loader.value("workforce", ENGLAND, year, "caseload_fte") or 15.0
    if inpost is None:
        inpost = n_inpost * size
    if agency is None:
        agency = n_agency * size
    if holders is None:
        holders = min(inpost, n_holders * size)
    if caseload is None:
        caseload = n_caseload

    l1718 = _leaver_counts(area, year, "17 to 18 years", size)
    l1921 = _leaver_counts(area, year, "19 to 21 years", size)

    base = Targets(
        area=area,
        area_name=name,
        year=year,
        scale=scale,
        flows=tuple(flows),
        nfa_rate=float(nfa or 0.0),
        not_in_need_rate=float(nin or 0.0),
        cin_at31=int(cin_published),
        cp_by_duration=tuple(int(round_half_up(c)) for c in cp_counts),
        cla_at31=int(round_half_up(cla_at31)),
        cla_3plus=0,
        cla_2years_share=float(share2),
        uasc_share=uasc_share,
        uasc_start_share=uasc_start_share,
        leavers_17_18=_whole(l1718),
        leavers_19_21=_whole(l1921),
        inpost_fte=float(inpost),
        case_holders_fte=float(holders),
        agency_fte=float(agency),
        caseload=float(caseload),
    )
    return _scaled(base, scale, float(rate3))


def _whole(parts: dict[str, float]) -> LeaverGroup:
    """Whole people per activity group, keeping the (published) total exact."""
    keys = sorted(parts)
    total = round_half_up(sum(parts.values()))
    return LeaverGroup(dict(zip(keys, allocate(total, [parts[k] for k in keys]), strict=True)))


def _scaled(t: Targets, scale: float, rate3: float) -> Targets:
    def s(n: int) -> int:
        return round_half_up(n * scale)

    cla = s(t.cla_at31)
    return replace(
        t,
        scale=scale,
        flows=tuple(
            replace(
                f, referrals=s(f.referrals), cp_starts=s(f.cp_starts), cla_starts=s(f.cla_starts)
            )
            for f in t.flows
        ),
        cin_at31=s(t.cin_at31),
        cp_by_duration=_scaled_parts(t.cp_by_duration, scale),
        cla_at31=cla,
        cla_3plus=round_half_up(rate3 * cla),
        leavers_17_18=LeaverGroup(_scaled_dict(t.leavers_17_18.counts, scale)),
        leavers_19_21=LeaverGroup(_scaled_dict(t.leavers_19_21.counts, scale)),
        inpost_fte=t.inpost_fte * scale,
        case_holders_fte=t.case_holders_fte * scale,
        agency_fte=t.agency_fte * scale,
    )


def _scaled_parts(parts: tuple[int, ...], scale: float) -> tuple[int, ...]:
    """Scale a breakdown so that its total scales like a single volume (exact integers)."""
    return tuple(allocate(round_half_up(sum(parts) * scale), list(parts)))


def _scaled_dict(parts: dict[str, int], scale: float) -> dict[str, int]:
    keys = sorted(parts)
    return dict(zip(keys, _scaled_parts(tuple(parts[k] for k in keys), scale), strict=True))


def shard_count(t: Targets) -> int:
    return max(1, math.ceil(t.cin_at31 / SHARD_CHILDREN_IN_NEED))


def split(t: Targets, shards: int) -> list[Targets]:
    """Independent parts of one area that together add up to it exactly."""
    if shards <= 1:
        return [t]
    out = []
    for i in range(shards):

        def part(n: int, i: int = i) -> int:
            return split_evenly(n, shards, i)

        out.append(
            replace(
                t,
                shard=i,
                shards=shards,
                flows=tuple(
                    replace(
                        f,
                        referrals=part(f.referrals),
                        cp_starts=part(f.cp_starts),
                        cla_starts=part(f.cla_starts),
                    )
                    for f in t.flows
                ),
                cin_at31=part(t.cin_at31),
                cp_by_duration=tuple(part(n) for n in t.cp_by_duration),
                cla_at31=part(t.cla_at31),
                cla_3plus=part(t.cla_3plus),
                leavers_17_18=LeaverGroup({k: part(v) for k, v in t.leavers_17_18.counts.items()}),
                leavers_19_21=LeaverGroup({k: part(v) for k, v in t.leavers_19_21.counts.items()}),
                inpost_fte=t.inpost_fte / shards,
                case_holders_fte=t.case_holders_fte / shards,
                agency_fte=t.agency_fte / shards,
            )
        )
    return out
