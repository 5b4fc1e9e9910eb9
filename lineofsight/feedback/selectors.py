"""Reads of feedback, scoped by the requesting user, and the access helper.

Who sees feedback: everyone who sees casework, for the teams they can see (practitioners their own
team's, managers their team's or service's, leaders and analysts all). Administrators see none.
Anything outside a user's teams is answered with 404.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db import connection
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse

from lineofsight.accounts import policy
from lineofsight.accounts.models import Team, User
from lineofsight.framework import vocabulary
from lineofsight.framework.evidence import Evidence, Leaning

from .models import Feedback, Kind, Rating

NOT_SHARED = "(not shared: no consent)"


def feedback_visible_to(user: User) -> QuerySet[Feedback]:
    items = Feedback.objects.select_related("team", "created_by", "responded_by")
    if not policy.can(user, policy.Capability.VIEW_CASEWORK):
        return items.none()
    if policy.scope_for(user) is policy.Scope.EVERYTHING:
        return items.all()
    return items.filter(team__in=policy.visible_teams(user))


def get_feedback_for_user(user: User, pk: int) -> Feedback:
    """The feedback, or 404 if it does not exist or lies outside the user's teams."""
    return get_object_or_404(feedback_visible_to(user), pk=pk)


def teams_for_recording(user: User) -> QuerySet[Team]:
    """Teams a user may record feedback for or send a link on behalf of."""
    if not policy.can(user, policy.Capability.VIEW_CASEWORK):
        return Team.objects.none()
    return policy.visible_teams(user).order_by("name")


@dataclass(frozen=True)
class FeedbackFilter:
    kind: str = ""
    from_whom: str = ""
    team_id: int | None = None
    theme: str = ""
    responded: str = ""  # "", "yes", "no"


def _with_theme(items: QuerySet[Feedback], key: str) -> list[Feedback]:
    """JSON containment differs between databases: narrow in SQL where the database can, and
    check in Python always."""
    if connection.features.supports_json_field_contains:
        items = items.filter(themes__contains=[key])
    return [f for f in items if key in (f.themes or [])]


def feedback_list(user: User, filters: FeedbackFilter) -> QuerySet[Feedback] | list[Feedback]:
    items = feedback_visible_to(user)
    if filters.kind:
        items = items.filter(kind=filters.kind)
    if filters.from_whom:
        items = items.filter(from_whom=filters.from_whom)
    if filters.team_id:
        items = items.filter(team_id=filters.team_id)
    if filters.responded == "yes":
        items = items.exclude(response="")
    elif filters.responded == "no":
        items = items.filter(response="")
    items = items.order_by("-received_on", "-id")
    if filters.theme:
        return _with_theme(items, filters.theme)
    return items


def themes_in_use(user: User) -> list[str]:
    """Theme keys on the feedback the user can see, vocabulary order first, then free tags."""
    used: set[str] = set()
    for themes in feedback_visible_to(user).values_list("themes", flat=True):
        used.update(themes or [])
    order = [t.key for t in vocabulary.themes()]
    return [k for k in order if k in used] + sorted(used - set(order))


def shared_text(feedback: Feedback) -> str:
    return feedback.text if feedback.consent_to_share else NOT_SHARED


def leaning(feedback: Feedback) -> Leaning:
    if feedback.kind == Kind.COMPLIMENT:
        return Leaning.STRENGTH
    if feedback.kind == Kind.COMPLAINT:
        return Leaning.CONCERN
    if feedback.rating == Rating.HAPPY:
        return Leaning.STRENGTH
    if feedback.rating == Rating.NOT_HAPPY:
        return Leaning.CONCERN
    return Leaning.NEUTRAL


def feedback_for_theme(user: User, theme_key: str) -> list[Evidence]:
    """The feedback tagged with a theme that the user may see, for the triangulation page. A
    person's words appear only when they agreed to share them."""
    items = _with_theme(feedback_visible_to(user).order_by("-received_on", "-id"), theme_key)
    return [
        Evidence(
            source="Feedback",
            title=f"{f.get_kind_display()} from {f.get_from_whom_display().lower()}",
            url=reverse("feedback:detail", kwargs={"pk": f.pk}),
            date=f.received_on,
            team_name=f.team.name,
            summary=shared_text(f),
            leaning=leaning(f),
        )
        for f in items
    ]


def theme_counts(user: User) -> dict[str, int]:
    """How many visible feedback records carry each theme key."""
    counts: dict[str, int] = defaultdict(int)
    for themes in feedback_visible_to(user).values_list("themes", flat=True):
        for key in set(themes or []):
            counts[key] += 1
    return dict(counts)


@dataclass(frozen=True)
class YouSaidWeDid:
    theme_key: str
    theme_label: str
    items: list[Feedback]


def you_said_we_did(user: User) -> list[YouSaidWeDid]:
    """Responded feedback whose givers agreed to share their words, grouped by theme (feedback
    with no theme under "Other feedback"); a record with two themes appears under both."""
    items = list(
        feedback_visible_to(user)
        .filter(consent_to_share=True)
        .exclude(response="")
        .order_by("-responded_on", "-id")
    )
    groups: dict[str, list[Feedback]] = defaultdict(list)
    for f in items:
        for key in f.themes or [""]:
            groups[key].append(f)
    order = [t.key for t in vocabulary.themes()]
    keys = [k for k in order if k in groups] + sorted(k for k in groups if k and k not in order)
    out = [YouSaidWeDid(k, vocabulary.label(k), groups[k]) for k in keys]
    if "" in groups:
        out.append(YouSaidWeDid("", "Other feedback", groups[""]))
    return out
