from __future__ import annotations

from django import forms

from .rules import UNIT_WORDS, Rule


class TimescaleValueForm(forms.Form):
    """The raw value an administrator typed; timescale_rule_update judges it, so the message
    names the rule and says why."""

    value = forms.CharField(max_length=12, strip=True)

    def __init__(self, *args, rule: Rule, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        plural = UNIT_WORDS[rule.default.unit][1]
        field = self.fields["value"]
        field.label = f"Number of {plural}"
        field.help_text = (
            f"Shipped default: {rule.default.words()}. Enter a whole number from 1 to "
            f"{rule.maximum}."
        )
        field.error_messages["required"] = (
            f"{rule.title}: enter a whole number of {plural} greater than 0"
        )
        field.widget.attrs.update(
            {"inputmode": "numeric", "spellcheck": "false", "autocomplete": "off"}
        )


class ClosureForm(forms.Form):
    description = forms.CharField(
        label="Description",
        help_text="For example, Christmas closure",
        max_length=100,
        required=False,
    )
    first_day = forms.DateField(
        label="First day closed",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the first day as a real date, like 2026-12-29"},
    )
    last_day = forms.DateField(
        label="Last day closed",
        help_text="The same as the first day for a single day",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the last day as a real date, like 2026-12-31"},
    )
