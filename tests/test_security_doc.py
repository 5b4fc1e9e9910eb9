"""docs/security.md cannot drift from the product: every test its ASVS tables name exists, and the
production settings those tables rest on hold.

`manage.py check --deploy` under production settings is tests/test_security.py's
`test_deploy_check_is_clean_under_production_settings`, which the tables name for 14.1.3.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from lineofsight.accounts.models import RecoveryCodeDevice
from tests.test_security import _production_env

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "security.md"
ASVS_HEADING = "## OWASP ASVS 4.0.3, level 2"
# One requirement or several, "3.2.2, 3.2.4".
REQUIREMENT = re.compile(r"^\d+\.\d+\.\d+(, \d+\.\d+\.\d+)*$")
# `path/to/test_file.py` or `path/to/test_file.py::test_name`.
TEST_REFERENCE = re.compile(r"`([\w./-]+\.py)(?:::(\w+))?`")
# Chapters that have controls the product meets; V13 says in prose that it does not apply.
CHAPTERS = ("V1", "V2", "V3", "V4", "V5", "V6", "V7", "V8", "V9", "V10", "V11", "V12", "V14")


def _asvs_section() -> str:
    text = DOC.read_text(encoding="utf-8")
    start = text.index(ASVS_HEADING)
    end = text.find("\n## ", start + len(ASVS_HEADING))
    return text[start : end if end != -1 else len(text)]


def _rows(section: str) -> list[list[str]]:
    rows = []
    for line in section.splitlines():
        if not line.startswith("|"):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split(" | ")]
        if cells[0] in ("ASVS", "---"):
            continue
        rows.append(cells)
    return rows


def test_every_chapter_that_applies_has_a_table():
    section = _asvs_section()
    for chapter in CHAPTERS:
        heading = re.search(rf"^### {chapter} .+$", section, re.MULTILINE)
        assert heading, f"no heading for {chapter}"
        body = section[heading.end() :].split("\n### ", 1)[0]
        assert _rows(body), f"{chapter} has no table rows"
    assert re.search(r"^### V13 .+\n\nDoes not apply", section, re.MULTILINE)


def test_every_row_names_a_requirement_a_control_a_way_and_a_test():
    rows = _rows(_asvs_section())
    assert len(rows) >= 60
    seen: set[str] = set()
    for cells in rows:
        assert len(cells) == 4, cells
        requirement, control, how, tests = cells
        assert REQUIREMENT.match(requirement), requirement
        for number in requirement.split(", "):
            assert number not in seen, f"{number} appears twice"
            seen.add(number)
        assert control and how, cells
        assert TEST_REFERENCE.search(tests), f"{requirement} names no test"


def test_every_test_named_exists():
    missing = []
    for requirement, *_, tests in _rows(_asvs_section()):
        for path, name in TEST_REFERENCE.findall(tests):
            file = ROOT / path
            if not file.is_file():
                missing.append(f"{requirement}: {path}")
            elif name and not re.search(
                rf"^(async )?def {name}\(", file.read_text(encoding="utf-8"), re.MULTILINE
            ):
                missing.append(f"{requirement}: {path}::{name}")
    assert not missing, "\n".join(missing)


def test_what_is_not_yet_met_is_not_also_claimed():
    text = DOC.read_text(encoding="utf-8")
    not_met = text[text.index("## Not yet met") :]
    open_numbers = set(re.findall(r"\*\*([\d., ]+)\*\*", not_met))
    open_numbers = {n for group in open_numbers for n in group.split(", ")}
    assert open_numbers, "the list of what is not yet met names no requirement"
    claimed = {n for row in _rows(_asvs_section()) for n in row[0].split(", ")}
    assert not open_numbers & claimed


def test_production_settings_hold_what_this_page_says(tmp_path):
    names = [
        "DEBUG",
        "SESSION_ENGINE",
        "SESSION_SERIALIZER",
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SESSION_COOKIE_SAMESITE",
        "SESSION_COOKIE_DOMAIN",
        "SESSION_COOKIE_NAME",
        "CSRF_COOKIE_NAME",
        "CSRF_COOKIE_SECURE",
        "CSRF_COOKIE_SAMESITE",
        "SECURE_SSL_REDIRECT",
        "SECURE_PROXY_SSL_HEADER",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "TRUSTED_PROXY_COUNT",
    ]
    script = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    production = json.loads(result.stdout.strip().splitlines()[-1])
    assert production == {
        "DEBUG": False,
        # Server-side sessions: the cookie holds only a random key.
        "SESSION_ENGINE": "django.contrib.sessions.backends.db",
        "SESSION_SERIALIZER": "django.contrib.sessions.serializers.JSONSerializer",
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_DOMAIN": None,
        "SESSION_COOKIE_NAME": "__Host-sessionid",
        "CSRF_COOKIE_NAME": "__Host-csrftoken",
        "CSRF_COOKIE_SECURE": True,
        "CSRF_COOKIE_SAMESITE": "Lax",
        "SECURE_SSL_REDIRECT": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        # X-Forwarded-For is not read until the operator says how many proxies stand in front.
        "TRUSTED_PROXY_COUNT": 0,
    }


@pytest.mark.parametrize("model", [Group, TOTPDevice, StaticDevice, RecoveryCodeDevice])
def test_admin_offers_no_page_the_product_does_not_need(model):
    assert not admin.site.is_registered(model)


def test_ci_reports_known_vulnerabilities_in_the_pinned_dependencies():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    target = re.search(r"^audit:\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert target, "the Makefile has no audit target"
    recipe = target.group(1)
    assert "pip-audit" in recipe
    assert "requirements/base.txt" in recipe and "requirements/dev.txt" in recipe
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^make audit\b", ci, re.MULTILINE)


def test_the_documented_proxy_hides_its_version():
    operations = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    nginx = operations[operations.index("```nginx") :]
    nginx = nginx[: nginx.index("```", 3)]
    assert "server_tokens off;" in nginx
