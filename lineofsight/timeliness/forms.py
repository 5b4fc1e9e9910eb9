from __future__ import annotations

from django import forms

from lineofsight.web.fields import TextField, optional_date

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
    description = TextField(
        label="Description",
        help_text="For example, Christmas closure",
        max_length=100,
        required=False,
    )
    first_day = optional_date("First day closed", called="first day", example="29/12/2026")
    last_day = optional_date(
        "Last day closed",
        called="last day",
        example="31/12/2026",
        help_text="The same as the first day for a single day. For example, 31/12/2026",
    )
