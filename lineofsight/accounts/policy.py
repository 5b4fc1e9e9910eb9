"""Who may see what and do what: the one place that says it.

Two questions, answered separately:
- Scope: whose children and teams a role may see (own caseload, own team, own service, everything,
  or configuration only). Objects outside a user's scope are answered with 404, as if they did not
  exist, so an outsider learns nothing.
- Capabilities: which actions a role may take. A user who can see a page but may not act on it
  gets 403.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import wraps
from types import MappingProxyType

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import F, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse

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
    # --- practice weeks: take part (one's own visits, submitted observations in one's teams),
    # read a whole week (every visit, the analysis and the report), be the assessor of a visit ---
    VIEW_PRACTICE_WEEKS = "view_practice_weeks"
    READ_WHOLE_PRACTICE_WEEKS = "read_whole_practice_weeks"
    ASSESS_PRACTICE_VISITS = "assess_practice_visits"
    # --- themes: the evidence for each theme, gathered from indicators, audits and visits ---
    VIEW_THEMES = "view_themes"
    LEAD_SUPERVISION = "lead_supervision"
    # --- audits (case-file audits feature): read programme reports, scoped to one's area ---
    VIEW_AUDIT_REPORTS = "view_audit_reports"
    # Audit case files, and moderate audits, when a programme does not name its own roles.
    AUDIT_CASE_FILES = "audit_case_files"
    MODERATE_AUDITS = "moderate_audits"
    # --- indicators: set the council's targets; write committee reports ---
    SET_INDICATOR_TARGETS = "set_indicator_targets"
    WRITE_COMMITTEE_REPORTS = "write_committee_reports"
    # Committee reports cover the whole council, so only roles that see everything read them.
    READ_COMMITTEE_REPORTS = "read_committee_reports"
    # --- feedback: respond to feedback ("you said, we did") and send one-time feedback links ---
    MANAGE_FEEDBACK = "manage_feedback"
    # --- improvement actions: raise an action from any source, see the board of all actions ---
    RAISE_ACTIONS = "raise_actions"
    # --- separation of duties: senior leaders approve roles that see children's records ---
    APPROVE_ROLE_GRANTS = "approve_role_grants"
    # --- safeguarding concerns: record the response to a concern raised by someone else ---
    RESPOND_TO_CONCERNS = "respond_to_concerns"
    # Concerns climb from the team's managers to the service's to these, the last rung.
    ANSWER_ESCALATED_CONCERNS = "answer_escalated_concerns"
    # Told of every concern raised and escalated, whatever the team.
    OVERSEE_CONCERNS = "oversee_concerns"
    # --- recording: the quality of case notes per team and worker; the council's word lists ---
    VIEW_RECORDING = "view_recording"
    MANAGE_RECORDING_RULES = "manage_recording_rules"
    # --- the framework for practice: edit and publish its versions (QA leads and the principal
    # social worker); everyone signed in reads it ---
    MANAGE_FRAMEWORK = "manage_framework"
    # --- the self-evaluation: written like a committee report; a senior leader signs it off ---
    SIGN_OFF_SELF_EVALUATION = "sign_off_self_evaluation"
    # --- the workforce: read early careers and learning; manage them in one's teams; keep the
    # council's courses and skills matrix (the principal social worker, a QA lead) ---
    VIEW_WORKFORCE = "view_workforce"
    MANAGE_WORKFORCE = "manage_workforce"
    MANAGE_LEARNING = "manage_learning"


ROLE_SCOPE: dict[str, Scope] = {
    Role.PRACTITIONER: Scope.OWN_CASELOAD,
    Role.TEAM_MANAGER: Scope.OWN_TEAM,
    Role.SERVICE_MANAGER: Scope.OWN_SERVICE,
    Role.QA_LEAD: Scope.EVERYTHING,
    Role.SENIOR_LEADER: Scope.EVERYTHING,
    Role.ANALYST: Scope.EVERYTHING,
    Role.ADMINISTRATOR: Scope.CONFIGURATION,
}

# Which actions each role may take: the one table, read and never changed. A capability here is the
# whole role part of a permission; rules about one object (the author of an audit, the assessor of
# a visit) live in the app's access helper and ask `can` for the role part.
ROLE_CAPABILITIES: Mapping[str, frozenset[Capability]] = MappingProxyType(
    {
        Role.PRACTITIONER: frozenset({Capability.VIEW_CASEWORK}),
        Role.TEAM_MANAGER: frozenset(
            {
                Capability.VIEW_CASEWORK,
                Capability.VIEW_INDICATORS,
                Capability.VIEW_THEMES,
                Capability.VIEW_AUDIT_REPORTS,
                Capability.AUDIT_CASE_FILES,
                Capability.VIEW_PRACTICE_WEEKS,
                Capability.LEAD_SUPERVISION,
                Capability.MANAGE_FEEDBACK,
                Capability.RAISE_ACTIONS,
                Capability.RESPOND_TO_CONCERNS,
                Capability.VIEW_RECORDING,
                Capability.VIEW_WORKFORCE,
                Capability.MANAGE_WORKFORCE,
            }
        ),
        Role.SERVICE_MANAGER: frozenset(
            {
                Capability.VIEW_CASEWORK,
                Capability.VIEW_INDICATORS,
                Capability.VIEW_THEMES,
                Capability.VIEW_AUDIT_REPORTS,
                Capability.AUDIT_CASE_FILES,
                Capability.VIEW_PRACTICE_WEEKS,
                Capability.READ_WHOLE_PRACTICE_WEEKS,
                Capability.ASSESS_PRACTICE_VISITS,
                Capability.MANAGE_FEEDBACK,
                Capability.RAISE_ACTIONS,
                Capability.RESPOND_TO_CONCERNS,
                Capability.VIEW_RECORDING,
                Capability.VIEW_WORKFORCE,
            }
        ),
        Role.QA_LEAD: frozenset(
            {
                Capability.VIEW_CASEWORK,
                Capability.VIEW_ACCESS_LOG,
                Capability.VIEW_INDICATORS,
                Capability.VIEW_THEMES,
                Capability.VIEW_AUDIT_REPORTS,
                Capability.MANAGE_AUDIT_PROGRAMMES,
                Capability.AUDIT_CASE_FILES,
                Capability.MODERATE_AUDITS,
                Capability.VIEW_PRACTICE_WEEKS,
                Capability.READ_WHOLE_PRACTICE_WEEKS,
                Capability.ASSESS_PRACTICE_VISITS,
                Capability.MANAGE_PRACTICE_WEEKS,
                # Principal social workers set up and record group supervision for any team.
                Capability.LEAD_SUPERVISION,
                Capability.READ_COMMITTEE_REPORTS,
                Capability.WRITE_COMMITTEE_REPORTS,
                Capability.MANAGE_FEEDBACK,
                Capability.RAISE_ACTIONS,
                Capability.RESPOND_TO_CONCERNS,
                Capability.OVERSEE_CONCERNS,
                Capability.VIEW_RECORDING,
                Capability.MANAGE_RECORDING_RULES,
                Capability.MANAGE_FRAMEWORK,
                Capability.VIEW_WORKFORCE,
                Capability.MANAGE_WORKFORCE,
                Capability.MANAGE_LEARNING,
            }
        ),
        Role.SENIOR_LEADER: frozenset(
            {
                Capability.VIEW_CASEWORK,
                Capability.VIEW_INDICATORS,
                Capability.VIEW_THEMES,
                Capability.VIEW_AUDIT_REPORTS,
                Capability.VIEW_PRACTICE_WEEKS,
                Capability.READ_WHOLE_PRACTICE_WEEKS,
                Capability.ASSESS_PRACTICE_VISITS,
                Capability.SET_INDICATOR_TARGETS,
                Capability.READ_COMMITTEE_REPORTS,
                Capability.WRITE_COMMITTEE_REPORTS,
                Capability.RAISE_ACTIONS,
                Capability.RESPOND_TO_CONCERNS,
                Capability.ANSWER_ESCALATED_CONCERNS,
                # Separation of duties: an administrator asks for a role that sees children's
                # records, a senior leader approves it; neither completes a grant alone.
                Capability.APPROVE_ROLE_GRANTS,
                Capability.VIEW_RECORDING,
                Capability.SIGN_OFF_SELF_EVALUATION,
                Capability.VIEW_WORKFORCE,
            }
        ),
        Role.ANALYST: frozenset(
            {
                Capability.VIEW_CASEWORK,
                Capability.RUN_IMPORTS,
                Capability.VIEW_INDICATORS,
                Capability.VIEW_THEMES,
                # Analysts look after the indicators and record the targets leaders agree.
                Capability.SET_INDICATOR_TARGETS,
                Capability.READ_COMMITTEE_REPORTS,
                Capability.WRITE_COMMITTEE_REPORTS,
                Capability.VIEW_RECORDING,
            }
        ),
        # Administrators see no child: people, teams, configuration and who looked at what.
        Role.ADMINISTRATOR: frozenset(
            {Capability.MANAGE_USERS, Capability.CONFIGURE, Capability.VIEW_ACCESS_LOG}
        ),
    }
)
assert set(ROLE_CAPABILITIES) == set(Role.values) == set(ROLE_SCOPE)


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


def role_can(role: str, capability: Capability) -> bool:
    """Whether a role holds a capability, whoever holds it (for choosing people, not gating)."""
    return capability in ROLE_CAPABILITIES.get(role, frozenset())


def roles_with(capability: Capability, *scopes: Scope) -> list[str]:
    """The roles holding a capability (only those whose scope is one of `scopes`, if given)."""
    return [
        role
        for role, capabilities in ROLE_CAPABILITIES.items()
        if capability in capabilities and (not scopes or ROLE_SCOPE[role] in scopes)
    ]


def people_who_can(
    capability: Capability, teams: QuerySet[Team] | list[Team] | None = None
) -> QuerySet[User]:
    """Active, approved people whose role holds the capability and whose scope takes in one of
    `teams` (anyone holding it when `teams` is None), by name."""
    people = Q(role__in=roles_with(capability))
    if teams is not None:
        team_ids = [t.pk for t in teams]
        service_ids = {t.service_id for t in teams}
        people = Q(role__in=roles_with(capability, Scope.EVERYTHING))
        people |= Q(role__in=roles_with(capability, Scope.OWN_SERVICE), service_id__in=service_ids)
        people |= Q(
            role__in=roles_with(capability, Scope.OWN_TEAM, Scope.OWN_CASELOAD),
            memberships__team_id__in=team_ids,
        )
    return (
        with_approved_roles(User.objects.filter(is_active=True))
        .filter(pk__in=User.objects.filter(people).values("pk"))
        .order_by("full_name", "pk")
    )


View = Callable[..., HttpResponse]


def requires(capability: Capability) -> Callable[[View], View]:
    """The gate above a view: sign in first, then 403 for a role without the capability.
    Objects outside the user's scope still answer 404 from the app's access helper."""

    def decorate(view: View) -> View:
        @wraps(view)
        def gated(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            require(request.user, capability)
            return view(request, *args, **kwargs)

        return gated

    return decorate


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
