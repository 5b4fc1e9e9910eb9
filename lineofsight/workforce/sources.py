"""Training needs as improvement actions: how the actions app describes an action raised from
learning and development (registered from WorkforceConfig.ready()).

An action's source id names the gap it was raised from:
- "course-<pk>"             a course (everyone who should attend it);
- "course-<pk>-team-<pk>"   a core course's coverage gap in one team;
- "theme-<key>"             a practice theme with no practice lead in the skills matrix.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django.http import Http404
from django.urls import NoReverseMatch, reverse

from lineofsight.accounts import policy
from lineofsight.accounts.models import User
from lineofsight.actions import sources
from lineofsight.actions.models import SourceType
from lineofsight.framework import vocabulary

from . import selectors

SOURCE_TYPE = "training_need"
SOURCE_LABEL = "Learning and development"

_COURSE = re.compile(r"course-(\d{1,12})(?:-team-(\d{1,12}))?")
_THEME = re.compile(r"theme-([a-z0-9]+(?:-[a-z0-9]+)*)")


def describe_training_need(user: User, source_id: str) -> sources.SourceInfo:
    """The gap as this user may see it; Http404 for one that does not exist, a team outside the
    user's scope, or a user who does not read the workforce records."""
    if not policy.can(user, selectors.READ):
        raise Http404("No such record")
    if match := _COURSE.fullmatch(source_id):
        course = selectors.get_course(int(match.group(1)))
        team = None
        title = f"{SOURCE_LABEL}: {course.title}"
        if match.group(2):
            team = policy.get_team_for_user(user, int(match.group(2)))
            title += f", {team.name}"
        return sources.SourceInfo(
            title=title, url=reverse("workforce:course", args=[course.pk]), team=team
        )
    if (match := _THEME.fullmatch(source_id)) and match.group(1) in {
        t.key for t in vocabulary.themes()
    }:
        return sources.SourceInfo(
            title=f"{SOURCE_LABEL}: {vocabulary.label(match.group(1))}",
            url=reverse("workforce:skills"),
        )
    raise Http404("No such record")


def register() -> None:
    sources.register(SOURCE_TYPE, describe_training_need)


def training_need_url(user: User, source_id: str, *, theme: str = "", team=None) -> str:
    """The actions app's form to raise a training need ("" when the user may not raise actions,
    or until the actions app knows the "training_need" source)."""
    if SOURCE_TYPE not in SourceType.values or not policy.can(
        user, policy.Capability.RAISE_ACTIONS
    ):
        return ""
    try:
        base = reverse("actions:raise")
    except NoReverseMatch:
        return ""
    query = {"source_type": SOURCE_TYPE, "source_id": source_id}
    if theme:
        query["theme"] = theme
    if team is not None:
        query["team"] = team.pk
    return f"{base}?{urlencode(query)}"
