"""Forms for one-to-one supervision."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from lineofsight.accounts.fields import PersonChoiceField
from lineofsight.accounts.models import Team, User
from lineofsight.web.fields import UKDateField, text_box

MAX_IMPORT_BYTES = 2 * 1024 * 1024


class _OneToOneFields(forms.Form):
    held_on = UKDateField(
        label="Date of the supervision",
        error_messages={
            "required": "Enter the date of the supervision",
            "invalid": "Enter the date of the supervision as a real date, for example 27/03/2026",
        },
    )
    supervisor = PersonChoiceField(
        queryset=User.objects.none(),
        label="Supervisor",
        empty_label=None,
        error_messages={
            "required": "Choose who gave the supervision",
            "invalid_choice": "Choose a manager of the team or a quality assurance lead",
        },
    )
    cases = text_box(
        "Cases discussed (optional)",
        help_text="The children's ids in the case management system, one a line.",
        max_length=4000,
    )
    reflection = text_box("Reflection", max_length=10_000)
    actions_agreed = text_box(
        "Actions agreed (optional)", help_text="One action a line.", max_length=4000
    )

    def clean_held_on(self):
        day = self.cleaned_data["held_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("The date of the supervision must be today or earlier")
        return day


class OneToOneForm(_OneToOneFields):
    field_order = ["team", "supervisee", "held_on", "supervisor"]
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(),
        empty_label=None,
        error_messages={"required": "Choose the team", "invalid_choice": "Choose the team"},
    )
    supervisee = PersonChoiceField(
        queryset=User.objects.none(),
        label="Worker supervised",
        empty_label=None,
        error_messages={
            "required": "Choose the worker supervised",
            "invalid_choice": "Choose a worker in one of your teams",
        },
    )

    def __init__(
        self,
        *args,
        teams: QuerySet[Team],
        workers: QuerySet[User],
        supervisors: QuerySet[User],
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["supervisee"].queryset = workers
        self.fields["supervisor"].queryset = supervisors


class OneToOneEditForm(_OneToOneFields):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, supervisors: QuerySet[User], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].queryset = supervisors


class ProfileForm(forms.Form):
    newly_qualified_since = UKDateField(
        label="Newly qualified since (optional)",
        required=False,
        help_text="The day the worker began their first year in practice after qualifying. "
        "Leave it empty for a worker who is not newly qualified. For example, 27/03/2026",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Upload a CSV file",
        help_text="Columns: supervision_date, supervisor_email or supervisor_staff_id, "
        "supervisee_email or supervisee_staff_id, cases (ids separated by semicolons), "
        "reflection, actions.",
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
        error_messages={
            "required": "Select a CSV file to import",
            "empty": "The selected file is empty",
        },
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError("The selected file must be a CSV file")
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError("The selected file must be smaller than 2 MB")
        return upload
