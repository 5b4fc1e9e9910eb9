"""Small, fast pieces of worklist markup.

A worklist page draws a row, several tags and dates for each of many children; done with template
tags and general-purpose filters that cost most of the page's time under load, so the row is
drawn here, in one step, with the same escaping (format_html)."""

from __future__ import annotations

import datetime
import html
from functools import lru_cache
from urllib.parse import quote

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from ..casedata import CaseRow, FlagMark

register = template.Library()


@lru_cache(maxsize=4096)
def _tags(flags: tuple[FlagMark, ...]) -> SafeString:
    if not flags:
        return format_html("{}", "None")
    return format_html_join(
        " ",
        '<strong class="govuk-tag govuk-tag--{} govuk-!-margin-bottom-1">{}</strong>',
        ((m.info.colour, m.info.label) for m in flags),
    )


@register.filter
def flag_tags(flags: tuple[FlagMark, ...]) -> SafeString:
    """A GOV.UK tag for each flag, or "None"."""
    return _tags(tuple(flags))


@register.filter
def uk_date(value: datetime.date | None, empty: str = "–") -> str:
    """dd/mm/yyyy, or `empty` when there is no date."""
    return f"{value:%d/%m/%Y}" if value else empty


def _e(value: object) -> str:
    # The same escaping Django's escape() does (html.escape with quotes), without its lazy-string
    # wrapper, which is most of its cost when called for every cell of a long table.
    return html.escape(str(value), quote=True)


@register.simple_tag(takes_context=True)
def worklist_row(context: template.Context, row: CaseRow, n: int, selectable: bool) -> SafeString:
    """One child's row of a worklist table: [choose], child, name, cohort, worker, flags, oldest.
    Every value from the data is escaped with _e."""
    prefix = context.get("_chronology_prefix")
    if prefix is None:
        # Reversed once per page; each row adds its child's id.
        prefix = reverse("worklists:chronology", args=["0"])[: -len("0/")]
        context["_chronology_prefix"] = prefix
    pid, name = _e(row.person_id), _e(row.display_name)
    parts = ['<tr class="govuk-table__row">']
    if selectable:
        parts.append(
            '<td class="govuk-table__cell"><div class="govuk-checkboxes govuk-checkboxes--small" '
            'data-module="govuk-checkboxes"><div class="govuk-checkboxes__item">'
            f'<input class="govuk-checkboxes__input" id="choose-{int(n)}" name="person_id" '
            f'type="checkbox" value="{pid}"><label class="govuk-label govuk-checkboxes__label" '
            f'for="choose-{int(n)}"><span class="govuk-visually-hidden">Choose {name} ({pid})'
            "</span></label></div></div></td>"
        )
    href = _e(f"{prefix}{quote(row.person_id, safe='')}/")
    discussed = (
        '<br><span class="govuk-body-s">Discussed in group supervision '
        f"{uk_date(row.discussed_on)}</span>"
        if row.discussed_on
        else ""
    )
    worker = (row.worker_name or row.worker_id) if row.worker_id else "Unallocated"
    parts.append(
        f'<td class="govuk-table__cell"><a class="govuk-link" href="{href}">'
        f'<span class="govuk-visually-hidden">Chronology of child </span>{pid}</a></td>'
        f'<td class="govuk-table__cell">{name}{discussed}</td>'
        f'<td class="govuk-table__cell">{_e(", ".join(row.cohort_labels))}</td>'
        f'<td class="govuk-table__cell">{_e(worker)}</td>'
        f'<td class="govuk-table__cell">{_tags(row.flags)}</td>'
        f'<td class="govuk-table__cell">{uk_date(row.oldest_flag)}</td></tr>'
    )
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped
