"""Action plans on the home page (registered with web.panels in ActionsConfig.ready()).

Team and service managers see the improvement actions of their teams, open and overdue, per
team; quality assurance leads and senior leaders the totals across the service. Each action is
a work item the user can open in the list behind the figure (every one is listed there), so the
counts are exact, not suppressed: they count actions, not children. The user's own actions
are in the audits app's "Your improvement actions" panel.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from lineofsight.accounts import policy
from lineofsight.accounts.models import User
from lineofsight.web.figures import number_text
from lineofsight.web.panels import Figure, Panel, PanelItem

from . import selectors
from .models import OPEN_STATUSES


def _list_url(state: str) -> str:
    return f"{reverse('actions:list')}?{urlencode({'state': state})}"


def _board_url(team_id: int, overdue: bool) -> str:
    params = {"team": team_id, **({"status": "overdue"} if overdue else {})}
    return f"{reverse('actions:board')}?{urlencode(params)}"


def home_panels(user: User) -> list[Panel]:
    if not policy.can(user, policy.Capability.VIEW_CASEWORK):
        return []
    scope = policy.scope_for(user)
    area = scope in (policy.Scope.OWN_TEAM, policy.Scope.OWN_SERVICE)
    leader = scope is policy.Scope.EVERYTHING and policy.can(user, policy.Capability.RAISE_ACTIONS)
    if not (area or leader):
        return []
    today = timezone.localdate()
    open_q = Q(status__in=OPEN_STATUSES)
    overdue_q = open_q & Q(due_date__lt=today)
    visible = selectors.actions_visible_to(user).order_by()
    figures_title = "Open improvement actions"
    if leader:
        counts = selectors.action_counts(visible, today)
        return [
            Panel(
                key="action_plans",
                title="Improvement actions across the service",
                items=(),
                figures=(
                    Figure(figures_title, number_text(counts.open), _list_url("open")),
                    Figure("Overdue", number_text(counts.overdue), _list_url("overdue")),
                ),
                more_url=reverse("actions:board"),
                more_text="See every action by practice theme",
            )
        ]
    per_team = {
        row["team_id"]: row
        for row in visible.values("team_id").annotate(
            open=Count("id", filter=open_q), overdue=Count("id", filter=overdue_q)
        )
    }
    total_open = sum(r["open"] for r in per_team.values())
    total_overdue = sum(r["overdue"] for r in per_team.values())
    items = []
    for team in policy.visible_teams(user).order_by("name"):
        row = per_team.get(team.pk, {"open": 0, "overdue": 0})
        items.append(
            PanelItem(
                text=f"{team.name} team",
                url=_board_url(team.pk, row["overdue"] > 0),
                detail=f"{row['open']} open, {row['overdue']} overdue",
                tag="Overdue" if row["overdue"] else "",
                tag_class="govuk-tag--red" if row["overdue"] else "",
            )
        )
    if None in per_team:  # actions they own or raised that belong to no team
        row = per_team[None]
        items.append(
            PanelItem(
                text="Not linked to a team",
                url=_list_url("overdue" if row["overdue"] else "open"),
                detail=f"{row['open']} open, {row['overdue']} overdue",
            )
        )
    return [
        Panel(
            key="action_plans",
            title="Action plans for your teams"
            if scope is policy.Scope.OWN_SERVICE
            else "Your team's improvement actions",
            items=tuple(items),
            figures=(
                Figure(figures_title, number_text(total_open), _list_url("open")),
                Figure("Overdue", number_text(total_overdue), _list_url("overdue")),
            ),
            more_url=reverse("actions:board"),
            more_text="See every action by practice theme",
        )
    ]
