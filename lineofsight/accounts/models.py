"""People, services, teams and the record of who looked at which child."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django_otp.models import Device, ThrottlingMixin, TimestampMixin

from lineofsight.history.authorship import user_field

from .recovery_codes import recovery_code_matches, recovery_code_read


class Role(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner"
    TEAM_MANAGER = "team_manager", "Team manager"
    SERVICE_MANAGER = "service_manager", "Service manager"
    QA_LEAD = "qa_lead", "Quality assurance lead"
    SENIOR_LEADER = "senior_leader", "Senior leader"
    ANALYST = "analyst", "Performance analyst"
    ADMINISTRATOR = "administrator", "Administrator"


class Service(models.Model):
    """A part of children's services led by a service manager, e.g. Children in Care."""

    name = models.CharField(max_length=120, unique=True)
    code = models.SlugField(max_length=40, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


TEAM_CASE_SYSTEM_ID_TAKEN = (
    "Another team already has this case-system id. Each team's id in the case management "
    "system must be different"
)


class Team(models.Model):
    name = models.CharField(max_length=120)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="teams")
    # The team's id in the case management system (ssd_department.dept_team_id), so casework
    # rows in a snapshot can be matched to the team that holds them.
    # Unique when given: two teams with one id would each claim the other's children.
    case_system_id = models.CharField(
        "Case-system id",
        max_length=48,
        blank=True,
        db_index=True,
        help_text="The team's id in the case management system. No two teams may share one.",
    )

    class Meta:
        ordering = ["service__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["service", "name"], name="team_name_unique_in_service"),
            models.UniqueConstraint(
                fields=["case_system_id"],
                condition=~models.Q(case_system_id=""),
                name="team_case_system_id_unique",
                violation_error_message=TEAM_CASE_SYSTEM_ID_TAKEN,
            ),
        ]

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        """The low-level constructor, for fixtures and the shell: its role counts as approved.

        Everything in the product (the admin site, `accounts.services.user_create`, the demo
        commands) creates people through the services instead, where a role that sees children's
        records waits for a senior leader's approval (`RoleGrant`).
        """
        if not email:
            raise ValueError("An email address is required")
        fields.setdefault("approved_role", fields.get("role", ""))
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        fields.setdefault("role", Role.ADMINISTRATOR)
        fields.setdefault("full_name", "Administrator")
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser):
    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150)
    role = models.CharField(max_length=32, choices=Role.choices)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    # Practitioners and team managers belong to teams; service managers lead a service.
    teams = models.ManyToManyField(Team, through="Membership", related_name="members", blank=True)
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="managers"
    )
    # The person's id in the case management system (ssd_professionals.prof_professional_id):
    # a practitioner's caseload is the children allocated to this id.
    professional_id = models.CharField(max_length=48, blank=True, db_index=True)
    # The role a senior leader approved (RoleGrant). A role that sees children's records counts
    # only while it equals `role`: changing the role, by any route, withdraws access until the
    # new role is approved. Written only by the role grant services.
    approved_role = models.CharField(max_length=32, blank=True, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}>"

    # Django's admin asks these; only administrators may use it.
    @property
    def is_staff(self) -> bool:
        return self.is_active and self.role == Role.ADMINISTRATOR

    @property
    def is_superuser(self) -> bool:
        return self.is_staff

    def has_perm(self, perm: str, obj: object = None) -> bool:
        return self.is_staff

    def has_module_perms(self, app_label: str) -> bool:
        return self.is_staff

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    since = models.DateField(default=timezone.localdate)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "team"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.team}"


class SignInAttempt(models.Model):
    """Every sign-in attempt, kept to throttle repeated failures and to audit access."""

    email = models.CharField(max_length=254, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    succeeded = models.BooleanField()
    at = models.DateTimeField(default=timezone.now, db_index=True)
    # Whether a failure counts towards the lock on its email and address. Not when it was
    # refused while locked (a lock must not keep itself going), nor once a sign-in from the same
    # address succeeded or the password was changed: the row stays as a record of access.
    counts = models.BooleanField(default=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["email", "ip_address", "at"], name="signin_attempt_pair")]

    def __str__(self) -> str:
        outcome = "succeeded" if self.succeeded else "failed"
        return f"sign-in {outcome} for {self.email} at {self.at:%Y-%m-%d %H:%M}"


