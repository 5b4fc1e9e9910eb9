"""The DfE children in need (CIN) census: its XML return, read into the snapshot's SSD tables.

    parsed = read_cin_census(path)     # CinCensusExtract: SSD tables, problems, census date
    parsed.reference_date              # the census date (Header/CollectionDetails/ReferenceDate)

The return is one `Message`: a `Header` (`CollectionDetails`: `Collection` CIN, `Year`, the year
the census ends in (2025 for 2024 to 2025), and `ReferenceDate`, the census date, 31 March) and
`Children`, one `Child` per child in need at any time in the year:

- `ChildIdentifiers` (LAchildID, UPN, FormerUPN, UPNunknown, PersonBirthDate,
  ExpectedPersonBirthDate, Sex, or GenderCurrent before 2024 to 2025, PersonDeathDate) and
  `ChildCharacteristics` (Ethnicity, Disabilities) give `ssd_person`;
- each `CINdetails` is one episode of need, from referral to closure, and gives one
  `ssd_cin_episodes` row; inside it `Assessments`, `CINPlanDates`, `Section47` (with the initial
  conference that followed it) and `ChildProtectionPlans` (with their `Reviews`) give
  `ssd_cin_assessments`, `ssd_cin_plans`, `ssd_s47_enquiry`, `ssd_initial_cp_conference`,
  `ssd_cp_plans` and `ssd_cp_reviews`.

Collection years 2022 to 2026 are read (COLLECTION_YEARS): their items are the same but for Sex,
which replaced GenderCurrent in 2024 to 2025 (either is read, under either name), and the
pre-proceedings items added in 2025 to 2026, which the snapshot has no table for.

The census has no record ids, so ids are made from the child, the table and the key date
("CIN-DfEX0000001-20221006"); a second record with the same three gets "-2", and so on in file
order, so the same file always gives the same ids, and a record keeps its id from one year's
census to the next. A record without its key date is told apart by its position
("CINA-DfEX0000001-e2-a1": the first assessment of the second episode).

Links: everything inside a `CINdetails` belongs to its referral. A conference under `Section47`
belongs to that enquiry; the episode's own `DateOfInitialCPC`, when no enquiry's conference was
held that day, is a conference of its own. A child protection plan is linked to the episode's
latest conference held on its start date or in the 31 days before (as the Annex A reader does),
and that conference's outcome is then a plan (icpc_icpc_outcome_cp_flag Y); a conference no
plan followed has outcome N.

Every problem names the file, the child (its position in the file, first child 1, which is also
the problem's row) and the element path, e.g. "Child 12 (LAchildID DfEX0000001) / CINdetails 2 /
Assessments 1 / AssessmentActualStartDate", with the item as the field and the value as written.
Errors (the import is refused):
- the file is not well-formed XML, its root is not Message, it is not a CIN return, or its
  collection year is not one read here;
- a child without LAchildID, or with the LAchildID of an earlier child;
- a date that is not YYYY-MM-DD;
- an end before its start (closure before referral, authorisation before an assessment's start,
  a plan ending before it starts, a conference before its enquiry, a review before its plan);
- an episode without CINreferralDate; a yes/no item that is not true, false, 1 or 0;
- a code the snapshot counts on (Sex, PrimaryNeedCode, categories of abuse) that is not one of
  the census's codes: the value is left blank.
Warnings (the import goes on):
- a census date that is not 31 March of the collection year, or a date after the census date;
- an assessment, enquiry or plan starting before its episode's referral;
- codes only shown to people (ReferralSource, ReasonForClosure, Ethnicity, UPNunknown), kept as
  written, and codes of items the snapshot does not keep (Disability, AssessmentFactors);
- a sex written in the other item's codes (Sex 1, GenderCurrent M): read, with a warning;
- a closure date without a reason, or a reason without a date; a child without Sex.
Code checks follow casework.rules: an unknown code is an error where the snapshot's own checks
would refuse it, a warning where they would warn.
"""

from __future__ import annotations

import datetime
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from lineofsight.casework import rules, schema
from lineofsight.casework.codewords import REFERRAL_SOURCE

from .problems import ParsedExtract, Problem, Severity

COLLECTION_YEARS = range(2022, 2027)  # the census years read: 2021 to 2022 ... 2025 to 2026
CENSUS_MONTH_DAY = (3, 31)  # the census date: 31 March of the collection year
ICPC_BEFORE_PLAN = datetime.timedelta(days=31)

