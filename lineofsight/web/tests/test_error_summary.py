"""Every link in an error summary moves focus to something on the page: for radios and
checkboxes, their first input carries the field's id."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _targets(page: str) -> list[str]:
    summary = re.search(r'<div class="govuk-error-summary".*?</ul>', page, re.S)
    assert summary, "no error summary on the page"
    return re.findall(r'href="#([^"]+)"', summary.group(0))


@pytest.mark.parametrize(
    ("role", "url_name"),
    [("team_manager", "feedback:create"), ("team_manager", "feedback:link_create")],
)
def test_error_summary_links_reach_their_fields(client_for, role, url_name):
    response = client_for(role).post(reverse(url_name), {"text": ""})
    assert response.status_code == 400
    page = response.content.decode()
    targets = _targets(page)
    assert targets, "an empty form should report at least one field"
    for target in targets:
        assert f'id="{target}"' in page, f"#{target} is not on the page"
