"""What each role is offered on its home page and in the navigation bar (web/base.html, through
lineofsight.home.context_processors).

A link is offered only when the policy grants the capability behind it, so the home page and the
navigation never show a door the user cannot open. Later features add their entries here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from lineofsight.accounts.models import Role, User
from lineofsight.accounts.policy import Capability, can


@dataclass(frozen=True)
class Link:
    url_name: str
    title: str
    description: str
    capability: Capability | None = None  # None: every signed-in user

    @property
    def url(self) -> str:
        return reverse(self.url_name)


LINKS: tuple[Link, ...] = (
    # --- case-file audits and improvement actions (audits/actions apps) ---
    Link(
        "audits:my_audits",
        "Audits",
        "Audits allocated to you, audits to moderate, and audits of your cases or your teams.",
        Capability.VIEW_CASEWORK,
    ),
    Link(
        "audits:programmes",
        "Audit programmes",
        "Audit cycles: samples, allocation, moderation, and reports of grades and themes.",
        Capability.VIEW_AUDIT_REPORTS,
    ),
    Link(
        "audits:agreement",
        "Moderation agreement",
        "How often auditors and moderators agree, by auditor and team, and over time.",
        Capability.MANAGE_AUDIT_PROGRAMMES,
    ),
    Link(
        "audits:tools",
        "Audit tools",
        "The questions, answer scales and grade descriptors each audit tool uses.",
        Capability.MANAGE_AUDIT_PROGRAMMES,
    ),
    Link(
        "actions:mine",
        "My actions",
        "Improvement actions you own: what is open and what is overdue.",
        Capability.VIEW_CASEWORK,
    ),
    Link(
        "actions:list",
        "Improvement actions",
        "Actions raised by audits and other quality assurance, and whether they are done.",
        Capability.VIEW_INDICATORS,
    ),
    Link(
        "actions:board",
        "Improvement actions by theme",
        "Every action from every source under its practice theme: open, overdue, done, and "
        "whether practice improved when it was checked again.",
        Capability.VIEW_INDICATORS,
    ),
    # --- end case-file audits and improvement actions ---
    # --- safeguarding concerns (concerns app) ---
    Link(
        "concerns:list",
        "Safeguarding concerns",
        "Immediate safeguarding concerns from audits and practice weeks: who must respond, by "
        "when, and the responses.",
        Capability.VIEW_CASEWORK,
    ),
    # --- end safeguarding concerns ---
    # --- worklists, chronology and group supervision (worklists/supervision apps) ---
    Link(
        "worklists:index",
        "Worklists",
        "Children with open cases in your teams, their signs of drift and delay, and each "
        "child's chronology.",
        Capability.VIEW_CASEWORK,
    ),
    Link(
        "worklists:service",
        "Teams side by side",
        "How many children each team holds, and how many have each sign of drift or delay.",
        Capability.VIEW_INDICATORS,
    ),
    Link(
        "supervision:sessions",
        "Group reflective supervision",
        "Sessions where a team reflects on children whose cases have drifted, and what they "
        "decided.",
        Capability.VIEW_CASEWORK,
    ),
    Link(
        "supervision:evaluation",
        "Has group supervision reduced drift?",
        "Cases discussed, actions done on time, and flags cleared, against similar cases.",
        Capability.VIEW_INDICATORS,
    ),
    # --- end worklists, chronology and group supervision ---
    # --- recording (recording app) ---
    Link(
        "recording:check",
        "Check my writing",
        "Paste a draft case note to see, before you save it, where it may use words the "
        "council asks us to avoid or unexplained acronyms, and whether the child's voice, "
        "analysis and reasons for decisions come through. Nothing you type is kept.",
        Capability.VIEW_CASEWORK,
    ),
    Link(
        "recording:mine",
        "My case notes",
        "Your recent case notes with what the recording checker points at in each.",
        Capability.VIEW_CASEWORK,
    ),
    Link(
        "recording:quality",
        "Quality of recording",
        "By team and worker: how often case notes carry the child's voice, analysis and "
        "decisions with reasons, and how often they use discouraged words and acronyms.",
        Capability.VIEW_RECORDING,
    ),
    Link(
        "recording:rules",
        "Recording rules",
        "The council's word lists, allowed acronyms and checks, how often each check's findings "
        "are dismissed, and the history of changes.",
        Capability.VIEW_RECORDING,
    ),
    # --- end recording ---
    # --- indicators, improvement board and committee report (indicators app) ---
    Link(
        "indicators:board",
        "Improvement board",
        "Each indicator's figure and monthly trend, against the council's targets and against "
        "England, the region and similar councils.",
        Capability.VIEW_INDICATORS,
    ),
    Link(
        "indicators:targets",
        "Indicator targets",
        "Set the council's target for each indicator, and how far short of it is amber.",
        Capability.SET_INDICATOR_TARGETS,
    ),
    Link(
        "reports:committee",
        "Committee reports",
        "Quality of practice reports for committees, as Word and PDF: the figures, and what we "
        "know, how we know and what we will do next.",
        # Council-wide figures: read by the roles that see everything, who are those that write.
        Capability.WRITE_COMMITTEE_REPORTS,
    ),
    # --- end indicators ---
    # --- practice weeks (practiceweeks app) ---
    # Practice weeks are read by those who read quality assurance reports (team managers for
    # their own teams' visits); quality assurance leads plan them.
    Link(
        "practiceweeks:weeks",
        "Practice weeks",
        "Senior managers observe practice in teams outside their own service: the timetable, "
        "observations, themes across teams, and the report.",
        Capability.VIEW_AUDIT_REPORTS,
    ),
    # --- end practice weeks ---
    # --- feedback and triangulation (feedback/themes apps) ---
    Link(
        "feedback:list",
        "Feedback from children and families",
        "Compliments, complaints and comments, what we did about them, and one-time links "
        "for children and families to tell us what they think.",
        Capability.VIEW_CASEWORK,
    ),
    Link(
        "feedback:you_said_we_did",
        "You said, we did",
        "Feedback people agreed to share, and what changed because of it, by theme.",
        Capability.VIEW_CASEWORK,
    ),
    Link(
        "themes:index",
        "Practice themes",
        "Audits, practice weeks, feedback, indicators and actions side by side for each theme.",
        Capability.VIEW_INDICATORS,
    ),
    # --- end feedback and triangulation ---
    # --- the framework for practice, line of sight and the self-evaluation ---
    Link(
        "framework:home",
        "Our framework for practice",
        "What good practice looks like here: the vision, principles, practice standards and "
        "what tests each standard.",
    ),
    Link(
        "standards:index",
        "Line of sight on our standards",
        "For each practice standard, what audits, indicators, practice weeks, feedback and "
        "actions say, this period beside the one before.",
        Capability.VIEW_THEMES,
    ),
    Link(
        "standards:evaluation",
        "Evaluating the framework",
        "The framework's own measures over time since it was launched.",
        Capability.VIEW_THEMES,
    ),
    Link(
        "reports:selfevaluation",
        "Self-evaluation",
        "The yearly self-evaluation in Ofsted's three questions, area by area, pre-filled with "
        "the evidence, signed off by a senior leader.",
        Capability.READ_COMMITTEE_REPORTS,
    ),
    # --- end the framework for practice ---
    # --- the workforce behind practice ---
    Link(
        "teams:index",
        "Teams: the workforce beside practice",
        "Each team's caseloads, agency share, vacancies, turnover, supervision on time, "
        "training, audit grades, drift and the staff health check, side by side.",
        Capability.VIEW_INDICATORS,
    ),
    Link(
        "supervision:one_to_ones",
        "One-to-one supervision",
        "Record each worker's supervision, see who is due or overdue by the council's policy, "
        "and import supervision from the case system.",
        Capability.LEAD_SUPERVISION,
    ),
    Link(
        "workforce:index",
        "Early careers and learning",
        "Newly qualified social workers' assessed first year and protected caseloads, courses "
        "and attendance, core training by team and the skills matrix.",
        Capability.VIEW_WORKFORCE,
    ),
    Link(
        "feedback:healthcheck_list",
        "Staff health check",
        "An anonymous survey of the workforce against the employer standards, sent by one-time "
        "links, with scores by standard and by team where 5 or more answered.",
        Capability.MANAGE_AUDIT_PROGRAMMES,
    ),
    # --- end the workforce ---
    Link(
        "intake:imports",
        "Imports",
        "Load the council's case data, read the validation report and choose the current snapshot.",
        Capability.RUN_IMPORTS,
    ),
    Link(
        "timeliness:rules",
        "Timescales",
        "The timescales casework is measured against, the council's local standards and its "
        "closure days.",
        Capability.CONFIGURE,
    ),
    Link(
        "accounts:access_log",
        "Access log",
        "See who viewed which child's record, when and why, and export it.",
        Capability.VIEW_ACCESS_LOG,
    ),
    # --- separation of duties (accounts app) ---
    Link(
        "accounts:role_grants",
        "Role approvals",
        "Approve or refuse each request to give someone a role that sees children's records.",
        Capability.APPROVE_ROLE_GRANTS,
    ),
    Link(
        "accounts:role_grants",
        "Role approvals",
        "Requests for roles that see children's records, and what senior leaders decided.",
        Capability.MANAGE_USERS,
    ),
    # --- end separation of duties ---
    Link(
        "admin:index",
        "People, teams and configuration",
        "Add and change users, services, teams and memberships.",
        Capability.MANAGE_USERS,
    ),
)


def _available(link: Link) -> bool:
    try:
        reverse(link.url_name)
    except NoReverseMatch:
        return False
    return True


def home_links(user: User) -> list[Link]:
    return [
        link
        for link in LINKS
        if (link.capability is None or can(user, link.capability)) and _available(link)
    ]


# -- the service navigation bar --------------------------------------------------------------
#
# Each role's main areas, in the order they use them, at the top of every page (GOV.UK service
# navigation). An area is offered only when the role has its capability (so someone whose role
# awaits approval sees Home alone). `sections` are the page addresses that belong to an area
# beyond its own: the area whose address, or a section, is the longest start of the page's
# address is marked as the current one.


@dataclass(frozen=True)
class Area:
    url_name: str
    title: str
    capability: Capability | None = None
    sections: tuple[str, ...] = ()


@dataclass(frozen=True)
class NavItem:
    title: str
    url: str
    current: bool = False
    exact: bool = False  # the page is the area's own page (aria-current="page")


_HOME = Area("home:home", "Home")
_CASEWORK = Capability.VIEW_CASEWORK
_CONCERNS = Area("concerns:list", "Concerns", _CASEWORK)
# Areas offered alike to more than one role, stated once so that the roles cannot drift apart.
_AUDITS = Area("audits:my_audits", "Audits", _CASEWORK)
_FEEDBACK = Area("feedback:list", "Feedback", _CASEWORK)
_WORKLISTS = Area("worklists:index", "Worklists", _CASEWORK, ("/children/",))
_RECORDING = Area("recording:quality", "Recording", Capability.VIEW_RECORDING, ("/recording/",))
_PRACTICE_WEEKS = Area("practiceweeks:weeks", "Practice weeks", Capability.VIEW_AUDIT_REPORTS)
_THEMES = Area("themes:index", "Themes", Capability.VIEW_INDICATORS)
# The self-evaluation (/reports/self-evaluation/) is written beside the committee reports.
_COMMITTEE_REPORTS = Area(
    "reports:committee", "Committee reports", Capability.WRITE_COMMITTEE_REPORTS, ("/reports/",)
)
_FRAMEWORK = Area("framework:home", "Framework", None, ("/standards/",))
_ACCESS_LOG = Area("accounts:access_log", "Access log", Capability.VIEW_ACCESS_LOG)

ROLE_AREAS: dict[str, tuple[Area, ...]] = {
    Role.PRACTITIONER: (
        _HOME,
        Area("worklists:mine", "My caseload", _CASEWORK, ("/worklists/", "/children/")),
        _AUDITS,
        Area("actions:mine", "My actions", _CASEWORK, ("/actions/",)),
        _CONCERNS,
        _FEEDBACK,
        Area("recording:check", "My writing", _CASEWORK, ("/recording/",)),
    ),
    Role.TEAM_MANAGER: (
        _HOME,
        _WORKLISTS,
        Area("supervision:sessions", "Supervision", Capability.LEAD_SUPERVISION),
        _AUDITS,
        Area("actions:list", "Actions", _CASEWORK),
        _CONCERNS,
        _FEEDBACK,
        _RECORDING,
    ),
    Role.SERVICE_MANAGER: (
        _HOME,
        Area("worklists:service", "Teams", Capability.VIEW_INDICATORS),
        _WORKLISTS,
        Area("actions:list", "Action plans", _CASEWORK),
        _CONCERNS,
        Area("audits:programmes", "Audits", Capability.VIEW_AUDIT_REPORTS, ("/audits/",)),
        _PRACTICE_WEEKS,
        Area("teams:index", "Workforce", Capability.VIEW_INDICATORS, ("/workforce/",)),
    ),
    Role.QA_LEAD: (
        _HOME,
        Area(
            "audits:programmes",
            "Audit programmes",
            Capability.MANAGE_AUDIT_PROGRAMMES,
            ("/audits/tools/", "/audits/agreement/"),
        ),
        Area("audits:my_audits", "Audits and moderation", _CASEWORK),
        _PRACTICE_WEEKS,
        _CONCERNS,
        _THEMES,
        _RECORDING,
        _FRAMEWORK,
        _ACCESS_LOG,
    ),
    Role.SENIOR_LEADER: (
        _HOME,
        Area("indicators:board", "Improvement board", Capability.VIEW_INDICATORS),
        _COMMITTEE_REPORTS,
        Area("actions:board", "Actions", Capability.VIEW_INDICATORS, ("/actions/",)),
        _CONCERNS,
        _THEMES,
        Area("standards:index", "Line of sight", Capability.VIEW_THEMES, ("/framework/",)),
        Area("accounts:role_grants", "Role approvals", Capability.APPROVE_ROLE_GRANTS),
    ),
    Role.ANALYST: (
        _HOME,
        Area("intake:imports", "Imports", Capability.RUN_IMPORTS),
        Area("indicators:board", "Indicators", Capability.VIEW_INDICATORS),
        Area("indicators:targets", "Targets", Capability.SET_INDICATOR_TARGETS),
        Area("worklists:service", "Teams", Capability.VIEW_INDICATORS, ("/worklists/",)),
        _COMMITTEE_REPORTS,
        Area("region:index", "Region", Capability.RUN_IMPORTS),
    ),
    Role.ADMINISTRATOR: (
        _HOME,
        Area("admin:index", "People and teams", Capability.MANAGE_USERS),
        Area("accounts:role_grants", "Role approvals", Capability.MANAGE_USERS),
        Area("timeliness:rules", "Timescales", Capability.CONFIGURE),
        _ACCESS_LOG,
    ),
}


def _reverse_or_none(url_name: str) -> str | None:
    try:
        return reverse(url_name)
    except NoReverseMatch:
        return None


def _starts(path: str, prefix: str) -> bool:
    return prefix != "/" and path.startswith(prefix)


def service_navigation(user: User, path: str) -> list[NavItem]:
    """The user's main areas, with the one `path` lies in marked current (Home only on the
    home page itself). Empty for someone not signed in."""
    if not user.is_authenticated:
        return []
    areas = []
    for area in ROLE_AREAS.get(user.role, (_HOME,)):
        if area.capability is not None and not can(user, area.capability):
            continue
        url = _reverse_or_none(area.url_name)
        if url is not None:
            areas.append((area, url))
    best, best_length = None, 0
    for index, (area, url) in enumerate(areas):
        if path == url:
            best, best_length = index, len(path) + 1  # the area's own page beats any section
            break
        for prefix in (url, *area.sections):
            if _starts(path, prefix) and len(prefix) > best_length:
                best, best_length = index, len(prefix)
    return [
        NavItem(area.title, url, current=index == best, exact=index == best and path == url)
        for index, (area, url) in enumerate(areas)
    ]
