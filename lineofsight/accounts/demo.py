"""The demonstration council's people: services, teams and one user per role.

DEMO ONLY. The password is published in the README so anyone can try the product on a laptop;
the command that uses this refuses to run in production.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from lineofsight.history.services import capture, record_change

from . import services
from .models import Role, RoleGrantStatus, Service, Team, User

DEMO_PASSWORD = "demo-only-password"  # noqa: S105 - published demo credential, refused in production
DEMO_EMAIL_DOMAIN = "demo.invalid"
# The demo users' authenticator secret, published like the password: outside production the
# code page shows the code it gives now (views_second_factor.demonstration_code), so a person
# trying the product signs in without an authenticator app.
DEMO_TOTP_KEY = "6c696e652d6f662d73696768742d64656d6f2121"  # noqa: S105 - demo only


@dataclass(frozen=True)
class DemoTeam:
    name: str
    service: str
    case_system_id: str = ""


DEFAULT_TEAMS: tuple[DemoTeam, ...] = (
    DemoTeam("Front Door (MASH)", "Front Door and Assessment", "T-MASH"),
    DemoTeam("Assessment Team North", "Front Door and Assessment", "T-ASSESS-N"),
    DemoTeam("Safeguarding Team East", "Safeguarding and Family Help", "T-SAFE-E"),
    DemoTeam("Safeguarding Team West", "Safeguarding and Family Help", "T-SAFE-W"),
    DemoTeam("Children in Care Team", "Children in Care and Care Leavers", "T-CIC"),
    DemoTeam("Care Leavers Team", "Children in Care and Care Leavers", "T-LEAVERS"),
)


@dataclass(frozen=True)
class DemoWorker:
    """A worker in the demonstration casework, whom a demo user is: the user takes the
    worker's name and is linked to them by professional_id (their id in the case system)."""

    professional_id: str
    name: str


@dataclass(frozen=True)
class DemoUser:
    email_local: str
    full_name: str
    role: str
    team: str | None = None
    service: str | None = None


# The second quality assurance lead: moderation needs someone other than the auditor.
SECOND_QA_LEAD = "qa.lead.2"


def _demo_users(teams: list[Team], home_team: str | None) -> list[DemoUser]:
    first_case_team = next(
        (t for t in teams if t.name == home_team),
        next((t for t in teams if "Safeguarding" in t.name), teams[0]),
    )
    return [
        DemoUser(
            "practitioner", "Pat Practitioner (demo)", Role.PRACTITIONER, first_case_team.name
        ),
        DemoUser(
            "team.manager", "Terry Teammanager (demo)", Role.TEAM_MANAGER, first_case_team.name
        ),
        DemoUser(
            "service.manager",
            "Sam Servicemanager (demo)",
            Role.SERVICE_MANAGER,
            service=first_case_team.service.name,
        ),
        DemoUser("qa.lead", "Quinn Qualitylead (demo)", Role.QA_LEAD),
        DemoUser(SECOND_QA_LEAD, "Robin Reviewer (demo)", Role.QA_LEAD),
        DemoUser("senior.leader", "Sasha Seniorleader (demo)", Role.SENIOR_LEADER),
        DemoUser("analyst", "Alex Analyst (demo)", Role.ANALYST),
        DemoUser("admin", "Ada Administrator (demo)", Role.ADMINISTRATOR),
    ]


def _service_code(name: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in name.lower()).split())[:40]


@transaction.atomic
def demo_council_create(
    *,
    teams: tuple[DemoTeam, ...] = DEFAULT_TEAMS,
    home_team: str | None = None,
    workers: dict[str, DemoWorker] | None = None,
) -> list[tuple[User, bool]]:
    """Create (or leave as they are) the demo services, teams and users. Safe to run twice.

    `home_team` is the team the demo practitioner and team manager belong to, and whose service
    the demo service manager leads. `workers` maps a role to the worker in the imported casework
    that its demo user is: the user gets the worker's name and professional_id, so the
    practitioner has a caseload and the names on screen match the case data.
    """
    workers = workers or {}
    made_teams: list[Team] = []
    for spec in teams:
        service = Service.objects.filter(name=spec.service).first()
        if service is None:
            service = services.service_save(
                actor=None,
                service=Service(name=spec.service, code=_service_code(spec.service)),
                before=capture(None, services.SERVICE_FIELDS),
            )
        team = Team.objects.filter(service=service, name=spec.name).first()
        if team is None:
            team = services.team_save(
                actor=None,
                team=Team(name=spec.name, service=service, case_system_id=spec.case_system_id),
                before=capture(None, services.TEAM_FIELDS),
            )
        made_teams.append(team)

    results = []
    # Hashing a password is slow on purpose (about a second each): the demo users share one
    # published password, so it is hashed once and given to each of them.
    hashed: str | None = None
    for spec in _demo_users(made_teams, home_team):
        email = f"{spec.email_local}@{DEMO_EMAIL_DOMAIN}"
        existing = User.objects.filter(email=email).first()
        if existing:
            demo_app_give(user=existing)
            results.append((existing, False))
            continue
        team = next((t for t in made_teams if t.name == spec.team), None)
        service = Service.objects.filter(name=spec.service).first() if spec.service else None
        worker = workers.get(spec.role)
        user = services.user_create(
            actor=None,
            email=email,
            full_name=worker.name if worker else spec.full_name,
            role=spec.role,
            password=None,
            service=service,
            professional_id=worker.professional_id if worker else "",
            teams=[team] if team else [],
        )
        hashed = hashed or make_password(DEMO_PASSWORD)
        user.password = hashed
        user.save(update_fields=["password"])
        # Separation of duties holds in the demo too: the role is requested like any other, and
        # the set-up approves it, saying so in the change history and on the access log page.
        for grant in user.role_grants.filter(status=RoleGrantStatus.PENDING):
            services.role_grant_approve_from_server(
                grant=grant, reason=services.DEMONSTRATION_REASON
            )
        demo_app_give(user=user)
        user.refresh_from_db()
        results.append((user, True))
    return results


def demo_app_give(*, user: User) -> None:
    """Give a demo user the published authenticator secret, confirmed, unless they have an app
    already (one set up by hand, or given on an earlier run)."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return
    TOTPDevice.objects.filter(user=user).delete()
    TOTPDevice.objects.create(
        user=user, name="Demonstration authenticator", key=DEMO_TOTP_KEY, confirmed=True
    )
    record_change(
        actor=None,
        action="second_factor_set_up",
        obj=user,
        before={"second_factor": None},
        after={"second_factor": "demonstration authenticator (published secret, never production)"},
    )
