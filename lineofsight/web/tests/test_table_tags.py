"""The scrollable table region (web/templatetags/table_tags.py), for reflow at 320 px."""

from __future__ import annotations

import pytest
from django.template import Context, Template, TemplateSyntaxError


def test_region_wraps_the_table_named_and_focusable():
    html = Template(
        '{% load table_tags %}{% table_region label %}<table class="govuk-table"></table>'
        "{% endtable_region %}"
    ).render(Context({"label": 'Audits & "moderation" <b>'}))
    assert html == (
        '<div class="los-table-scroll" role="region" '
        'aria-label="Audits &amp; &quot;moderation&quot; &lt;b&gt;" tabindex="0">'
        '<table class="govuk-table"></table></div>'
    )


def test_region_needs_a_name():
    with pytest.raises(TemplateSyntaxError, match="the region's name"):
        Template("{% load table_tags %}{% table_region %}x{% endtable_region %}")


def test_head_names_each_column_once_numeric_and_hidden_as_asked():
    html = Template(
        '{% load table_tags %}{% table_head "Team" "Cases" "Link" numeric="Cases" hidden="Link" %}'
    ).render(Context())
    assert html == (
        '<thead class="govuk-table__head"><tr class="govuk-table__row">'
        '<th scope="col" class="govuk-table__header">Team</th>'
        '<th scope="col" class="govuk-table__header govuk-table__header--numeric">Cases</th>'
        '<th scope="col" class="govuk-table__header">'
        '<span class="govuk-visually-hidden">Link</span></th></tr></thead>'
    )
