"""Who may see what and do what: the one place that says it.

Two questions, answered separately:
- Scope: whose children and teams a role may see (own caseload, own team, own service, everything,
  or configuration only). Objects outside a user's scope are answered with 404, as if they did not
  exist, so an outsider learns nothing.
- Capabilities: which actions a role may take. A user who can see a page but may not act on it
  gets 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import F, Q, QuerySet
from django.http import Http404

from .models import Role, Team, User


class Scope(StrEnum):
    OWN_CASELOAD = "own caseload"
    OWN_TEAM = "own team"
    OWN_SERVICE = "own service"
    EVERYTHING = "everything"
    CONFIGURATION = "configuration only"


class Capability(StrEnum):
    VIEW_CASEWORK = "view_casework"
    VIEW_ACCESS_LOG = "view_access_log"
    MANAGE_USERS = "manage_users"
    CONFIGURE = "configure"
    RUN_IMPORTS = "run_imports"
    VIEW_INDICATORS = "view_indicators"
    MANAGE_AUDIT_PROGRAMMES = "manage_audit_programmes"
    MANAGE_PRACTICE_WEEKS = "manage_practice_weeks"
    LEAD_SUPERVISION = "lead_supervision"
    # --- audits (case-file audits feature): read programme reports, scoped to one's area ---
    VIEW_AUDIT_REPORTS = "view_audit_reports"
    # --- indicators: set the council's targets; write committee reports ---
    SET_INDICATOR_TARGETS = "set_indicator_targets"
    WRITE_COMMITTEE_REPORTS = "write_committee_reports"
    # --- feedback: respond to feedback ("you said, we did") and send one-time feedback links ---
    MANAGE_FEEDBACK = "manage_feedback"
    # --- improvement actions: raise an action from any source, see the board of all actions ---
    RAISE_ACTIONS = "raise_actions"
    # --- separation of duties: senior leaders approve roles that see children's records ---
    APPROVE_ROLE_GRANTS = "approve_role_grants"
    # --- safeguarding concerns: record the response to a concern raised by someone else ---
    RESPOND_TO_CONCERNS = "respond_to_concerns"


ROLE_SCOPE: dict[str, Scope] = {
    Role.PRACTITIONER: Scope.OWN_CASELOAD,
    Role.TEAM_MANAGER: Scope.OWN_TEAM,
    Role.SERVICE_MANAGER: Scope.OWN_SERVICE,
    Role.QA_LEAD: Scope.EVERYTHING,
    Role.SENIOR_LEADER: Scope.EVERYTHING,
    Role.ANALYST: Scope.EVERYTHING,
    Role.ADMINISTRATOR: Scope.CONFIGURATION,
}

_CASEWORK_ROLES = {
    Role.PRACTITIONER,
    Role.TEAM_MANAGER,
    Role.SERVICE_MANAGER,
    Role.QA_LEAD,
    Role.SENIOR_LEADER,
    Role.ANALYST,
}

ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.PRACTITIONER: frozenset({Capability.VIEW_CASEWORK}),
    Role.TEAM_MANAGER: frozenset(
        {
            Capability.VIEW_CASEWORK,
            Capability.LEAD_SUPERVISION,
            Capability.VIEW_INDICATORS,
            Capability.VIEW_AUDIT_REPORTS,  # audits feature
        }
    ),
    Role.SERVICE_MANAGER: frozenset(
        {
            Capability.VIEW_CASEWORK,
            Capability.VIEW_INDICATORS,
            Capability.VIEW_AUDIT_REPORTS,  # audits feature
        }
    ),
    Role.QA_LEAD: frozenset(
        {
            Capability.VIEW_CASEWORK,
            Capability.VIEW_ACCESS_LOG,
            Capability.VIEW_INDICATORS,
            Capability.MANAGE_AUDIT_PROGRAMMES,
            Capability.MANAGE_PRACTICE_WEEKS,
            Capability.VIEW_AUDIT_REPORTS,  # audits feature
        }
    ),
    Role.SENIOR_LEADER: frozenset(
        {
            Capability.VIEW_CASEWORK,
            Capability.VIEW_INDICATORS,
            Capability.VIEW_AUDIT_REPORTS,  # audits feature
        }
    ),
    Role.ANALYST: frozenset(
        {Capability.VIEW_CASEWORK, Capability.RUN_IMPORTS, Capability.VIEW_INDICATORS}
    ),
    Role.ADMINISTRATOR: frozenset(
        {Capability.MANAGE_USERS, Capability.CONFIGURE, Capability.VIEW_ACCESS_LOG}
    ),
}
# --- group reflective supervision (worklists/supervision apps) ---
# Quality assurance leads (principal social workers) set up and record group supervision for any
# team, as team managers do for their own.
ROLE_CAPABILITIES[Role.QA_LEAD] = ROLE_CAPABILITIES[Role.QA_LEAD] | {Capability.LEAD_SUPERVISION}
# --- end group reflective supervision ---
# --- indicators (indicators app) ---
# Analysts look after the indicators and record the targets leaders agree; leaders, quality
# assurance leads and analysts write the committee report.
for _role in (Role.ANALYST, Role.SENIOR_LEADER):
    ROLE_CAPABILITIES[_role] = ROLE_CAPABILITIES[_role] | {Capability.SET_INDICATOR_TARGETS}
for _role in (Role.ANALYST, Role.SENIOR_LEADER, Role.QA_LEAD):
    ROLE_CAPABILITIES[_role] = ROLE_CAPABILITIES[_role] | {Capability.WRITE_COMMITTEE_REPORTS}
# --- end indicators ---
# --- practice weeks and feedback (practiceweeks/feedback apps) ---
# Managers and quality assurance leads respond to feedback and raise improvement actions from
# any source (within their scope); practitioners record feedback and send links, not responses.
for _role in (Role.TEAM_MANAGER, Role.SERVICE_MANAGER, Role.QA_LEAD):
    ROLE_CAPABILITIES[_role] = ROLE_CAPABILITIES[_role] | {
        Capability.MANAGE_FEEDBACK,
        Capability.RAISE_ACTIONS,
    }
ROLE_CAPABILITIES[Role.SENIOR_LEADER] = ROLE_CAPABILITIES[Role.SENIOR_LEADER] | {
    Capability.RAISE_ACTIONS
}
# --- end practice weeks and feedback ---
# --- separation of duties (accounts app) ---
# Administrators ask for a role that sees children's records (MANAGE_USERS); a senior leader
# approves or refuses it. Neither can complete a grant alone.
ROLE_CAPABILITIES[Role.SENIOR_LEADER] = ROLE_CAPABILITIES[Role.SENIOR_LEADER] | {
    Capability.APPROVE_ROLE_GRANTS
}
# --- end separation of duties ---
# --- safeguarding concerns (concerns app) ---
# Managers and leaders answer safeguarding concerns in their scope (never one they raised).
for _role in (Role.TEAM_MANAGER, Role.SERVICE_MANAGER, Role.QA_LEAD, Role.SENIOR_LEADER):
    ROLE_CAPABILITIES[_role] = ROLE_CAPABILITIES[_role] | {Capability.RESPOND_TO_CONCERNS}
# --- end safeguarding concerns ---
assert set(ROLE_CAPABILITIES) == set(Role.values) == set(ROLE_SCOPE)
assert all(Capability.VIEW_CASEWORK in ROLE_CAPABILITIES[r] for r in _CASEWORK_ROLES)


@dataclass(frozen=True)
class RoleDescription:
    role: str
    label: str
    scope: Scope
    summary: str
    awaiting_approval: bool = False


ROLE_SUMMARIES: dict[str, str] = {
    Role.PRACTITIONER: "See your own caseload's timeliness, take part in audits of your work and "
    "read the feedback.",
    Role.TEAM_MANAGER: "See your team's worklist of drift and overdue work, and bring cases to "
    "group reflective supervision.",
    Role.SERVICE_MANAGER: "Compare the teams in your service, follow action plans and take part "
    "in practice weeks.",
    Role.QA_LEAD: "Run audit programmes, moderation and practice weeks across the whole service, "
    "and check who has viewed children's records.",
    Role.SENIOR_LEADER: "Follow the improvement board and the reports to committees.",
    Role.ANALYST: "Import the council's case data, check its quality, and look after the "
    "indicators.",
    Role.ADMINISTRATOR: "Manage people, teams and configuration. Administrators do not see "
    "children's records.",
}


AWAITING_APPROVAL_SUMMARY = (
    "Your access to children's records is awaiting approval by a senior leader. Until it is "
    "approved you see no child's record. Your administrator can tell you more."
)


def needs_approval(role: str) -> bool:
    """A role that sees children's records is given only with a senior leader's approval."""
    return Capability.VIEW_CASEWORK in ROLE_CAPABILITIES.get(role, frozenset())


def role_approved(user: User) -> bool:
    """False for a user whose role sees children's records and has not been approved."""
    return not needs_approval(user.role) or getattr(user, "approved_role", "") == user.role


