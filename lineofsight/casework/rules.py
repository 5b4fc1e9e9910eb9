"""What a valid casework extract looks like, beyond the field types and keys in `schema`.

Kept as data so that an importer can turn each rule into one set-based SQL check:
- `CODE_SETS`: the values a coded field may hold, from the SSD specification's guidance. Where
  staff read a code in words (`codewords`), the codes are that list's, so a code the import
  accepts always has its words.
- `DATE_RANGES`: start and end dates on one row, where the end may not come before the start.
- `EVENT_DATE_FIELDS`: dates on which something happened to a child, used to infer how current an
  extract is (its as-at date) when the person importing it does not say.

Codes are compared without regard to case or surrounding spaces, because case systems differ in
how they spell them; yes/no flags are stored upper-cased so later queries can compare with "Y".
"""

from __future__ import annotations

from dataclasses import dataclass

from . import codewords


@dataclass(frozen=True)
class CodeSet:
    name: str
    values: frozenset[str]
    # A value may also start with one of these (e.g. "Multiple: Neglect, Emotional abuse").
    prefixes: tuple[str, ...] = ()
    # A blocking code set makes a wrong value an error that stops the import: used where later
    # pages count or branch on the code. Codes only shown to people give a warning instead, so a
    # council's local variant does not hold up its data.
    blocking: bool = True
    description: str = ""

    def allows(self, value: str) -> bool:
        v = value.strip().upper()
        return v in self.values or any(v.startswith(p) for p in self.prefixes)

    @classmethod
    def listed(cls, name: str, *codes: str, blocking: bool = True) -> CodeSet:
        """A few codes, described by listing them ("F, M or U"), so the words an importer shows
        cannot drift from the codes it accepts."""
        description = f"{', '.join(codes[:-1])} or {codes[-1]}"
        return cls(name, _codes(*codes), blocking=blocking, description=description)

    @classmethod
    def numbered(
        cls, name: str, prefix: str, first: int, last: int, *, blocking: bool = True
    ) -> CodeSet:
        """The codes prefix+first to prefix+last (e.g. RC1 to RC9), described as that range."""
        codes = _codes(*(f"{prefix}{i}" for i in range(first, last + 1)))
        description = f"{prefix}{first} to {prefix}{last}"
        return cls(name, codes, blocking=blocking, description=description)


def _codes(*values: str) -> frozenset[str]:
    return frozenset(v.upper() for v in values)


YES_NO = CodeSet.listed("yes/no flag", "Y", "N")

CP_CATEGORY = CodeSet(
    "child protection category of abuse",
    # The SSD names the categories; the CIN census codes them. Either is accepted.
    _codes(*codewords.CP_CATEGORY),
    prefixes=("MULTIPLE",),
    description="Neglect, Physical abuse, Sexual abuse, Emotional abuse or Multiple "
    "(or the census codes NEG, PHY, SAB, EMO, MUL)",
)

CIN_PRIMARY_NEED = CodeSet.numbered("category of need", "N", 0, 9)

SEX = CodeSet.listed("sex", "F", "M", "U")

CIN_CLOSE_REASON = CodeSet.numbered("reason a case closed", "RC", 1, 9, blocking=False)

CLA_START_REASON = CodeSet.listed(
    "reason a care episode started", *codewords.CLA_START_REASON, blocking=False
)

CLA_CEASED_REASON = CodeSet(
    "reason a care episode ceased",
    _codes(*codewords.CLA_CEASED_REASON),
    blocking=False,
    description="an SSDA903 reason-episode-ceased code such as X1, E11 or E4A",
)

PLACEMENT_TYPE = CodeSet(
    "placement type",
    _codes(*codewords.PLACEMENT_TYPE),
    blocking=False,
    description="an SSDA903 placement type such as U4, K2 or P1",
)

REVIEW_PARTICIPATION = CodeSet.numbered("participation in a review", "PN", 0, 7, blocking=False)

ETHNICITY = CodeSet(
    "ethnicity",
    _codes(
        "WBRI",
        "WIRI",
        "WOTH",
        "WIRT",
        "WROM",
        "MWBC",
        "MWBA",
        "MWAS",
        "MOTH",
        "AIND",
        "APKN",
        "ABAN",
        "CNHE",
        "AOTH",
        "BCRB",
        "BAFR",
        "BOTH",
        "OOTH",
        "REFU",
        "NOBT",
    ),
    blocking=False,
    description="a DfE main ethnicity category such as WBRI or NOBT",
)

