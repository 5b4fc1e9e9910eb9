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
from ..wording import event_words, visit_words

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


def _small(text: str) -> str:
    return f'<br><span class="govuk-body-s">{text}</span>'


def overdue_cell(row: CaseRow, as_at: datetime.date | None) -> str:
    days = row.days_overdue(as_at) if as_at else None
    if days is None:
        return "None"
    unit = "day" if days == 1 else "days"
    return f"<strong>{days}</strong> {unit}" + _small(
        f"{_e(event_words(row.overdue_item))}, due {uk_date(row.overdue_since)}"
    )


def visit_cell(row: CaseRow) -> str:
    if row.last_visit is None:
        return "None recorded"
    return uk_date(row.last_visit) + _small(visit_words(row))


def due_cell(row: CaseRow) -> str:
    if row.next_due is None:
        return "None"
    soon = (
        ' <strong class="govuk-tag govuk-tag--yellow">Due soon</strong>'
        if row.next_due_soon
        else ""
    )
    return uk_date(row.next_due) + soon + _small(_e(event_words(row.next_due_item)))


@register.filter
def overdue_text(row: CaseRow, as_at: datetime.date | None) -> SafeString:
    """Days overdue (and what, due when) for a table cell; escaped as worklist_row is."""
    return mark_safe(overdue_cell(row, as_at))  # noqa: S308 - values escaped in overdue_cell


@register.filter
def visit_text(row: CaseRow) -> SafeString:
    return mark_safe(visit_cell(row))  # noqa: S308 - a date and fixed words


@register.filter
def due_text(row: CaseRow) -> SafeString:
    return mark_safe(due_cell(row))  # noqa: S308 - values escaped in due_cell


@register.simple_tag(takes_context=True)
def worklist_row(context: template.Context, row: CaseRow, n: int, selectable: bool) -> SafeString:
    """One child's row of a worklist table: [choose], child, name, days overdue, last visit,
    next due, flags, oldest flag, cohort, worker (query.SORT_COLUMNS's order). Every value from
    the data is escaped with _e. A child in `selected` (the ids chosen for group supervision)
    is ticked; each selectable row says, in a hidden field, that it was on the form."""
    prefix = context.get("_chronology_prefix")
    if prefix is None:
        # Reversed once per page; each row adds its child's id.
        prefix = reverse("children:chronology", args=["0"])[: -len("0/")]
        context["_chronology_prefix"] = prefix
    worklist = context.get("worklist")
    as_at = worklist.snapshot.as_at if worklist is not None else None
    pid, name = _e(row.person_id), _e(row.display_name)
    parts = ['<tr class="govuk-table__row">']
    if selectable:
        checked = " checked" if row.person_id in context.get("selected", ()) else ""
        parts.append(
            '<td class="govuk-table__cell"><div class="govuk-checkboxes govuk-checkboxes--small" '
            'data-module="govuk-checkboxes"><div class="govuk-checkboxes__item">'
            f'<input class="govuk-checkboxes__input" id="choose-{int(n)}" name="person_id" '
            f'type="checkbox" value="{pid}"{checked}><label class="govuk-label '
            f'govuk-checkboxes__label" for="choose-{int(n)}"><span class="govuk-visually-hidden">'
            f"Choose {name} ({pid})</span></label></div></div>"
            f'<input type="hidden" name="shown" value="{pid}"></td>'
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
        f'<td class="govuk-table__cell">{overdue_cell(row, as_at)}</td>'
        f'<td class="govuk-table__cell">{visit_cell(row)}</td>'
        f'<td class="govuk-table__cell">{due_cell(row)}</td>'
        f'<td class="govuk-table__cell">{_tags(row.flags)}</td>'
        f'<td class="govuk-table__cell">{uk_date(row.oldest_flag)}</td>'
        f'<td class="govuk-table__cell">{_e(", ".join(row.cohort_labels))}</td>'
        f'<td class="govuk-table__cell">{_e(worker)}</td></tr>'
    )
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped
