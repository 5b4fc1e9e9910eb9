from django import forms

from lineofsight.web.fields import TextField, optional_date
from lineofsight.web.filters import FilterMessagesMixin


class SignInForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@council.gov.uk",
        },
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password"},
    )


class AccessLogFilterForm(FilterMessagesMixin, forms.Form):
    user = TextField(label="User (name or email)", required=False, max_length=254)
    person_id = TextField(label="Child's person ID", required=False, max_length=48)
    date_from = optional_date("From date", called="from date", example="31/03/2026")
    date_to = optional_date("To date", called="to date", example="31/03/2026")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The to date must be the same as or after the from date")
        return cleaned


class RoleGrantDecisionForm(forms.Form):
    """A senior leader's decision on a request for a role that sees children's records."""

    decision = forms.ChoiceField(
        label="Your decision",
        choices=[("approve", "Approve: they will see children's records"), ("refuse", "Refuse")],
        error_messages={"required": "Select whether you approve or refuse this request"},
    )
    reason = TextField(
        label="Your reason",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="It is kept in the change history and shown on the access log page.",
        error_messages={"required": "Enter your reason for this decision"},
    )
