"""Words for the codes a casework snapshot holds, for pages that show them to people.

The SSD stores many values as the codes of the returns it feeds (CIN census, SSDA903): "RC8",
"U6", "PR1". Staff should read what they mean. The words below are the code sets given in the
SSD specification's guidance (`ssd_spec/`), shortened where the guidance runs to a paragraph;
legal statuses, which the SSD leaves to the SSDA903 guidance, and contact and referral sources,
which it leaves to the CIN census guidance, come from those returns.

`describe(code_list, value)` is the one way to show a coded value:
- a code in the list shows its words ("RC8" -> "Case closed after assessment, no further action");
- a value that is already words (a council's own description, "Multiple: Neglect, Emotional
  abuse") shows as it is;
- a code that is not in the list shows the code itself, saying so: "Not in the code list (code X)".
"""

from __future__ import annotations

import re

REFERRAL_SOURCE = {
    "1A": "Individual: family member, relative or carer",
    "1B": "Individual: acquaintance, including neighbours and child minders",
    "1C": "Individual: self",
    "1D": "Individual: other",
    "2A": "Schools",
    "2B": "Education services",
    "3A": "Health services: GP",
    "3B": "Health services: health visitor",
    "3C": "Health services: school nurse",
    "3D": "Health services: other primary health services",
    "3E": "Health services: A&E",
    "3F": "Health services: other",
    "4": "Housing",
    "5A": "Local authority services: social care",
    "5B": "Local authority services: other internal",
    "5C": "Local authority services: external",
    "5D": "Local authority services: early help",
    "6": "Police",
    "7": "Other legal agency",
    "8": "Other",
    "9": "Anonymous",
    "10": "Unknown",
}

PRIMARY_NEED = {
    "N0": "Not stated",
    "N1": "Abuse or neglect",
    "N2": "Child's disability",
    "N3": "Parental disability or illness",
    "N4": "Family in acute stress",
    "N5": "Family dysfunction",
    "N6": "Socially unacceptable behaviour",
    "N7": "Low income",
    "N8": "Absent parenting",
    "N9": "Cases other than children in need",
}

CIN_CLOSE_REASON = {
    "RC1": "Adopted",
    "RC2": "Died",
    "RC3": "Child arrangements order",
    "RC4": "Special guardianship order",
    "RC5": "Transferred to services of another local authority",
    "RC6": "Transferred to adult social care services",
    "RC7": "Services ceased for any other reason, including child no longer in need",
    "RC8": "Case closed after assessment, no further action",
    "RC9": "Case closed after assessment, referred to early help",
}

# The SSD names the categories of abuse; the CIN census codes them.
CP_CATEGORY = {
    "NEGLECT": "Neglect",
    "PHYSICAL ABUSE": "Physical abuse",
    "SEXUAL ABUSE": "Sexual abuse",
    "EMOTIONAL ABUSE": "Emotional abuse",
    "MULTIPLE": "Multiple",
    "NEG": "Neglect",
    "PHY": "Physical abuse",
    "SAB": "Sexual abuse",
    "EMO": "Emotional abuse",
    "MUL": "Multiple",
}

CLA_START_REASON = {
    "S": "Started to be looked after",
    "L": "Change of legal status only",
    "P": "Change of placement and carer only",
    "T": "Change of placement (same carer) only",
    "B": "Change of legal status, placement and carer at the same time",
    "U": "Change of legal status and placement (same carer) at the same time",
}

CLA_CEASED_REASON = {
    "X1": "Episode ended and a new one began on the same day",
    "E11": "Adopted: application for an adoption order unopposed",
    "E12": "Adopted: consent dispensed with by the court",
    "E2": "Died",
    "E3": "Care taken over by another local authority in the UK",
    "E4A": "Returned home to live with parents or relatives, as part of the care plan",
    "E4B": "Returned home to live with parents or relatives, not part of the care plan",
    "E13": "Left care to live with parents, relatives or others with no parental responsibility",
    "E41": "Child arrangements order (residence) granted",
    "E45": "Special guardianship order made to former foster carers who are relatives or friends",
    "E46": "Special guardianship order made to former foster carers, not relatives or friends",
    "E47": "Special guardianship order made to carers other than former foster carers, "
    "who are relatives or friends",
    "E48": "Special guardianship order made to carers other than former foster carers, "
    "not relatives or friends",
    "E5": "Moved into independent living with supportive accommodation",
    "E6": "Moved into independent living with no formal support",
    "E7": "Transferred to residential care funded by adult social care services",
    "E9": "Sentenced to custody",
    "E14": "Accommodation on remand ended",
    "E15": "Age assessment found the child was 18 or over",
    "E16": "Moved abroad",
    "E17": "Aged 18 or over and remained with current carers",
    "E8": "Period of being looked after ceased for any other reason",
}

