"""Annex A code values as SSD codes.

Annex A asks for the DfE codes (CIN census, SSDA903) with a letter in front ("f) U6: Foster
placement - not FFA", "k) APKN"), and councils type them a hundred other ways. A value is read in
three steps:

1. a DfE code found in the text itself ("U6", "APKN", "E47") is taken as it is;
2. otherwise the liiatools variants map the text to an Annex A category ("a) Male", "g) Police"),
   which gives the SSD code when the category names exactly one, or when the words of the text
   do (ethnicity: "White - British" is WBRI, within the category "a) White");
3. a category that covers several codes ("a) Foster placement": U1 to U6) and text that no step
   knows are kept as written, or left blank (see keep_unknown), with a warning.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from lineofsight.casework.codewords import REFERRAL_SOURCE

from .spec import ZZ_CODE_ERROR, ColumnSpec, normalise

_LETTERING = re.compile(r"^\s*[a-z]{1,2}[).]\s+")  # Annex A's "a) " in front of a code


@dataclass(frozen=True, slots=True)
class Coded:
    code: str | None
    problem: str = ""  # set when the value was not fully understood


NO_VALUE = object()  # a category that is a valid answer meaning "nothing recorded"


@dataclass
class CodeSet:
    """How to turn one Annex A column's values into one SSD code set."""

    name: str
    fine: re.Pattern[str] | None = None  # finds a DfE code in the text; group 1 is the code
    fine_codes: frozenset[str] = frozenset()  # codes the fine pattern may return
    categories: dict[str, object] = field(default_factory=dict)  # normalised category -> code
    describe: Callable[[str], str | None] | None = None  # last resort: words, e.g. ethnicity
    # For a category covering several codes: the code prefixes that belong to it, so that the
    # last resort cannot contradict what the category already says.
    group_prefixes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Keep text we cannot code as written, or leave the field blank. Blank where the snapshot's
    # validation (casework.rules) would stop the import on an unknown code: flags, sex, primary
    # need, category of abuse. There a blank loses one value; an unknown code would block them all.
    keep_unknown: bool = True
    # Other spellings of a code, such as the Annex A template's "CHNE" for CNHE.
    aliases: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.categories = {normalise(k): v for k, v in self.categories.items()}
        self.group_prefixes = {normalise(k): v for k, v in self.group_prefixes.items()}

    def _fine(self, text: str) -> str | None:
        if self.fine is None:
            return None
        bare = _LETTERING.sub("", text)
        whole = bare.strip().upper()
        if whole in self.fine_codes:
            return whole
        if whole in self.aliases:
            return self.aliases[whole]
        m = self.fine.search(bare)
        if m is None:
            return None
        code = m[1].upper()
        return code if not self.fine_codes or code in self.fine_codes else None

    def resolve(self, text: str, column: ColumnSpec | None) -> Coded:
        code = self._fine(text)
        if code is not None:
            return Coded(code)
        category = column.category(text) if column is not None else None
        if category is None:
            category = self._category_of(text)
        if category is not None and category != ZZ_CODE_ERROR:
            return self._from_category(text, category)
        if self.describe is not None and (code := self.describe(text)) is not None:
            return Coded(code)
        return Coded(
            text if self.keep_unknown else None, f"unknown {self.name} {text!r}; {self._kept}"
        )

    def _from_category(self, text: str, category: str) -> Coded:
        key = normalise(category)
        code = self._fine(category)  # categories such as "J1: Remanded to LA" carry the code
        if code is None and self.describe is not None:
            code = self.describe(text)
            prefixes = self.group_prefixes.get(key)
            if code is not None and prefixes and not code.startswith(prefixes):
                code = None  # the description contradicts the group the schema puts it in
        if code is not None:
            return Coded(code)
        mapped = self.categories.get(key)
        if mapped is NO_VALUE:
            return Coded(None)
        if isinstance(mapped, str):
            return Coded(mapped)
        return Coded(
            text if self.keep_unknown else None,
            f"{text!r} only tells the Annex A group {category!r}, not the {self.name} code;"
            f" {self._kept}",
        )

    @property
    def _kept(self) -> str:
        return "kept as written" if self.keep_unknown else "left blank"

    def _category_of(self, text: str) -> str | None:
        # Columns outside the schema (or values outside its variants) may still name a category.
        key = normalise(_LETTERING.sub("", text))
        for category in self.categories:
            if normalise(_LETTERING.sub("", category)) == key:
                return category
        return None


