"""How a record names a member of staff: who created, saved, submitted or decided it, who is to
act on it, or whom it is about.

Every app's records name people the same way: the person is protected from deletion while any
record names them (the record must go on saying who acted), and most of these references need no
way back from the person to the record.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


def user_field(
    *, optional: bool = False, related_name: str = "+", **options: Any
) -> models.ForeignKey:
    """A reference to a member of staff. `optional` for a step not taken yet, or one that a
    command run on the server may take without a person."""
    if optional:
        options.update(null=True, blank=True)
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name=related_name, **options
    )
