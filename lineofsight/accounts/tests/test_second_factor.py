"""The second factor: set-up after the password, the code at each sign-in, recovery codes, the
throttle, an administrator's reset, and the demonstration accounts."""

from __future__ import annotations

import base64
import re
import time

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from lineofsight.accounts import second_factor as sf
from lineofsight.accounts.demo import DEMO_TOTP_KEY, demo_app_give
from lineofsight.accounts.models import RecoveryCodeDevice, Role, SignInAttempt, User
from lineofsight.accounts.sign_in_pending import PENDING_KEY, PENDING_MINUTES
from lineofsight.accounts.tests.second_factor_helpers import code_now, set_up_app
from lineofsight.history.models import ChangeEvent

pytestmark = pytest.mark.django_db

HOME = "/"
# A recovery code as shown: 16 characters of Crockford's base32 in groups of four.
SHOWN_CODE = re.compile(
    r"<li><code[^>]*>([0-9a-hjkmnp-tv-z]{4}(?:-[0-9a-hjkmnp-tv-z]{4}){3})</code>"
)


def password_step(client: Client, email: str, next_url: str = ""):
    data = {"email": email, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("accounts:sign_in"), data)


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def history(user: User, action: str) -> list[ChangeEvent]:
    return list(
        ChangeEvent.objects.filter(
            action=action, object_type="accounts.user", object_id=str(user.pk)
        )
    )


# --- who must have one ----------------------------------------------------------------------------


def test_everyone_needs_one_by_default(council, settings):
    settings.REQUIRE_SECOND_FACTOR = True
    assert all(sf.second_factor_required(user=u) for u in council["users"].values())


def test_administrators_need_one_even_when_the_council_turns_it_off(council, settings):
    settings.REQUIRE_SECOND_FACTOR = False
    needed = {role for role, u in council["users"].items() if sf.second_factor_required(user=u)}
    assert needed == {Role.ADMINISTRATOR}


def test_with_it_off_a_password_signs_a_practitioner_in(client, council, settings):
    settings.REQUIRE_SECOND_FACTOR = False
    response = password_step(client, "practitioner@example.org")
    assert response["Location"] == reverse("home:home")
    assert signed_in(client)


def test_with_it_off_an_administrator_still_sets_one_up(client, council, settings):
    settings.REQUIRE_SECOND_FACTOR = False
    response = password_step(client, "administrator@example.org")
    assert response["Location"] == reverse("accounts:second_factor_setup")
    assert not signed_in(client)


def test_passwords_need_twelve_characters_and_not_a_common_one(council):
    user = council["users"]["practitioner"]
    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password("Tr0ub4dor&3", user)  # 11 characters
    with pytest.raises(ValidationError, match="too common"):
        validate_password("qwerty123456", user)  # 12 characters, in Django's common list
    validate_password("correct-horse-battery-staple", user)  # raises nothing


# --- set-up after the password --------------------------------------------------------------------


def test_the_password_alone_does_not_sign_in_and_leads_to_set_up(client, council):
    response = password_step(client, "practitioner@example.org")
    assert response["Location"] == reverse("accounts:second_factor_setup")
    assert not signed_in(client)
    # Nothing else is reachable: every page still sends the person to the sign-in page.
    for url in (reverse("home:home"), reverse("accounts:second_factor")):
        page = client.get(url)
        assert page.status_code == 302 and page["Location"].startswith(reverse("accounts:sign_in"))


def test_set_up_shows_a_qr_code_and_the_secret_as_text(client, council):
    password_step(client, "practitioner@example.org")
    page = client.get(reverse("accounts:second_factor_setup"))
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=council["users"]["practitioner"])
    assert device.confirmed is False
    assert '<svg role="img" aria-label="QR code to scan with your authenticator app"' in page.text
    secret = re.search(r'<code[^>]*id="secret">([A-Z2-7 ]+)</code>', page.text).group(1)
    assert base64.b32decode(secret.replace(" ", "")) == device.bin_key
    # Reloading keeps the same secret: the code already scanned still works.
    client.get(reverse("accounts:second_factor_setup"))
    assert TOTPDevice.objects.filter(user=council["users"]["practitioner"]).count() == 1


