"""Template filters for figures: every count a page shows goes through the one small-number
rule in `lineofsight.web.figures` (a count of 1 to 4 reads "fewer than 5")."""

from __future__ import annotations

from django import template

from lineofsight.web import figures

register = template.Library()


@register.filter
def count_text(value: float | None) -> str:
    """{{ n|count_text }}: "fewer than 5" for 1 to 4, otherwise the number ("0" for nought)."""
    return figures.count_text(value)


@register.filter
def count_capfirst(value: float | None) -> str:
    """As count_text, at the start of a sentence ("Fewer than 5")."""
    text = figures.count_text(value)
    return text[:1].upper() + text[1:]


@register.simple_tag
def suppression_note() -> str:
    """{% suppression_note %}: the sentence that explains the small-number rule."""
    return figures.SUPPRESSION_NOTE


@register.filter
def number_text(value: float | None) -> str:
    """{{ n|number_text }}: a number that is not a count of children (rows, files, seconds of
    work), with thousands separators, written the same way as every other figure."""
    return figures.number_text(value)
