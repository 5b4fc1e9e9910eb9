"""That the "Check my writing" page was used: the one thing it keeps.

Each check adds one history event that names the day and nothing else: not the text, not who
checked it (a practitioner trying a draft should not feel watched). The QA lead can count the
uses; nobody can read what was typed, because it was never kept.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from lineofsight.history.models import ChangeEvent

ACTION = "writing_check_use"
OBJECT_TYPE = "recording.writingcheck"


@transaction.atomic
def writing_check_use_record(*, on: datetime.date | None = None) -> None:
    """Count one use of the page on a day (today by default)."""
    day = on or timezone.localdate()
    ChangeEvent.objects.create(
        actor=None,
        action=ACTION,
        object_type=OBJECT_TYPE,
        object_id=day.isoformat(),
        object_repr="Check my writing: used",
        changes={},
    )


def writing_check_uses(*, since: datetime.date | None = None) -> int:
    """How many times the page was used (since a day, if given)."""
    uses = ChangeEvent.objects.filter(action=ACTION, object_type=OBJECT_TYPE)
    if since is not None:
        uses = uses.filter(object_id__gte=since.isoformat())
    return uses.count()
