"""What the audit services raise: errors a user can cause, with a message for that user."""

from __future__ import annotations

import datetime

from django.utils import timezone

from lineofsight.accounts.models import User
from lineofsight.web.errors import EditConflict, ServiceError


class AuditError(ServiceError):
    """Something the user asked for cannot be done; the message says why."""


class AuditLocked(AuditError):
    """The version has been submitted: it can only be changed by opening a new version."""


class AuditIncomplete(AuditError):
    """Submission refused: `missing` lists (form field, message) for each gap."""

    def __init__(self, missing: list[tuple[str, str]]) -> None:
        self.missing = missing
        super().__init__("The audit cannot be submitted until it is complete.")


class AuditEditConflict(AuditError, EditConflict):
    """Someone else saved the audit after this form was loaded. The form carries an edit token
    (version number and revision, `versions.edit_token`) where other forms carry a version."""

    form_field = "token"

    def __init__(
        self,
        saved_by: User | None,
        saved_at: datetime.datetime | None,
        current: object = None,
        token: str = "",
    ) -> None:
        self.saved_at = saved_at
        self.token = token
        who = saved_by.full_name if saved_by else "Someone else"
        when = (
            f" at {timezone.localtime(saved_at):%H:%M on %d/%m/%Y}" if saved_at is not None else ""
        )
        super().__init__(
            f"{who} saved this audit{when}, after you opened it. Your changes have not been "
            "saved: they are still in the form below. Check what they changed, then save again.",
            current=current,
            saved_by=saved_by,
        )

    @property
    def form_value(self) -> object:
        return self.token
