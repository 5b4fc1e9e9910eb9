"""Caseload figures for the home page (registered with web.panels in WorklistsConfig.ready()).

A practitioner sees their own caseload; a team manager their team; a service manager each team
of their service and the totals. The figures are counts of children from the current snapshot's
open cases and drift flags (the same rows and flags as the worklists), shown through
web.figures.count_text, so 1 to 4 reads "fewer than 5". Each figure links to the worklist
filtered to the children it counts, where every child is listed (and that view is access-logged);
the home page itself names no child.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlencode

from django.urls import reverse

from lineofsight.accounts import policy
from lineofsight.accounts.models import Team, User
from lineofsight.web.figures import count_text
from lineofsight.web.panels import Figure, Panel, PanelItem

from . import casedata, selectors
from .casedata import CaseRow
from .query import ANY_FLAG

# Overdue visits and reviews, each one flag (so its link filters the worklist to exactly the
# children it counts), in the order a worker would chase them.
OVERDUE_FLAGS: dict[str, str] = {
    "visit_overdue": "Children with a visit overdue",
    "cla_visit_overdue": "Looked-after children with a visit overdue",
    "review_overdue": "Children with a child protection review overdue",
    "cla_review_overdue": "Looked-after children with a review overdue",
    "pathway_plan_overdue": "Care leavers with a pathway plan review overdue",
}
_ROLES_WITH_CASELOAD = (policy.Scope.OWN_CASELOAD, policy.Scope.OWN_TEAM, policy.Scope.OWN_SERVICE)


def _children(rows: Iterable[CaseRow], flag_id: str = "") -> int:
    if not flag_id:
        return len({r.person_id for r in rows})
    if flag_id == ANY_FLAG:
        return len({r.person_id for r in rows if r.flags})
    return len({r.person_id for r in rows if flag_id in r.flag_ids})


def _url(base: str, flag_id: str = "") -> str:
    return f"{base}?{urlencode({'flag': flag_id})}" if flag_id else base


def caseload_figures(rows: list[CaseRow], base_url: str) -> tuple[Figure, ...]:
    """Children, children with any sign of drift, and children with each overdue visit or
    review (those with none are left out; if none at all, one line says so)."""
    figures = [
        Figure("Children with an open case", count_text(_children(rows)), base_url),
        Figure(
            "Children with a sign of drift or delay",
            count_text(_children(rows, ANY_FLAG)),
            _url(base_url, ANY_FLAG),
        ),
    ]
    overdue = [
        Figure(label, count_text(n), _url(base_url, flag_id))
        for flag_id, label in OVERDUE_FLAGS.items()
        if (n := _children(rows, flag_id))
    ]
    return tuple(figures + (overdue or [Figure("Children with a visit or review overdue", "0")]))


def _team_detail(rows: list[CaseRow]) -> str:
    overdue = len({r.person_id for r in rows if set(r.flag_ids) & set(OVERDUE_FLAGS)})
    return (
        f"{count_text(_children(rows))} children, "
        f"{count_text(_children(rows, ANY_FLAG))} with a sign of drift, "
        f"{count_text(overdue)} with a visit or review overdue"
    )


def _no_data(key: str, title: str, message: str) -> list[Panel]:
    return [Panel(key=key, title=title, items=(), summary=message)]


def home_panels(user: User) -> list[Panel]:
    if not user.is_authenticated or not policy.can(user, policy.Capability.VIEW_CASEWORK):
        return []
    scope_kind = policy.scope_for(user)
    if scope_kind not in _ROLES_WITH_CASELOAD:
        return []  # leaders, QA leads and analysts compare teams on their own pages
    own = scope_kind is policy.Scope.OWN_CASELOAD
    key, title = ("caseload", "Your caseload") if own else ("team_caseload", "Your teams' children")
    teams: list[Team] = [] if own else [t for t in policy.visible_teams(user) if t.case_system_id]
    if own and not user.professional_id.strip():
        return _no_data(
            key,
            title,
            "Your account is not linked to a worker in the case data, so there is no caseload "
            "to show. Your administrator can link it.",
        )
    if not own and not teams:
        return _no_data(key, title, "You are not a member of a team with case data.")
    scope = selectors.casework_scope(user)
    try:
        with selectors.reading() as reader:
            if not reader.has_worklists:
                return _no_data(key, title, "The current case data has no worklist figures.")
            rows = casedata.case_rows(reader.con, scope, cache_key=reader.key)
            as_at = reader.snapshot.as_at
    except selectors.NO_CASEWORK:
        return _no_data(key, title, "No case data has been imported yet.")
    as_at_text = f"From case data as at {as_at:%d/%m/%Y}." if as_at else ""
    if own:
        return [
            Panel(
                key=key,
                title=title,
                items=(),
                summary=as_at_text,
                figures=caseload_figures(rows, reverse("worklists:mine")),
                more_url=reverse("worklists:mine"),
                more_text="Open your caseload",
            )
        ]
    if len(teams) == 1:
        team = teams[0]
        team_url = reverse("worklists:team", kwargs={"team_id": team.pk})
        team_rows = [r for r in rows if r.team_id == team.case_system_id]
        return [
            Panel(
                key=key,
                title=f"{team.name} team's children",
                items=(),
                summary=as_at_text,
                figures=caseload_figures(team_rows, team_url),
                more_url=team_url,
                more_text=f"Open the {team.name} team's worklist",
            )
        ]
    items = tuple(
        PanelItem(
            text=team.name,
            url=reverse("worklists:team", kwargs={"team_id": team.pk}),
            detail=_team_detail([r for r in rows if r.team_id == team.case_system_id]),
        )
        for team in teams
    )
    index_url = reverse("worklists:index")
    totals = caseload_figures(rows, index_url)
    # The worklists page lists teams, not children by flag: only the first figure links there.
    totals = (totals[0], *(Figure(f.label, f.value) for f in totals[1:]))
    compare_url = (
        reverse("worklists:service")
        if policy.can(user, policy.Capability.VIEW_INDICATORS)
        else index_url
    )
    return [
        Panel(
            key=key,
            title=title,
            items=items,
            summary=as_at_text,
            figures=totals,
            more_url=compare_url,
            more_text="Compare your teams side by side",
        )
    ]
