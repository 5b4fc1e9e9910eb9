from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from lineofsight.accounts.models import Team, User
from lineofsight.children.selectors import CHILD_NOT_IN_SCOPE, may_see_child
from lineofsight.framework import vocabulary
from lineofsight.web.fields import TextField, UKDateField, checkboxes, radio_choice, text_box
from lineofsight.web.filters import FilterMessagesMixin

from .models import Channel, FromWhom, Kind, LinkFor, Rating

RECORDABLE_CHANNELS = [c for c in Channel.choices if c[0] != Channel.ONE_TIME_LINK]


class TeamChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Team) -> str:
        return obj.name


def _theme_fields() -> tuple[forms.MultipleChoiceField, forms.CharField]:
    return (
        checkboxes(
            "Themes",
            vocabulary.choices,
            help_text="Select the practice themes the feedback is about.",
        ),
        TextField(
            label="Other themes (optional)",
            required=False,
            max_length=300,
            help_text="Separate themes with commas.",
        ),
    )


class ThemesMixin:
    def service_values(self) -> dict[str, object]:
        """The cleaned values as the service's arguments, the ticked and typed themes as one."""
        values = dict(self.cleaned_data)  # type: ignore[attr-defined]
        typed = vocabulary.parse_tags(values.pop("other_themes", ""))
        values["themes"] = list(values.get("themes") or []) + typed
        return values


class FeedbackForm(ThemesMixin, forms.Form):
    kind = radio_choice(
        "What kind of feedback is it?", Kind.choices, "Select what kind of feedback it is"
    )
    from_whom = radio_choice("Who gave it?", FromWhom.choices, "Select who gave the feedback")
    received_on = UKDateField(named=True, label="Date received")
    channel = forms.ChoiceField(
        label="How did it reach us?",
        choices=[("", "Select how")] + RECORDABLE_CHANNELS,
        error_messages={"required": "Select how the feedback reached us"},
    )
    team = TeamChoiceField(
        label="Team",
        queryset=Team.objects.none(),
        empty_label="Select a team",
        error_messages={"required": "Select the team the feedback is about"},
    )
    text = text_box(
        "What they said",
        "Enter what they said",
        help_text="In their words where you can. Do not write a child's name.",
    )
    consent_to_share = forms.BooleanField(
        label="They agreed that their words may be shared, for example quoted in a report",
        required=False,
    )
    person_id = TextField(
        label="Person ID of the child it is about (optional)",
        required=False,
        max_length=48,
        help_text="The child's ID in the case management system, when it is about one child.",
    )
    themes, other_themes = _theme_fields()

    def __init__(self, *args, teams: QuerySet[Team], user: User | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.user = user

    def clean_person_id(self) -> str:
        """A child the person recording may see; otherwise the same words whether or not the
        id belongs to a child elsewhere."""
        person_id = self.cleaned_data["person_id"].strip()
        if person_id and (self.user is None or not may_see_child(self.user, person_id)):
            raise forms.ValidationError(CHILD_NOT_IN_SCOPE)
        return person_id

    def clean_received_on(self):
        day = self.cleaned_data["received_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("The date received must be today or in the past")
        return day


class RespondForm(ThemesMixin, forms.Form):
    response = text_box(
        "What we did",
        "Enter what we did in response",
        help_text="What changed, or what we did, because of this feedback.",
    )
    responded_on = UKDateField(
        named=True,
        label="When we did it",
        error_messages={
            "required": "Enter when we did it",
            "invalid": "Enter when we did it as a real date, for example 27/03/2026",
        },
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
    themes, other_themes = _theme_fields()

    def clean_responded_on(self):
        day = self.cleaned_data["responded_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("The date must be today or in the past")
        return day


class LinkForm(forms.Form):
    team = TeamChoiceField(
        label="Team",
        queryset=Team.objects.none(),
        empty_label="Select a team",
        error_messages={"required": "Select the team the feedback will be about"},
    )
    for_whom = radio_choice(
        "Who is the link for?",
        [c for c in LinkFor.choices if c[0] != LinkFor.STAFF],  # staff links: the health check
        "Select who the link is for",
    )

    def __init__(self, *args, teams: QuerySet[Team], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams


class FilterForm(FilterMessagesMixin, forms.Form):
    kind = forms.ChoiceField(label="Kind", required=False, choices=[("", "Any")] + Kind.choices)
    from_whom = forms.ChoiceField(
        label="Who gave it", required=False, choices=[("", "Anyone")] + FromWhom.choices
    )
    team = TeamChoiceField(
        label="Team", required=False, queryset=Team.objects.none(), empty_label="Any team"
    )
    theme = forms.ChoiceField(label="Theme", required=False, choices=[("", "Any theme")])
    responded = forms.ChoiceField(
        label="Response",
        required=False,
        choices=[("", "Any"), ("no", "Not yet responded to"), ("yes", "Responded to")],
    )

    def __init__(self, *args, teams: QuerySet[Team], themes: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["theme"].choices = [("", "Any theme")] + [
            (k, vocabulary.label(k)) for k in themes
        ]


class PublicFeedbackForm(forms.Form):
    """The child-friendly page: a feeling, two optional boxes, and whether we may share."""

    rating = forms.ChoiceField(
        label="How do you feel about the help you get from us?",
        required=False,
        choices=Rating.choices,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose happy, okay or not happy"},
    )
    went_well = text_box("What went well?", max_length=1000)
    could_be_better = text_box("What could be better?", max_length=1000)
    share = forms.BooleanField(
        label="Yes, you can share what I wrote. You will not say who wrote it.",
        required=False,
    )

    def clean(self):
        data = super().clean()
        if not self.errors and not (
            data.get("rating")
            or data.get("went_well", "").strip()
            or data.get("could_be_better", "").strip()
        ):
            raise forms.ValidationError("Choose how you feel, or write something in a box")
        return data
