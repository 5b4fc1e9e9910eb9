from __future__ import annotations

from django import forms

from lineofsight.web.fields import TextField

from .services import MAX_TEXT


class RaiseForm(forms.Form):
    description = TextField(
        label="What is the concern?",
        widget=forms.Textarea,
        max_length=MAX_TEXT,
        help_text="Say what you found, where, and why the child may be at immediate risk.",
        error_messages={"required": "Describe the safeguarding concern"},
    )


class RespondForm(forms.Form):
    response = TextField(
        label="What has been done",
        widget=forms.Textarea,
        max_length=MAX_TEXT,
        help_text="The decision made, the action taken to keep the child safe, and by whom.",
        error_messages={"required": "Say what has been done in response to the concern"},
    )
