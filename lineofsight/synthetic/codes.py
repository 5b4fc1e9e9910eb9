"""Code sets of the returns the SSD fields follow (CIN census, SSDA903), with plausible mixes."""

from __future__ import annotations

import json

from lineofsight.casework.codewords import REFERRAL_SOURCE
from lineofsight.casework.schema import ICPC_OUTCOME_FLAGS, S47_OUTCOME_FLAGS

from .sampling import Weighted

# CIN census referral (and contact) sources in the casework words. The national-looking mix below
# was set before early help (5D) had a code of its own, so it draws from the others.
SOURCES: dict[str, str] = {k: v for k, v in REFERRAL_SOURCE.items() if k != "5D"}
SOURCE_DRAW = Weighted(
    list(SOURCES),
    [4, 1.5, 1, 1.5, 20, 2, 2, 2.5, 0.5, 3, 2.5, 4.5, 1.5, 6, 4, 3, 29, 2.5, 6, 1, 1],
)

ETHNICITY = Weighted(
    [
        "WBRI", "WIRI", "WIRT", "WROM", "WOTH", "MWBC", "MWBA", "MWAS", "MOTH", "AIND", "APKN",
        "ABAN", "AOTH", "BCRB", "BAFR", "BOTH", "CNHE", "OOTH", "REFU", "NOBT",
    ],
    [62, 0.4, 0.4, 0.8, 6, 2.5, 1, 1.3, 3.5, 1.2, 3, 1, 1.5, 1.2, 3.5, 1.2, 0.2, 3, 0.5, 3.5],
)  # fmt: skip
UASC_ORIGINS = (
    ("Afghanistan", "AOTH"),
    ("Eritrea", "BAFR"),
    ("Sudan", "BAFR"),
    ("Iran", "OOTH"),
    ("Vietnam", "OOTH"),
    ("Albania", "WOTH"),
    ("Syria", "OOTH"),
    ("Iraq", "OOTH"),
)

CP_CATEGORIES = Weighted(
    ["Neglect", "Emotional abuse", "Physical abuse", "Sexual abuse", "Multiple"],
    [50, 37, 6, 4, 3],
)

WORKER_CHANGE = Weighted(
    ["LEFTRL", "MANAGE", "ABSENC", "ORGRST", "CHCHAN", "PCCHAN", "OTHERS"],
    [38, 22, 10, 6, 4, 4, 16],
)

PARTICIPATION = Weighted(
    ["PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7"], [34, 8, 3, 5, 18, 17, 15]
)

PLACEMENT_CHANGE = Weighted(
    [
        "CARPL",
        "CLOSE",
        "ALLEG",
        "STAND",
        "APPRR",
        "CREQB",
        "CREQO",
        "CHILD",
        "LAREQ",
        "PLACE",
        "OTHER",
    ],
    [35, 10, 3, 4, 2, 8, 6, 8, 6, 8, 10],
)

# Placement type and provider by age band at the start of the placement.
PLACEMENT_BY_AGE: dict[str, Weighted[str]] = {
    "infant": Weighted(["U3", "U6", "U5", "U2", "P1", "R3"], [18, 55, 8, 5, 10, 4]),
    "child": Weighted(["U1", "U3", "U4", "U6", "P1", "K2"], [12, 10, 25, 40, 8, 5]),
    "teen": Weighted(["U1", "U3", "U4", "U6", "K2", "P1", "S1", "K1"], [8, 6, 16, 40, 20, 5, 3, 2]),
    "older": Weighted(["U4", "U6", "K2", "H5", "P2", "U3"], [12, 30, 18, 30, 4, 6]),
}
PROVIDER = {
    "U": Weighted(["PR1", "PR4", "PR5"], [60, 35, 5]),
    "K": Weighted(["PR4", "PR1", "PR5", "PR2"], [75, 15, 5, 5]),
    "H": Weighted(["PR4", "PR5", "PR1"], [60, 25, 15]),
    "A": Weighted(["PR1", "PR2", "PR5"], [55, 35, 10]),
    "S": Weighted(["PR4", "PR3"], [80, 20]),
    "R": Weighted(["PR3", "PR4"], [60, 40]),
    "P": Weighted(["PR0"], [1]),
}
LEGAL_START = Weighted(["V2", "C1", "L2", "L1", "J1", "C2"], [42, 40, 8, 6, 2, 2])

ACTIVITY = {
    "HE": Weighted(["F1", "P1"], [85, 15]),
    "EDU": Weighted(["F2", "P2"], [80, 20]),
    "APP": Weighted(["F4", "P4"], [90, 10]),
    "TRN": Weighted(["F5", "P5"], [55, 45]),
    "ILL": Weighted(["G4"], [1]),
    "OTH": Weighted(["G5"], [1]),
    "PREG": Weighted(["G6"], [1]),
}
ACCOMMODATION = {
    "17-18": Weighted(
        ["Z", "D", "E", "B", "U", "C", "T", "S", "V", "X"], [20, 35, 10, 14, 10, 3, 3, 2, 2, 1]
    ),
    "19+": Weighted(
        ["U", "B", "D", "Z", "E", "T", "K", "S", "V", "W", "X"],
        [42, 15, 14, 9, 5, 3, 4, 2, 2, 2, 2],
    ),
}
UNSUITABLE = {"S", "V", "W", "X"}