UPN_UNKNOWN = CodeSet.numbered("reason the pupil number is unknown", "UN", 1, 5, blocking=False)

CARE_LEAVER_IN_TOUCH = CodeSet.listed(
    "care leaver in touch", *codewords.CARE_LEAVER_IN_TOUCH, blocking=False
)

ACCOMMODATION_SUITABLE = CodeSet(
    "accommodation suitable",
    _codes("1", "2"),
    blocking=False,
    description="1 (suitable) or 2 (unsuitable)",
)

RETURN_INTERVIEW = CodeSet.listed("return interview", "Y", "N", "NA")

MISSING_TYPE = CodeSet(
    "missing episode type",
    # The SSD guidance names the two kinds; the SSDA903 return codes them M and A.
    _codes(*codewords.MISSING_TYPE),
    blocking=False,
    description="Missing or Away (or M, A)",
)

# (table, field) -> the code set its values must come from. Empty values are always allowed here:
# whether a field must be filled is the schema's `required`.
CODE_SETS: dict[tuple[str, str], CodeSet] = {
    ("ssd_person", "pers_sex"): SEX,
    ("ssd_person", "pers_ethnicity"): ETHNICITY,
    ("ssd_person", "pers_upn_unknown"): UPN_UNKNOWN,
    ("ssd_person", "pers_send_flag"): YES_NO,
    ("ssd_person", "pers_is_mother"): YES_NO,
    ("ssd_cin_episodes", "cine_cin_primary_need_code"): CIN_PRIMARY_NEED,
    ("ssd_cin_episodes", "cine_referral_nfa"): YES_NO,
    ("ssd_cin_episodes", "cine_close_reason"): CIN_CLOSE_REASON,
    ("ssd_cin_assessments", "cina_assessment_child_seen"): YES_NO,
    ("ssd_cin_assessments", "cina_assessment_outcome_nfa"): YES_NO,
    ("ssd_s47_enquiry", "s47e_s47_nfa"): YES_NO,
    ("ssd_initial_cp_conference", "icpc_icpc_transfer_in"): YES_NO,
    ("ssd_initial_cp_conference", "icpc_icpc_outcome_cp_flag"): YES_NO,
    ("ssd_cin_visits", "cinv_cin_visit_seen"): YES_NO,
    ("ssd_cin_visits", "cinv_cin_visit_seen_alone"): YES_NO,
    ("ssd_cin_visits", "cinv_cin_visit_bedroom"): YES_NO,
    ("ssd_cp_plans", "cppl_cp_plan_initial_category"): CP_CATEGORY,
    ("ssd_cp_plans", "cppl_cp_plan_latest_category"): CP_CATEGORY,
    ("ssd_cp_plans", "cppl_cp_plan_ola"): YES_NO,
    ("ssd_cp_visits", "cppv_cp_visit_seen"): YES_NO,
    ("ssd_cp_visits", "cppv_cp_visit_seen_alone"): YES_NO,
    ("ssd_cp_visits", "cppv_cp_visit_bedroom"): YES_NO,
    ("ssd_cp_reviews", "cppr_cp_review_outcome_continue_cp"): YES_NO,
    ("ssd_cp_reviews", "cppr_cp_review_quorate"): YES_NO,
    ("ssd_cp_reviews", "cppr_cp_review_participation"): REVIEW_PARTICIPATION,
    ("ssd_cla_episodes", "clae_cla_primary_need_code"): CIN_PRIMARY_NEED,
    ("ssd_cla_episodes", "clae_cla_episode_start_reason"): CLA_START_REASON,
    ("ssd_cla_episodes", "clae_cla_episode_ceased_reason"): CLA_CEASED_REASON,
    ("ssd_cla_placement", "clap_cla_placement_type"): PLACEMENT_TYPE,
    ("ssd_cla_reviews", "clar_cla_review_cancelled"): YES_NO,
    ("ssd_cla_reviews", "clar_cla_review_participation"): REVIEW_PARTICIPATION,
    ("ssd_cla_visits", "clav_cla_visit_seen"): YES_NO,
    ("ssd_cla_visits", "clav_cla_visit_seen_alone"): YES_NO,
    ("ssd_care_leavers", "clea_care_leaver_in_touch"): CARE_LEAVER_IN_TOUCH,
    ("ssd_care_leavers", "clea_care_leaver_accom_suitable"): ACCOMMODATION_SUITABLE,
    ("ssd_missing", "miss_missing_episode_type"): MISSING_TYPE,
    ("ssd_missing", "miss_missing_rhi_offered"): RETURN_INTERVIEW,
    ("ssd_missing", "miss_missing_rhi_accepted"): RETURN_INTERVIEW,
    ("ssd_professionals", "prof_agency_worker_flag"): YES_NO,
}

