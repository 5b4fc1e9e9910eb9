"""Recovery codes: 80 random bits each, kept only as salted hashes, each signing in once, typed
as people type them; new codes void the old, and an administrator's reset removes them."""

from __future__ import annotations

import importlib
import math
import re

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.db import connection
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from conftest import PASSWORD
from lineofsight.accounts import recovery_codes as rc
from lineofsight.accounts import second_factor as sf
from lineofsight.accounts.models import RecoveryCode, RecoveryCodeDevice, SignInAttempt, User
from lineofsight.accounts.tests.second_factor_helpers import (
    at_code_page,
    give_code,
    set_up_app,
    signed_in,
)
from lineofsight.accounts.views_second_factor import CODE_NOT_ACCEPTED_AT_SIGN_IN
from lineofsight.history.models import ChangeEvent

pytestmark = pytest.mark.django_db

SHOWN = re.compile(r"[0-9a-hjkmnp-tv-z]{4}(-[0-9a-hjkmnp-tv-z]{4}){3}")


def _failures(user: User) -> int:
    return SignInAttempt.objects.filter(email=user.email, succeeded=False).count()


def _device(user: User) -> RecoveryCodeDevice:
    return RecoveryCodeDevice.objects.get(user=user)


def _every_stored_text() -> str:
    """Every column of every row of the tables that could hold a code, as one text."""
    tables = [
        RecoveryCode._meta.db_table,
        RecoveryCodeDevice._meta.db_table,
        StaticToken._meta.db_table,
        ChangeEvent._meta.db_table,
    ]
    with connection.cursor() as cursor:
        rows = []
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            rows += cursor.fetchall()
    sessions = [s.get_decoded() for s in Session.objects.all()]
    return repr(rows) + repr(sessions)


# --- long enough and random ------------------------------------------------------------------


def test_a_code_has_sixteen_characters_of_eighty_random_bits():
    assert len(set(rc.ALPHABET)) == 32
    assert not set(rc.ALPHABET) & set("ilou")  # none to mistake for another
    assert rc.CODE_LENGTH * math.log2(len(rc.ALPHABET)) >= 80
    made = [rc.recovery_code_make() for _ in range(300)]
    assert all(SHOWN.fullmatch(code) for code in made)
    assert len(set(made)) == len(made)
    # Every symbol turns up (4,800 characters): made from the whole alphabet, not a part of it.
    assert set("".join(made).replace("-", "")) == set(rc.ALPHABET)


def test_set_up_gives_ten_different_codes_in_groups_of_four(council):
    _, codes = set_up_app(council["users"]["practitioner"])
    assert len(set(codes)) == 10
    assert all(SHOWN.fullmatch(code) for code in codes)


# --- kept only as hashes ---------------------------------------------------------------------


def test_the_database_never_holds_a_codes_text(client, council):
    user = council["users"]["practitioner"]
    _, at_set_up = set_up_app(user)
    # Made again on the page, through a session kept in the database.
    client = at_code_page(user, PASSWORD)
    assert give_code(client, at_set_up[0]).status_code == 302
    page = client.post(reverse("accounts:second_factor"), {"password": PASSWORD})
    codes = re.findall(r"<code[^>]*>([0-9a-z-]{19})</code>", page.text)
    assert len(codes) == 10

    rows = list(RecoveryCode.objects.filter(device__user=user))
    assert len(rows) == 10
    assert len({row.salt for row in rows}) == 10  # a salt of its own each
    stored = _every_stored_text().lower()
    for code in codes + at_set_up:
        for form in (code, code.replace("-", "")):
            assert form not in stored
    for row, code in zip(rows, codes, strict=True):
        assert row.digest != rc.recovery_code_read(code)
    assert not StaticToken.objects.exists()
    # What is kept still recognises each code.
    for code in codes:
        read = rc.recovery_code_read(code)
        assert any(rc.recovery_code_matches(code=read, salt=r.salt, digest=r.digest) for r in rows)


# --- signing in with one ---------------------------------------------------------------------


