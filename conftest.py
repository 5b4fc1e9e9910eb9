"""Fixtures shared by every test: a small council with one user per role."""

from __future__ import annotations

import pytest

from lineofsight.accounts.models import Role, Service, Team, User

PASSWORD = "correct-horse-battery-staple"  # noqa: S105 - test users only


@pytest.fixture(autouse=True)
def _isolated_data_dir(settings, tmp_path):
    # Snapshots, reports and uploads of every test go to its own folder, never to var/.
    settings.VAR_DIR = tmp_path / "var"
    settings.SNAPSHOT_DIR = settings.VAR_DIR / "snapshots"
    settings.MEDIA_ROOT = settings.VAR_DIR / "uploads"
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path


@pytest.fixture(autouse=True)
def _empty_cache():
    # Kept board cards (indicators) must never outlive the test that made them.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 is deliberately slow; tests create many users. tests/test_security.py checks that
    # the product's own setting is Argon2.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def council(db):
    """Two services with two teams each; one user per role in the first team or service."""
    east = Service.objects.create(name="Safeguarding", code="safeguarding")
    care = Service.objects.create(name="Children in Care", code="children-in-care")
    teams = {
        "east": Team.objects.create(name="East", service=east, case_system_id="T-E"),
        "west": Team.objects.create(name="West", service=east, case_system_id="T-W"),
        "cic": Team.objects.create(name="Care Team", service=care, case_system_id="T-C"),
        "leavers": Team.objects.create(name="Leavers", service=care, case_system_id="T-L"),
    }
    users: dict[str, User] = {}
    for role in Role.values:
        user = User.objects.create_user(
            email=f"{role}@example.org",
            password=PASSWORD,
            full_name=f"{Role(role).label} Person",
            role=role,
            service=east if role == Role.SERVICE_MANAGER else None,
            professional_id="P-1" if role == Role.PRACTITIONER else "",
        )
        if role in (Role.PRACTITIONER, Role.TEAM_MANAGER):
            user.memberships.create(team=teams["east"])
        users[role] = user
    return {"services": {"east": east, "care": care}, "teams": teams, "users": users}


@pytest.fixture
def client_for(client, council):
    """A Django test client signed in as the user of the given role (None: nobody)."""
    from django.test import Client

    def make(role: str | None) -> Client:
        c = Client()
        if role is not None:
            c.force_login(council["users"][role])
            # A first request records the session as signing in does (accounts.sessions), so a
            # test's own requests are counted as a signed-in person's are.
            c.get("/health/")
        return c

    return make
