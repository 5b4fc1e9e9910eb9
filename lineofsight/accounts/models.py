"""People, services, teams and the record of who looked at which child."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.utils import timezone


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


class Team(models.Model):
    name = models.CharField(max_length=120)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="teams")
    # The team's id in the case management system (ssd_department.dept_team_id), so casework
    # rows in a snapshot can be matched to the team that holds them.
    case_system_id = models.CharField(max_length=48, blank=True, db_index=True)

    class Meta:
        ordering = ["service__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["service", "name"], name="team_name_unique_in_service")
        ]

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        if not email:
            raise ValueError("An email address is required")
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

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        outcome = "succeeded" if self.succeeded else "failed"
        return f"sign-in {outcome} for {self.email} at {self.at:%Y-%m-%d %H:%M}"


class AccessPurpose(models.TextChoices):
    CASEWORK = "casework", "Casework and management oversight"
    AUDIT = "audit", "Case-file audit or moderation"
    SUPERVISION = "supervision", "Supervision"
    PERFORMANCE = "performance", "Performance and indicators"
    PRACTICE_WEEK = "practice_week", "Practice week"
    ADMINISTRATION = "administration", "Administration"


class AccessLogEntry(models.Model):
    """One view of a child's record: who, which child, when, why, and on which page."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="access_log")
    person_id = models.CharField(max_length=48, db_index=True)
    purpose = models.CharField(max_length=32, choices=AccessPurpose.choices)
    path = models.CharField(max_length=500)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "access log entries"

    def __str__(self) -> str:
        return f"{self.user} viewed {self.person_id} at {self.at:%Y-%m-%d %H:%M}"
