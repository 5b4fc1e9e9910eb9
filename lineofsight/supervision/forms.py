from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from lineofsight.accounts.fields import PersonChoiceField
from lineofsight.accounts.models import Team, User
from lineofsight.web.fields import TextField, UKDateField, text_box
from lineofsight.web.filters import FilterMessagesMixin

from .models import REFLECTION_FIELDS, SessionCase
from .selectors import may_facilitate


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
        label="Date of the session", error_messages={"required": "Enter the date of the session"}
    )
    facilitator = PersonChoiceField(
        queryset=User.objects.none(),
        label="Facilitator",
        empty_label=None,
        error_messages={
            "required": "Choose who facilitates the session",
            "invalid_choice": "Choose a manager of the team or a quality assurance lead to "
            "facilitate the session",
        },
    )

    def __init__(self, *args, teams: QuerySet[Team], people: QuerySet[User], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["facilitator"].queryset = people
        self.fields["facilitator"].help_text = "A manager of the team, or a quality assurance lead."

    def clean(self):
        data = super().clean()
        team, facilitator = data.get("team"), data.get("facilitator")
        if team and facilitator and not may_facilitate(facilitator, team):
            self.add_error(
                "facilitator",
                f"{facilitator.full_name} is not a manager of {team.name}: choose the team's "
                "manager or a quality assurance lead",
            )
        return data


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
    next = TextField(required=False)


class CaseRecordForm(forms.Form):
    through_the_eyes_of_the_child = text_box(
        "Through the eyes of the child",
        help_text="What is a day like for the child? What would they say about what is "
        "happening to them, and about us?",
    )
    hypotheses = text_box(
        "Hypotheses",
        help_text="What might be keeping the difficulty going? Note each idea the group had.",
    )
    working_well = text_box("What is working well")
    worried_about = text_box("What we are worried about")
    needs_to_happen = text_box("What needs to happen")
    decisions = text_box("Decisions")
    look_again_on = UKDateField(label="Date to look again at this case", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def clean_look_again_on(self):
        day = self.cleaned_data["look_again_on"]
        if (
            day is not None
            and day < timezone.localdate()
            and day != self.initial.get("look_again_on")
        ):
            raise forms.ValidationError("The date to look again must be today or later")
        return day


class ActionForm(forms.Form):
    issue = text_box("What is the concern", "Enter the concern the action answers")
    action = text_box("What will be done", "Enter what will be done")
    owner = PersonChoiceField(
        queryset=User.objects.none(),
        label="Who will do it",
        empty_label=None,
        error_messages={"required": "Choose who will do it"},
    )
    due_date = UKDateField(label="Due date", error_messages={"required": "Enter the due date"})

    def __init__(
        self, *args, people: QuerySet[User], allocated: frozenset[int] = frozenset(), **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people
        self.fields["owner"].label_from_instance = lambda u: (
            f"{u.full_name} ({u.get_role_display()}"
            + (", the child's allocated worker)" if u.pk in allocated else ")")
        )

    def clean_due_date(self):
        day = self.cleaned_data["due_date"]
        if day < timezone.localdate():
            raise forms.ValidationError("The due date must be today or later")
        return day


class EvaluationFilterForm(FilterMessagesMixin, forms.Form):
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(),
        required=False,
        empty_label="All teams you can see",
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
