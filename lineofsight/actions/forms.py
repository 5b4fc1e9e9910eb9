from __future__ import annotations

import datetime

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from lineofsight.accounts.models import Team, User
from lineofsight.framework import vocabulary
from lineofsight.web.fields import TextField, UKDateField, checkboxes, radio_choice, text_box
from lineofsight.web.filters import FilterMessagesMixin

from .models import Priority, RecheckMethod, RecheckResult, SourceType, Status


def _today_or_later(day: datetime.date | None, what: str) -> datetime.date | None:
    if day is not None and day < timezone.localdate():
        raise forms.ValidationError(f"The {what} must be today or later")
    return day


class OwnerChoiceField(forms.ModelChoiceField):
    allocated: frozenset[int] = frozenset()  # the child's allocated workers, said so

    def label_from_instance(self, obj: User) -> str:
        if obj.pk in self.allocated:
            return f"{obj.full_name} ({obj.get_role_display()}, the child's allocated worker)"
        return f"{obj.full_name} ({obj.get_role_display()})"


class ActionForm(forms.Form):
    """A new improvement action. The caller passes the people who may own it."""

    issue = text_box("Issue identified", "Enter the issue identified")
    action = text_box("Action to be taken", "Enter the action to be taken")
    risk_if_not_done = text_box("Anticipated risk if not completed")
    priority = radio_choice("Priority", Priority.choices, "Select the priority")
    owner = OwnerChoiceField(
        label="Who will complete it",
        queryset=User.objects.none(),
        empty_label="Select a person",
        error_messages={"required": "Select who will complete the action"},
    )
    due_date = UKDateField(named=True, label="Proposed date for completion")

    def __init__(
        self, *args, owners: QuerySet[User], allocated: frozenset[int] = frozenset(), **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["owner"].allocated = allocated
        self.fields["owner"].error_messages["invalid_choice"] = (
            "Choose someone who may see the child's record, or the team's work"
        )

    def clean_due_date(self) -> datetime.date | None:
        return _today_or_later(self.cleaned_data["due_date"], "proposed date for completion")


class StatusForm(forms.Form):
    status = radio_choice("Status", Status.choices, "Select the status")
    note = text_box(
        "What has been done", help_text="Needed when you close an action, or reopen a closed one."
    )


class NoteForm(forms.Form):
    text = text_box("Progress note", "Enter the progress note")


class RecheckForm(forms.Form):
    rechecked_on = UKDateField(named=True, label="Date of the re-check", required=False)
    method = radio_choice(
        "How was practice looked at again?",
        RecheckMethod.choices,
        "Select how practice was looked at again",
    )
    result = radio_choice(
        "Has practice changed?", RecheckResult.choices, "Select whether practice has changed"
    )
    notes = text_box("What the re-check found", "Say what the re-check found")
    next_recheck_date = UKDateField(
        named=True,
        label="Date to look again",
        required=False,
        help_text="Leave empty if no further check is needed. For example, 27/06/2026",
    )

    def clean_rechecked_on(self) -> datetime.date:
        day = self.cleaned_data["rechecked_on"] or timezone.localdate()
        if day > timezone.localdate():
            raise forms.ValidationError("The date of the re-check must be today or earlier")
        return day

    def clean_next_recheck_date(self) -> datetime.date | None:
        return _today_or_later(self.cleaned_data["next_recheck_date"], "date to look again")


class ThemeFields(forms.Form):
    """Themes from the council's vocabulary (checkboxes) plus free tags typed in a text box."""

    themes = checkboxes(
        "Practice themes",
        help_text="Select every theme the action bears on. The first is its main theme.",
    )
    other_themes = TextField(
        label="Other themes",
        required=False,
        max_length=500,
        help_text="Any theme not listed, separated by commas.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["themes"].choices = vocabulary.choices()

    @staticmethod
    def initial_for(keys: list[str]) -> dict:
        suggested = {key for key, _ in vocabulary.choices()}
        return {
            "themes": [k for k in keys if k in suggested],
            "other_themes": ", ".join(vocabulary.label(k) for k in keys if k not in suggested),
        }

    def theme_keys(self) -> list[str]:
        """The chosen themes as stored keys, checked ones first, then the typed ones."""
        keys = list(self.cleaned_data.get("themes") or [])
        for key in vocabulary.parse_tags(self.cleaned_data.get("other_themes") or ""):
            if key not in keys:
                keys.append(key)
        return keys

    def service_values(self) -> dict[str, object]:
        """The cleaned values as the service's arguments, the themes as `theme_keys`."""
        values = {**self.cleaned_data, "themes": self.theme_keys()}
        del values["other_themes"]
        return values


class ThemesForm(ThemeFields):
    pass


class TeamChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Team) -> str:
        return obj.name


class RaiseActionForm(ActionForm, ThemeFields):
    """An action from any source: the seed's six columns, themes, a team when the source does
    not say which, and when to look again."""

    team = TeamChoiceField(
        label="Team the action is about",
        queryset=Team.objects.none(),
        required=False,
        empty_label="No one team",
    )
    recheck_date = UKDateField(
        named=True,
        label="Date to look again",
        required=False,
        help_text="When a focused practice day, re-audit or indicator will show whether practice "
        "changed. For example, 27/06/2026",
    )
    field_order = [
        "issue",
        "action",
        "risk_if_not_done",
        "priority",
        "due_date",
        "team",
        "owner",
        "themes",
        "other_themes",
        "recheck_date",
    ]

    def __init__(self, *args, teams: QuerySet[Team] | None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].label = "Who is responsible for completing it"
        self.fields["owner"].error_messages["invalid_choice"] = (
            "Choose someone who may see the work of the team the action is about"
        )
        if teams is None:  # the source says which team
            del self.fields["team"]
        else:
            self.fields["team"].queryset = teams

    def clean_recheck_date(self) -> datetime.date | None:
        return _today_or_later(self.cleaned_data["recheck_date"], "date to look again")


STATE_CHOICES = (
    ("open", "Open"),
    ("overdue", "Overdue"),
    ("closed", "Done or not done"),
    ("all", "All"),
)


class ActionFilterForm(FilterMessagesMixin, forms.Form):
    state = forms.ChoiceField(label="Status", choices=STATE_CHOICES, required=False)
    source_type = forms.ChoiceField(
        label="Raised by", choices=[("", "Any source"), *SourceType.choices], required=False
    )


class BoardFilterForm(FilterMessagesMixin, forms.Form):
    source_type = forms.ChoiceField(
        label="Raised by", choices=[("", "Any source"), *SourceType.choices], required=False
    )
    team = forms.TypedChoiceField(label="Team", coerce=int, required=False, empty_value=None)
    status = forms.ChoiceField(label="Status", choices=(), required=False)

    def __init__(self, *args, teams: QuerySet[Team], statuses, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", "Any team"), *((t.pk, t.name) for t in teams)]
        self.fields["status"].choices = statuses