def with_approved_roles(people: QuerySet[User]) -> QuerySet[User]:
    """Only people whose role counts: anyone offered a child's matter to act on must see it."""
    casework_roles = [role for role in ROLE_CAPABILITIES if needs_approval(role)]
    return people.filter(~Q(role__in=casework_roles) | Q(approved_role=F("role")))


def scope_for(user: User) -> Scope:
    # Until a senior leader approves the role, the user sees what an administrator sees: no child.
    if not role_approved(user):
        return Scope.CONFIGURATION
    return ROLE_SCOPE[user.role]


def can(user: User, capability: Capability) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and role_approved(user)
        and capability in ROLE_CAPABILITIES.get(user.role, frozenset())
    )


def require(user: User, capability: Capability) -> None:
    """403 for a signed-in user whose role may not take this action."""
    if not can(user, capability):
        if user.is_authenticated and not role_approved(user):
            raise PermissionDenied(AWAITING_APPROVAL_SUMMARY)
        raise PermissionDenied(f"Your role may not {capability.value.replace('_', ' ')}.")


def describe(user: User) -> RoleDescription:
    awaiting = not role_approved(user)
    return RoleDescription(
        role=user.role,
        label=Role(user.role).label,
        scope=scope_for(user),
        summary=AWAITING_APPROVAL_SUMMARY if awaiting else ROLE_SUMMARIES[user.role],
        awaiting_approval=awaiting,
    )


def visible_teams(user: User) -> QuerySet[Team]:
    """The teams whose casework this user may see."""
    scope = scope_for(user)
    teams = Team.objects.select_related("service")
    if scope is Scope.EVERYTHING:
        return teams.all()
    if scope is Scope.OWN_SERVICE:
        return teams.filter(service_id=user.service_id) if user.service_id else teams.none()
    if scope in (Scope.OWN_TEAM, Scope.OWN_CASELOAD):
        return teams.filter(memberships__user=user)
    return teams.none()


def get_team_for_user(user: User, team_id: int) -> Team:
    """The team, or 404 if it does not exist or lies outside the user's scope."""
    try:
        return visible_teams(user).get(pk=team_id)
    except Team.DoesNotExist:
        raise Http404("No such team") from None
