"""DfE-published figures computed from SSD tables, side by side with the published values.

`compute_figures` runs on any DuckDB connection holding the SSD tables (a snapshot, or CSV files
opened with `ssdcsv.attach_csv_tables`), so it checks real extracts as well as synthetic ones.
The definitions follow the DfE's:

- referrals: referrals received in the year (1 April to 31 March);
- re-referrals: referrals within 12 months of a previous referral of the same child;
- children in need at 31 March: episodes open on that date (including CP and CLA children);
- CP plans at 31 March (and their length so far), CP plans started in the year and the share of
  them that are a second or subsequent plan for the child;
- looked-after children at 31 March, and the share with 3 or more placements during the year;
- care leavers aged 17-18 and 19-21 (relevant and former relevant), in education, employment or
  training, and in touch; the DfE publishes "activity not known", so in touch is its complement;
- social workers in post (FTE, Social Work England registered, not agency), agency rate (FTE) and
  average caseload per case-holding social worker on 30 September (the workforce census date).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from lineofsight.publishedstats import loader
from lineofsight.publishedstats.loader import ENGLAND

from .targets import CP_DURATION_COLUMNS

TOLERANCE = 0.10
EET_CODES = ("F1", "P1", "F2", "P2", "F3", "P3", "F4", "P4", "F5", "P5")
IN_TOUCH_CODES = ("YES", "NREQ", "RHOM")


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    volume: bool  # scales with the council's size (a count), rather than a rate


FIGURES: tuple[Figure, ...] = (
    Figure("referrals", "Referrals in the year", True),
    Figure("rereferral_pct", "Re-referrals within 12 months (%)", False),
    Figure("cin_at31", "Children in need at 31 March", True),
    Figure("cp_at31", "Child protection plans at 31 March", True),
    Figure("cp_at31_3m_pct", "  of which 3 months or less (%)", False),
    Figure("cp_at31_3_6m_pct", "  of which over 3 to 6 months (%)", False),
    Figure("cp_at31_6_12m_pct", "  of which over 6 months, under 1 year (%)", False),
    Figure("cp_at31_1_2y_pct", "  of which 1 to 2 years (%)", False),
    Figure("cp_at31_2y_pct", "  of which 2 years or more (%)", False),
    Figure("cp_starts", "Child protection plans started in the year", True),
    Figure("cp_subsequent_pct", "  second or subsequent plans (%)", False),
    Figure("cla_at31", "Children looked after at 31 March", True),
    Figure("cla_3plus_pct", "  with 3 or more placements in the year (%)", False),
    Figure("leavers_17_18", "Care leavers aged 17-18", True),
    Figure("leavers_17_18_eet_pct", "  in education, employment or training (%)", False),
    Figure("leavers_17_18_in_touch_pct", "  in touch (activity known) (%)", False),
    Figure("leavers_19_21", "Care leavers aged 19-21", True),
    Figure("leavers_19_21_eet_pct", "  in education, employment or training (%)", False),
    Figure("leavers_19_21_in_touch_pct", "  in touch (activity known) (%)", False),
    Figure("sw_fte", "Social workers in post (FTE)", True),
    Figure("agency_rate_pct", "Agency social workers (% of FTE)", False),
    Figure("caseload", "Average caseload per case holder (30 September)", False),
)


def _dates(year: int) -> dict[str, date]:
    return {
        "a": date(year, 3, 31),
        "ys": date(year - 1, 4, 1),
        "census": date(year - 1, 9, 30),
    }


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables "
        "UNION SELECT view_name FROM duckdb_views() WHERE NOT internal"
    ).fetchall()
    return {r[0] for r in rows}


def _run(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, object]) -> tuple | None:
    """Execute with the named parameters the statement uses (DuckDB rejects extra ones)."""
    used = {k: v for k, v in params.items() if f"${k}" in sql}
    return con.execute(sql, used).fetchone()


def _one(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, object]) -> float | None:
    row = _run(con, sql, params)
    if row is None or row[0] is None:
        return None
    return float(row[0])


def _d(column: str) -> str:
    """A date column whether stored as DATE or as ISO text."""
    return f"TRY_CAST({column} AS DATE)"


def compute_figures(con: duckdb.DuckDBPyConnection, year: int) -> dict[str, float | None]:
    """Every figure of FIGURES computed from the SSD tables in `con`, None where a table is
    missing or a share has no denominator."""
    p: dict[str, object] = _dates(year)
    have = _tables(con)
    out: dict[str, float | None] = {f.key: None for f in FIGURES}

    if "ssd_cin_episodes" in have:
        refs = f"""
            SELECT cine_person_id AS person, {_d("cine_referral_date")} AS d
            FROM ssd_cin_episodes WHERE cine_referral_date IS NOT NULL"""
        out["referrals"] = _one(con, f"SELECT count(*) FROM ({refs}) WHERE d BETWEEN $ys AND $a", p)
        out["rereferral_pct"] = _one(
            con,
            f"""
            WITH r AS ({refs}),
            prev AS (
                SELECT d, max(d) OVER (
                    PARTITION BY person ORDER BY d
                    RANGE BETWEEN UNBOUNDED PRECEDING AND INTERVAL 1 DAY PRECEDING) AS before
                FROM r)
            SELECT 100.0 * count(*) FILTER (WHERE before >= d - INTERVAL 12 MONTH)
                   / NULLIF(count(*), 0)
            FROM prev WHERE d BETWEEN $ys AND $a""",
            p,
        )
        out["cin_at31"] = _one(
            con,
            f"""SELECT count(*) FROM ssd_cin_episodes
                WHERE {_d("cine_referral_date")} <= $a
                  AND (cine_close_date IS NULL OR {_d("cine_close_date")} > $a)""",
            p,
        )

    if "ssd_cp_plans" in have:
        plans = f"""
            SELECT cppl_person_id AS person, {_d("cppl_cp_plan_start_date")} AS s,
                   {_d("cppl_cp_plan_end_date")} AS e
            FROM ssd_cp_plans WHERE cppl_cp_plan_start_date IS NOT NULL"""
        row = _run(
            con,
            f"""
            WITH open AS (SELECT s FROM ({plans}) WHERE s <= $a AND (e IS NULL OR e > $a))
            SELECT count(*),
              count(*) FILTER (WHERE s >= $a - INTERVAL 3 MONTH),
              count(*) FILTER (WHERE s < $a - INTERVAL 3 MONTH AND s >= $a - INTERVAL 6 MONTH),
              count(*) FILTER (WHERE s < $a - INTERVAL 6 MONTH AND s > $a - INTERVAL 12 MONTH),
              count(*) FILTER (WHERE s <= $a - INTERVAL 12 MONTH AND s > $a - INTERVAL 24 MONTH),
              count(*) FILTER (WHERE s <= $a - INTERVAL 24 MONTH)
            FROM open""",
            p,
        )
        assert row is not None
        total = float(row[0])
        out["cp_at31"] = total
        for key, n in zip(
            ("cp_at31_3m_pct", "cp_at31_3_6m_pct", "cp_at31_6_12m_pct", "cp_at31_1_2y_pct"),
            row[1:5],
            strict=True,
        ):
            out[key] = 100.0 * n / total if total else None
        out["cp_at31_2y_pct"] = 100.0 * row[5] / total if total else None
        row = _run(
            con,
            f"""
            WITH p AS (SELECT s, min(s) OVER (PARTITION BY person) AS first FROM ({plans}))
            SELECT count(*), count(*) FILTER (WHERE first < s)
            FROM p WHERE s BETWEEN $ys AND $a""",
            p,
        )
        assert row is not None
        out["cp_starts"] = float(row[0])
        out["cp_subsequent_pct"] = 100.0 * row[1] / row[0] if row[0] else None

    cla_at31 = f"""
        SELECT DISTINCT clae_person_id AS person FROM ssd_cla_episodes
        WHERE {_d("clae_cla_episode_start_date")} <= $a
          AND (clae_cla_episode_ceased_date IS NULL OR {_d("clae_cla_episode_ceased_date")} > $a)"""
    if "ssd_cla_episodes" in have:
        out["cla_at31"] = _one(con, f"SELECT count(*) FROM ({cla_at31})", p)
        if "ssd_cla_placement" in have:
            out["cla_3plus_pct"] = _one(
                con,
                f"""
                WITH n AS (
                    SELECT c.person, count(DISTINCT pl.clap_cla_placement_id) AS placements
                    FROM ({cla_at31}) c
                    LEFT JOIN ssd_cla_placement pl
                      ON pl.clap_person_id = c.person
                     AND {_d("pl.clap_cla_placement_start_date")} <= $a
                     AND (pl.clap_cla_placement_end_date IS NULL
                          OR {_d("pl.clap_cla_placement_end_date")} >= $ys)
                    GROUP BY c.person)
                SELECT 100.0 * count(*) FILTER (WHERE placements >= 3) / NULLIF(count(*), 0)
                FROM n""",
                p,
            )

    if {"ssd_care_leavers", "ssd_person"} <= have:
        looked_after = (
            f"AND cl.clea_person_id NOT IN ({cla_at31})" if "ssd_cla_episodes" in have else ""
        )
        eet = ", ".join(f"'{c}'" for c in EET_CODES)
        touch = ", ".join(f"'{c}'" for c in IN_TOUCH_CODES)
        for band, lo, hi in (("17_18", 17, 18), ("19_21", 19, 21)):
            row = _run(
                con,
                f"""
                WITH cl AS (
                    SELECT cl.*, {_d("pe.pers_dob")} AS dob
                    FROM ssd_care_leavers cl JOIN ssd_person pe
                      ON pe.pers_person_id = cl.clea_person_id
                    WHERE cl.clea_care_leaver_eligibility IN ('Relevant', 'Former Relevant')
                    {looked_after}),
                aged AS (
                    SELECT *, year($a) - year(dob)
                              - CASE WHEN strftime(dob, '%m%d') > strftime($a, '%m%d')
                                     THEN 1 ELSE 0 END AS age
                    FROM cl WHERE dob IS NOT NULL)
                SELECT count(*),
                       count(*) FILTER (WHERE clea_care_leaver_activity IN ({eet})),
                       count(*) FILTER (WHERE clea_care_leaver_in_touch IN ({touch}))
                FROM aged WHERE age BETWEEN {lo} AND {hi}""",
                p,
            )
            assert row is not None
            n = float(row[0])
            out[f"leavers_{band}"] = n
            out[f"leavers_{band}_eet_pct"] = 100.0 * row[1] / n if n else None
            out[f"leavers_{band}_in_touch_pct"] = 100.0 * row[2] / n if n else None

    if "ssd_professionals" in have:
        registered = "coalesce(prof_social_worker_registration_no, '') LIKE 'SW%'"
        agency = "coalesce(prof_agency_worker_flag, 'N') = 'Y'"
        fte = "coalesce(TRY_CAST(prof_full_time_equivalency AS DOUBLE), 0)"
        row = con.execute(
            f"""SELECT sum({fte}) FILTER (WHERE {registered} AND NOT {agency}),
                       sum({fte}) FILTER (WHERE {registered} AND {agency})
                FROM ssd_professionals"""
        ).fetchone()
        assert row is not None
        in_post, agency_fte = float(row[0] or 0), float(row[1] or 0)
        out["sw_fte"] = in_post
        total = in_post + agency_fte
        out["agency_rate_pct"] = 100.0 * agency_fte / total if total else None
        if "ssd_involvements" in have:
            row = _run(
                con,
                f"""
                WITH held AS (
                    SELECT i.invo_professional_id AS worker, count(*) AS cases
                    FROM ssd_involvements i
                    WHERE {_d("i.invo_involvement_start_date")} <= $census
                      AND (i.invo_involvement_end_date IS NULL
                           OR {_d("i.invo_involvement_end_date")} > $census)
                    GROUP BY 1)
                SELECT sum(h.cases), sum({fte})
                FROM held h JOIN ssd_professionals w ON w.prof_professional_id = h.worker
                WHERE {registered} AND NOT {agency}""",
                p,
            )
            assert row is not None
            if row[0] and row[1]:
                out["caseload"] = float(row[0]) / float(row[1])
    return out


def _pct(num: float | None, den: float | None) -> float | None:
    if num is None or not den:
        return None
    return 100.0 * num / den


def published_figures(la_code: str, year: int) -> dict[str, float | None]:
    """The same figures as published by the DfE (None where suppressed or not published)."""
    area = loader.normalise_area(la_code)
    v = loader.value
    out: dict[str, float | None] = {f.key: None for f in FIGURES}
    refs = v("referrals", area, year, "referral_count")
    out["referrals"] = refs
    out["rereferral_pct"] = _pct(v("referrals", area, year, "rereferral_count"), refs)
    out["cin_at31"] = v("cin", area, year, "At31_episodes")
    cp = v("cp_duration", area, year, "CPP_At31")
    out["cp_at31"] = cp
    for key, column in zip(
        (
            "cp_at31_3m_pct",
            "cp_at31_3_6m_pct",
            "cp_at31_6_12m_pct",
            "cp_at31_1_2y_pct",
            "cp_at31_2y_pct",
        ),
        CP_DURATION_COLUMNS,
        strict=True,
    ):
        out[key] = _pct(v("cp_duration", area, year, column), cp)
    starts = v("cp_subsequent", area, year, "CPP_start")
    out["cp_starts"] = starts
    out["cp_subsequent_pct"] = _pct(v("cp_subsequent", area, year, "CPP_subsequent"), starts)
    out["cla_at31"] = v(
        "cla",
        area,
        year,
        "children_count",
        population_type="Children looked after on 31 March each year",
    )

    def stability(measure: str) -> float | None:
        return v(
            "placement_stability",
            area,
            year,
            "children_count",
            cla_group="CLA on 31 March",
            placement_stability=measure,
        )

    out["cla_3plus_pct"] = _pct(
        stability("With 3 or more placements during the year"), stability("Total children")
    )
    for band, label in (("17_18", "17 to 18 years"), ("19_21", "19 to 21 years")):

        def leavers(breakdown: str, label: str = label) -> float | None:
            return v(
                "care_leavers",
                area,
                year,
                "care_leaver_count",
                care_leaver_age=label,
                breakdown=breakdown,
            )

        total = leavers("Total")
        out[f"leavers_{band}"] = total
        out[f"leavers_{band}_eet_pct"] = _pct(
            leavers("Total in education, employment or training"), total
        )
        unknown = _pct(leavers("Total information not known"), total)
        out[f"leavers_{band}_in_touch_pct"] = None if unknown is None else 100.0 - unknown
    inpost = v("workforce", area, year, "inpost_fte")
    agency = v("workforce", area, year, "agency_fte")
    out["sw_fte"] = inpost
    if inpost is not None and agency is not None:
        out["agency_rate_pct"] = _pct(agency, inpost + agency)
    out["caseload"] = v("workforce", area, year, "caseload_fte")
    return out


@dataclass(frozen=True)
class Comparison:
    figure: Figure
    computed: float | None
    published: float | None

    @property
    def difference_pct(self) -> float | None:
        if self.computed is None or self.published is None or self.published == 0:
            return None
        return 100.0 * (self.computed - self.published) / self.published

    @property
    def within(self) -> bool | None:
        """Within the tolerance; None when there is nothing published to compare with."""
        if self.published is None:
            return None
        if self.computed is None:
            return False
        if self.published == 0:
            return self.computed == 0
        diff = self.difference_pct
        return diff is not None and abs(diff) <= TOLERANCE * 100 + 1e-9


def compare(
    computed: dict[str, float | None],
    published: dict[str, float | None],
    scale: float = 1.0,
) -> list[Comparison]:
    """Pair the figures; published volumes are multiplied by `scale` (a council built at 0.1)."""
    out = []
    for f in FIGURES:
        pub = published.get(f.key)
        if pub is not None and f.volume:
            pub = pub * scale
        out.append(Comparison(f, computed.get(f.key), pub))
    return out


def _fmt(x: float | None, volume: bool) -> str:
    if x is None:
        return "-"
    return f"{x:,.0f}" if volume and abs(x - round(x)) < 1e-9 else f"{x:,.1f}"


def format_table(rows: list[Comparison]) -> str:
    header = ("Figure", "Computed", "Published", "Diff %", "Within 10%")
    lines = [header]
    for r in rows:
        diff = r.difference_pct
        within = {True: "yes", False: "NO", None: "n/a (not published)"}[r.within]
        lines.append(
            (
                r.figure.label,
                _fmt(r.computed, r.figure.volume),
                _fmt(r.published, r.figure.volume),
                "-" if diff is None else f"{diff:+.1f}",
                within,
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out = []
    for i, line in enumerate(lines):
        cells = [line[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(line[1:4], widths[1:4], strict=True)
        ]
        cells.append(line[4])
        out.append("  ".join(cells))
        if i == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def area_label(la_code: str, year: int) -> str:
    area = loader.normalise_area(la_code)
    name = loader.area_name(area, year) or "unknown area"
    return name if area == ENGLAND else f"{name} ({area})"
