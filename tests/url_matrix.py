"""The expected outcome of every URL, for each role and for nobody.

`EXPECTED` has one entry per named URL in the product; `tests/test_url_matrix.py` walks the URL
configuration and fails when a URL has no entry here, so every new page must say who may see it.
The Django admin's URLs are expected by rule (`admin_expectation`), since the admin generates them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from lineofsight.accounts.models import Role

NOBODY = None
ROLES: tuple[str, ...] = tuple(Role.values)
VIEWERS: tuple[str | None, ...] = (NOBODY, *ROLES)
SIGN_IN = "/sign-in/"


@dataclass(frozen=True)
class Expect:
    """Status by role (None = not signed in). `kwargs` builds URL arguments from the council."""

    statuses: dict[str | None, int]
    kwargs: Callable[[dict], dict] | None = None
    # The page shows a child's record: a 200 must write an access log entry.
    child_record: bool = False
    # Pages that are not HTML (CSV, CSS, JSON) are skipped by the accessibility run.
    html: bool = True
    notes: str = field(default="", compare=False)


def expect(
    default: int,
    *,
    nobody: int = 302,
    only: tuple[str, ...] | None = None,
    otherwise: int = 403,
    kwargs: Callable[[dict], dict] | None = None,
    child_record: bool = False,
    html: bool = True,
    **by_role: int,
) -> Expect:
    """`default` for every role (or only those in `only`, the rest get `otherwise`)."""
    statuses: dict[str | None, int] = {NOBODY: nobody}
    for role in ROLES:
        statuses[role] = default if only is None or role in only else otherwise
    statuses.update(by_role)
    return Expect(statuses, kwargs=kwargs, child_record=child_record, html=html)


ACCESS_LOG_ROLES = (Role.QA_LEAD, Role.ADMINISTRATOR)

EXPECTED: dict[str, Expect] = {
    "web:home": expect(200),
    "web:health": expect(200, nobody=200, html=False),
    "web:council_css": expect(200, nobody=200, html=False),
    "accounts:sign_in": expect(302, nobody=200),
    "accounts:sign_out": expect(405),  # sign-out is a POST; GET is refused
    "accounts:access_log": expect(200, only=ACCESS_LOG_ROLES),
    "accounts:access_log_export": expect(200, only=ACCESS_LOG_ROLES, html=False),
}


def admin_expectation(url_name: str) -> Expect:
    """Administrators use the admin; every other role gets 403; nobody is sent to sign in."""
    admin_status = 200
    if url_name.endswith("_delete"):
        admin_status = 403  # nothing is deleted: people are deactivated instead
    if url_name.endswith("_add") and url_name.startswith(
        ("admin:accounts_accesslogentry", "admin:history_changeevent")
    ):
        admin_status = 403  # evidence is never written by hand
    if url_name == "admin:logout":
        admin_status = 405
    if url_name == "admin:autocomplete":
        admin_status = 403  # answers only a widget's query naming a model and field
    if url_name == "admin:view_on_site":
        admin_status = 404  # no model here has a public page to go to
    if url_name == "admin:login":
        return expect(403, nobody=302, administrator=403)
    # The admin's translation catalogue is JavaScript, not a page.
    return expect(403, administrator=admin_status, html=url_name != "admin:jsi18n")
