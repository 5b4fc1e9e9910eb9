"""Template filters for improvement actions."""

from __future__ import annotations

from django import template

from lineofsight.framework import vocabulary

register = template.Library()


@register.filter
def theme_label(key: str) -> str:
    """What users read for a stored theme key (a free tag is labelled from its key)."""
    return vocabulary.label(key)