def test_set_up_with_a_wrong_code_is_refused_and_counted(client, council):
    password_step(client, "practitioner@example.org")
    client.get(reverse("accounts:second_factor_setup"))
    device = TOTPDevice.objects.get(user=council["users"]["practitioner"])
    wrong = f"{(int(code_now(device)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("accounts:second_factor_setup"), {"code": wrong})
    assert response.status_code == 400
    assert sf.CODE_NOT_ACCEPTED in response.text
    assert 'href="#id_code"' in response.text
    assert not signed_in(client)
    device.refresh_from_db()
    assert device.confirmed is False
    failures = SignInAttempt.objects.filter(email="practitioner@example.org", succeeded=False)
    assert failures.count() == 1


def test_set_up_with_the_right_code_signs_in_and_shows_ten_codes_once(client, council):
    user = council["users"]["practitioner"]
    password_step(client, user.email, next_url="/accounts/second-factor/")
    client.get(reverse("accounts:second_factor_setup"))
    device = TOTPDevice.objects.get(user=user)
    # The codes are shown in the answer to the form that made them, and never again.
    page = client.post(reverse("accounts:second_factor_setup"), {"code": code_now(device)})
    assert page.status_code == 200
    assert signed_in(client)
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id

    assert 'href="/accounts/second-factor/">Continue to Line of Sight' in page.text
    shown = SHOWN_CODE.findall(page.text)
    assert len(set(shown)) == 10
    assert "10 of 10" in page.text
    again = client.get(reverse("accounts:second_factor"))
    assert not SHOWN_CODE.findall(again.text)
    assert "10 of 10" in again.text

    [event] = history(user, "second_factor_set_up")
    assert event.actor_id == user.pk
    assert event.changes == {"second_factor": [None, "authenticator app and 10 recovery codes"]}


def test_after_set_up_the_codes_page_leads_home_by_default(client, council):
    user = council["users"]["practitioner"]
    password_step(client, user.email)
    client.get(reverse("accounts:second_factor_setup"))
    device = TOTPDevice.objects.get(user=user)
    page = client.post(reverse("accounts:second_factor_setup"), {"code": code_now(device)})
    assert f'href="{reverse("home:home")}">Continue to Line of Sight' in page.text


def test_a_person_with_an_app_is_not_sent_to_set_up(client, council):
    set_up_app(council["users"]["practitioner"])
    password_step(client, "practitioner@example.org")
    response = client.get(reverse("accounts:second_factor_setup"))
    assert response["Location"] == reverse("accounts:second_factor_code")


# --- the code at each sign-in ---------------------------------------------------------------------


def test_a_person_with_an_app_is_asked_for_the_code(client, council):
    user = council["users"]["qa_lead"]
    device, _ = set_up_app(user)
    response = password_step(client, user.email, next_url="/accounts/access-log/")
    assert response["Location"] == reverse("accounts:second_factor_code")
    assert not signed_in(client)
    assert client.get(reverse("accounts:second_factor_code")).status_code == 200

    done = client.post(reverse("accounts:second_factor_code"), {"code": code_now(device, 1)})
    assert done["Location"] == "/accounts/access-log/"
    assert signed_in(client)
    assert client.get("/accounts/access-log/").status_code == 200


def test_a_wrong_code_is_refused_and_counted_as_a_failed_sign_in(client, council):
    user = council["users"]["practitioner"]
    device, _ = set_up_app(user)
    password_step(client, user.email)
    wrong = f"{(int(code_now(device, 1)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("accounts:second_factor_code"), {"code": wrong})
    assert response.status_code == 400
    assert "The code is not correct" in response.text
    assert not signed_in(client)
    assert SignInAttempt.objects.filter(email=user.email, succeeded=False).count() == 1


def test_repeated_wrong_codes_are_throttled_like_passwords(client, council):
    user = council["users"]["practitioner"]
    device, _ = set_up_app(user)
    password_step(client, user.email)
    for _ in range(settings.SIGNIN_MAX_FAILURES):
        response = client.post(reverse("accounts:second_factor_code"), {"code": "000000"})
        assert response.status_code == 400
    device.refresh_from_db()
    device.throttle_reset()  # the library's own short delay aside: the product's throttle holds
    blocked = client.post(reverse("accounts:second_factor_code"), {"code": code_now(device, 1)})
    assert blocked.status_code == 429
    assert "too many attempts" in blocked.text
    assert not signed_in(client)
    # The password page is throttled too: the failures count against the account.
    assert password_step(Client(), user.email).status_code == 429


