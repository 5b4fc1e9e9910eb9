"""Security settings: production passes Django's deployment checks; every response has headers."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

import lineofsight.settings as product_settings

ROOT = Path(__file__).resolve().parent.parent


def _production_env(tmp_path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LINEOFSIGHT_", "DJANGO_"))}
    env.update(
        LINEOFSIGHT_ENV="production",
        DJANGO_SECRET_KEY="x" * 20 + "-production-like-key-for-the-deploy-check-" + "y" * 20,
        LINEOFSIGHT_ALLOWED_HOSTS="los.council.example",
        LINEOFSIGHT_DATA_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="lineofsight.settings",
    )
    return env


def test_deploy_check_is_clean_under_production_settings(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = _production_env(tmp_path)
    del env["DJANGO_SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_passwords_are_hashed_with_argon2():
    assert product_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


@pytest.mark.django_db
def test_responses_carry_a_content_security_policy(client):
    response = client.get(reverse("accounts:sign_in"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_pages_have_no_inline_script_or_style(client_for):
    for role in (None, "qa_lead"):
        url = reverse("accounts:sign_in") if role is None else reverse("accounts:access_log")
        text = client_for(role).get(url).text
        assert "<script>" not in text
        assert " style=" not in text
        assert "<style" not in text


@pytest.mark.django_db
def test_council_colour_stylesheet_only_accepts_a_colour(client, settings):
    settings.COUNCIL_COLOUR = "red;} body{display:none"
    response = client.get(reverse("web:council_css"))
    assert response.text.strip() == ":root { --los-council-colour: #1d4e60; }"
    settings.COUNCIL_COLOUR = "#aa0033"
    assert "#aa0033" in client.get(reverse("web:council_css")).text


def test_no_secret_is_committed():
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.split()
    assert "var/secret_key" not in tracked
    assert not any(name.endswith((".sqlite3", ".duckdb", ".env")) for name in tracked)