def _codes(codes: str) -> frozenset[str]:
    return frozenset(codes.split())


# --- Y/N flags -----------------------------------------------------------------------------------

YES_NO = CodeSet(
    name="Y/N answer",
    categories={
        "Yes": "Y",
        "No": "N",
        "Unknown": NO_VALUE,
        "a) Yes": "Y",
        "b) No": "N",
        "c) Unknown": NO_VALUE,
        "Y": "Y",
        "N": "N",
        "True": "Y",
        "False": "N",
        "1": "Y",
        "0": "N",
        "1 - Yes": "Y",
        "0 - No": "N",
        "Not known": NO_VALUE,
        "Not recorded": NO_VALUE,
    },
    keep_unknown=False,
)

# --- person --------------------------------------------------------------------------------------

GENDER_CATEGORY = CodeSet(
    name="gender",
    keep_unknown=False,
    categories={
        "a) Male": "a) Male",
        "a) Male / d) Neither": "a) Male / d) Neither",
        "b) Female": "b) Female",
        "c) Not stated/recorded": "c) Not stated/recorded",
        "d) Neither": "d) Neither",
    },
)
# SSD pers_sex is F/M/U; pers_gender is the NHS gender identity code set.
SEX_FROM_CATEGORY = {
    "a) Male": "M",
    "b) Female": "F",
    "c) Not stated/recorded": "U",
    "d) Neither": "U",
    "a) Male / d) Neither": "U",
}
GENDER_FROM_CATEGORY = {
    "a) Male": "01",
    "b) Female": "02",
    "c) Not stated/recorded": "00",
    "d) Neither": "09",
    "a) Male / d) Neither": "01",
}
UNINFORMATIVE = frozenset({"U", "00", "NOBT", "REFU"})

ETHNICITY_CODES = _codes(
    "WBRI WIRI WOTH WIRT WROM MWBC MWBA MWAS MOTH AIND APKN ABAN CNHE AOTH BCRB BAFR BOTH OOTH"
    " REFU NOBT"
)

# Descriptions without a code, checked in this order (mixed before single groups).
_ETHNICITY_WORDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("white", "black", "caribbean"), "MWBC"),
    (("white", "black", "african"), "MWBA"),
    (("white", "asian"), "MWAS"),
    (("mixed",), "MOTH"),
    (("traveller",), "WIRT"),
    (("gypsy",), "WROM"),
    (("roma",), "WROM"),
    (("white", "irish"), "WIRI"),
    (("white", "british"), "WBRI"),
    (("white", "english"), "WBRI"),
    (("white", "scottish"), "WBRI"),
    (("white", "welsh"), "WBRI"),
    (("white",), "WOTH"),
    (("indian",), "AIND"),
    (("pakistani",), "APKN"),
    (("bangladeshi",), "ABAN"),
    (("chinese",), "CNHE"),
    (("asian",), "AOTH"),
    (("caribbean",), "BCRB"),
    (("african",), "BAFR"),
    (("black",), "BOTH"),
    (("refused",), "REFU"),
    (("declined",), "REFU"),
    (("not", "obtained"), "NOBT"),
    (("other", "ethnic"), "OOTH"),
)
_WORDS = re.compile(r"[a-z]+")


def _ethnicity_from_words(text: str) -> str | None:
    words = set(_WORDS.findall(text.casefold()))
    for needed, code in _ETHNICITY_WORDS:
        if all(w in words for w in needed):
            return code
    return None


ETHNICITY = CodeSet(
    name="ethnicity",
    # Case matters: "Both" or "Moth" in a description are not codes.
    fine=re.compile(r"\b(" + "|".join(sorted(ETHNICITY_CODES)) + r")\b"),
    fine_codes=ETHNICITY_CODES,
    categories={"f) Not stated": "NOBT", "c) Unknown": "NOBT"},
    describe=_ethnicity_from_words,
    aliases={"CHNE": "CNHE"},
    group_prefixes={
        "a) White": ("W",),
        "b) Mixed": ("M",),
        "c) Asian or Asian British": ("A", "CNHE"),
        "d) Black or black British": ("B",),
        "e) Other ethnic group": ("O", "CNHE"),
        "f) Not stated": ("NOBT", "REFU"),
    },
)

