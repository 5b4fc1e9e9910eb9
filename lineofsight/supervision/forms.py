from __future__ import annotations

from django import forms
from django.db.models import QuerySet

from lineofsight.accounts.models import Team, User
from lineofsight.web.fields import DATE_HINT, PersonChoiceField, UKDateField

from .models import REFLECTION_FIELDS, SessionCase


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.full_name} ({obj.get_role_display()})"


class SessionForm(forms.Form):
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(),
        empty_label=None,
        error_messages={"required": "Choose the team", "invalid_choice": "Choose the team"},
    )
    held_on = UKDateField(
        label="Date of the session",
        help_text=DATE_HINT,
        error_messages={"required": "Enter the date of the session"},
    )
    facilitator = PersonChoiceField(
        queryset=User.objects.none(),
        label="Facilitator",
        empty_label=None,
        error_messages={"required": "Choose who facilitates the session"},
    )

    def __init__(self, *args, teams: QuerySet[Team], people: QuerySet[User], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["facilitator"].queryset = people


class AttendeesForm(forms.Form):
    attendees = PeopleChoiceField(
        queryset=User.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, people: QuerySet[User], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = people


class PersonIdsField(forms.Field):
    widget = forms.MultipleHiddenInput

    def to_python(self, value: object) -> list[str]:
        if not value:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        return [str(v).strip()[:48] for v in values if str(v).strip()]


class NominateForm(forms.Form):
    session = forms.IntegerField(error_messages={"required": "Choose a session"})
    person_id = PersonIdsField(
        error_messages={"required": "Tick at least one child to bring to the session"}
    )
    next = forms.CharField(required=False)


class CaseRecordForm(forms.Form):
    through_the_eyes_of_the_child = forms.CharField(
        label="Through the eyes of the child",
        help_text="What is a day like for the child? What would they say about what is "
        "happening to them, and about us?",
        widget=forms.Textarea,
        required=False,
    )
    hypotheses = forms.CharField(
        label="Hypotheses",
        help_text="What might be keeping the difficulty going? Note each idea the group had.",
        widget=forms.Textarea,
        required=False,
    )
    working_well = forms.CharField(
        label="What is working well", widget=forms.Textarea, required=False
    )
    worried_about = forms.CharField(
        label="What we are worried about", widget=forms.Textarea, required=False
    )
    needs_to_happen = forms.CharField(
        label="What needs to happen", widget=forms.Textarea, required=False
    )
    decisions = forms.CharField(label="Decisions", widget=forms.Textarea, required=False)
    look_again_on = UKDateField(
        label="Date to look again at this case", help_text=DATE_HINT, required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ActionForm(forms.Form):
    issue = forms.CharField(
        label="What is the concern",
        widget=forms.Textarea,
        error_messages={"required": "Enter the concern the action answers"},
    )
    action = forms.CharField(
        label="What will be done",
        widget=forms.Textarea,
        error_messages={"required": "Enter what will be done"},
    )
    owner = PersonChoiceField(
        queryset=User.objects.none(),
        label="Who will do it",
        empty_label=None,
        error_messages={"required": "Choose who will do it"},
    )
    due_date = UKDateField(
        label="Due date", help_text=DATE_HINT, error_messages={"required": "Enter the due date"}
    )

    def __init__(self, *args, people: QuerySet[User], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people


class EvaluationFilterForm(forms.Form):
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(), required=False, empty_label="All teams you can see"
    )

    def __init__(self, *args, teams: QuerySet[Team], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams


def reflection_items(case: SessionCase) -> list[tuple[str, str]]:
    """Each part of a case's discussion with its label, for reading rather than editing."""
    fields = CaseRecordForm.base_fields
    items = [(str(fields[name].label), getattr(case, name)) for name in REFLECTION_FIELDS]
    look = case.look_again_on
    items.append((str(fields["look_again_on"].label), f"{look:%d/%m/%Y}" if look else ""))
    return items
