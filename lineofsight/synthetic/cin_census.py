"""A synthetic council's children in need census return (CIN census XML), from its SSD extract.

    write_cin_census(out / "ssd", out / "cin_census.xml", year=2025,
                     reference_date=date(2025, 3, 31))

The census is the year to the census date (the reference date, 31 March): it holds every child
with an episode of need open at any time in that year (referred on or before the census date and
not closed before the year began), with each such episode and, inside it, the assessments, child
in need plans, section 47 enquiries (with the initial conference that followed) and child
protection plans (with their reviews) that were open at some time in the year. It is the return as
it stood on the census date: a date after it (a closure, an authorisation, a plan's end) is left
out, as the council could not yet have known it.

Items are written the way the census spells them: Sex as M, F or U from the 2024 to 2025 census
on (collection year 2025), GenderCurrent (1, 2, 0 or 9) before; Chinese ethnicity as CHNE;
categories of abuse as NEG, PHY, SAB, EMO and MUL. Items the SSD extract has no place for (UPN,
disabilities, factors identified at assessment) are left out, but for an empty factors list on
each assessment, as the census writes one.

The SSD tables are read from the CSV files `lineofsight synthesize` writes, one table at a time;
the child's rows are gathered in memory, which is fine for a council but not meant for England.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

SEX_FROM_YEAR = 2025  # Sex (M, F, U) replaced GenderCurrent in the 2024 to 2025 census
GENDER_CURRENT = {"M": "1", "F": "2", "U": "0"}
GENDER_CURRENT_FROM_NHS = {"01": "1", "02": "2", "00": "0", "09": "9"}
SEX_FROM_NHS = {"01": "M", "02": "F"}
ETHNICITY = {"CNHE": "CHNE"}
CATEGORY_CODES = {
    "NEGLECT": "NEG",
    "PHYSICAL ABUSE": "PHY",
    "SEXUAL ABUSE": "SAB",
    "EMOTIONAL ABUSE": "EMO",
    "MULTIPLE": "MUL",
}
SOFTWARE = "Line of Sight synthetic council"

Row = dict[str, str]


def _rows(ssd_dir: Path, table: str) -> Iterator[Row]:
    path = ssd_dir / f"{table}.csv"
    if not path.exists():
        return
    with path.open(newline="", encoding="utf-8") as fh:
        yield from csv.DictReader(fh)


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text[:10]) if text else None


def _by(ssd_dir: Path, table: str, key: str) -> dict[str, list[Row]]:
    grouped: dict[str, list[Row]] = defaultdict(list)
    for row in _rows(ssd_dir, table):
        grouped[row[key]].append(row)
    return grouped


def _year_start(reference_date: date) -> date:
    """The first day of the census year: the day after the census date a year before."""
    try:
        before = reference_date.replace(year=reference_date.year - 1)
    except ValueError:  # 29 February
        before = reference_date.replace(year=reference_date.year - 1, day=28)
    return before + timedelta(days=1)


class _Census:
    """The census year and what in the SSD falls in it."""

    def __init__(self, ssd_dir: Path, *, year: int, reference_date: date) -> None:
        self.year = year
        self.census = reference_date
        self.start = _year_start(reference_date)
        self.assessments = _by(ssd_dir, "ssd_cin_assessments", "cina_referral_id")
        self.cin_plans = _by(ssd_dir, "ssd_cin_plans", "cinp_referral_id")
        self.enquiries = _by(ssd_dir, "ssd_s47_enquiry", "s47e_referral_id")
        self.conferences = _by(ssd_dir, "ssd_initial_cp_conference", "icpc_referral_id")
        self.cp_plans = _by(ssd_dir, "ssd_cp_plans", "cppl_referral_id")
        self.reviews = _by(ssd_dir, "ssd_cp_reviews", "cppr_cp_plan_id")
        self.plan_starts: dict[str, list[date]] = defaultdict(list)
        for plans in self.cp_plans.values():
            for plan in plans:
                started = _day(plan["cppl_cp_plan_start_date"])
                if started is not None:
                    self.plan_starts[plan["cppl_person_id"]].append(started)

    def open_in_year(self, start: date | None, end: date | None) -> bool:
        return start is not None and start <= self.census and (end is None or end >= self.start)

    def known(self, when: date | None) -> date | None:
        """A date as the census knew it: nothing after the census date."""
        return when if when is not None and when <= self.census else None


def _item(tag: str, value: object, indent: int) -> str:
    if value is None or value == "":
        return ""
    text = value.isoformat() if isinstance(value, date) else str(value)
    return f"{' ' * indent}<{tag}>{escape(text)}</{tag}>\n"


def _person(person: Row, census: _Census) -> str:
    sex = (person.get("pers_sex") or "").upper()
    gender = person.get("pers_gender") or ""
    if sex not in ("M", "F", "U"):
        sex = SEX_FROM_NHS.get(gender, "U")
    if census.year >= SEX_FROM_YEAR:
        sex_item = _item("Sex", sex, 8)
    else:
        sex_item = _item(
            "GenderCurrent", GENDER_CURRENT_FROM_NHS.get(gender) or GENDER_CURRENT[sex], 8
        )
    ethnicity = person.get("pers_ethnicity") or ""
    return (
        "      <ChildIdentifiers>\n"
        + _item("LAchildID", person["pers_person_id"], 8)
        + _item("UPNunknown", person.get("pers_upn_unknown"), 8)
        + _item("PersonBirthDate", census.known(_day(person.get("pers_dob"))), 8)
        + _item("ExpectedPersonBirthDate", _day(person.get("pers_expected_dob")), 8)
        + sex_item
        + _item("PersonDeathDate", census.known(_day(person.get("pers_death_date"))), 8)
        + "      </ChildIdentifiers>\n"
        + "      <ChildCharacteristics>\n"
        + _item("Ethnicity", ETHNICITY.get(ethnicity, ethnicity), 8)
        + "      </ChildCharacteristics>\n"
    )


def _conference_wanted(enquiry: Row) -> str | None:
    """ICPCnotRequired from the enquiry's outcome: true when no conference was called for."""
    try:
        outcome = json.loads(enquiry.get("s47e_s47_outcome_json") or "{}")
    except ValueError:
        return None
    flag = str(outcome.get("CP_CONFERENCE_FLAG") or "").upper()
    return {"Y": "false", "N": "true"}.get(flag)


