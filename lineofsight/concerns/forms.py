from __future__ import annotations

from django import forms

from lineofsight.web.fields import TextField

from .services import MAX_TEXT


def _box(label: str, *, help_text: str, required: str) -> TextField:
    return TextField(
        label=label,
        widget=forms.Textarea,
        max_length=MAX_TEXT,
        help_text=help_text,
        error_messages={"required": required},
    )


class RaiseForm(forms.Form):
    description = _box(
        "What is the concern?",
        help_text="Say what you found, where, and why the child may be at immediate risk.",
        required="Describe the safeguarding concern",
    )


class RespondForm(forms.Form):
    response = _box(
        "What has been done",
        help_text="The decision made, the action taken to keep the child safe, and by whom.",
        required="Say what has been done in response to the concern",
    )
