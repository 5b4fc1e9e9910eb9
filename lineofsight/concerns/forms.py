from __future__ import annotations

from django import forms

from lineofsight.web.fields import text_box

from .services import MAX_TEXT


class RaiseForm(forms.Form):
    description = text_box(
        "What is the concern?",
        "Describe the safeguarding concern",
        max_length=MAX_TEXT,
        help_text="Say what you found, where, and why the child may be at immediate risk.",
    )


class RespondForm(forms.Form):
    response = text_box(
        "What has been done",
        "Say what has been done in response to the concern",
        max_length=MAX_TEXT,
        help_text="The decision made, the action taken to keep the child safe, and by whom.",
    )
