"""The forms of the second factor: one field each, the code.

A plain CharField, not the product's TextField: a code is not free text, and a hint about how
many characters it may hold would only mislead.
"""

from django import forms


class SecondFactorCodeForm(forms.Form):
    """At sign-in: the app's code, or a recovery code."""

    code = forms.CharField(
        label="Code",
        max_length=32,
        help_text=(
            "The 6-digit code your authenticator app shows now. If you do not have your phone, "
            "enter one of your recovery codes instead: each one works once."
        ),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "spellcheck": "false",
                "autocapitalize": "none",
            }
        ),
        error_messages={"required": "Enter the code from your app, or a recovery code"},
    )


class AppSetupCodeForm(forms.Form):
    """At set-up: the code the app shows once it has the secret, to show both agree."""

    code = forms.CharField(
        label="Code from your app",
        max_length=16,
        help_text="The 6-digit code your authenticator app shows for Line of Sight.",
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
            }
        ),
        error_messages={"required": "Enter the 6-digit code your app shows"},
    )
