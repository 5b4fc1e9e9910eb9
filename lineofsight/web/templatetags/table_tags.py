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

A whole data table: the region, the table, its caption, its headings and its body, around the rows:

    {% table "Audits" caption="m" head="Date|Team|Cases" numeric="Cases" %}
      {% for a in audits %}<tr class="govuk-table__row">…</tr>{% endfor %}
    {% endtable %}

The name labels the region and is the caption, unless a `{% caption %}…{% endcaption %}` first
inside the table gives the caption's own words. `caption` is how the caption shows: "s" or "m"
(a small or medium heading) or "hidden" (read only by screen readers). `head`, `numeric` and
`hidden` are as for table_head, with the headings separated by "|"; `classes` adds classes to the
table (such as "los-wrap") and `id` gives it an id. A table whose headings are not all written
out here (one comes from a variable or a loop, or has a width) is written out in a table_region.
"""

from __future__ import annotations

from django import template
from django.template.base import FilterExpression, NodeList, TextNode
from django.template.defaulttags import token_kwargs
from django.utils.html import format_html, format_html_join

register = template.Library()


def _region(label: str, content: str) -> str:
    return format_html(
        '<div class="los-table-scroll" role="region" aria-label="{}" tabindex="0">{}</div>',
        label,
        content,
    )


class TableRegionNode(template.Node):
    def __init__(self, label: FilterExpression, nodelist: NodeList):
        self.label = label
        self.nodelist = nodelist

    def render(self, context) -> str:
        return _region(self.label.resolve(context), self.nodelist.render(context))


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


CAPTION_CLASSES = {
    "s": "govuk-table__caption govuk-table__caption--s",
    "m": "govuk-table__caption govuk-table__caption--m",
    "hidden": "govuk-table__caption govuk-visually-hidden",
}
TABLE_OPTIONS = {"caption", "head", "numeric", "hidden", "classes", "id"}


class TableNode(template.Node):
    def __init__(
        self,
        label: FilterExpression,
        headings: list[FilterExpression],
        options: dict[str, FilterExpression],
        caption: NodeList | None,
        rows: NodeList,
    ):
        self.label = label
        self.headings = headings
        self.options = options
        self.caption = caption
        self.rows = rows

    def render(self, context) -> str:
        label = self.label.resolve(context)
        given = {name: str(value.resolve(context)) for name, value in self.options.items()}
        style = given.get("caption", "")
        if style not in CAPTION_CLASSES:
            raise template.TemplateSyntaxError(
                f'table takes caption="s", "m" or "hidden", not "{style}"'
            )
        caption = self.caption.render(context) if self.caption is not None else label
        table = format_html(
            '<table class="govuk-table{}"{}><caption class="{}">{}</caption>{}'
            '<tbody class="govuk-table__body">{}</tbody></table>',
            f" {given['classes']}" if given.get("classes") else "",
            format_html(' id="{}"', given["id"]) if given.get("id") else "",
            CAPTION_CLASSES[style],
            caption,
            table_head(
                *(heading.resolve(context) for heading in self.headings),
                numeric=given.get("numeric", ""),
                hidden=given.get("hidden", ""),
            ),
            self.rows.render(context),
        )
        return _region(label, table)


@register.tag
def table(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("table takes the table's name first")
    remaining = bits[2:]
    options = token_kwargs(remaining, parser)
    if remaining or not {"caption", "head"} <= set(options) <= TABLE_OPTIONS:
        raise template.TemplateSyntaxError(
            "table takes its name, caption= and head=, then any of numeric=, hidden=, classes=, id="
        )
    head = options.pop("head")
    if head.filters or not isinstance(head.var, str):
        raise template.TemplateSyntaxError("table takes head= as its headings, split by |")
    # One literal per heading, so each reads as table_head's own arguments do.
    headings = [parser.compile_filter(f'"{heading}"') for heading in head.var.split("|")]
    caption = None
    rows = parser.parse(("caption", "endtable"))
    if parser.next_token().contents == "caption":
        if any(not (isinstance(n, TextNode) and n.s.isspace()) for n in rows):
            raise template.TemplateSyntaxError("a table's caption comes first inside it")
        caption = parser.parse(("endcaption",))
        parser.delete_first_token()
        rows = parser.parse(("endtable",))
        parser.delete_first_token()
    return TableNode(parser.compile_filter(bits[1]), headings, options, caption, rows)