def test_the_half_done_sign_in_expires(client, council):
    set_up_app(council["users"]["practitioner"])
    password_step(client, "practitioner@example.org")
    session = client.session
    session[PENDING_KEY] = {**session[PENDING_KEY], "at": time.time() - PENDING_MINUTES * 60 - 1}
    session.save()
    assert client.get(reverse("accounts:second_factor_code"))["Location"] == reverse(
        "accounts:sign_in"
    )


def test_cancel_forgets_the_password_step(client, council):
    set_up_app(council["users"]["practitioner"])
    password_step(client, "practitioner@example.org")
    assert client.post(reverse("accounts:sign_in_cancel")).status_code == 302
    assert PENDING_KEY not in client.session
    assert client.get(reverse("accounts:second_factor_code"))["Location"] == reverse(
        "accounts:sign_in"
    )


def test_the_code_pages_need_the_password_first(client, council):
    for name in ("accounts:second_factor_code", "accounts:second_factor_setup"):
        response = client.get(reverse(name))
        assert response["Location"] == reverse("accounts:sign_in")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # Without a password given first, the code pages send everyone to the sign-in page.
        ("accounts:second_factor_code", {None: 302, **dict.fromkeys(Role.values, 302)}),
        ("accounts:second_factor_setup", {None: 302, **dict.fromkeys(Role.values, 302)}),
        ("accounts:sign_in_cancel", {None: 405, **dict.fromkeys(Role.values, 405)}),
        ("accounts:second_factor", {None: 302, **dict.fromkeys(Role.values, 200)}),
        (
            "accounts:second_factor_reset",
            {None: 302, **dict.fromkeys(Role.values, 403), Role.ADMINISTRATOR: 200},
        ),
    ],
)
def test_each_page_as_each_role(name, expected, client_for, council):
    kwargs = {"pk": council["users"]["practitioner"].pk} if "reset" in name else {}
    got = {
        viewer: client_for(viewer).get(reverse(name, kwargs=kwargs)).status_code
        for viewer in expected
    }
    assert got == expected


# --- recovery codes -------------------------------------------------------------------------------


def test_a_recovery_code_works_once_and_is_recorded(client, council):
    user = council["users"]["practitioner"]
    _, codes = set_up_app(user)
    password_step(client, user.email)
    # Typed as people do: upper case, with spaces for the hyphens.
    typed = codes[3].upper().replace("-", " ")
    response = client.post(reverse("accounts:second_factor_code"), {"code": typed})
    assert response["Location"] == reverse("home:home")
    assert signed_in(client)
    assert sf.recovery_codes_left(user=user) == 9
    [event] = history(user, "recovery_code_use")
    assert event.changes == {"recovery_codes_left": [10, 9]}

    other = Client()
    password_step(other, user.email)
    again = other.post(reverse("accounts:second_factor_code"), {"code": codes[3]})
    assert again.status_code == 400
    assert "_auth_user_id" not in other.session


def test_new_recovery_codes_void_the_old(client, council):
    user = council["users"]["practitioner"]
    _, old = set_up_app(user)
    password_step(client, user.email)
    client.post(reverse("accounts:second_factor_code"), {"code": old[0]})
    page = client.post(reverse("accounts:second_factor"), {"password": PASSWORD})
    assert page.status_code == 200
    new = SHOWN_CODE.findall(page.text)
    assert len(new) == 10 and not set(new) & set(old)
    assert sf.second_factor_check(user=user, code=old[1]) is None
    RecoveryCodeDevice.objects.get(
        user=user
    ).throttle_reset()  # the library's delay after a failure
    assert sf.second_factor_check(user=user, code=new[0]) is not None
    [event] = history(user, "recovery_codes_replace")
    assert event.changes == {"recovery_codes": ["9 unused, now void", "10 new"]}


def test_no_recovery_codes_without_an_app(client_for, council):
    client = client_for("practitioner")
    response = client.post(reverse("accounts:second_factor"), follow=True)
    assert "Set up an authenticator app before making recovery codes" in response.text
    assert sf.recovery_codes_left(user=council["users"]["practitioner"]) == 0


