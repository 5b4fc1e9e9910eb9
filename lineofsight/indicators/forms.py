from __future__ import annotations

from django import forms

from lineofsight.web.fields import TextField

from .types import Indicator, Unit


class TargetForm(forms.Form):
    target = forms.FloatField(
        label="Target",
        error_messages={
            "required": "Enter the target",
            "invalid": "Enter the target as a number, like 85 or 12.5",
        },
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
    )
    amber_margin = forms.FloatField(
        label="Amber margin",
        min_value=0,
        error_messages={
            "required": "Enter the amber margin, or 0 for none",
            "invalid": "Enter the amber margin as a number, like 5",
            "min_value": "The amber margin cannot be less than 0",
        },
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
    )
    note = TextField(
        label="Note (optional)",
        required=False,
        max_length=300,
        help_text="Where the target comes from, for example when the leadership team agreed it.",
        error_messages={"max_length": "The note must be 300 characters or fewer"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, indicator: Indicator, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        unit = {
            Unit.PERCENT: "a percentage, like 85 for 85%",
            Unit.PER_10K: "a rate per 10,000 children, like 42.5",
            Unit.MEAN: "an average, like 17.5",
            Unit.PER_100: "a rate per 100 case notes, like 12.5",
            Unit.COUNT: "a number of children, like 120",
        }[indicator.unit]
        higher = indicator.polarity == "higher_is_better"
        self.fields["target"].help_text = (
            f"As {unit}. {'Higher' if higher else 'Lower'} is better for this indicator: it is "
            f"green when the figure is at or {'above' if higher else 'below'} the target."
        )
        self.fields["amber_margin"].help_text = (
            f"How far {'below' if higher else 'above'} the target the figure can be and still be "
            "amber rather than red, in the same units. Enter 0 for no amber."
        )

    def clean_target(self) -> float:
        value = self.cleaned_data["target"]
        if value < 0:
            raise forms.ValidationError("The target cannot be less than 0")
        if self.indicator.unit is Unit.PERCENT and value > 100:
            raise forms.ValidationError("A percentage target cannot be more than 100")
        return value
