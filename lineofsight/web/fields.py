"""Form fields the product's forms share: dates typed the UK way, times on the 24-hour clock,
and people named with their role."""

from __future__ import annotations

from django import forms

from lineofsight.accounts.models import User

DATE_HINT = "For example, 27/03/2026"


class UKDateField(forms.DateField):
    input_formats = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d"]
    widget = forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"})
    default_error_messages = {"invalid": "Enter a real date, for example 27/03/2026"}


class TimeOfDayField(forms.TimeField):
    input_formats = ["%H:%M", "%H.%M", "%H%M", "%H:%M:%S"]
    widget = forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"})
    default_error_messages = {"invalid": "Enter a time on the 24-hour clock, for example 09:30"}


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.full_name} ({obj.get_role_display()})"
