"""The one optimistic lock (lineofsight.web.locking), on the feedback response's version."""

from __future__ import annotations

import pytest

from lineofsight.feedback.models import Feedback
from lineofsight.web.errors import EditConflict
from lineofsight.web.locking import version_take

from .test_feedback import record

pytestmark = pytest.mark.django_db


def test_version_take_refuses_a_stale_version_and_moves_a_current_one(council):
    item = record(council)
    before = version_take(
        Feedback, item.pk, expected_version=item.version, conflict=lambda now: EditConflict("x")
    )
    assert before.version == item.version
    assert Feedback.objects.get(pk=item.pk).version == item.version + 1
    with pytest.raises(EditConflict):
        version_take(
            Feedback, item.pk, expected_version=item.version, conflict=lambda n: EditConflict("x")
        )
    assert Feedback.objects.get(pk=item.pk).version == item.version + 1