def _category(words: str | None) -> str | None:
    if not words:
        return None
    text = words.strip().upper()
    if text in CATEGORY_CODES.values():
        return text
    return next((code for name, code in CATEGORY_CODES.items() if text.startswith(name)), None)


def _episode(episode: Row, census: _Census) -> str:
    referral_id = episode["cine_referral_id"]
    child = episode["cine_person_id"]
    closed = census.known(_day(episode.get("cine_close_date")))
    parts = [
        _item("CINreferralDate", _day(episode["cine_referral_date"]), 8),
        _item("ReferralSource", episode.get("cine_referral_source_code"), 8),
        _item("PrimaryNeedCode", episode.get("cine_cin_primary_need_code"), 8),
        _item("CINclosureDate", closed, 8),
        _item("ReasonForClosure", episode.get("cine_close_reason") if closed else None, 8),
    ]
    enquiries = [
        e
        for e in census.enquiries.get(referral_id, ())
        if _enquiry_in_year(e, census, census.conferences.get(referral_id, []))
    ]
    conferences = sorted(
        (
            c
            for c in census.conferences.get(referral_id, ())
            if census.open_in_year(_day(c["icpc_icpc_date"]), _day(c["icpc_icpc_date"]))
        ),
        key=lambda c: c["icpc_icpc_date"],
    )
    # The episode's own conference item: its first conference in the year.
    first = _day(conferences[0]["icpc_icpc_date"]) if conferences else None
    parts.append(_item("DateOfInitialCPC", first, 8))
    for assessment in census.assessments.get(referral_id, ()):
        started = _day(assessment["cina_assessment_start_date"])
        authorised = _day(assessment.get("cina_assessment_auth_date"))
        if not census.open_in_year(started, authorised):
            continue
        parts.append(
            "        <Assessments>\n"
            + _item("AssessmentActualStartDate", started, 10)
            + _item("AssessmentAuthorisationDate", census.known(authorised), 10)
            + "          <FactorsIdentifiedAtAssessment/>\n"
            + "        </Assessments>\n"
        )
    for plan in census.cin_plans.get(referral_id, ()):
        started = _day(plan["cinp_cin_plan_start_date"])
        ended = _day(plan.get("cinp_cin_plan_end_date"))
        if not census.open_in_year(started, ended):
            continue
        parts.append(
            "        <CINPlanDates>\n"
            + _item("CINPlanStartDate", started, 10)
            + _item("CINPlanEndDate", census.known(ended), 10)
            + "        </CINPlanDates>\n"
        )
    by_enquiry = {c["icpc_s47_enquiry_id"]: c for c in conferences if c["icpc_s47_enquiry_id"]}
    for enquiry in enquiries:
        conference = by_enquiry.get(enquiry["s47e_s47_enquiry_id"])
        parts.append(
            "        <Section47>\n"
            + _item("S47ActualStartDate", _day(enquiry["s47e_s47_start_date"]), 10)
            + _item(
                "InitialCPCtarget",
                _day(conference.get("icpc_icpc_target_date")) if conference else None,
                10,
            )
            + _item(
                "DateOfInitialCPC", _day(conference["icpc_icpc_date"]) if conference else None, 10
            )
            + _item("ICPCnotRequired", _conference_wanted(enquiry), 10)
            + "        </Section47>\n"
        )
    nfa = (episode.get("cine_referral_nfa") or "").upper()
    parts.append(_item("ReferralNFA", {"Y": "true", "N": "false"}.get(nfa), 8))
    for plan in census.cp_plans.get(referral_id, ()):
        started = _day(plan["cppl_cp_plan_start_date"])
        ended = _day(plan.get("cppl_cp_plan_end_date"))
        if not census.open_in_year(started, ended):
            continue
        earlier = sum(1 for s in census.plan_starts[child] if started and s < started)
        reviews = sorted(
            d
            for r in census.reviews.get(plan["cppl_cp_plan_id"], ())
            if (d := _day(r.get("cppr_cp_review_date"))) is not None
            and census.start <= d <= census.census
        )
        parts.append(
            "        <ChildProtectionPlans>\n"
            + _item("CPPstartDate", started, 10)
            + _item("CPPendDate", census.known(ended), 10)
            + _item(
                "InitialCategoryOfAbuse", _category(plan.get("cppl_cp_plan_initial_category")), 10
            )
            + _item(
                "LatestCategoryOfAbuse", _category(plan.get("cppl_cp_plan_latest_category")), 10
            )
            + _item("NumberOfPreviousCPP", earlier, 10)
            + (
                "          <Reviews>\n"
                + "".join(_item("CPPreviewDate", d, 12) for d in reviews)
                + "          </Reviews>\n"
                if reviews
                else ""
            )
            + "        </ChildProtectionPlans>\n"
        )
    return "      <CINdetails>\n" + "".join(parts) + "      </CINdetails>\n"


