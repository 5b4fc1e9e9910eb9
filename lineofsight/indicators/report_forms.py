from __future__ import annotations

import datetime

from django import forms

from .report import SECTIONS, day


class ReportCreateForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        error_messages={"required": "Enter a title for the report"},
    )
    period_end = forms.TypedChoiceField(
        label="Year the report covers",
        coerce=datetime.date.fromisoformat,
        help_text="Each year runs from 1 April to 31 March.",
        error_messages={"required": "Choose the year the report covers"},
    )

    def __init__(self, *args, period_ends: list[datetime.date], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period_end"].choices = [
            (end.isoformat(), f"{day(end.replace(year=end.year - 1) + datetime.timedelta(1))} "
             f"to {day(end)}")
            for end in period_ends
        ]  # fmt: skip


class ReportTextForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        error_messages={"required": "Enter a title for the report"},
    )
    what_we_know = forms.CharField(widget=forms.Textarea, required=False)
    how_we_know = forms.CharField(widget=forms.Textarea, required=False)
    what_next = forms.CharField(widget=forms.Textarea, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for key, title, prompt in SECTIONS:
            self.fields[key].label = title
            self.fields[key].help_text = prompt + " Leave a blank line between paragraphs."
