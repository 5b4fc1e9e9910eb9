"""A record's id as it comes in a URL or a source reference, as text."""

from __future__ import annotations

from django.http import Http404


def id_or_404(value: object, what: str) -> int:
    """The id as a number; Http404 ("No such <what>") when it is not one, so a mistyped or
    made-up reference reads as a record that does not exist."""
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise Http404(f"No such {what}") from None
