from __future__ import annotations

import datetime

from django import forms

from lineofsight.web.fields import VERY_LONG_TEXT, TextField, text_box

from .figures import period_text
from .selfevaluation_document import QUESTIONS


class SelfEvaluationCreateForm(forms.Form):
    title = TextField(
        label="Title",
        max_length=200,
        error_messages={"required": "Enter a title for the self-evaluation"},
    )
    year_end = forms.TypedChoiceField(
        label="Year the self-evaluation covers",
        coerce=datetime.date.fromisoformat,
        help_text="Each year runs from 1 April to 31 March.",
        error_messages={"required": "Choose the year the self-evaluation covers"},
    )

    def __init__(self, *args, year_ends: list[datetime.date], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year_end"].choices = [(end.isoformat(), period_text(end)) for end in year_ends]


def _answer(key: str) -> TextField:
    question, prompt = {k: (q, p) for k, q, p in QUESTIONS}[key]
    return text_box(
        question,
        help_text=prompt + " Leave a blank line between paragraphs.",
        max_length=VERY_LONG_TEXT,
    )


class AreaAnswersForm(forms.Form):
    what_we_know = _answer("what_we_know")
    how_we_know = _answer("how_we_know")
    what_next = _answer("what_next")
    version = forms.IntegerField(widget=forms.HiddenInput)