# --- contacts and referrals ----------------------------------------------------------------------

# The words stored beside a source code are the ones every page shows (casework.codewords).
SOURCE_DESCRIPTIONS = REFERRAL_SOURCE
SOURCE = CodeSet(
    name="contact or referral source",
    fine=re.compile(r"^\s*(10|[1-9][A-F]?)\b", re.IGNORECASE),
    fine_codes=frozenset(SOURCE_DESCRIPTIONS),
    categories={
        "b) Schools": "2A",
        "c) Education services": "2B",
        "e) Housing": "4",
        "g) Police": "6",
        "h) Other legal agency": "7",
        "i) Other": "8",
        "j) Anonymous": "9",
        "k) Unknown": "10",
    },
)

# --- children in need ----------------------------------------------------------------------------

PRIMARY_NEED = CodeSet(
    name="primary need",
    keep_unknown=False,
    fine=re.compile(r"\b(N[0-9])\b", re.IGNORECASE),
    categories={
        "a) Abuse or neglect": "N1",
        "b) Child's disability": "N2",
        "c) Parents illness or disability": "N3",
        "d) Family in acute stress": "N4",
        "e) Family dysfunction": "N5",
        "f) Socially unacceptable behaviour": "N6",
        "g) Low income": "N7",
        "h) Absent parenting": "N8",
        "i) Not CIN": "N9",
        "j) Not stated": "N0",
    },
)
CIN_CLOSURE = CodeSet(
    name="CIN closure reason",
    fine=re.compile(r"\b(RC[1-9])\b", re.IGNORECASE),
    categories={
        "a) Adopted": "RC1",
        "b) Died": "RC2",
        "c) Residence Order": "RC3",
        "d) Special Guardianship Order": "RC4",
        "e) Transfer to another LA": "RC5",
        "f) Transfer to Adult Social Services": "RC6",
        "g) 'Other' incl. Child no longer in need": "RC7",
        "h) Child not in need after assessment": "RC8",
        "i) Not Stated": NO_VALUE,
    },
)
# Internal only: what List 6 says the child's case is now.
CASE_STATUS = CodeSet(
    name="case status",
    categories={
        "a) Looked after child": "CLA",
        "b) Child Protection plan": "CP",
        "c) Child in need plan": "CIN",
        "d) Open assessment": "ASSESSMENT",
        "e) Closed episode": "CLOSED",
    },
)

# --- child protection ----------------------------------------------------------------------------

# The SSD writes categories of abuse as words; the CIN census codes are accepted too.
CP_CATEGORY = CodeSet(
    name="category of abuse",
    keep_unknown=False,
    categories={
        "a) Neglect": "Neglect",
        "b) Physical Abuse": "Physical abuse",
        "c) Sexual Abuse": "Sexual abuse",
        "d) Emotional Abuse": "Emotional abuse",
        "e) Multiple": "Multiple",
        "NEG": "Neglect",
        "PHY": "Physical abuse",
        "SAB": "Sexual abuse",
        "EMO": "Emotional abuse",
        "MUL": "Multiple",
    },
)

# --- looked after --------------------------------------------------------------------------------

