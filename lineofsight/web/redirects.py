"""Addresses from before each app had its own prefix in the URL.

`lineofsight/urls.py` holds the table of old prefix to new prefix; this one view serves every
row, so bookmarks and links in old emails and documents still reach the page. The redirect says
nothing about the object at the address: the new page applies its own gate (a page the user may
not see is still a 404 there).
"""

from __future__ import annotations

import re

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.urls import re_path

SAFE_METHODS = ("GET", "HEAD")


class _PermanentRedirectKeepingMethod(HttpResponsePermanentRedirect):
    # A form posted to an old address is sent on as the same POST (308), not turned into a GET.
    status_code = 308


# Open to everyone: the redirect shows nothing, and the page it leads to applies its own gate.
@login_not_required
def moved(request: HttpRequest, *, old: str, new: str) -> HttpResponse:
    """The same page under its new prefix, with the rest of the path and the query string."""
    full = request.get_full_path_info()  # path (escaped) and query string, without SCRIPT_NAME
    script = request.path[: len(request.path) - len(request.path_info)]
    url = f"{script}/{new}{full[len(old) + 1 :]}"
    if request.method in SAFE_METHODS:
        return HttpResponsePermanentRedirect(url)
    return _PermanentRedirectKeepingMethod(url)


def moved_prefixes(table: dict[str, str]) -> list:
    """One unnamed pattern per old prefix (unnamed: they are not pages of their own)."""
    return [
        re_path(rf"^{re.escape(old)}", moved, kwargs={"old": old, "new": new})
        for old, new in table.items()
    ]
