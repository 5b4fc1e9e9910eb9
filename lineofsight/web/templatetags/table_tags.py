"""A scrollable region around a data table, so a wide table never widens the page.

    {% load table_tags %}
    {% table_region "Audits" %}<table class="govuk-table">…</table>{% endtable_region %}

The region is named (role="region" with an aria-label: the table's caption or the heading
above it) and focusable, so keyboard users can scroll it (axe: scrollable-region-focusable).
The style is `.los-table-scroll` in lineofsight/tables.css (WCAG 2.2 SC 1.4.10, reflow).
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html

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