def test_a_code_signs_in_once_and_not_twice(council):
    user = council["users"]["practitioner"]
    _, codes = set_up_app(user)

    first = at_code_page(user, PASSWORD)
    assert give_code(first, codes[4]).status_code == 302
    assert signed_in(first)
    assert first.session[DEVICE_ID_SESSION_KEY] == _device(user).persistent_id
    assert first.get(reverse("home:home")).status_code == 200  # the session holds
    assert sf.recovery_codes_left(user=user) == 9

    second = at_code_page(user, PASSWORD)
    again = give_code(second, codes[4])
    assert again.status_code == 400
    assert CODE_NOT_ACCEPTED_AT_SIGN_IN in again.text
    # The app's "just used" message is for the app's codes, never a recovery code.
    assert sf.CODE_ALREADY_USED not in again.text
    assert not signed_in(second)
    assert _failures(user) == 1


@pytest.mark.parametrize(
    "typed",
    [
        lambda code: code,
        lambda code: code.replace("-", ""),
        lambda code: code.replace("-", " "),
        lambda code: code.upper(),
        lambda code: f"  {code.replace('-', ' - ').upper()} ",
    ],
    ids=["as shown", "no hyphens", "spaces", "capitals", "spaced capitals"],
)
def test_a_code_typed_with_or_without_hyphens_and_in_any_case_signs_in(council, typed):
    user = council["users"]["practitioner"]
    _, codes = set_up_app(user)
    client = at_code_page(user, PASSWORD)
    assert give_code(client, typed(codes[2])).status_code == 302
    assert signed_in(client)


def test_letters_like_digits_are_read_as_the_digits():
    assert rc.recovery_code_read("ABCD efgh-JKMN pqrs") == "abcdefghjkmnpqrs"
    assert rc.recovery_code_read("o1l0-I234-5678-9abc") == "0110123456789abc"
    # Only codes of this length: an older, shorter code keeps its letters.
    assert rc.recovery_code_read("ablo 2345") == "ablo2345"


def test_a_wrong_code_is_refused_and_counted(council):
    user = council["users"]["practitioner"]
    set_up_app(user)
    client = at_code_page(user, PASSWORD)
    response = give_code(client, rc.recovery_code_make())
    assert response.status_code == 400
    assert CODE_NOT_ACCEPTED_AT_SIGN_IN in response.text
    assert not signed_in(client)
    assert _failures(user) == 1
    assert _device(user).throttling_failure_count == 1  # django-otp's own delay, as before
    assert sf.recovery_codes_left(user=user) == 10


def test_new_codes_void_the_old(council):
    user = council["users"]["practitioner"]
    _, old = set_up_app(user)
    new = sf.recovery_codes_replace(user=user, password=PASSWORD, ip_address="192.0.2.1")
    assert len(new) == 10 and not set(new) & set(old)
    assert RecoveryCode.objects.filter(device__user=user).count() == 10
    assert sf.second_factor_check(user=user, code=old[0]) is None
    _device(user).throttle_reset()  # django-otp's delay after the refusal
    assert sf.second_factor_check(user=user, code=new[0]) is not None


def test_an_administrators_reset_removes_the_codes(council):
    user = council["users"]["practitioner"]
    _, codes = set_up_app(user)
    sf.second_factor_reset(actor=council["users"]["administrator"], user=user)
    assert not RecoveryCodeDevice.objects.filter(user=user).exists()
    assert not RecoveryCode.objects.filter(device__user=user).exists()
    assert sf.second_factor_check(user=user, code=codes[0]) is None


# --- codes made before they were hashed ------------------------------------------------------


def test_the_migration_hashes_the_codes_people_already_hold(council):
    user = council["users"]["practitioner"]
    old = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    tokens = [StaticToken.random_token() for _ in range(3)]
    StaticToken.objects.bulk_create(StaticToken(device=old, token=t) for t in tokens)

    migration = importlib.import_module(
        "lineofsight.accounts.migrations.0007_recovery_codes_hashed"
    )
    migration.static_tokens_to_hashes(apps, None)

    assert not StaticDevice.objects.exists() and not StaticToken.objects.exists()
    assert sf.recovery_codes_left(user=user) == 3
    stored = _every_stored_text().lower()
    assert not any(t in stored for t in tokens)
    # Still accepted, once each, typed as before.
    assert sf.second_factor_check(user=user, code=tokens[1].upper()) is not None
    assert sf.recovery_codes_left(user=user) == 2
