from __future__ import annotations

import datetime

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from lineofsight.accounts.fields import PersonChoiceField
from lineofsight.accounts.models import Service, Team, User
from lineofsight.framework import vocabulary
from lineofsight.web.fields import (
    TextField,
    TimeOfDayField,
    UKDateField,
    checkboxes,
    radio_choice,
    text_box,
)

from . import selectors
from .models import HEADING_PROMPTS, ConsentMethod, Finding, Heading, Kind, PracticeWeek, WeekKind
from .reports import week_dates
from .services import FINDING_FIELDS


class AssessorChoiceField(PersonChoiceField):
    """Names each assessor's service too: a visit must be to a team outside it."""

    def label_from_instance(self, obj: User) -> str:
        service = f", {obj.service}" if obj.service_id else ""
        return f"{obj.full_name} ({obj.get_role_display()}{service})"


class _TeamWithItsService:
    """Names each team with its service: assessors visit teams outside their own service."""

    def label_from_instance(self, obj: Team) -> str:
        return f"{obj.name} ({obj.service})"


class TeamChoiceField(_TeamWithItsService, forms.ModelChoiceField):
    pass


class TeamsField(_TeamWithItsService, forms.ModelMultipleChoiceField):
    pass


def combine(day: datetime.date, time: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, time))


class RecheckedWeekField(forms.ModelChoiceField):
    """Names each practice week with its dates."""

    def label_from_instance(self, obj: PracticeWeek) -> str:
        return f"{obj.title} ({week_dates(obj)})"


def kind_of(value: object) -> WeekKind:
    """The kind a form or a query string asks for; a practice week unless it says otherwise."""
    return WeekKind.FOCUSED_DAY if value == WeekKind.FOCUSED_DAY else WeekKind.PRACTICE_WEEK


class WeekFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label="Show",
        choices=[
            ("", "Practice weeks and focused practice days"),
            (WeekKind.PRACTICE_WEEK.value, "Practice weeks only"),
            (WeekKind.FOCUSED_DAY.value, "Focused practice days only"),
        ],
        required=False,
    )


class WeekForm(forms.Form):
    """A practice week or (kind FOCUSED_DAY, chosen by the page that opened the form) a focused
    practice day. The service, not the form, refuses a focused day longer than one day, so the
    error is the service's one message."""

    kind = forms.ChoiceField(choices=WeekKind.choices, widget=forms.HiddenInput, required=False)
    title = TextField(
        label="Title",
        max_length=200,
        help_text="For example, Practice week, spring 2026",
        error_messages={"required": "Enter the title of the practice week"},
    )
    starts_on = UKDateField(
        label="First day",
        error_messages={"required": "Enter the first day of the week"},
    )
    ends_on = UKDateField(
        label="Last day",
        error_messages={"required": "Enter the last day of the week"},
    )
    rechecks = RecheckedWeekField(
        queryset=PracticeWeek.objects.none(),
        required=False,
        label="Practice week it re-checks",
        empty_label="Choose the practice week",
        help_text="The findings of this day are set against that week's improvement actions.",
    )
    purpose = text_box(
        "Purpose and focus",
        help_text="Why the week is held and what the assessors should look at. It opens the "
        "report.",
    )
    services = forms.ModelMultipleChoiceField(
        queryset=Service.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Services in scope",
        help_text="Every team of a service you tick is in scope. Tick none, and no teams, for "
        "every team.",
    )
    teams = TeamsField(
        queryset=Team.objects.select_related("service"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Other teams in scope",
    )
    reflection = text_box(
        "Reflection on the process",
        help_text="After the analysis session: how the week went and what to do differently "
        "next time. It goes into the report.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rechecks"].queryset = selectors.weeks_to_recheck()
        if self.is_focused_day:
            self.fields["title"].help_text = "For example, Focused practice day, voice of the child"
            self.fields["title"].error_messages["required"] = (
                "Enter the title of the focused practice day"
            )
            self.fields["ends_on"].error_messages["required"] = (
                "Enter the last day: the same date as the first day"
            )
            self.fields[
                "ends_on"
            ].help_text = "A focused practice day is one day: the same date as the first day."
            self.fields["purpose"].help_text = (
                "Which actions of the practice week the day re-tests, and what the assessors "
                "should look at. It opens the report."
            )
            self.fields["services"].help_text = (
                "A focused practice day usually visits one or a few teams: tick them below, or "
                "their service."
            )

    @property
    def is_focused_day(self) -> bool:
        value = self.data.get(self.add_prefix("kind")) if self.is_bound else None
        return kind_of(value or self.initial.get("kind")) == WeekKind.FOCUSED_DAY

    def clean_kind(self) -> str:
        return kind_of(self.cleaned_data.get("kind")).value

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "The last day must be the same as or after the first day")
        return data


