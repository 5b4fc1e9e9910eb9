"""The {% table %} tag: one table's scroll region, caption, headings and body, written once."""

from __future__ import annotations

import pytest
from django.template import Context, Template, TemplateSyntaxError

# Proposed additions to lineofsight/web/tests/test_table_tags.py (helper T may not edit tests).


def test_table_writes_region_caption_head_and_body_around_the_rows():
    html = Template(
        '{% load table_tags %}{% table "Audits" caption="m" head="Team|Cases|Link" '
        'numeric="Cases" hidden="Link" %}<tr></tr>{% endtable %}'
    ).render(Context())
    assert html == (
        '<div class="los-table-scroll" role="region" aria-label="Audits" tabindex="0">'
        '<table class="govuk-table"><caption class="govuk-table__caption govuk-table__caption--m">'
        'Audits</caption><thead class="govuk-table__head"><tr class="govuk-table__row">'
        '<th scope="col" class="govuk-table__header">Team</th>'
        '<th scope="col" class="govuk-table__header govuk-table__header--numeric">Cases</th>'
        '<th scope="col" class="govuk-table__header">'
        '<span class="govuk-visually-hidden">Link</span>'
        '</th></tr></thead><tbody class="govuk-table__body"><tr></tr></tbody></table></div>'
    )


def test_table_caption_can_say_more_than_the_region_name():
    html = Template(
        "{% load table_tags %}"
        '{% table label caption="hidden" head="Team" classes="los-wrap" id="t" %}'
        "{% caption %}{{ n }} team{{ n|pluralize }}{% endcaption %}{% endtable %}"
    ).render(Context({"label": 'A & "b"', "n": 2}))
    assert 'aria-label="A &amp; &quot;b&quot;"' in html
    assert '<table class="govuk-table los-wrap" id="t">' in html
    assert '<caption class="govuk-table__caption govuk-visually-hidden">2 teams</caption>' in html


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ('{% table "A" head="x" %}{% endtable %}', "caption= and head="),
        ('{% table "A" caption="s" head=x %}{% endtable %}', "head= as its headings"),
        (
            '{% table "A" caption="s" head="x" %}<tr></tr>{% caption %}x{% endcaption %}'
            "{% endtable %}",
            "caption comes first",
        ),
    ],
)
def test_table_says_what_is_wrong(source, message):
    with pytest.raises(TemplateSyntaxError, match=message):
        Template("{% load table_tags %}" + source)
