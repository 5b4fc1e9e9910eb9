from __future__ import annotations

from datetime import date

from django import forms


class RegionFilterForm(forms.Form):
    """Which indicator, and which year to 31 March, the regional page shows."""

    indicator = forms.ChoiceField(label="Indicator")
    period_end = forms.ChoiceField(label="Year to")

    def __init__(self, *args, indicators: list[tuple[str, str]], ends: list[date], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = indicators
        self.fields["indicator"].error_messages["invalid_choice"] = "Select an indicator"
        self.fields["period_end"].choices = [(e.isoformat(), f"{e.day} {e:%B %Y}") for e in ends]
        self.fields["period_end"].error_messages["invalid_choice"] = "Select a year"