class VisitForm(forms.Form):
    assessor = AssessorChoiceField(
        queryset=User.objects.none(),
        label="Assessor",
        empty_label="Choose the assessor",
        help_text="A service manager, senior leader or quality assurance lead, visiting a team "
        "outside their own service.",
        error_messages={"required": "Choose the assessor"},
    )
    team = TeamChoiceField(
        queryset=Team.objects.none(),
        label="Team to visit",
        empty_label="Choose the team",
        error_messages={"required": "Choose the team to visit"},
    )
    day = UKDateField(
        label="Date of the visit",
        error_messages={"required": "Enter the date of the visit"},
    )
    time = TimeOfDayField(
        label="Time the visit starts",
        help_text="On the 24-hour clock, for example 09:30",
        error_messages={"required": "Enter the time the visit starts"},
    )
    local_contact = TextField(
        label="Local contact",
        max_length=300,
        help_text="Who meets the assessor and how to reach them: a name and a phone number or "
        "email address.",
        error_messages={"required": "Enter the local contact"},
    )
    team_size = forms.IntegerField(
        label="Size of the team",
        required=False,
        min_value=1,
        max_value=500,
        help_text="How many people work in the team.",
        error_messages={"invalid": "Enter the size of the team as a whole number"},
    )
    team_context = text_box(
        "The team's context",
        help_text="What the team does, its area, current pressures.",
    )
    team_structure = text_box(
        "How the team is structured",
        help_text="Managers, senior practitioners, social workers, newly qualified workers.",
    )
    briefing = text_box(
        "Anything else the assessor should know in advance",
        help_text="Where to go, what will be happening, the agreed focus of the visit.",
    )
    observes_family = forms.BooleanField(
        label="The visit includes observing a home visit or a meeting with a family",
        required=False,
    )
    family_activity = TextField(
        label="What will be observed",
        required=False,
        max_length=300,
        help_text="For example, a home visit with a parent. Do not name the child. The family's "
        "consent must be recorded before the visit.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, assessors: QuerySet[User], teams: QuerySet[Team], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assessor"].queryset = assessors
        self.fields["team"].queryset = teams

    def starts_at(self) -> datetime.datetime:
        return combine(self.cleaned_data["day"], self.cleaned_data["time"])


class ConsentForm(forms.Form):
    given_by = TextField(
        label="Who gave consent",
        max_length=200,
        help_text="Their relationship to the child, for example the child's mother, or the "
        "young person themselves.",
        error_messages={"required": "Say who gave consent"},
    )
    method = radio_choice(
        "How consent was given", ConsentMethod.choices, "Choose how consent was given"
    )
    given_on = UKDateField(
        label="Date consent was given",
        error_messages={"required": "Enter the date consent was given"},
    )
    given_time = TimeOfDayField(
        label="Time consent was given",
        help_text="On the 24-hour clock, for example 14:00",
        error_messages={"required": "Enter the time consent was given"},
    )
    notes = text_box(
        "Notes (optional)",
        help_text="For example, what the family agreed to, or where the signed form is kept.",
    )

    def service_values(self) -> dict[str, object]:
        """The cleaned values as `consent_record`'s arguments: the day and time as one moment."""
        values = dict(self.cleaned_data)
        values["given_at"] = combine(values.pop("given_on"), values.pop("given_time"))
        return values


ITEM_HINT = "One per line. Use initials or a role, never a child's name."


class ObservationForm(forms.Form):
    case_examples = text_box(
        "Case examples",
        help_text="Examples of work with a child or family that show practice well. Leave a "
        "blank line between examples. Use initials or a role, never a child's name.",
    )
    children_said = text_box(
        "What children and young people said",
        help_text="When you spoke to them directly. Leave a blank line between people.",
    )
    parents_carers_said = text_box(
        "What parents and carers said",
        help_text="When you spoke to them directly. Leave a blank line between people.",
    )
    family_meeting_observed = forms.BooleanField(
        label="I observed a home visit or a meeting with the family",
        required=False,
    )
    family_meeting_notes = text_box(
        "What you observed of the family meeting",
    )
    names_checked = forms.BooleanField(
        label="I have checked these words: none of them is a child's name",
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for heading, kind, name in FINDING_FIELDS:
            label = "Strengths" if kind == Kind.STRENGTH else "Areas for development"
            if heading == Heading.GOOD_PRACTICE:
                label = (
                    "Good or innovative practice seen"
                    if kind == Kind.STRENGTH
                    else "What could be developed or shared further"
                )
            self.fields[name] = text_box(label, help_text=ITEM_HINT)

    def sections(self) -> list[dict]:
        """[{heading, label, prompt, fields: [BoundField, BoundField]}] in heading order."""
        out = []
        for heading in Heading:
            out.append(
                {
                    "heading": heading.value,
                    "label": heading.label,
                    "prompt": HEADING_PROMPTS[heading],
                    "fields": [self[name] for h, _, name in FINDING_FIELDS if h == heading.value],
                }
            )
        return out

    def texts(self) -> dict[str, str]:
        """Every free-text field, for the check for names."""
        data = self.cleaned_data
        names = [n for _, _, n in FINDING_FIELDS]
        names += ["case_examples", "children_said", "parents_carers_said", "family_meeting_notes"]
        return {n: data.get(n) or "" for n in names}


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReopenForm(forms.Form):
    reason = text_box(
        "Why the observation needs to change",
        "Say why the observation needs to change",
        help_text="The assessor and anyone reading its history will see this.",
    )


class TagForm(forms.Form):
    """For each finding, the suggested themes (checkboxes) and free tags (comma-separated)."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, findings: list[Finding], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.findings = findings
        suggested = {t.key for t in vocabulary.themes()}
        for f in findings:
            self.fields[f"t{f.pk}"] = checkboxes(
                "Suggested themes",
                vocabulary.choices(),
                initial=[k for k in f.themes if k in suggested],
            )
            self.fields[f"f{f.pk}"] = TextField(
                label="Other themes",
                required=False,
                max_length=500,
                help_text="Separate themes with commas.",
                initial=", ".join(vocabulary.label(k) for k in f.themes if k not in suggested),
            )

    def rows(self) -> list[dict]:
        return [
            {"finding": f, "suggested": self[f"t{f.pk}"], "free": self[f"f{f.pk}"]}
            for f in self.findings
        ]

    def tags(self) -> dict[int, list[str]]:
        out: dict[int, list[str]] = {}
        for f in self.findings:
            keys = list(self.cleaned_data.get(f"t{f.pk}") or [])
            keys += vocabulary.parse_tags(self.cleaned_data.get(f"f{f.pk}") or "")
            out[f.pk] = keys
        return out
