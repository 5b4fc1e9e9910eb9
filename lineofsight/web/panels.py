"""Home-page panels registered by the apps that own what they show (e.g. safeguarding concerns),
so the home page needs no import of a higher app. An app registers a function in its
AppConfig.ready(); each function returns the panels for a user (an empty list when there is
nothing for them). Providers are shown by `order` (lowest first: what cannot wait, such as
safeguarding concerns), then in registration order, with the markup of
web/includes/home_panels.html.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

# web sits below accounts and never imports it: a panel provider is given the signed-in user
# as Django's user, whatever model the project configures.
from django.contrib.auth.base_user import AbstractBaseUser as User


@dataclass(frozen=True)
class PanelItem:
    text: str
    url: str
    detail: str = ""
    tag: str = ""
    tag_class: str = ""
    person_id: str = ""  # the child the item names: the home page logs the view


def children_named(shown: list[Panel]) -> list[str]:
    """The children the panels name, for the access log."""
    return [item.person_id for panel in shown for item in panel.items if item.person_id]


@dataclass(frozen=True)
class Figure:
    """One figure on the home page, e.g. "Visits overdue: 12", linking to the list behind it.
    `value` is the text shown: a count about children goes through web.figures.count_text
    (small numbers suppressed); a count of the user's own work items may be exact."""

    label: str
    value: str
    url: str = ""


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    items: tuple[PanelItem, ...]
    more_url: str = ""
    more_text: str = ""
    summary: str = ""
    figures: tuple[Figure, ...] = ()


PanelProvider = Callable[[User], list[Panel]]

_PROVIDERS: list[tuple[int, PanelProvider]] = []


def register(provider: PanelProvider, *, order: int = 100) -> None:
    if all(provider is not known for _, known in _PROVIDERS):
        _PROVIDERS.append((order, provider))
        _PROVIDERS.sort(key=lambda entry: entry[0])  # stable: registration order within an order


def for_user(user: User) -> list[Panel]:
    if not user.is_authenticated:
        return []
    return [panel for _, provider in _PROVIDERS for panel in provider(user)]
