"""The forms of the rules page and the note page. They check only what a person typed; the
services judge the rules as a whole (checker.rules.validate_data) and say where a problem is."""

from __future__ import annotations

from django import forms

from lineofsight.web.fields import TextField, radio_choice, text_box

YES_NO = (("yes", "Yes"), ("no", "No"))


class VersionedForm(forms.Form):
    # The version of the rules the form was loaded with (web.locking).
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class TermForm(VersionedForm):
    term = TextField(
        label="Term",
        max_length=100,
        help_text="The word or phrase as it is usually written, for example absconded",
        error_messages={"required": "Enter the term"},
    )
    variants = text_box(
        "Other ways it is written",
        max_length=2000,
        help_text=(
            "One a line, for example abscond*. A word ending in * takes any ending; "
            "leave empty to look for the term alone"
        ),
    )
    not_when = text_box(
        "Not when it is part of",
        max_length=2000,
        help_text="Phrases where the word is fine, one a line, for example in case",
    )
    preferred = TextField(
        label="What to write instead",
        max_length=300,
        error_messages={"required": "Enter what to write instead"},
    )
    reason = text_box(
        "Why",
        "Enter why the council asks writers to avoid the term",
        max_length=1000,
        help_text="Shown with every finding, so writers know why",
    )
    legal = radio_choice(
        "Do court papers still use this term?",
        YES_NO,
        "Select yes if court papers still use this term",
        help_text="If yes, the checker only suggests another word and does not count it",
    )


class AcronymsForm(VersionedForm):
    acronyms = text_box(
        "Allowed acronyms",
        max_length=5000,
        help_text="One a line, for example GP. These are never counted as unexplained",
    )


class DismissForm(forms.Form):
    rule = TextField(widget=forms.HiddenInput, max_length=40)
    start = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    text = forms.CharField(
        widget=forms.HiddenInput, max_length=100_000, strip=False, required=False
    )
    reason = text_box(
        "Why does this finding not apply?",
        "Say why this finding does not apply to this note",
        max_length=2000,
    )

    def __init__(self, *args, number: int, **kwargs) -> None:
        # The note page has one form for each finding: the prefix keeps their fields apart and
        # the label says which finding each box is about.
        super().__init__(*args, prefix=f"f{number}", **kwargs)
        self.number = number
        self.fields["reason"].label = f"Why does finding {number} not apply?"
