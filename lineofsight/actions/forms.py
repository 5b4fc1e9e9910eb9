from __future__ import annotations

import datetime

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from lineofsight.accounts.models import User

from .models import Priority, RecheckResult, SourceType, Status

DATE_HELP = "For example, 27/03/2026"


def date_field(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": f"Enter the {label.lower()}",
            "invalid": f"Enter the {label.lower()} as a real date",
        },
    )


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.full_name} ({obj.get_role_display()})"


class ActionForm(forms.Form):
    """A new improvement action. The caller passes the people who may own it."""

    issue = forms.CharField(
        label="Issue identified",
        widget=forms.Textarea,
        max_length=4000,
        error_messages={"required": "Enter the issue identified"},
    )
    action = forms.CharField(
        label="Action to be taken",
        widget=forms.Textarea,
        max_length=4000,
        error_messages={"required": "Enter the action to be taken"},
    )
    risk_if_not_done = forms.CharField(
        label="Anticipated risk if not completed",
        widget=forms.Textarea,
        max_length=4000,
        required=False,
    )
    priority = forms.ChoiceField(
        label="Priority",
        choices=Priority.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the priority"},
    )
    owner = OwnerChoiceField(
        label="Who will complete it",
        queryset=User.objects.none(),
        empty_label="Select a person",
        error_messages={"required": "Select who will complete the action"},
    )
    due_date = date_field("Proposed date for completion", help_text=DATE_HELP)

    def __init__(self, *args, owners: QuerySet[User], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners

    def clean_due_date(self) -> datetime.date:
        due = self.cleaned_data["due_date"]
        if due < timezone.localdate():
            raise forms.ValidationError("The proposed date for completion must be today or later")
        return due


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        choices=Status.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the status"},
    )
    note = forms.CharField(
        label="What has been done",
        help_text="Needed when you close an action, or reopen a closed one.",
        widget=forms.Textarea,
        required=False,
        max_length=4000,
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        label="Progress note",
        widget=forms.Textarea,
        max_length=4000,
        error_messages={"required": "Enter the progress note"},
    )


class RecheckForm(forms.Form):
    result = forms.ChoiceField(
        label="Has practice changed?",
        choices=RecheckResult.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether practice has changed"},
    )
    notes = forms.CharField(
        label="What the re-check found",
        widget=forms.Textarea,
        max_length=4000,
        error_messages={"required": "Say what the re-check found"},
    )
    next_recheck_date = date_field(
        "Date to look again", required=False, help_text="Leave empty if no further check is needed."
    )


STATE_CHOICES = (
    ("open", "Open"),
    ("overdue", "Overdue"),
    ("closed", "Done or not done"),
    ("all", "All"),
)


class ActionFilterForm(forms.Form):
    state = forms.ChoiceField(label="Status", choices=STATE_CHOICES, required=False)
    source_type = forms.ChoiceField(
        label="Raised by", choices=[("", "Any source"), *SourceType.choices], required=False
    )