TABLES: tuple[str, ...] = (
    "ssd_person",
    "ssd_cin_episodes",
    "ssd_cin_assessments",
    "ssd_s47_enquiry",
    "ssd_initial_cp_conference",
    "ssd_cin_plans",
    "ssd_cp_plans",
    "ssd_cp_reviews",
)
# What the census can fill, table by table; every other field of these tables is something the
# census does not say (who did the work, visits, outcomes beyond a plan), which pages must not
# read as "none".
FILLED: dict[str, tuple[str, ...]] = {
    "ssd_person": (
        "pers_person_id",
        "pers_sex",
        "pers_gender",
        "pers_ethnicity",
        "pers_dob",
        "pers_upn_unknown",
        "pers_expected_dob",
        "pers_death_date",
    ),
    "ssd_cin_episodes": (
        "cine_referral_id",
        "cine_person_id",
        "cine_referral_date",
        "cine_cin_primary_need_code",
        "cine_referral_source_code",
        "cine_referral_source_desc",
        "cine_referral_nfa",
        "cine_close_reason",
        "cine_close_date",
    ),
    "ssd_cin_assessments": (
        "cina_assessment_id",
        "cina_person_id",
        "cina_referral_id",
        "cina_assessment_start_date",
        "cina_assessment_auth_date",
    ),
    "ssd_s47_enquiry": (
        "s47e_s47_enquiry_id",
        "s47e_referral_id",
        "s47e_person_id",
        "s47e_s47_start_date",
        "s47e_s47_outcome_json",
    ),
    "ssd_initial_cp_conference": (
        "icpc_icpc_id",
        "icpc_s47_enquiry_id",
        "icpc_person_id",
        "icpc_cp_plan_id",
        "icpc_referral_id",
        "icpc_icpc_target_date",
        "icpc_icpc_date",
        "icpc_icpc_outcome_cp_flag",
        "icpc_icpc_outcome_json",
    ),
    "ssd_cin_plans": (
        "cinp_cin_plan_id",
        "cinp_referral_id",
        "cinp_person_id",
        "cinp_cin_plan_start_date",
        "cinp_cin_plan_end_date",
    ),
    "ssd_cp_plans": (
        "cppl_cp_plan_id",
        "cppl_referral_id",
        "cppl_icpc_id",
        "cppl_person_id",
        "cppl_cp_plan_start_date",
        "cppl_cp_plan_end_date",
        "cppl_cp_plan_initial_category",
        "cppl_cp_plan_latest_category",
    ),
    "ssd_cp_reviews": (
        "cppr_cp_review_id",
        "cppr_person_id",
        "cppr_cp_plan_id",
        "cppr_cp_review_date",
    ),
}

# Sex (from 2024 to 2025) is M, F or U; GenderCurrent (before) was 1 male, 2 female, 0 not known,
# 9 not specified. Either item is read in either code set: (pers_sex, pers_gender), where the
# gender is the NHS code the Annex A reader also gives ("01" male, "02" female, "00", "09").
SEX_CODES: dict[str, tuple[str, str | None]] = {
    "M": ("M", None),
    "F": ("F", None),
    "U": ("U", None),
}
GENDER_CURRENT_CODES: dict[str, tuple[str, str | None]] = {
    "1": ("M", "01"),
    "2": ("F", "02"),
    "0": ("U", "00"),
    "9": ("U", "09"),
}
# The census writes Chinese as CHNE; the SSD as CNHE.
ETHNICITY_ALIASES = {"CHNE": "CNHE"}
CATEGORY_OF_ABUSE = {
    "NEG": "Neglect",
    "PHY": "Physical abuse",
    "SAB": "Sexual abuse",
    "EMO": "Emotional abuse",
    "MUL": "Multiple",
}


def _codes(codes: str) -> frozenset[str]:
    return frozenset(codes.split())


DISABILITY_CODES = _codes("NONE MOB HAND PC INC COMM LD HEAR VIS BEH CON AUT DDA")
ASSESSMENT_FACTORS = _codes(
    "1A 1B 1C 2A 2B 2C 3A 3B 3C 4A 4B 4C 5A 5B 5C 6A 6B 6C 7A 8B 8C 8D 8E 8F 9A 10A 11A 12A 13A"
    " 14A 15A 16A 17A 18A 18B 18C 19A 19B 19C 20 21 22A 23A 24A"
)
YES_NO = {"TRUE": "Y", "1": "Y", "FALSE": "N", "0": "N"}
_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:T[\d:.]*)?(?:Z|[+-]\d{2}:\d{2})?")

_S47_OUTCOME_KEYS = (*schema.S47_OUTCOME_FLAGS, "TOTAL_NO_OF_OUTCOMES", "OUTCOME_COMMENTS")
_ICPC_OUTCOME_KEYS = (*schema.ICPC_OUTCOME_FLAGS, "TOTAL_NO_OF_OUTCOMES", "COMMENTS")


