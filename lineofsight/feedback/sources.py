"""How improvement actions raised from feedback describe where they came from."""

from __future__ import annotations

from django.urls import reverse
from django.utils.dateformat import format as date_format

from lineofsight.accounts.models import User
from lineofsight.actions.sources import SourceInfo
from lineofsight.web.ids import id_or_404

from . import selectors


def describe_feedback(user: User, source_id: str) -> SourceInfo:
    """The feedback as this user may see it; 404 when it does not exist or is out of scope."""
    pk = id_or_404(source_id, "feedback")
    item = selectors.get_feedback_for_user(user, pk)
    received = date_format(item.received_on, "j F Y")
    return SourceInfo(
        title=f"{item.get_kind_display()} {item.reference}, received {received}",
        url=reverse("feedback:detail", kwargs={"pk": item.pk}),
        team=item.team,
        person_id=item.person_id,
    )
