"""A scrollable region around a data table, so a wide table never widens the page.

    {% load table_tags %}
    {% table_region "Audits" %}<table class="govuk-table">…</table>{% endtable_region %}

The region is named (role="region" with an aria-label: the table's caption or the heading
above it) and focusable, so keyboard users can scroll it (axe: scrollable-region-focusable).
The style is `.los-table-scroll` in frontend/src/lineofsight.scss (WCAG 2.2 SC 1.4.10, reflow).

The table's column headings, one row of them, written once:

    {% table_head "Date" "Team" "Cases" numeric="Cases" hidden="Decision" %}

`numeric` names the headings of columns of numbers (right-aligned), `hidden` those read only by
screen readers (a column of links); several are separated by "|".
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()


class TableRegionNode(template.Node):
    def __init__(self, label: template.base.FilterExpression, nodelist: template.NodeList):
        self.label = label
        self.nodelist = nodelist

    def render(self, context) -> str:
        label = self.label.resolve(context)
        return format_html(
            '<div class="los-table-scroll" role="region" aria-label="{}" tabindex="0">{}</div>',
            label,
            self.nodelist.render(context),
        )


@register.tag
def table_region(parser, token):
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("table_region takes one argument: the region's name")
    nodelist = parser.parse(("endtable_region",))
    parser.delete_first_token()
    return TableRegionNode(parser.compile_filter(bits[1]), nodelist)


@register.simple_tag
def table_head(*headings: str, numeric: str = "", hidden: str = "") -> str:
    numbers, unseen = set(numeric.split("|")) - {""}, set(hidden.split("|")) - {""}
    cells = format_html_join(
        "",
        '<th scope="col" class="govuk-table__header{}">{}</th>',
        (
            (
                " govuk-table__header--numeric" if heading in numbers else "",
                format_html('<span class="govuk-visually-hidden">{}</span>', heading)
                if heading in unseen
                else heading,
            )
            for heading in headings
        ),
    )
    return format_html(
        '<thead class="govuk-table__head"><tr class="govuk-table__row">{}</tr></thead>', cells
    )