class UserSession(models.Model):
    """A signed-in session of a person: when it began, when it was last used, and from which
    browser and address, so that they can see their sessions and end the others. The session
    itself lives in Django's session store under the same key; ending one removes both."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now)
    user_agent = models.CharField(max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-last_seen", "-id"]

    def __str__(self) -> str:
        # Never the key: it is what lets a browser in, and this text goes into the history.
        return f"session of {self.user.email} from {self.created:%Y-%m-%d %H:%M}"


class AccessPurpose(models.TextChoices):
    CASEWORK = "casework", "Casework and management oversight"
    AUDIT = "audit", "Case-file audit or moderation"
    SUPERVISION = "supervision", "Supervision"
    PERFORMANCE = "performance", "Performance and indicators"
    PRACTICE_WEEK = "practice_week", "Practice week"
    ADMINISTRATION = "administration", "Administration"


class AccessLogEntry(models.Model):
    """One view of a child's record: who, which child, when, why, and on which page."""

    user = user_field(related_name="access_log")
    person_id = models.CharField(max_length=48, db_index=True)
    purpose = models.CharField(max_length=32, choices=AccessPurpose.choices)
    path = models.CharField(max_length=500)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "access log entries"

    def __str__(self) -> str:
        return f"{self.user} viewed {self.person_id} at {self.at:%Y-%m-%d %H:%M}"


class RoleGrantStatus(models.TextChoices):
    PENDING = "pending", "Awaiting approval"
    APPROVED = "approved", "Approved"
    REFUSED = "refused", "Refused"
    # Replaced by a later request, or the person's role was changed again before a decision.
    WITHDRAWN = "withdrawn", "Withdrawn"


class RoleGrant(models.Model):
    """A request to give someone a role that sees children's records, and a senior leader's
    decision on it. Separation of duties: administrators request, senior leaders decide."""

    user = user_field(related_name="role_grants")
    role = models.CharField(max_length=32, choices=Role.choices)
    requested_by = user_field(
        optional=True, help_text="Empty for a request made by a command run on the server."
    )
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        max_length=16, choices=RoleGrantStatus.choices, default=RoleGrantStatus.PENDING
    )
    decided_by = user_field(
        optional=True, help_text="Empty for a decision made by a command run on the server."
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=1000, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(status="pending"),
                name="role_grant_one_pending_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"{Role(self.role).label} for {self.user.full_name} <{self.user.email}>"


class RecoveryCodeDevice(TimestampMixin, ThrottlingMixin, Device):
    """A person's recovery codes, as a django-otp device: django-otp signs the session in with
    it (`is_verified`), and its own delay after a refused code applies, as to the app.

    Only a hash of each code is kept (`recovery_codes` says which and why); each works once."""

    def get_throttle_factor(self) -> int:
        return 1

    def verify_token(self, token) -> bool:
        """Whether `token` is one of the codes, which is then deleted: within the caller's
        transaction, with this device's row locked, so two sign-ins cannot both use it."""
        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        code = recovery_code_read(str(token))
        match = next(
            (
                row
                for row in self.codes.all()
                if recovery_code_matches(code=code, salt=row.salt, digest=row.digest)
            ),
            None,
        )
        if match is None:
            self.throttle_increment()
            return False
        match.delete()
        self.throttle_reset(commit=False)
        self.set_last_used_timestamp(commit=False)
        self.save()
        return True


class RecoveryCode(models.Model):
    """One unused recovery code: its salt and hash, never the code."""

    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    salt = models.CharField(max_length=32)
    digest = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"recovery code of {self.device.user}"