LEGAL_STATUS = CodeSet(
    name="legal status",
    fine=re.compile(r"\b([CDEJLV][1-4])\b", re.IGNORECASE),
    fine_codes=_codes("C1 C2 D1 E1 J1 J2 J3 L1 L2 L3 V2 V3 V4"),
    categories={
        "a) Interim care orders": "C1",
        "b) Full care orders": "C2",
        "c) Freed for Adoption": "D1",
        "d) Placement order granted": "E1",
    },
)
CLA_CEASED = CodeSet(
    name="reason ceased to be looked after",
    fine=re.compile(r"\b(E\d{1,2}[AB]?|X1)\b", re.IGNORECASE),
    fine_codes=_codes(
        "X1 E11 E12 E2 E3 E4A E4B E13 E41 E45 E46 E47 E48 E5 E6 E7 E9 E14 E15 E16 E17 E8"
    ),
    categories={
        "b) Died": "E2",
        "c) Care taken by another LA": "E3",
        "e) Left care to live with parents, relatives or other person with no parental "
        "responsibility": "E13",
        "f) Residence order granted": "E41",
        "i) Transferred to residential care funded by adult social services": "E7",
        "j) Sentenced to custody": "E9",
        "k) Accommodation on remand ended": "E14",
        "l) Age assessment determined child was 18 or over": "E15",
        "m) Child moved abroad": "E16",
        "n) Care ceased for any other reason": "E8",
    },
)
PLACEMENT_TYPE = CodeSet(
    name="placement type",
    fine=re.compile(r"\b([AHKPRSTUZ]\d)\b", re.IGNORECASE),
    fine_codes=_codes(
        "A3 A4 A5 A6 H5 K1 K2 P1 P2 P3 R1 R2 R3 R5 S1 T0 T1 T2 T3 T4 U1 U2 U3 U4 U5 U6 Z1"
    ),
    categories={
        "c) Placed with parents": "P1",
        "d) Independent living": "P2",
        "e) Residential employment": "P3",
        "f) Residential accommodation": "H5",
        "g) Secure Children's Homes": "K1",
        "h) Children's Homes": "K2",
        "i) Residential Care Home": "R1",
        "j) NHS/Health Trust": "R2",
        "k) Family Centre or Mother and Baby Unit": "R3",
        "l) Young Offender Institution": "R5",
        "m) Residential school": "S1",
        "n) Other placements": "Z1",
    },
)
PLACEMENT_PROVIDER = CodeSet(
    name="placement provider",
    fine=re.compile(r"\b(PR[0-5])\b", re.IGNORECASE),
    categories={"a) Own LA": "PR1", "b) Private": "PR4"},
)

# --- care leavers --------------------------------------------------------------------------------

CL_ELIGIBILITY = CodeSet(
    name="care leaver eligibility",
    categories={
        "a) Relevant": "Relevant",
        "b) Former relevant": "Former Relevant",
        "c) Qualifying": "Qualifying",
        "d) Eligible": "Eligible",
    },
)
CL_IN_TOUCH = CodeSet(
    name="in-touch status",
    fine=re.compile(r"^\s*(YES|NO|DIED|REFU|NREQ|RHOM)\b", re.IGNORECASE),
    categories={"a) In touch": "YES", "b) Not in touch": "NO", "c) Not recorded": NO_VALUE},
)
CL_ACCOMMODATION = CodeSet(
    name="care leaver accommodation",
    # An upper-case code letter followed by ':', '-' or ')' ("Y: Other accommodation").
    fine=re.compile(r"^\s*([BCDEGHKRSTUVWXYZ])\s*(?:[:\-\u2013)]|$)"),
    categories={
        "a) With parents or relatives": "B",
        "b) Community home": "C",
        "c) Semi-independent transitional accommodation": "D",
        "d) Supported lodgings": "E",
        "e) Gone abroad": "G",
        "f) Deported": "H",
        "g) Ordinary lodgings": "K",
        "h) Residence not known": "R",
        "i) No fixed abode / homeless": "S",
        "j) Foyers": "T",
        "k) Independent living": "U",
        "l) Emergency accommodation": "V",
        "m) Bed and breakfast": "W",
        "n) In custody": "X",
        "o) With Former Foster Carer": "Z",
        "p) Other accommodation": "Y",
    },
)
CL_SUITABLE = CodeSet(
    name="accommodation suitability",
    fine=re.compile(r"^\s*([12])\b"),
    categories={
        "a) Suitable": "1",
        "b) Not suitable": "2",
        "c) Not in touch or not recorded": NO_VALUE,
        "d) Exclude": NO_VALUE,
    },
)
CL_ACTIVITY = CodeSet(
    name="activity status",
    fine=re.compile(r"\b([FPG][1-6])\b", re.IGNORECASE),
    fine_codes=_codes("F1 P1 F2 P2 F3 P3 F4 P4 F5 P5 G4 G5 G6"),
)
