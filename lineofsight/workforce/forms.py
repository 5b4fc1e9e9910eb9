from __future__ import annotations

from django import forms
from django.db.models import QuerySet

from lineofsight.accounts.fields import PersonChoiceField
from lineofsight.accounts.models import Team, User
from lineofsight.framework import vocabulary
from lineofsight.web.fields import TextField, UKDateField, checkboxes, radio_choice, text_box

from . import programme as programmes
from . import selectors
from .models import SkillRole

YES_NO = [("yes", "Yes"), ("no", "No")]


class VersionField(forms.IntegerField):
    widget = forms.HiddenInput

    def __init__(self, **kwargs) -> None:
        super().__init__(required=False, min_value=0, **kwargs)


class EnrolForm(forms.Form):
    worker = PersonChoiceField(
        queryset=User.objects.none(),
        label="Newly qualified social worker",
        error_messages={"required": "Choose the worker", "invalid_choice": "Choose the worker"},
    )
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(),
        label="Team",
        error_messages={"required": "Choose the team", "invalid_choice": "Choose the team"},
    )
    start_date = UKDateField(label="Start date in the programme", named=True)
    assessor = PersonChoiceField(
        queryset=User.objects.none(),
        label="Supervisor and assessor",
        error_messages={
            "required": "Choose the supervisor and assessor",
            "invalid_choice": "Choose the supervisor and assessor",
        },
    )

    def __init__(self, *args, teams: QuerySet[Team], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["worker"].queryset = selectors.people_in_teams(teams)
        self.fields["assessor"].queryset = selectors.possible_assessors()


class EnrolmentEditForm(forms.Form):
    version = VersionField()
    start_date = UKDateField(label="Start date in the programme", named=True)
    assessor = PersonChoiceField(
        queryset=User.objects.none(),
        label="Supervisor and assessor",
        error_messages={
            "required": "Choose the supervisor and assessor",
            "invalid_choice": "Choose the supervisor and assessor",
        },
    )
    left_on = UKDateField(
        label="Date they left the council (if they have)",
        required=False,
        error_messages={"invalid": "Enter the date they left as a real date, like 27/03/2026"},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assessor"].queryset = selectors.possible_assessors()


class StageForm(forms.Form):
    version = VersionField()
    done_on = UKDateField(label="Date done", named=True)
    note = text_box("Note", max_length=4000)
    outcome = forms.ChoiceField(required=False, widget=forms.RadioSelect, label="Outcome")

    def __init__(self, *args, stage: programmes.Stage, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if stage.outcomes:
            self.fields["outcome"].choices = stage.outcome_choices
            self.fields["outcome"].required = True
            self.fields["outcome"].error_messages["required"] = "Choose the outcome"
        else:
            del self.fields["outcome"]


class CourseForm(forms.Form):
    version = VersionField()
    title = TextField(
        label="Title", max_length=200, error_messages={"required": "Enter the title of the course"}
    )
    summary = text_box("Summary", max_length=4000)
    themes = checkboxes("Practice themes")
    practice_models = checkboxes("Practice models")
    core = radio_choice("Core training", YES_NO, "Say whether this is core training")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["themes"].choices = vocabulary.choices()
        self.fields["practice_models"].choices = selectors.practice_models()
        self.fields["core"].help_text = "Core training is training every team member should have."

    def clean_core(self) -> bool:
        return self.cleaned_data["core"] == "yes"


class CourseSessionForm(forms.Form):
    held_on = UKDateField(label="Date of the session", named=True)
    place = TextField(label="Where (optional)", max_length=200, required=False)


class AttendanceForm(forms.Form):
    worker = PersonChoiceField(
        queryset=User.objects.none(),
        label="Worker",
        error_messages={"required": "Choose the worker", "invalid_choice": "Choose the worker"},
    )
    attended = radio_choice("Did they attend?", YES_NO, "Say whether they attended")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = selectors.attendance_candidates()

    def clean_attended(self) -> bool:
        return self.cleaned_data["attended"] == "yes"


class SkillForm(forms.Form):
    worker = PersonChoiceField(
        queryset=User.objects.none(),
        label="Worker",
        error_messages={"required": "Choose the worker", "invalid_choice": "Choose the worker"},
    )
    theme = forms.ChoiceField(
        label="Practice theme",
        error_messages={"required": "Choose the practice theme"},
    )
    role = radio_choice("Role", SkillRole.choices, "Choose practice lead or champion")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = selectors.skill_people()
        self.fields["theme"].choices = vocabulary.choices()
