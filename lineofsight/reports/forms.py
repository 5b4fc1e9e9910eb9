from __future__ import annotations

import datetime

from django import forms

from lineofsight.web.fields import VERY_LONG_TEXT, TextField, text_box

from .document import SECTIONS
from .figures import period_text


def _title() -> TextField:
    return TextField(
        label="Title",
        max_length=200,
        error_messages={"required": "Enter a title for the report"},
    )


_SECTIONS = {key: (title, prompt) for key, title, prompt in SECTIONS}


def _section(key: str) -> TextField:
    title, prompt = _SECTIONS[key]
    return text_box(
        title,
        help_text=prompt + " Leave a blank line between paragraphs.",
        # A section of a report to committee may run to several pages.
        max_length=VERY_LONG_TEXT,
    )


class ReportCreateForm(forms.Form):
    title = _title()
    period_end = forms.TypedChoiceField(
        label="Year the report covers",
        coerce=datetime.date.fromisoformat,
        help_text="Each year runs from 1 April to 31 March.",
        error_messages={"required": "Choose the year the report covers"},
    )

    def __init__(self, *args, period_ends: list[datetime.date], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period_end"].choices = [
            (end.isoformat(), period_text(end)) for end in period_ends
        ]


class ReportTextForm(forms.Form):
    title = _title()
    what_we_know = _section("what_we_know")
    how_we_know = _section("how_we_know")
    what_next = _section("what_next")
    version = forms.IntegerField(widget=forms.HiddenInput)