def _enquiry_in_year(enquiry: Row, census: _Census, conferences: list[Row]) -> bool:
    started = _day(enquiry["s47e_s47_start_date"])
    ended = _day(enquiry.get("s47e_s47_end_date"))
    if census.open_in_year(started, ended):
        return True
    # An enquiry that ended before the year but whose conference was held in it.
    held = [
        _day(c["icpc_icpc_date"])
        for c in conferences
        if c["icpc_s47_enquiry_id"] == enquiry["s47e_s47_enquiry_id"]
    ]
    return any(census.open_in_year(h, h) for h in held)


def _header(census: _Census, area: str) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        "<Message>\n"
        "  <Header>\n"
        "    <CollectionDetails>\n"
        "      <Collection>CIN</Collection>\n"
        f"      <Year>{census.year}</Year>\n"
        f"      <ReferenceDate>{census.census.isoformat()}</ReferenceDate>\n"
        "    </CollectionDetails>\n"
        "    <Source>\n"
        "      <SourceLevel>L</SourceLevel>\n"
        f"      <LEA>{escape(area)}</LEA>\n"
        f"      <SoftwareCode>{SOFTWARE}</SoftwareCode>\n"
        "      <Release>1</Release>\n"
        "      <SerialNo>001</SerialNo>\n"
        f"      <DateTime>{census.census.isoformat()}T00:00:00</DateTime>\n"
        "    </Source>\n"
        "  </Header>\n"
        "  <Children>\n"
    )


def _area(ssd_dir: Path) -> str:
    """The council's LA code, from the synthetic council's structure.json beside the tables."""
    structure = ssd_dir.parent / "structure.json"
    if structure.exists():
        return str(json.loads(structure.read_text(encoding="utf-8")).get("area", "000"))
    return "000"


def write_cin_census(ssd_dir: Path, out: Path, *, year: int, reference_date: date) -> Path:
    """Write the census of collection `year` (the year it ends in) as at `reference_date`, for
    the children in the SSD extract in `ssd_dir`, to the file `out`. Returns `out`."""
    ssd_dir, out = Path(ssd_dir), Path(out)
    census = _Census(ssd_dir, year=year, reference_date=reference_date)
    episodes: dict[str, list[Row]] = defaultdict(list)
    for episode in _rows(ssd_dir, "ssd_cin_episodes"):
        referred = _day(episode.get("cine_referral_date"))
        closed = _day(episode.get("cine_close_date"))
        if census.open_in_year(referred, closed):
            episodes[episode["cine_person_id"]].append(episode)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write(_header(census, _area(ssd_dir)))
        for person in _rows(ssd_dir, "ssd_person"):
            own = episodes.get(person["pers_person_id"])
            if not own:
                continue
            own.sort(key=lambda e: (e["cine_referral_date"], e["cine_referral_id"]))
            fh.write(
                "    <Child>\n"
                + _person(person, census)
                + "".join(_episode(e, census) for e in own)
                + "    </Child>\n"
            )
        fh.write("  </Children>\n</Message>\n")
    return out
