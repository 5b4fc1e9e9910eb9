"""Template helpers for practice themes."""

from __future__ import annotations

from django import template

from lineofsight.framework import vocabulary

register = template.Library()


@register.filter
def theme_label(key: str) -> str:
    """The label users read for a stored theme key."""
    return vocabulary.label(str(key))
