"""URL expectations for tests/url_matrix.py. Everyone signed in reads the framework (it holds no
child's data); only the quality assurance leads, who hold MANAGE_FRAMEWORK, reach the editing
pages. Starting a draft is a POST, so a GET is refused (405) for everyone signed in."""

from __future__ import annotations

from lineofsight.accounts.models import Role
from tests.url_matrix import expect

EDITORS = (Role.QA_LEAD,)


def published(council: dict) -> dict:
    """Version 1, published from the example (nobody signed in: a command on the server)."""
    from lineofsight.framework.models import FrameworkVersion
    from lineofsight.framework.services import framework_adopt

    row = FrameworkVersion.objects.filter(status="published").first()
    if row is None:
        row = framework_adopt(actor=None)
    return {"number": row.number}


def _draft(council: dict):
    from lineofsight.framework.services import framework_draft_start

    return framework_draft_start(actor=council["users"]["qa_lead"])


def draft(council: dict) -> dict:
    _draft(council)
    return {}


def draft_part(council: dict) -> dict:
    _draft(council)
    return {"part": "standards"}


def draft_item(council: dict) -> dict:
    _draft(council)
    return {"part": "standards", "key": "assessment"}


EXPECTED = {
    "framework:home": expect(200),
    "framework:download_in_force": expect(200, html=False),
    "framework:standard": expect(200, kwargs=lambda council: {"key": "assessment"}),
    "framework:versions": expect(200),
    "framework:version": expect(200, kwargs=published),
    "framework:download": expect(200, kwargs=published, html=False),
    "framework:draft": expect(200, only=EDITORS),
    "framework:draft_start": expect(405),
    "framework:header": expect(200, only=EDITORS, kwargs=draft),
    "framework:publish": expect(200, only=EDITORS, kwargs=draft),
    "framework:discard": expect(200, only=EDITORS, kwargs=draft),
    "framework:item_add": expect(200, only=EDITORS, kwargs=draft_part),
    "framework:item_edit": expect(200, only=EDITORS, kwargs=draft_item),
    "framework:item_remove": expect(200, only=EDITORS, kwargs=draft_item),
}
