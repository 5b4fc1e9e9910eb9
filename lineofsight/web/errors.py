"""The one way a service says no: `ServiceError` carries a message for the user and, when the
rule belongs to one field of the form, that field's name. `EditConflict` is the refusal of an
edit based on a version someone else has since saved over (see `lineofsight.web.locking`).

Each app's own exception (AuditError, FeedbackError...) is a subclass, so a view catches
ServiceError and `lineofsight.web.forms.submit` puts the message on the form in one place."""

from __future__ import annotations

from typing import Any


class ServiceError(ValueError):
    """A rule the user broke; the message says what and where, and nothing was changed.
    `field` is the form field it belongs to (None: the whole form). A refusal about several
    fields at once gives `errors`, each field's message; the message is then all of them."""

    def __init__(
        self,
        message: str = "",
        *,
        field: str | None = None,
        errors: dict[str, str] | None = None,
    ) -> None:
        errors = dict(errors or {})
        message = message or " ".join(errors.values())
        super().__init__(message)
        self.message = message
        self.field = field or None
        self.errors = errors or ({self.field: message} if self.field else {})


class EditConflict(ServiceError):
    """Someone else saved the record after this person's form was loaded: nothing was saved.
    `current` is the record as it is now (None when it has gone); `title` heads the error
    summary; `saved_by` names who saved it, for "What ... saved"."""

    title = "There is a problem"
    # The form field that carries the version the form was loaded with.
    form_field = "version"

    def __init__(
        self,
        message: str,
        *,
        current: Any = None,
        saved_by: Any = None,
        title: str = "",
    ) -> None:
        super().__init__(message)
        self.current = current
        self.saved_by = saved_by
        # (label, what they saved) for each field where it differs from this person's form,
        # when the page can say (web.forms.show_conflict with `saved`); conflict.html lists them.
        self.changes: list[tuple[str, str]] = []
        if title:
            self.title = title

    @property
    def form_value(self) -> object:
        """What the form's version field holds once the person has seen the conflict."""
        return getattr(self.current, "version", 0) if self.current is not None else 0