@dataclass
class CinCensusExtract(ParsedExtract):
    """A ParsedExtract that also says which census it is: its collection year and census date
    (the date the snapshot's figures are as at). Both are None when the header is unreadable."""

    reference_date: datetime.date | None = None
    collection_year: int | None = None


def _local(tag: str) -> str:
    """The element's name without any namespace: some case systems add one."""
    return tag.rsplit("}", 1)[-1]


def _children(parent: Element | None, tag: str) -> list[Element]:
    if parent is None:
        return []
    return [node for node in parent if _local(node.tag) == tag]


def _child(parent: Element | None, tag: str) -> Element | None:
    found = _children(parent, tag)
    return found[0] if found else None


def _text(parent: Element | None, tag: str) -> str | None:
    node = _child(parent, tag)
    if node is None or node.text is None:
        return None
    return node.text.strip() or None


def _parse_date(raw: str) -> datetime.date | None:
    match = _DATE.fullmatch(raw)
    if match is None:
        return None
    try:
        return datetime.date.fromisoformat(match[1])
    except ValueError:
        return None


def _ymd(when: datetime.date) -> str:
    return when.isoformat().replace("-", "")


def _outcome_json(keys: tuple[str, ...], **flags: str) -> str:
    """The SSD's outcome structure: every key present, blank where the census does not say."""
    outcome: dict[str, Any] = dict.fromkeys(keys, "")
    outcome["TOTAL_NO_OF_OUTCOMES"] = None
    outcome.update(flags)
    return json.dumps(outcome)


@dataclass(frozen=True)
class _Place:
    """Where an element is: the child's position and the path shown in messages."""

    row: int
    path: str

    def at(self, *steps: str) -> _Place:
        return _Place(self.row, " / ".join((self.path, *steps)))


