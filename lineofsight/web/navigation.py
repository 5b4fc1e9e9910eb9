"""What each role is offered on its home page and in the navigation.

A link is offered only when the policy grants the capability behind it, so the home page and the
navigation never show a door the user cannot open. Later features add their entries here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from lineofsight.accounts.models import User
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
    Link(
        "intake:imports",
        "Imports",
        "Load the council's case data, read the validation report and choose the current snapshot.",
        Capability.RUN_IMPORTS,
    ),
    Link(
        "accounts:access_log",
        "Access log",
        "See who viewed which child's record, when and why, and export it.",
        Capability.VIEW_ACCESS_LOG,
    ),
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
