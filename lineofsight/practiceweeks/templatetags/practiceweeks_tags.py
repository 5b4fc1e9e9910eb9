from __future__ import annotations

from django import template

from lineofsight.framework import vocabulary

register = template.Library()


@register.filter
def theme_label(key: str) -> str:
    return vocabulary.label(key)