# Fields stored upper-cased in a snapshot, so that "y" and "Y" count the same everywhere.
UPPER_CASED_FIELDS: frozenset[tuple[str, str]] = frozenset(
    key for key, codes in CODE_SETS.items() if codes in (YES_NO, RETURN_INTERVIEW)
)


@dataclass(frozen=True)
class DateRange:
    table: str
    start: str
    end: str


DATE_RANGES: tuple[DateRange, ...] = (
    DateRange("ssd_person", "pers_dob", "pers_death_date"),
    DateRange("ssd_cin_episodes", "cine_referral_date", "cine_close_date"),
    DateRange("ssd_cin_assessments", "cina_assessment_start_date", "cina_assessment_auth_date"),
    DateRange("ssd_s47_enquiry", "s47e_s47_start_date", "s47e_s47_end_date"),
    DateRange("ssd_cin_plans", "cinp_cin_plan_start_date", "cinp_cin_plan_end_date"),
    DateRange("ssd_cp_plans", "cppl_cp_plan_start_date", "cppl_cp_plan_end_date"),
    DateRange("ssd_cla_episodes", "clae_cla_episode_start_date", "clae_cla_episode_ceased_date"),
    DateRange("ssd_cla_placement", "clap_cla_placement_start_date", "clap_cla_placement_end_date"),
    DateRange("ssd_legal_status", "lega_legal_status_start_date", "lega_legal_status_end_date"),
    DateRange("ssd_missing", "miss_missing_episode_start_date", "miss_missing_episode_end_date"),
    DateRange("ssd_involvements", "invo_involvement_start_date", "invo_involvement_end_date"),
)

# Dates on which work happened or a status changed. Dates of birth, due dates and target dates are
# left out: they say nothing about how recent the extract is, and due dates lie in the future.
EVENT_DATE_FIELDS: tuple[tuple[str, str], ...] = (
    ("ssd_contacts", "cont_contact_date"),
    ("ssd_cin_episodes", "cine_referral_date"),
    ("ssd_cin_episodes", "cine_close_date"),
    ("ssd_cin_assessments", "cina_assessment_start_date"),
    ("ssd_cin_assessments", "cina_assessment_auth_date"),
    ("ssd_s47_enquiry", "s47e_s47_start_date"),
    ("ssd_s47_enquiry", "s47e_s47_end_date"),
    ("ssd_initial_cp_conference", "icpc_icpc_date"),
    ("ssd_cin_plans", "cinp_cin_plan_start_date"),
    ("ssd_cin_plans", "cinp_cin_plan_end_date"),
    ("ssd_cin_visits", "cinv_cin_visit_date"),
    ("ssd_cp_plans", "cppl_cp_plan_start_date"),
    ("ssd_cp_plans", "cppl_cp_plan_end_date"),
    ("ssd_cp_visits", "cppv_cp_visit_date"),
    ("ssd_cp_reviews", "cppr_cp_review_date"),
    ("ssd_cla_episodes", "clae_cla_episode_start_date"),
    ("ssd_cla_episodes", "clae_cla_episode_ceased_date"),
    ("ssd_cla_placement", "clap_cla_placement_start_date"),
    ("ssd_cla_placement", "clap_cla_placement_end_date"),
    ("ssd_cla_reviews", "clar_cla_review_date"),
    ("ssd_cla_visits", "clav_cla_visit_date"),
    ("ssd_care_leavers", "clea_care_leaver_latest_contact"),
    ("ssd_missing", "miss_missing_episode_start_date"),
    ("ssd_missing", "miss_missing_episode_end_date"),
    ("ssd_legal_status", "lega_legal_status_start_date"),
    ("ssd_involvements", "invo_involvement_start_date"),
    ("case_notes", "note_date"),
)

# Tables an extract must include; every other table may be absent (its pages then say "no data").
REQUIRED_TABLES: frozenset[str] = frozenset({"ssd_person"})
