"""Raising an improvement action from feedback, through the actions app's page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from .test_feedback import record

pytestmark = pytest.mark.django_db


def test_the_raise_page_accepts_feedback_as_its_source(council, client_for):
    item = record(council)
    detail = client_for("team_manager").get(reverse("feedback:detail", kwargs={"pk": item.pk}))
    url = next(
        line.split('href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
        for line in detail.text.splitlines()
        if "Raise an improvement action" in line
    )
    response = client_for("team_manager").get(url)
    assert response.status_code == 200
    assert item.reference in response.text
    care = record(council, team="cic")
    outsider = reverse("actions:raise") + f"?source_type=feedback&source_id={care.pk}"
    assert client_for("team_manager").get(outsider).status_code == 404
