"""Presentation helpers for audit pages: names and colours of grades, and dictionary look-ups."""

from __future__ import annotations

from django import template

from lineofsight.audits.grades import grade_label, grade_tag_class
from lineofsight.web import figures

register = template.Library()


@register.filter
def grade_name(value: int | str | None) -> str:
    try:
        return grade_label(int(value)) if value not in (None, "") else grade_label(None)
    except (TypeError, ValueError):
        return str(value)


@register.filter
def grade_class(value: int | str | None) -> str:
    try:
        return grade_tag_class(int(value)) if value not in (None, "") else grade_tag_class(None)
    except (TypeError, ValueError):
        return "govuk-tag--grey"


@register.filter
def lookup(mapping: dict, key: object) -> object:
    if not mapping:
        return ""
    return mapping.get(key, mapping.get(str(key), key))


@register.filter
def percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


@register.filter
def count(value: int | None) -> str:
    """A count through the one small-number rule: 1 to 4 reads "fewer than 5"."""
    return figures.count_text(value)
