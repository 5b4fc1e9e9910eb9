"""The forms that ask for the person's own password again: changing it, and making new recovery
codes. Plain CharFields, not the product's TextField: a password is not free text, and nothing
is stripped from it."""

from __future__ import annotations

from django import forms
from django.contrib.auth.password_validation import validate_password

from .models import User

PASSWORDS_DIFFER = "The new passwords do not match. Enter the same new password twice"


def _password_field(label: str, *, autocomplete: str, required: str, help_text: str = ""):
    return forms.CharField(
        label=label,
        strip=False,
        help_text=help_text,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete, "spellcheck": "false"}),
        error_messages={"required": required},
    )


class PasswordChangeForm(forms.Form):
    current_password = _password_field(
        "Current password",
        autocomplete="current-password",
        required="Enter your current password",
    )
    new_password = _password_field(
        "New password",
        autocomplete="new-password",
        required="Enter a new password",
        help_text=(
            "At least 12 characters. A few words you will remember make a good password. "
            "It cannot be a common password or too like your name or email address."
        ),
    )
    new_password_again = _password_field(
        "New password again",
        autocomplete="new-password",
        required="Enter your new password again",
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_new_password(self) -> str:
        password = self.cleaned_data["new_password"]
        # The same rules as an administrator's (AUTH_PASSWORD_VALIDATORS), each message shown.
        validate_password(password, self.user)
        return password

    def clean(self):
        cleaned = super().clean()
        new, again = cleaned.get("new_password"), cleaned.get("new_password_again")
        if new and again is not None and new != again:
            self.add_error("new_password_again", PASSWORDS_DIFFER)
        return cleaned


class RecoveryCodesForm(forms.Form):
    """Making new recovery codes: the person's password, given again."""

    password = _password_field(
        "Your password",
        autocomplete="current-password",
        required="Enter your password",
        help_text="The password you sign in to Line of Sight with.",
    )