def outcome_json(keys: tuple[str, ...], yes: tuple[str, ...], **extra: object) -> str:
    """The SSD's outcome dictionaries: every key present, 'Y' where it applies, else 'N'."""
    out: dict[str, object] = {k: ("Y" if k in yes else "N") for k in keys}
    out.update(extra)
    return json.dumps(out, separators=(",", ":"))


CONTACT_KEYS = (
    "NEW_REFERRAL_FLAG",
    "EXISTING_REFERRAL_FLAG",
    "CP_ENQUIRY_FLAG",
    "NFA_FLAG",
    "NON_AGENCY_ADOPTION_FLAG",
    "PRIVATE_FOSTERING_FLAG",
    "ADVICE_FLAG",
    "MISSING_FLAG",
    "OLA_CP_FLAG",
    "OTHER_OUTCOMES_EXIST_FLAG",
)
REFERRAL_KEYS = (
    "SINGLE_ASSESSMENT_FLAG",
    "NFA_FLAG",
    "STRATEGY_DISCUSSION_FLAG",
    "CLA_REQUEST_FLAG",
    "NON_AGENCY_ADOPTION_FLAG",
    "PRIVATE_FOSTERING_FLAG",
    "CP_TRANSFER_IN_FLAG",
    "CP_CONFERENCE_FLAG",
    "CARE_LEAVER_FLAG",
    "OTHER_OUTCOMES_EXIST_FLAG",
)
ASSESSMENT_KEYS = (
    "NFA_FLAG",
    "NFA_S47_END_FLAG",
    "STRATEGY_DISCUSSION_FLAG",
    "CLA_REQUEST_FLAG",
    "PRIVATE_FOSTERING_FLAG",
    "LEGAL_ACTION_FLAG",
    "PROV_OF_SERVICES_FLAG",
    "PROV_OF_SB_CARE_FLAG",
    "SPECIALIST_ASSESSMENT_FLAG",
    "REFERRAL_TO_OTHER_AGENCY_FLAG",
    "OTHER_ACTIONS_FLAG",
    "OTHER_OUTCOMES_EXIST_FLAG",
)
S47_KEYS = S47_OUTCOME_FLAGS
ICPC_KEYS = ICPC_OUTCOME_FLAGS

CONTACT_OUTCOMES = {
    "referral": outcome_json(CONTACT_KEYS, ("NEW_REFERRAL_FLAG",)),
    "existing": outcome_json(CONTACT_KEYS, ("EXISTING_REFERRAL_FLAG",)),
    "nfa": outcome_json(CONTACT_KEYS, ("NFA_FLAG",)),
    "advice": outcome_json(CONTACT_KEYS, ("ADVICE_FLAG",)),
}
REFERRAL_OUTCOMES = {
    "nfa": outcome_json(REFERRAL_KEYS, ("NFA_FLAG",)),
    "assessment": outcome_json(REFERRAL_KEYS, ("SINGLE_ASSESSMENT_FLAG",)),
    "strategy": outcome_json(REFERRAL_KEYS, ("SINGLE_ASSESSMENT_FLAG", "STRATEGY_DISCUSSION_FLAG")),
    "care": outcome_json(REFERRAL_KEYS, ("SINGLE_ASSESSMENT_FLAG", "CLA_REQUEST_FLAG")),
}
ASSESSMENT_OUTCOMES = {
    "nfa": outcome_json(ASSESSMENT_KEYS, ("NFA_FLAG",), TOTAL_NO_OF_OUTCOMES=1, COMMENTS=""),
    "services": outcome_json(
        ASSESSMENT_KEYS, ("PROV_OF_SERVICES_FLAG",), TOTAL_NO_OF_OUTCOMES=1, COMMENTS=""
    ),
    "strategy": outcome_json(
        ASSESSMENT_KEYS,
        ("STRATEGY_DISCUSSION_FLAG", "PROV_OF_SERVICES_FLAG"),
        TOTAL_NO_OF_OUTCOMES=2,
        COMMENTS="",
    ),
    "care": outcome_json(
        ASSESSMENT_KEYS,
        ("CLA_REQUEST_FLAG", "LEGAL_ACTION_FLAG"),
        TOTAL_NO_OF_OUTCOMES=2,
        COMMENTS="",
    ),
    "open": "",
}
S47_OUTCOMES = {
    "conference": outcome_json(
        S47_KEYS, ("CP_CONFERENCE_FLAG",), TOTAL_NO_OF_OUTCOMES=1, OUTCOME_COMMENTS=""
    ),
    "services": outcome_json(
        S47_KEYS, ("PROV_OF_SERVICES_FLAG",), TOTAL_NO_OF_OUTCOMES=1, OUTCOME_COMMENTS=""
    ),
    "nfa": outcome_json(S47_KEYS, ("NFA_FLAG",), TOTAL_NO_OF_OUTCOMES=1, OUTCOME_COMMENTS=""),
}
ICPC_OUTCOME = outcome_json(ICPC_KEYS, ("CP_FLAG",), TOTAL_NO_OF_OUTCOMES=1, COMMENTS="")