@dataclass
class _Conference:
    held: datetime.date
    row: dict[str, Any]


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []
        self.rows: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
        self.ids: dict[str, set[str]] = defaultdict(set)
        self.year: int | None = None
        self.census: datetime.date | None = None
        self.seen: dict[str, int] = {}  # LAchildID -> the child's position
        self.count = 0
        self.rooted = False  # the root element was Message

    # -- problems --------------------------------------------------------------------------

    def add(
        self,
        severity: Severity,
        message: str,
        *,
        place: _Place | None = None,
        table: str = "",
        field: str = "",
        value: str | None = "",
    ) -> None:
        if place is not None:
            path = place.path if not field else f"{place.path} / {field}"
            message = f"{path}: {message}"
        self.problems.append(
            Problem(
                severity,
                message,
                table=table,
                row=place.row if place is not None else None,
                field=field,
                value=value or "",
                source=self.source,
            )
        )

    def error(self, message: str, **where: Any) -> None:
        self.add(Severity.ERROR, message, **where)

    def warning(self, message: str, **where: Any) -> None:
        self.add(Severity.WARNING, message, **where)

    # -- values ----------------------------------------------------------------------------

    def date(
        self, parent: Element | None, tag: str, *, place: _Place, table: str, future: bool = False
    ) -> datetime.date | None:
        raw = _text(parent, tag)
        if raw is None:
            return None
        return self.date_text(raw, tag, place=place, table=table, future=future)

    def date_text(
        self, raw: str, tag: str, *, place: _Place, table: str, future: bool = False
    ) -> datetime.date | None:
        """A date as the census writes it (YYYY-MM-DD; a time or zone after it is ignored).
        `future`: a date that may rightly be after the census date (an expected birth)."""
        when = _parse_date(raw)
        if when is None:
            self.error(
                "is not a date. The census writes dates as YYYY-MM-DD.",
                place=place,
                table=table,
                field=tag,
                value=raw,
            )
            return None
        if not future and self.census is not None and when > self.census:
            self.warning(
                f"is after the census date ({self.census.isoformat()}).",
                place=place,
                table=table,
                field=tag,
                value=raw,
            )
        return when

    def yes_no(self, parent: Element, tag: str, *, place: _Place, table: str) -> str | None:
        raw = _text(parent, tag)
        if raw is None:
            return None
        flag = YES_NO.get(raw.upper())
        if flag is None:
            self.error(
                "must be true or false (or 1 or 0).",
                place=place,
                table=table,
                field=tag,
                value=raw,
            )
        return flag

    def code(
        self,
        parent: Element | None,
        tag: str,
        codes: rules.CodeSet,
        *,
        place: _Place,
        table: str,
        aliases: dict[str, str] | None = None,
    ) -> str | None:
        """A coded item checked against the snapshot's own code set: an unknown code is an error
        (left blank) where the snapshot's checks would refuse it, else a warning (kept)."""
        raw = _text(parent, tag)
        if raw is None:
            return None
        value = raw.upper()
        value = (aliases or {}).get(value, value)
        if codes.allows(value):
            return value
        if codes.blocking:
            self.error(
                f"is not a census code for {codes.name} ({codes.description}); left blank.",
                place=place,
                table=table,
                field=tag,
                value=raw,
            )
            return None
        self.warning(
            f"is not a census code for {codes.name} ({codes.description}); kept as written.",
            place=place,
            table=table,
            field=tag,
            value=raw,
        )
        return raw

    def listed(
        self, codes: frozenset[str], name: str, node: Element, *, place: _Place, table: str
    ) -> None:
        """Check an item the snapshot does not keep, so the council still hears of a bad code."""
        raw = (node.text or "").strip()
        if raw and raw.upper() not in codes:
            self.warning(
                f"is not a census code for {name}; the item is not kept in the snapshot.",
                place=place,
                table=table,
                field=_local(node.tag),
                value=raw,
            )

    def order(
        self,
        start: datetime.date | None,
        end: datetime.date | None,
        *,
        start_tag: str,
        end_tag: str,
        place: _Place,
        table: str,
    ) -> None:
        if start is not None and end is not None and end < start:
            self.error(
                f"{end.isoformat()} is before {start_tag} {start.isoformat()}.",
                place=place,
                table=table,
                field=end_tag,
                value=end.isoformat(),
            )

    def not_before_referral(
        self,
        when: datetime.date | None,
        referral: datetime.date | None,
        *,
        tag: str,
        place: _Place,
        table: str,
    ) -> None:
        if when is not None and referral is not None and when < referral:
            self.warning(
                f"{when.isoformat()} is before the episode's CINreferralDate "
                f"{referral.isoformat()}.",
                place=place,
                table=table,
                field=tag,
                value=when.isoformat(),
            )

    def new_id(self, table: str, base: str) -> str:
        used = self.ids[table]
        candidate, n = base, 2
        while candidate in used:
            candidate, n = f"{base}-{n}", n + 1
        used.add(candidate)
        return candidate

    # -- the header ------------------------------------------------------------------------

    def header(self, details: Element) -> None:
        where = {"table": "CollectionDetails"}
        collection = _text(details, "Collection")
        if collection is not None and collection.upper() != "CIN":
            self.error(
                f"This is not a children in need census return: its Collection is {collection}, "
                "not CIN.",
                field="Collection",
                value=collection,
                **where,
            )
        raw_year = _text(details, "Year")
        if raw_year is None:
            self.error("CollectionDetails has no Year.", field="Year", **where)
            return
        if not raw_year.isdigit() or int(raw_year) not in COLLECTION_YEARS:
            self.error(
                f"The collection year {raw_year} is not one Line of Sight reads: it reads the "
                f"children in need census for the years {COLLECTION_YEARS[0]} to "
                f"{COLLECTION_YEARS[-1]} (each named by the year it ends in).",
                field="Year",
                value=raw_year,
                **where,
            )
            return
        self.year = int(raw_year)
        expected = datetime.date(self.year, *CENSUS_MONTH_DAY)
        raw_date = _text(details, "ReferenceDate")
        if raw_date is None:
            self.warning(
                f"CollectionDetails has no ReferenceDate; the census date is taken to be "
                f"{expected.isoformat()}, 31 March of the collection year.",
                field="ReferenceDate",
                **where,
            )
            self.census = expected
            return
        self.census = _parse_date(raw_date)
        if self.census is None:
            self.error(
                "ReferenceDate is not a date. The census writes dates as YYYY-MM-DD.",
                field="ReferenceDate",
                value=raw_date,
                **where,
            )
        elif self.census != expected:
            self.warning(
                f"ReferenceDate {self.census.isoformat()} is not 31 March {self.year}, the census "
                f"date of collection year {self.year}; figures are taken as at "
                f"{self.census.isoformat()}.",
                field="ReferenceDate",
                value=raw_date,
                **where,
            )

    # -- a child ---------------------------------------------------------------------------

    def child(self, node: Element) -> None:
        self.count += 1
        n = self.count
        identifiers = _child(node, "ChildIdentifiers")
        child = _text(identifiers, "LAchildID")
        place = _Place(n, f"Child {n} (LAchildID {child})" if child else f"Child {n}")
        if child is None:
            self.error(
                "has no LAchildID; the child was not read.",
                place=place,
                table="ssd_person",
                field="LAchildID",
            )
            return
        if child in self.seen:
            self.error(
                f"this LAchildID is also on child {self.seen[child]}. Each child must appear "
                "once; the second was not read.",
                place=place,
                table="ssd_person",
                field="LAchildID",
                value=child,
            )
            return
        self.seen[child] = n
        self.rows["ssd_person"].append(self.person(child, identifiers, node, place))
        for k, details in enumerate(_children(node, "CINdetails"), start=1):
            self.episode(child, k, details, place.at(f"CINdetails {k}"))

    def person(
        self, child: str, identifiers: Element | None, node: Element, place: _Place
    ) -> dict[str, Any]:
        at = place.at("ChildIdentifiers")
        table = "ssd_person"
        sex, gender = self.sex(identifiers, at)
        characteristics = _child(node, "ChildCharacteristics")
        traits = place.at("ChildCharacteristics")
        for disability in _children(_child(characteristics, "Disabilities"), "Disability"):
            self.listed(
                DISABILITY_CODES,
                "disability",
                disability,
                place=traits.at("Disabilities"),
                table=table,
            )
        return {
            "pers_person_id": child,
            "pers_sex": sex,
            "pers_gender": gender,
            "pers_ethnicity": self.code(
                characteristics,
                "Ethnicity",
                rules.ETHNICITY,
                place=traits,
                table=table,
                aliases=ETHNICITY_ALIASES,
            ),
            "pers_dob": self.date(identifiers, "PersonBirthDate", place=at, table=table),
            "pers_upn_unknown": self.code(
                identifiers, "UPNunknown", rules.UPN_UNKNOWN, place=at, table=table
            ),
            "pers_expected_dob": self.date(
                identifiers, "ExpectedPersonBirthDate", place=at, table=table, future=True
            ),
            "pers_death_date": self.date(identifiers, "PersonDeathDate", place=at, table=table),
        }

    def sex(self, identifiers: Element | None, place: _Place) -> tuple[str | None, str | None]:
        table = "ssd_person"
        for tag, own, other, other_tag in (
            ("Sex", SEX_CODES, GENDER_CURRENT_CODES, "GenderCurrent"),
            ("GenderCurrent", GENDER_CURRENT_CODES, SEX_CODES, "Sex"),
        ):
            raw = _text(identifiers, tag)
            if raw is None:
                continue
            value = raw.upper()
            if value in own:
                return own[value]
            if value in other:
                self.warning(
                    f"is written in the codes of {other_tag}; read as sex {other[value][0]}.",
                    place=place,
                    table=table,
                    field=tag,
                    value=raw,
                )
                return other[value]
            self.error(
                "is not a census code for sex (Sex: M, F or U; GenderCurrent: 1, 2, 0 or 9); "
                "left blank.",
                place=place,
                table=table,
                field=tag,
                value=raw,
            )
            return None, None
        self.warning("has no Sex; the child's sex is left blank.", place=place, table=table)
        return None, None

    # -- an episode and what is inside it --------------------------------------------------

    def episode(self, child: str, k: int, details: Element, place: _Place) -> None:
        table = "ssd_cin_episodes"
        referred = self.date(details, "CINreferralDate", place=place, table=table)
        if referred is None and _text(details, "CINreferralDate") is None:
            self.error(
                "is required: every episode starts with a referral.",
                place=place,
                table=table,
                field="CINreferralDate",
            )
        closed = self.date(details, "CINclosureDate", place=place, table=table)
        self.order(
            referred,
            closed,
            start_tag="CINreferralDate",
            end_tag="CINclosureDate",
            place=place,
            table=table,
        )
        reason = self.code(
            details, "ReasonForClosure", rules.CIN_CLOSE_REASON, place=place, table=table
        )
        if closed is not None and reason is None and _text(details, "ReasonForClosure") is None:
            self.warning(
                "is given without a ReasonForClosure.",
                place=place,
                table=table,
                field="CINclosureDate",
                value=closed.isoformat(),
            )
        if reason is not None and _text(details, "CINclosureDate") is None:
            self.warning(
                "is given without a CINclosureDate.",
                place=place,
                table=table,
                field="ReasonForClosure",
                value=reason,
            )
        source = _text(details, "ReferralSource")
        if source is not None and source.upper() not in REFERRAL_SOURCE:
            self.warning(
                "is not a census code for the source of a referral (1A to 10); kept as the "
                "source's description.",
                place=place,
                table=table,
                field="ReferralSource",
                value=source,
            )
        known_source = source.upper() if source and source.upper() in REFERRAL_SOURCE else None
        base = f"CIN-{child}-{_ymd(referred)}" if referred else f"CIN-{child}-e{k}"
        episode_id = self.new_id(table, base)
        self.rows[table].append(
            {
                "cine_referral_id": episode_id,
                "cine_person_id": child,
                "cine_referral_date": referred,
                "cine_cin_primary_need_code": self.code(
                    details, "PrimaryNeedCode", rules.CIN_PRIMARY_NEED, place=place, table=table
                ),
                "cine_referral_source_code": known_source,
                "cine_referral_source_desc": (
                    REFERRAL_SOURCE[known_source] if known_source else source
                ),
                "cine_referral_nfa": self.yes_no(details, "ReferralNFA", place=place, table=table),
                "cine_close_reason": reason,
                "cine_close_date": closed,
            }
        )
        episode = _Episode(child=child, k=k, referral_id=episode_id, referred=referred)
        for j, node in enumerate(_children(details, "Assessments"), start=1):
            self.assessment(episode, j, node, place.at(f"Assessments {j}"))
        for j, node in enumerate(_children(details, "CINPlanDates"), start=1):
            self.cin_plan(episode, j, node, place.at(f"CINPlanDates {j}"))
        for j, node in enumerate(_children(details, "Section47"), start=1):
            self.section_47(episode, j, node, place.at(f"Section47 {j}"))
        held = self.date(
            details, "DateOfInitialCPC", place=place, table="ssd_initial_cp_conference"
        )
        if held is not None and all(c.held != held for c in episode.conferences):
            # The episode's conference, not one an enquiry in this return led to.
            self.conference(episode, held, s47_id=None, target=None)
        for j, node in enumerate(_children(details, "ChildProtectionPlans"), start=1):
            self.cp_plan(episode, j, node, place.at(f"ChildProtectionPlans {j}"))
        for conference in episode.conferences:
            linked = conference.row["icpc_cp_plan_id"] is not None
            flag = "Y" if linked else "N"
            conference.row["icpc_icpc_outcome_cp_flag"] = flag
            conference.row["icpc_icpc_outcome_json"] = _outcome_json(
                _ICPC_OUTCOME_KEYS, CP_FLAG=flag
            )

    def assessment(self, episode: _Episode, j: int, node: Element, place: _Place) -> None:
        table = "ssd_cin_assessments"
        start = self.date(node, "AssessmentActualStartDate", place=place, table=table)
        authorised = self.date(node, "AssessmentAuthorisationDate", place=place, table=table)
        self.order(
            start,
            authorised,
            start_tag="AssessmentActualStartDate",
            end_tag="AssessmentAuthorisationDate",
            place=place,
            table=table,
        )
        self.not_before_referral(
            start, episode.referred, tag="AssessmentActualStartDate", place=place, table=table
        )
        factors = _child(node, "FactorsIdentifiedAtAssessment")
        for factor in _children(factors, "AssessmentFactors"):
            self.listed(
                ASSESSMENT_FACTORS,
                "a factor identified at assessment",
                factor,
                place=place.at("FactorsIdentifiedAtAssessment"),
                table=table,
            )
        self.rows[table].append(
            {
                "cina_assessment_id": self.new_id(table, episode.key("CINA", start, "a", j)),
                "cina_person_id": episode.child,
                "cina_referral_id": episode.referral_id,
                "cina_assessment_start_date": start,
                "cina_assessment_auth_date": authorised,
            }
        )

    def cin_plan(self, episode: _Episode, j: int, node: Element, place: _Place) -> None:
        table = "ssd_cin_plans"
        start = self.date(node, "CINPlanStartDate", place=place, table=table)
        end = self.date(node, "CINPlanEndDate", place=place, table=table)
        self.order(
            start,
            end,
            start_tag="CINPlanStartDate",
            end_tag="CINPlanEndDate",
            place=place,
            table=table,
        )
        self.not_before_referral(
            start, episode.referred, tag="CINPlanStartDate", place=place, table=table
        )
        self.rows[table].append(
            {
                "cinp_cin_plan_id": self.new_id(table, episode.key("CINP", start, "p", j)),
                "cinp_referral_id": episode.referral_id,
                "cinp_person_id": episode.child,
                "cinp_cin_plan_start_date": start,
                "cinp_cin_plan_end_date": end,
            }
        )

    def section_47(self, episode: _Episode, j: int, node: Element, place: _Place) -> None:
        table = "ssd_s47_enquiry"
        start = self.date(node, "S47ActualStartDate", place=place, table=table)
        self.not_before_referral(
            start, episode.referred, tag="S47ActualStartDate", place=place, table=table
        )
        not_required = self.yes_no(node, "ICPCnotRequired", place=place, table=table)
        conference_table = "ssd_initial_cp_conference"
        # A target date may rightly be after the census date: the conference is still to come.
        target = self.date(
            node, "InitialCPCtarget", place=place, table=conference_table, future=True
        )
        held = self.date(node, "DateOfInitialCPC", place=place, table=conference_table)
        self.order(
            start,
            held,
            start_tag="S47ActualStartDate",
            end_tag="DateOfInitialCPC",
            place=place,
            table=conference_table,
        )
        # As the Annex A reader does: a conference was called for unless it was not required.
        conference = "N" if not_required == "Y" else ("Y" if not_required or held else "")
        s47_id = self.new_id(table, episode.key("S47", start, "s", j))
        self.rows[table].append(
            {
                "s47e_s47_enquiry_id": s47_id,
                "s47e_referral_id": episode.referral_id,
                "s47e_person_id": episode.child,
                "s47e_s47_start_date": start,
                "s47e_s47_outcome_json": (
                    _outcome_json(_S47_OUTCOME_KEYS, CP_CONFERENCE_FLAG=conference)
                    if conference
                    else None
                ),
            }
        )
        if held is not None:
            self.conference(episode, held, s47_id=s47_id, target=target)

    def conference(
        self,
        episode: _Episode,
        held: datetime.date,
        *,
        s47_id: str | None,
        target: datetime.date | None,
    ) -> None:
        table = "ssd_initial_cp_conference"
        row = {
            "icpc_icpc_id": self.new_id(table, f"ICPC-{episode.child}-{_ymd(held)}"),
            "icpc_s47_enquiry_id": s47_id,
            "icpc_person_id": episode.child,
            "icpc_cp_plan_id": None,  # set when a plan follows it
            "icpc_referral_id": episode.referral_id,
            "icpc_icpc_target_date": target,
            "icpc_icpc_date": held,
            "icpc_icpc_outcome_cp_flag": None,
            "icpc_icpc_outcome_json": None,
        }
        self.rows[table].append(row)
        episode.conferences.append(_Conference(held=held, row=row))

    def cp_plan(self, episode: _Episode, j: int, node: Element, place: _Place) -> None:
        table = "ssd_cp_plans"
        start = self.date(node, "CPPstartDate", place=place, table=table)
        end = self.date(node, "CPPendDate", place=place, table=table)
        self.order(
            start, end, start_tag="CPPstartDate", end_tag="CPPendDate", place=place, table=table
        )
        self.not_before_referral(
            start, episode.referred, tag="CPPstartDate", place=place, table=table
        )
        plan_id = self.new_id(table, episode.key("CPP", start, "c", j))
        conference = episode.conference_for(start)
        if conference is not None:
            conference.row["icpc_cp_plan_id"] = plan_id
        self.rows[table].append(
            {
                "cppl_cp_plan_id": plan_id,
                "cppl_referral_id": episode.referral_id,
                "cppl_icpc_id": conference.row["icpc_icpc_id"] if conference else None,
                "cppl_person_id": episode.child,
                "cppl_cp_plan_start_date": start,
                "cppl_cp_plan_end_date": end,
                "cppl_cp_plan_initial_category": self.category(
                    node, "InitialCategoryOfAbuse", place
                ),
                "cppl_cp_plan_latest_category": self.category(node, "LatestCategoryOfAbuse", place),
            }
        )
        reviews = "ssd_cp_reviews"
        dates = [
            review_date
            for block in _children(node, "Reviews")
            for review_date in _children(block, "CPPreviewDate")
        ]
        for r, review_node in enumerate(dates, start=1):
            at = place.at(f"Reviews {r}")
            raw = (review_node.text or "").strip()
            reviewed = (
                self.date_text(raw, "CPPreviewDate", place=at, table=reviews) if raw else None
            )
            if reviewed is None:
                continue
            if start is not None and reviewed < start:
                self.error(
                    f"{reviewed.isoformat()} is before the plan's CPPstartDate "
                    f"{start.isoformat()}.",
                    place=at,
                    table=reviews,
                    field="CPPreviewDate",
                    value=reviewed.isoformat(),
                )
            self.rows[reviews].append(
                {
                    "cppr_cp_review_id": self.new_id(
                        reviews, f"CPPR-{episode.child}-{_ymd(reviewed)}"
                    ),
                    "cppr_person_id": episode.child,
                    "cppr_cp_plan_id": plan_id,
                    "cppr_cp_review_date": reviewed,
                }
            )

    def category(self, node: Element, tag: str, place: _Place) -> str | None:
        code = self.code(node, tag, rules.CP_CATEGORY, place=place, table="ssd_cp_plans")
        if code is None:
            return None
        # The SSD names the categories; a census code is written as its name.
        return CATEGORY_OF_ABUSE.get(code.upper(), code)


