"""Administrators manage people, services, teams and memberships in Django's admin.

Every save goes through the write services, so the admin leaves the same change history as the
rest of the product. Other roles get 403 from the admin; anonymous users go to the sign-in page.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from lineofsight.history.admin import ReadOnlyAdmin
from lineofsight.history.services import capture

from . import policy, services
from .models import TEAM_CASE_SYSTEM_ID_TAKEN, AccessLogEntry, Membership, Service, Team, User

AWAITING_APPROVAL_MESSAGE = (
    "{name} has been given the role {role}, which sees children's records. A senior leader must "
    "approve it before {name} sees any child: the request is on the Role approvals page."
)


def _admin_login(request: HttpRequest, extra_context=None):
    if request.user.is_authenticated:
        raise PermissionDenied("Only administrators may use this part of the service.")
    return redirect(f"{reverse('accounts:sign_in')}?next={request.GET.get('next', '/admin/')}")


def _admin_has_permission(request: HttpRequest) -> bool:
    # A signed-in user of another role is refused outright rather than sent to a login page.
    if request.user.is_authenticated and not request.user.is_staff:
        raise PermissionDenied("Only administrators may use this part of the service.")
    return request.user.is_active and request.user.is_staff


# Roles, not Django groups, decide what people may do.
admin.site.unregister(Group)
# django-otp's own admin pages show each person's secret, from which anyone could make their
# codes: a lost device is reset with the product's own page instead (second_factor_reset).
for _device in (TOTPDevice, StaticDevice):
    admin.site.unregister(_device)
admin.site.login = _admin_login
admin.site.has_permission = _admin_has_permission
admin.site.site_header = "Line of Sight administration"
admin.site.site_title = "Line of Sight administration"
admin.site.index_title = "People, teams and configuration"
admin.site.site_url = "/"


class UserForm(forms.ModelForm):
    new_password = forms.CharField(
        label="New password",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Leave blank to keep the current password. At least 12 characters.",
    )

    class Meta:
        model = User
        fields = ("email", "full_name", "role", "is_active", "service", "professional_id")

    def clean_new_password(self):
        password = self.cleaned_data.get("new_password")
        if password:
            validate_password(password, self.instance if self.instance.pk else None)
        return password


class MembershipInline(admin.StackedInline):
    # Stacked rather than tabular: each field keeps a visible label (WCAG 1.3.1).
    model = Membership
    extra = 1
    fields = ("team", "since")


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    form = UserForm
    list_display = ("full_name", "email", "role", "role_approval", "is_active", "last_login")
    list_filter = ("role", "is_active", "service")
    search_fields = ("full_name", "email", "professional_id")
    ordering = ("full_name",)
    inlines = [MembershipInline]

    @admin.display(description="Access to children's records")
    def role_approval(self, obj: User) -> str:
        if not policy.needs_approval(obj.role):
            return "Not part of this role"
        return "Approved" if policy.role_approved(obj) else "Awaiting a senior leader's approval"

    def save_model(self, request, obj, form, change):
        password = form.cleaned_data.get("new_password") or None
        if change:
            before = capture(User.objects.get(pk=obj.pk), services.USER_FIELDS)
            services.user_update(actor=request.user, user=obj, before=before, password=password)
            obj.refresh_from_db(fields=["approved_role"])
        else:
            created = services.user_create(
                actor=request.user,
                email=obj.email,
                full_name=obj.full_name,
                role=obj.role,
                password=password,
                service=obj.service,
                professional_id=obj.professional_id,
            )
            obj.pk = created.pk
            obj._state = created._state
            obj.approved_role = created.approved_role
        if policy.needs_approval(obj.role) and not policy.role_approved(obj):
            self.message_user(
                request,
                AWAITING_APPROVAL_MESSAGE.format(name=obj.full_name, role=obj.get_role_display()),
                messages.WARNING,
            )

    def save_formset(self, request, form, formset, change):
        # The admin's own log reads these; the change history is written by the services.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for deleted in formset.deleted_forms:
            if deleted.instance.pk:
                services.membership_remove(actor=request.user, membership=deleted.instance)
        for inline_form in formset.forms:
            if inline_form in formset.deleted_forms or not inline_form.has_changed():
                continue
            team = inline_form.cleaned_data.get("team")
            if team is None:
                continue
            if inline_form.instance.pk:
                old = Membership.objects.get(pk=inline_form.instance.pk)
                if old.team_id != team.pk:
                    services.membership_remove(actor=request.user, membership=old)
            services.membership_add(actor=request.user, user=form.instance, team=team)

    def delete_model(self, request, obj):
        raise PermissionDenied("Deactivate people instead of deleting them: their records stay.")

    def has_delete_permission(self, request, obj=None):
        return False


class SavedByServiceAdmin(admin.ModelAdmin):
    """A record saved through its write service (`save`), with what it was before for the
    history (`history_fields`); never deleted, since other records name it."""

    history_fields: tuple[str, ...] = ()

    def save(self, *, actor: User, obj, before: dict) -> None:
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        was = type(obj).objects.get(pk=obj.pk) if change else None
        self.save(actor=request.user, obj=obj, before=capture(was, self.history_fields))

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Service)
class ServiceAdmin(SavedByServiceAdmin):
    list_display = ("name", "code")
    search_fields = ("name",)
    history_fields = services.SERVICE_FIELDS

    def save(self, *, actor: User, obj: Service, before: dict) -> None:
        services.service_save(actor=actor, service=obj, before=before)


class TeamForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ("name", "service", "case_system_id")

    def clean_case_system_id(self):
        value = (self.cleaned_data.get("case_system_id") or "").strip()
        if (
            value
            and Team.objects.filter(case_system_id=value).exclude(pk=self.instance.pk).exists()
        ):
            raise forms.ValidationError(TEAM_CASE_SYSTEM_ID_TAKEN)
        return value


@admin.register(Team)
class TeamAdmin(SavedByServiceAdmin):
    form = TeamForm
    list_display = ("name", "service", "case_system_id")
    list_filter = ("service",)
    search_fields = ("name", "case_system_id")
    history_fields = services.TEAM_FIELDS

    def save(self, *, actor: User, obj: Team, before: dict) -> None:
        services.team_save(actor=actor, team=obj, before=before)


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(ReadOnlyAdmin):
    """Read-only: the access log is evidence, never edited."""

    list_display = ("at", "user", "person_id", "purpose", "path")
    list_filter = ("purpose",)
    search_fields = ("person_id", "user__email")
