"""The "Check my writing" form: the text, and optionally the child's first name and age (so that
the checker can tell the child's own words from other people's, and for a baby count what the
child was seen to do as their voice)."""

from __future__ import annotations

from django import forms

from lineofsight.accounts.models import Team
from lineofsight.web.fields import SHORT_TEXT, TextField, optional_date, text_box
from lineofsight.web.filters import FilterMessagesMixin

from .checker import MAX_TEXT_CHARACTERS

TOO_LONG = (
    f"The text must be {MAX_TEXT_CHARACTERS:,} characters (about 1 MB) or fewer: "
    "check a shorter piece of it"
)


class CheckForm(forms.Form):
    text = text_box(
        "Your text",
        "Enter or paste the text you want to check",
        max_length=MAX_TEXT_CHARACTERS,
        error_messages={"max_length": TOO_LONG},
        help_text="Paste or type a draft case note, a report or a letter.",
    )
    child = TextField(
        label="The child's first name (optional)",
        required=False,
        max_length=SHORT_TEXT,
        help_text="So the checker can tell the child's own words from other people's.",
    )
    child_age = forms.IntegerField(
        label="The child's age in years (optional)",
        required=False,
        min_value=0,
        max_value=25,
        help_text="For a child under 3, what they were seen to do counts as their voice.",
        error_messages={
            "invalid": "Enter the child's age as a whole number of years, like 4",
            "min_value": "The child's age must be 0 or more",
            "max_value": "The child's age must be 25 or less",
        },
    )


class QualityFilterForm(FilterMessagesMixin, forms.Form):
    """The quality page's filters, from the page address: the period's last day and a team."""

    period_end = optional_date(
        "Period ends on",
        called="period end",
        example="31/03/2025",
        help_text="The 12 months to this day. Leave it empty for the 12 months to the date of "
        "the case data. For example, 31/03/2025",
    )
    team = forms.TypedChoiceField(label="Team", coerce=int, required=False, empty_value=None)

    def __init__(self, *args, teams: list[Team], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.teams = {t.pk: t for t in teams}
        self.fields["team"].choices = [  # type: ignore[attr-defined]
            ("", "Every team you can see"),
            *((t.pk, t.name) for t in teams),
        ]

    def chosen_team(self) -> Team | None:
        """The team chosen (one of `teams`), once the form is valid."""
        pk = self.cleaned_data.get("team")
        return self.teams.get(pk) if pk is not None else None
