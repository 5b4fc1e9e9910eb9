"""Form fields about people, for any app's forms (web, the base layer, cannot name accounts)."""

from __future__ import annotations

from django import forms

from .models import User


class PersonChoiceField(forms.ModelChoiceField):
    """A choice of person, each named with their role."""

    def label_from_instance(self, obj: User) -> str:
        return f"{obj.full_name} ({obj.get_role_display()})"