# --- an administrator's reset ---------------------------------------------------------------------


def test_an_administrator_resets_a_second_factor_and_ends_its_sessions(client, council):
    user = council["users"]["practitioner"]
    device, _ = set_up_app(user)
    password_step(client, user.email)
    client.post(reverse("accounts:second_factor_code"), {"code": code_now(device, 1)})
    assert client.get(reverse("home:home")).status_code == 200

    admin = Client()
    admin.force_login(council["users"]["administrator"])
    url = reverse("accounts:second_factor_reset", args=[user.pk])
    page = admin.get(url)
    assert page.status_code == 200 and "Reset second factor" in page.text
    done = admin.post(url)
    assert done["Location"] == reverse("admin:accounts_user_change", args=[user.pk])
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert sf.recovery_codes_left(user=user) == 0
    [event] = history(user, "second_factor_reset")
    assert event.actor_id == council["users"]["administrator"].pk
    assert event.changes == {
        "second_factor": [
            "authenticator app and 10 recovery codes",
            "reset: set up again at next sign-in",
        ]
    }

    # The session signed in with the old app ends; the next sign-in sets up a new one.
    ended = client.get(reverse("home:home"))
    assert ended.status_code == 302 and ended["Location"].startswith(reverse("accounts:sign_in"))
    assert not signed_in(client)
    assert password_step(client, user.email)["Location"] == reverse("accounts:second_factor_setup")


def test_only_administrators_reset_and_never_their_own(client_for, council):
    target = council["users"]["practitioner"]
    set_up_app(target)
    url = reverse("accounts:second_factor_reset", args=[target.pk])
    assert client_for("senior_leader").post(url).status_code == 403
    assert TOTPDevice.objects.filter(user=target).exists()

    admin = council["users"]["administrator"]
    set_up_app(admin)
    own = client_for("administrator").post(reverse("accounts:second_factor_reset", args=[admin.pk]))
    assert own.status_code == 403
    assert "Another administrator must" in own.text
    assert TOTPDevice.objects.filter(user=admin).exists()


def test_the_user_admin_page_has_the_reset_button(client_for, council):
    target = council["users"]["practitioner"]
    page = client_for("administrator").get(reverse("admin:accounts_user_change", args=[target.pk]))
    assert reverse("accounts:second_factor_reset", args=[target.pk]) in page.text


# --- the demonstration accounts -------------------------------------------------------------------


@pytest.fixture
def demo_user(db):
    user = User.objects.create_user(
        email="practitioner@demo.invalid", password=PASSWORD, full_name="Pat", role="practitioner"
    )
    demo_app_give(user=user)
    return user


def test_demo_users_have_the_published_secret(demo_user):
    device = TOTPDevice.objects.get(user=demo_user)
    assert device.confirmed and device.key == DEMO_TOTP_KEY
    demo_app_give(user=demo_user)  # a second run changes nothing
    assert TOTPDevice.objects.filter(user=demo_user).count() == 1
    assert len(history(demo_user, "second_factor_set_up")) == 1


def test_the_code_page_shows_a_demo_users_code_outside_production(client, demo_user, settings):
    settings.PRODUCTION = False
    device = TOTPDevice.objects.get(user=demo_user)
    password_step(client, demo_user.email)
    page = client.get(reverse("accounts:second_factor_code"))
    shown = re.search(r"the code now is <strong>(\d{6})</strong>", page.text).group(1)
    assert shown in {code_now(device), code_now(device, 1)}  # the step may turn meanwhile
    done = client.post(reverse("accounts:second_factor_code"), {"code": shown})
    assert done["Location"] == reverse("home:home")


def test_no_code_is_shown_in_production_or_for_a_council_account(
    client, council, demo_user, settings
):
    settings.PRODUCTION = True
    password_step(client, demo_user.email)
    assert "the code now is" not in client.get(reverse("accounts:second_factor_code")).text
    settings.PRODUCTION = False
    set_up_app(council["users"]["practitioner"])
    other = Client()
    password_step(other, "practitioner@example.org")
    assert "the code now is" not in other.get(reverse("accounts:second_factor_code")).text