@dataclass
class _Episode:
    child: str
    k: int
    referral_id: str
    referred: datetime.date | None
    conferences: list[_Conference] = field(default_factory=list)

    def key(self, prefix: str, when: datetime.date | None, kind: str, j: int) -> str:
        if when is not None:
            return f"{prefix}-{self.child}-{_ymd(when)}"
        return f"{prefix}-{self.child}-e{self.k}-{kind}{j}"

    def conference_for(self, start: datetime.date | None) -> _Conference | None:
        """The episode's latest conference held on the plan's start date or in the 31 days
        before, that no other plan followed; on a tie, the first in the file."""
        if start is None:
            return None
        candidates = [
            c
            for c in self.conferences
            if c.row["icpc_cp_plan_id"] is None and start - ICPC_BEFORE_PLAN <= c.held <= start
        ]
        return max(candidates, key=lambda c: c.held) if candidates else None


def _conform(rows: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """Every table the census fills, each row with exactly its schema fields, in schema order."""
    tables = schema.tables()
    out: dict[str, list[dict[str, Any]]] = {}
    for name in TABLES:
        empty = dict.fromkeys(tables[name].field_names)
        conformed = []
        for row in rows[name]:
            full = empty.copy()
            full.update({k: v for k, v in row.items() if k in empty})
            conformed.append(full)
        out[name] = conformed
    return out


def read_cin_census(path: Path, *, label: str = "") -> CinCensusExtract:
    """The census in `path` as SSD tables, with every problem found and the census date.

    The file is read as a stream, one child at a time, so a large council's return is never
    held whole in memory. Never raises on a bad file: what is wrong is in `problems`."""
    path = Path(path)
    reader = _Reader(label or path.name)
    parsed = CinCensusExtract(files=[path])
    stack: list[Element] = []
    try:
        for event, node in ElementTree.iterparse(str(path), events=("start", "end")):
            if event == "start":
                if not stack:
                    if _local(node.tag) != "Message":
                        reader.error(
                            "This is not a children in need census return: its root element is "
                            f"{_local(node.tag)}, not Message."
                        )
                        break
                    reader.rooted = True
                stack.append(node)
                continue
            stack.pop()
            # Only the element's own name and, for the two that matter, its two parents' are
            # looked at: naming the whole path at every element would take time growing with
            # the square of the depth, which a file nested thousands deep would turn into hours.
            tag = _local(node.tag)
            if tag == "CollectionDetails" and _under(stack, "Header"):
                reader.header(node)
            elif tag == "Child" and _under(stack, "Children"):
                reader.child(node)
                stack[-1].remove(node)  # done with it: keep memory flat
    except ParseError as exc:
        line, column = getattr(exc, "position", (None, None))
        reader.error(
            f"The file is not well-formed XML (line {line}, column {column}): "
            f"{str(exc).split(':')[0]}. Export the census again from the case system."
        )
    except DefusedXmlException as exc:
        reader.error(
            f"The file uses XML features that are not allowed here ({type(exc).__name__})."
        )
    except OSError as exc:
        reader.error(f"The file cannot be read: {exc.strerror or exc}.")
    except LookupError as exc:
        reader.error(f"The file declares an encoding no XML reader knows ({exc}).")
    else:
        if reader.rooted:
            _check_whole(reader)
            # Only a file read to its end gives tables: half a census would read as a council
            # with fewer children.
            parsed.tables = _conform(reader.rows)
            parsed.fields = {name: list(FILLED[name]) for name in TABLES}
    parsed.collection_year = reader.year
    parsed.reference_date = reader.census
    parsed.problems = reader.problems
    return parsed


def _under(stack: list[Element], parent: str) -> bool:
    """Whether the element just closed sits at Message/`parent`/ (its parents are `stack`)."""
    return len(stack) == 2 and _local(stack[1].tag) == parent and _local(stack[0].tag) == "Message"


def _check_whole(reader: _Reader) -> None:
    """What can only be told once the whole file is read: it had a header and children."""
    if reader.year is None and not any(p.table == "CollectionDetails" for p in reader.problems):
        reader.error(
            "The file has no Header/CollectionDetails, so its collection year is not known."
        )
    if reader.count == 0:
        reader.error("The file has no Child records.", table="ssd_person")
