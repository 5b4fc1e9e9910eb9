"""The role table is the one place a permission is decided; these are the capabilities each role
has held since the table was written as one literal, so a change to it is a deliberate one.

Capabilities added with the literal table gave a name to a rule that was written as a predicate
(practice weeks, themes, committee reports); each is held by exactly the roles the predicate let
through, which the second test checks."""

from __future__ import annotations

import pytest

from lineofsight.accounts.models import Role
from lineofsight.accounts.policy import ROLE_CAPABILITIES, ROLE_SCOPE, Scope
from lineofsight.accounts.policy import Capability as C

NAMED_SINCE = {
    C.VIEW_PRACTICE_WEEKS,
    C.READ_WHOLE_PRACTICE_WEEKS,
    C.ASSESS_PRACTICE_VISITS,
    C.VIEW_THEMES,
    C.READ_COMMITTEE_REPORTS,
    C.ANSWER_ESCALATED_CONCERNS,
    C.OVERSEE_CONCERNS,
    C.AUDIT_CASE_FILES,
    C.MODERATE_AUDITS,
}
# Capabilities of features added since the table was written, and the roles that hold them.
ADDED_SINCE = {
    C.VIEW_RECORDING: {
        Role.TEAM_MANAGER,
        Role.SERVICE_MANAGER,
        Role.QA_LEAD,
        Role.SENIOR_LEADER,
        Role.ANALYST,
    },
    C.MANAGE_RECORDING_RULES: {Role.QA_LEAD},
    C.MANAGE_FRAMEWORK: {Role.QA_LEAD},
    C.SIGN_OFF_SELF_EVALUATION: {Role.SENIOR_LEADER},
    C.VIEW_WORKFORCE: {
        Role.TEAM_MANAGER,
        Role.SERVICE_MANAGER,
        Role.QA_LEAD,
        Role.SENIOR_LEADER,
    },
    C.MANAGE_WORKFORCE: {Role.TEAM_MANAGER, Role.QA_LEAD},
    C.MANAGE_LEARNING: {Role.QA_LEAD},
}

# A service manager's capabilities; a team manager's and a QA lead's build on them.
_SERVICE_MANAGER = {
    C.MANAGE_FEEDBACK,
    C.RAISE_ACTIONS,
    C.RESPOND_TO_CONCERNS,
    C.VIEW_AUDIT_REPORTS,
    C.VIEW_CASEWORK,
    C.VIEW_INDICATORS,
}
_TEAM_MANAGER = {*_SERVICE_MANAGER, C.LEAD_SUPERVISION}

EXPECTED = {
    Role.PRACTITIONER: {C.VIEW_CASEWORK},
    Role.TEAM_MANAGER: _TEAM_MANAGER,
    Role.SERVICE_MANAGER: _SERVICE_MANAGER,
    Role.QA_LEAD: {
        *_TEAM_MANAGER,
        C.MANAGE_AUDIT_PROGRAMMES,
        C.MANAGE_PRACTICE_WEEKS,
        C.VIEW_ACCESS_LOG,
        C.WRITE_COMMITTEE_REPORTS,
    },
    Role.SENIOR_LEADER: {
        C.APPROVE_ROLE_GRANTS,
        C.RAISE_ACTIONS,
        C.RESPOND_TO_CONCERNS,
        C.SET_INDICATOR_TARGETS,
        C.VIEW_AUDIT_REPORTS,
        C.VIEW_CASEWORK,
        C.VIEW_INDICATORS,
        C.WRITE_COMMITTEE_REPORTS,
    },
    Role.ANALYST: {
        C.RUN_IMPORTS,
        C.SET_INDICATOR_TARGETS,
        C.VIEW_CASEWORK,
        C.VIEW_INDICATORS,
        C.WRITE_COMMITTEE_REPORTS,
    },
    Role.ADMINISTRATOR: {C.CONFIGURE, C.MANAGE_USERS, C.VIEW_ACCESS_LOG},
}


def test_every_role_holds_exactly_the_capabilities_it_held():
    assert {
        role: set(caps) - NAMED_SINCE - set(ADDED_SINCE) for role, caps in ROLE_CAPABILITIES.items()
    } == EXPECTED


@pytest.mark.parametrize("capability", sorted(ADDED_SINCE))
def test_capabilities_added_since_are_held_by_exactly_their_roles(capability):
    holders = {role for role, caps in ROLE_CAPABILITIES.items() if capability in caps}
    assert holders == ADDED_SINCE[capability]


def test_the_table_is_never_changed():
    with pytest.raises(TypeError):
        ROLE_CAPABILITIES[Role.PRACTITIONER] = frozenset()  # type: ignore[index]


def test_capabilities_named_since_are_held_as_the_predicates_allowed():
    def has(role, capability):
        return capability in EXPECTED[role]

    for role, capabilities in ROLE_CAPABILITIES.items():
        scope = ROLE_SCOPE[role]
        wider = scope in (Scope.OWN_SERVICE, Scope.EVERYTHING)
        before = {
            # Practice weeks were read by those who read audit reports.
            C.VIEW_PRACTICE_WEEKS: has(role, C.MANAGE_PRACTICE_WEEKS)
            or has(role, C.VIEW_AUDIT_REPORTS),
            C.READ_WHOLE_PRACTICE_WEEKS: has(role, C.MANAGE_PRACTICE_WEEKS)
            or (has(role, C.VIEW_AUDIT_REPORTS) and wider),
            C.ASSESS_PRACTICE_VISITS: role
            in (Role.SERVICE_MANAGER, Role.SENIOR_LEADER, Role.QA_LEAD),
            C.VIEW_THEMES: has(role, C.VIEW_INDICATORS) or has(role, C.MANAGE_PRACTICE_WEEKS),
            C.READ_COMMITTEE_REPORTS: has(role, C.VIEW_INDICATORS) and scope is Scope.EVERYTHING,
            # Concerns escalated to senior leaders; quality assurance leads told of every one.
            C.ANSWER_ESCALATED_CONCERNS: role == Role.SENIOR_LEADER,
            C.OVERSEE_CONCERNS: role == Role.QA_LEAD,
            # An audit programme's default auditors and moderators.
            C.AUDIT_CASE_FILES: role in (Role.TEAM_MANAGER, Role.SERVICE_MANAGER, Role.QA_LEAD),
            C.MODERATE_AUDITS: role == Role.QA_LEAD,
        }
        assert {c for c, held in before.items() if held} == capabilities & NAMED_SINCE, role