PLACEMENT_TYPE = {
    "A3": "Placed for adoption with consent, with current foster carers",
    "A4": "Placed for adoption with consent, not with current foster carers",
    "A5": "Placed for adoption with a placement order, with current foster carers",
    "A6": "Placed for adoption with a placement order, not with current foster carers",
    "H5": "Semi-independent living, not subject to children's homes regulations",
    "K1": "Secure children's home",
    "K2": "Children's home subject to children's homes regulations",
    "P1": "Placed with own parents or others with parental responsibility",
    "P2": "Independent living, with or without formal support",
    "P3": "Residential employment",
    "R1": "Residential care home",
    "R2": "NHS or health trust establishment providing medical or nursing care",
    "R3": "Family centre or mother and baby unit",
    "R5": "Young offender institution",
    "S1": "Residential school",
    "T0": "Temporary move",
    "T1": "Temporary period in hospital",
    "T2": "Temporary absence on holiday",
    "T3": "Temporary accommodation while the usual foster carers are on holiday",
    "T4": "Temporary accommodation of seven days or less",
    "U1": "Foster placement with relatives or friends: long term",
    "U2": "Foster placement with relatives or friends who are approved adopters "
    "(fostering for adoption or concurrent planning)",
    "U3": "Foster placement with relatives or friends: not long term",
    "U4": "Foster placement with other foster carers: long term",
    "U5": "Foster placement with other foster carers who are approved adopters "
    "(fostering for adoption or concurrent planning)",
    "U6": "Foster placement with other foster carers: not long term",
    "Z1": "Other placement",
}

PLACEMENT_PROVIDER = {
    "PR0": "Parents or others with parental responsibility",
    "PR1": "The council's own provision",
    "PR2": "Another local authority's provision",
    "PR3": "Other public provision",
    "PR4": "Private provision",
    "PR5": "Voluntary or third sector provision",
}

PLACEMENT_CHANGE_REASON = {
    "CARPL": "Change to or carrying out the care plan",
    "CLOSE": "Carer resigned or the provision closed",
    "ALLEG": "Allegation (section 47)",
    "STAND": "Concern about standards of care",
    "CUSTOD": "Custody arrangement",
    "APPRR": "Approval of the placement removed",
    "CREQB": "Carer asked for the placement to end because of the child's behaviour",
    "CREQO": "Carer asked for the placement to end for another reason",
    "CHILD": "Child asked for the placement to end",
    "LAREQ": "Responsible or area authority asked for the placement to end",
    "PLACE": "Change in the status of the placement only",
    "OTHER": "Other",
}

# SSDA903 legal statuses (the SSD leaves this code set to the SSDA903 guidance).
LEGAL_STATUS = {
    "C1": "Interim care order",
    "C2": "Full care order",
    "D1": "Freeing order granted",
    "E1": "Placement order granted",
    "V2": "Accommodated under section 20 (single period)",
    "V3": "Accommodated for a series of short breaks (each break recorded)",
    "V4": "Accommodated for a series of short breaks (agreement recorded)",
    "L1": "Under police protection and in local authority accommodation",
    "L2": "Emergency protection order",
    "L3": "Child assessment order and in local authority accommodation",
    "J1": "Remanded to local authority or youth detention accommodation",
    "J2": "In local authority accommodation under PACE",
    "J3": "Youth rehabilitation order with a residence or fostering requirement",
}

REVIEW_PARTICIPATION = {
    "PN0": "Child under 4 at the time of the review",
    "PN1": "Child attended and spoke for themselves",
    "PN2": "Child attended and an advocate spoke for them",
    "PN3": "Child attended and gave their views without words",
    "PN4": "Child attended but did not give their views",
    "PN5": "Child did not attend but briefed an advocate",
    "PN6": "Child did not attend but gave their views another way",
    "PN7": "Child did not attend and their views were not given",
}

CARE_LEAVER_IN_TOUCH = {
    "YES": "In touch",
    "NO": "Not in touch",
    "DIED": "Died after leaving care",
    "REFU": "Young person refuses contact",
    "NREQ": "Young person no longer needs children's social care services",
    "RHOM": "Returned to live with parents for 6 months or more",
}

CARE_LEAVER_ACCOMMODATION = {
    "B": "With parents or relatives",
    "C": "Community home or other residential care",
    "D": "Semi-independent, transitional accommodation",
    "E": "Supported lodgings",
    "G": "Gone abroad",
    "H": "Deported",
    "K": "Ordinary lodgings, without formal support",
    "R": "Residence not known",
    "S": "No fixed abode or homeless",
    "T": "Foyer or similar supported accommodation",
    "U": "Independent living",
    "V": "Emergency accommodation",
    "W": "Bed and breakfast",
    "X": "In custody",
    "Y": "Other accommodation",
    "Z": "With former foster carers",
}

CARE_LEAVER_ACTIVITY = {
    "F1": "Full-time higher education",
    "P1": "Part-time higher education",
    "F2": "Full-time education other than higher education",
    "P2": "Part-time education other than higher education",
    "F3": "Full-time training or employment",
    "P3": "Part-time training or employment",
    "F4": "Full-time apprenticeship",
    "P4": "Part-time apprenticeship",
    "F5": "Full-time training or employment (not an apprenticeship)",
    "P5": "Part-time training or employment (not an apprenticeship)",
    "G4": "Not in education, employment or training: illness or disability",
    "G5": "Not in education, employment or training: other circumstances",
    "G6": "Not in education, employment or training: pregnancy or parenting",
}

