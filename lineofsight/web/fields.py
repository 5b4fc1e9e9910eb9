"""Form fields the product's forms share: free text that is cleaned and limited, dates typed
the UK way, and times on the 24-hour clock
(people named with their role: `lineofsight.accounts.fields`).

Every text a person types goes through `TextField` (or `CleanTextMixin`): control characters
pasted from Word or another program (a bell, a vertical tab...) are removed on input, in this one
place, so that no stored text can break a Word, PDF or Excel download. Every text field has a
limit, and the form says what it is ("You can enter up to 4,000 characters")."""

from __future__ import annotations

import datetime
import re

from django import forms
from django.utils import timezone

DATE_HINT = "For example, 27/03/2026"

# Limits for free text. Long answers (an audit's evidence, a discussion) get the larger one.
SHORT_TEXT = 300
LONG_TEXT = 4000
VERY_LONG_TEXT = 10_000

# C0 control characters other than tab, line feed and carriage return, and DEL. A vertical tab
# or form feed (Word's manual line and page breaks) becomes a line break; the rest are dropped.
_BREAKS = re.compile(r"[\x0b\x0c]")
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def clean_text(value: str) -> str:
    """`value` without control characters (other than tab and line breaks)."""
    if not value:
        return value
    return _CONTROLS.sub("", _BREAKS.sub("\n", value))


def limit_hint(max_length: int) -> str:
    return f"You can enter up to {max_length:,} characters"


class CleanTextMixin:
    """For a CharField: control characters removed before anything else looks at the text, and
    a limit the person is told about."""

    def __init__(self, *args, max_length: int | None = None, **kwargs) -> None:
        super().__init__(*args, max_length=max_length or LONG_TEXT, **kwargs)  # type: ignore[call-arg]
        if "max_length" not in (kwargs.get("error_messages") or {}):
            label = _sentence(str(kwargs.get("label") or "This"))
            self.error_messages["max_length"] = (
                f"{label} must be {self.max_length:,} characters or fewer"  # type: ignore[attr-defined]
            )

    def to_python(self, value: object) -> str:
        if isinstance(value, str):
            value = clean_text(value)
        return super().to_python(value)  # type: ignore[misc]

    @property
    def limit_hint(self) -> str:
        return limit_hint(self.max_length)  # type: ignore[attr-defined]


def _sentence(label: str) -> str:
    label = label.strip().rstrip("?:").strip() or "The text"
    return label[0].upper() + label[1:]


class TextField(CleanTextMixin, forms.CharField):
    """Any free text: one line by default, `widget=forms.Textarea` for more."""


def text_box(label: str, required: str = "", *, max_length: int = LONG_TEXT, **kwargs) -> TextField:
    """A box of free text over several lines. `required` is what to say when it is left empty;
    without it the box may be left empty."""
    if required:
        kwargs["error_messages"] = {"required": required, **(kwargs.get("error_messages") or {})}
    return TextField(
        label=label,
        widget=forms.Textarea,
        max_length=max_length,
        required=bool(required),
        **kwargs,
    )


def radio_choice(label: str, choices, required: str, **kwargs) -> forms.ChoiceField:
    """One of a few choices as radio buttons; `required` is what to say when none is chosen."""
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={"required": required},
        **kwargs,
    )


def checkboxes(label: str, choices=(), required: str = "", **kwargs) -> forms.MultipleChoiceField:
    """Any number of choices as tick boxes. `required` is what to say when none is ticked;
    without it all may be left unticked."""
    if required:
        kwargs["error_messages"] = {"required": required, **(kwargs.get("error_messages") or {})}
    return forms.MultipleChoiceField(
        label=label,
        choices=choices,
        widget=forms.CheckboxSelectMultiple,
        required=bool(required),
        **kwargs,
    )


class UKDateField(forms.DateField):
    """The one date field: a date typed the UK way (27/03/2026). Shown back exactly as typed
    when it is not a date, and as 27/03/2026 when it comes from the record. With `named=True`
    its messages name the date from its label ("Enter the due date", "Enter the due date as a
    real date, for example 27/03/2026"); `error_messages` replaces either."""

    input_formats = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d %m %Y"]
    widget = forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"})
    default_error_messages = {"invalid": "Enter a real date, for example 27/03/2026"}

    def __init__(self, *args, named: bool = False, **kwargs) -> None:
        kwargs.setdefault("help_text", DATE_HINT)
        messages: dict[str, str] = {}
        label = str(kwargs.get("label") or "")
        if named and label:
            noun = label[0].lower() + label[1:]
            messages = {
                "required": f"Enter the {noun}",
                "invalid": f"Enter the {noun} as a real date, for example 27/03/2026",
            }
        messages.update(kwargs.pop("error_messages", None) or {})
        super().__init__(*args, error_messages=messages, **kwargs)

    def to_python(self, value: object) -> datetime.date | None:
        if isinstance(value, str):
            value = clean_text(value).strip()
        return super().to_python(value)

    def prepare_value(self, value: object) -> object:
        if isinstance(value, datetime.date):
            return value.strftime("%d/%m/%Y")
        return value


def optional_date(label: str, *, called: str, example: str, **kwargs) -> UKDateField:
    """A date that may be left empty (a filter, a closure day); `called` names it in the
    message when it is not a date: "Enter the from date as a real date, like 31/03/2026"."""
    return UKDateField(
        label=label,
        required=False,
        error_messages={"invalid": f"Enter the {called} as a real date, like {example}"},
        **kwargs,
    )


def not_in_past(day: datetime.date | None, what: str) -> None:
    """Refuse a date to come (a due date, a date to look again) that has already passed.
    Raises forms.ValidationError; services have their own check that says the same."""
    if day is not None and day < timezone.localdate():
        raise forms.ValidationError(f"The {what} must be today or in the future")


class TimeOfDayField(forms.TimeField):
    input_formats = ["%H:%M", "%H.%M", "%H%M", "%H:%M:%S"]
    widget = forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"})
    default_error_messages = {"invalid": "Enter a time on the 24-hour clock, for example 09:30"}