MISSING_TYPE = {
    "MISSING": "Missing from care",
    "AWAY": "Away from placement without authorisation",
    "M": "Missing from care",
    "A": "Away from placement without authorisation",
}

WORKER_CHANGE_REASON = {
    "MANAGE": "Managing caseloads",
    "FCONTA": "First contact or re-referral",
    "LEFTRL": "Previous social worker left the role",
    "ORGRST": "Organisational restructure",
    "TSPROC": "Child transferred under the usual process",
    "ABSENC": "Absence cover or return from absence",
    "CHCHAN": "Child asked for a change of social worker",
    "PCCHAN": "Parent or carer asked for a change of social worker",
    "SWDIED": "Previous social worker died",
    "OTHERS": "Other reason",
}

CODE_LISTS: dict[str, dict[str, str]] = {
    "referral_source": REFERRAL_SOURCE,
    "primary_need": PRIMARY_NEED,
    "cin_close_reason": CIN_CLOSE_REASON,
    "cp_category": CP_CATEGORY,
    "cla_start_reason": CLA_START_REASON,
    "cla_ceased_reason": CLA_CEASED_REASON,
    "placement_type": PLACEMENT_TYPE,
    "placement_provider": PLACEMENT_PROVIDER,
    "placement_change_reason": PLACEMENT_CHANGE_REASON,
    "legal_status": LEGAL_STATUS,
    "review_participation": REVIEW_PARTICIPATION,
    "care_leaver_in_touch": CARE_LEAVER_IN_TOUCH,
    "care_leaver_accommodation": CARE_LEAVER_ACCOMMODATION,
    "care_leaver_activity": CARE_LEAVER_ACTIVITY,
    "missing_type": MISSING_TYPE,
    "worker_change_reason": WORKER_CHANGE_REASON,
}

# (table, field) -> the code list its values come from.
FIELDS: dict[tuple[str, str], str] = {
    ("ssd_contacts", "cont_contact_source_code"): "referral_source",
    ("ssd_cin_episodes", "cine_referral_source_code"): "referral_source",
    ("ssd_cin_episodes", "cine_cin_primary_need_code"): "primary_need",
    ("ssd_cin_episodes", "cine_close_reason"): "cin_close_reason",
    ("ssd_cp_plans", "cppl_cp_plan_initial_category"): "cp_category",
    ("ssd_cp_plans", "cppl_cp_plan_latest_category"): "cp_category",
    ("ssd_cp_reviews", "cppr_cp_review_participation"): "review_participation",
    ("ssd_cla_episodes", "clae_cla_primary_need_code"): "primary_need",
    ("ssd_cla_episodes", "clae_cla_episode_start_reason"): "cla_start_reason",
    ("ssd_cla_episodes", "clae_cla_episode_ceased_reason"): "cla_ceased_reason",
    ("ssd_cla_placement", "clap_cla_placement_type"): "placement_type",
    ("ssd_cla_placement", "clap_cla_placement_provider"): "placement_provider",
    ("ssd_cla_placement", "clap_cla_placement_change_reason"): "placement_change_reason",
    ("ssd_cla_reviews", "clar_cla_review_participation"): "review_participation",
    ("ssd_legal_status", "lega_legal_status"): "legal_status",
    ("ssd_care_leavers", "clea_care_leaver_in_touch"): "care_leaver_in_touch",
    ("ssd_care_leavers", "clea_care_leaver_accommodation"): "care_leaver_accommodation",
    ("ssd_care_leavers", "clea_care_leaver_activity"): "care_leaver_activity",
    ("ssd_missing", "miss_missing_episode_type"): "missing_type",
    ("ssd_involvements", "invo_worker_change_reason"): "worker_change_reason",
}

# A value written as a code: capitals and digits only ("RC8", "U6", "LEFTRL"). Anything else
# ("Worker left", "Multiple: Neglect, Emotional abuse") is a council's own words.
_CODE_LIKE = re.compile(r"^[A-Z0-9]{1,8}$")


def unknown(value: str) -> str:
    return f"Not in the code list (code {value})"


def describe(code_list: str, value: object) -> str:
    """The words for `value` in the named code list (see the module's docstring)."""
    text = "" if value is None else str(value).strip()
    if not text:
        return ""
    words = CODE_LISTS[code_list]
    found = words.get(text.upper())
    if found is not None:
        return found
    if _CODE_LIKE.match(text):
        return unknown(text)
    return text


def describe_field(table: str, field: str, value: object) -> str:
    """The words for a value of a snapshot field; a field with no code list shows as it is."""
    code_list = FIELDS.get((table, field))
    if code_list is None:
        return "" if value is None else str(value).strip()
    return describe(code_list, value)
