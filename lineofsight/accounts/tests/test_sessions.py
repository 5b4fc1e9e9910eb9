"""Sessions: a new key at sign-in, an absolute lifetime, the page of a person's sessions, and
every session ended by a new password or a disabled account."""

from __future__ import annotations

import datetime
import time

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD
from lineofsight.accounts import services
from lineofsight.accounts.models import UserSession
from lineofsight.accounts.sessions import (
    LAST_SEEN_KEY,
    SIGNED_IN_AT_KEY,
    browser_in_words,
)
from lineofsight.accounts.tests.second_factor_helpers import code_now, set_up_app, signed_in_client
from lineofsight.history.models import ChangeEvent
from lineofsight.history.services import capture
from lineofsight.operations import purge

pytestmark = pytest.mark.django_db

LIFETIME_MIDDLEWARE = "lineofsight.accounts.middleware.SessionLifetimeMiddleware"
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


@pytest.fixture(autouse=True)
def _lifetime_middleware(settings):
    # As in lineofsight/settings.py: after AuthenticationMiddleware and MessageMiddleware.
    if LIFETIME_MIDDLEWARE not in settings.MIDDLEWARE:
        middleware = list(settings.MIDDLEWARE)
        at = middleware.index("django.contrib.messages.middleware.MessageMiddleware") + 1
        middleware.insert(at, LIFETIME_MIDDLEWARE)
        settings.MIDDLEWARE = middleware


def _signed_in(user, *, agent: str = FIREFOX, address: str = "198.51.100.7") -> Client:
    return signed_in_client(user, PASSWORD, HTTP_USER_AGENT=agent, REMOTE_ADDR=address)


@pytest.fixture
def person(council):
    user = council["users"]["team_manager"]
    set_up_app(user)
    return user


def test_the_session_key_changes_at_each_step_of_signing_in(council, person):
    client = Client()
    client.get(reverse("accounts:sign_in"))
    client.session.save()
    anonymous_key = client.session.session_key
    client.post(reverse("accounts:sign_in"), {"email": person.email, "password": PASSWORD})
    password_key = client.cookies["sessionid"].value
    device = person.totpdevice_set.get(confirmed=True)
    client.post(reverse("accounts:second_factor_code"), {"code": code_now(device, 1)})
    signed_in_key = client.cookies["sessionid"].value
    assert len({anonymous_key, password_key, signed_in_key}) == 3
    assert not Session.objects.filter(session_key__in=[anonymous_key, password_key]).exists()
    assert UserSession.objects.get(user=person).session_key == signed_in_key


def test_signing_in_notes_the_session_and_writes_the_history(person):
    _signed_in(person)
    session = UserSession.objects.get(user=person)
    assert session.user_agent == FIREFOX
    assert session.ip_address == "198.51.100.7"
    event = ChangeEvent.objects.get(action="user_session_start")
    assert event.object_id == str(session.pk)
    assert session.session_key not in str(event.changes) + event.object_repr


def test_a_session_ends_after_its_absolute_lifetime_however_active(person, settings):
    settings.SESSION_ABSOLUTE_SECONDS = 3600
    client = _signed_in(person)
    assert client.get(reverse("home:home")).status_code == 200
    session = client.session
    session[SIGNED_IN_AT_KEY] = time.time() - 3601
    session.save()
    ended = client.get(reverse("home:home"))
    assert ended.status_code == 302
    assert ended["Location"].startswith(reverse("accounts:sign_in"))
    page = client.get(ended["Location"])
    assert "You have been signed out because you signed in more than 1 hour ago" in page.text
    assert not UserSession.objects.filter(user=person).exists()
    assert ChangeEvent.objects.filter(action="user_session_expire").count() == 1


def test_a_session_within_its_lifetime_carries_on(person, settings):
    settings.SESSION_ABSOLUTE_SECONDS = 3600
    client = _signed_in(person)
    session = client.session
    session[SIGNED_IN_AT_KEY] = time.time() - 3500
    session.save()
    assert client.get(reverse("home:home")).status_code == 200


def test_the_lifetime_is_twelve_hours_unless_set(person, settings):
    del settings.SESSION_ABSOLUTE_SECONDS
    client = _signed_in(person)
    session = client.session
    session[SIGNED_IN_AT_KEY] = time.time() - 11.9 * 3600
    session.save()
    assert client.get(reverse("home:home")).status_code == 200
    session = client.session
    session[SIGNED_IN_AT_KEY] = time.time() - 12.1 * 3600
    session.save()
    assert client.get(reverse("home:home")).status_code == 302


def test_last_seen_is_written_at_most_once_a_minute(person):
    long_ago = datetime.datetime(2026, 1, 1, 9, 0, tzinfo=datetime.UTC)
    client = _signed_in(person)
    UserSession.objects.update(last_seen=long_ago)
    client.get(reverse("home:home"))  # within a minute of the last write: nothing written
    assert UserSession.objects.get().last_seen == long_ago
    session = client.session
    session[LAST_SEEN_KEY] = time.time() - 61
    session.save()
    client.get(reverse("home:home"))
    assert UserSession.objects.get().last_seen > long_ago


def test_the_page_lists_the_persons_sessions_and_marks_this_one(person, council):
    here = _signed_in(person, agent=FIREFOX, address="198.51.100.7")
    _signed_in(person, agent=SAFARI_IPHONE, address="203.0.113.9")
    page = here.get(reverse("accounts:sessions"))
    assert page.status_code == 200
    assert "Firefox on Windows" in page.text
    assert "Safari on an iPhone" in page.text
    assert "203.0.113.9" in page.text
    assert page.text.count("This session") == 1
    current = UserSession.objects.get(session_key=here.session.session_key)
    assert f'id="session-{current.pk}"' in page.text
    # No button to end the session in use; one for the other.
    assert reverse("accounts:session_end", args=[current.pk]) not in page.text
    assert "End all other sessions" in page.text


def test_a_session_past_the_idle_timeout_is_not_listed(person, settings):
    here = _signed_in(person)
    _signed_in(person, agent=SAFARI_IPHONE)
    idle = datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE + 120)
    UserSession.objects.filter(user_agent=SAFARI_IPHONE).update(last_seen=timezone.now() - idle)
    page = here.get(reverse("accounts:sessions"))
    assert "Safari on an iPhone" not in page.text
    assert "You are not signed in anywhere else" in page.text


def test_ending_the_other_sessions_signs_them_out_and_keeps_this_one(person):
    here = _signed_in(person)
    elsewhere = _signed_in(person, agent=SAFARI_IPHONE)
    assert elsewhere.get(reverse("home:home")).status_code == 200
    done = here.post(reverse("accounts:sessions_end_others"), follow=True)
    assert "1 other session ended" in done.text
    assert elsewhere.get(reverse("home:home")).status_code == 302
    assert here.get(reverse("home:home")).status_code == 200
    assert list(UserSession.objects.values_list("session_key", flat=True)) == [
        here.session.session_key
    ]
    assert ChangeEvent.objects.filter(action="user_session_end").count() == 1


def test_ending_one_other_session(person):
    here = _signed_in(person)
    elsewhere = _signed_in(person, agent=SAFARI_IPHONE)
    other = UserSession.objects.get(user_agent=SAFARI_IPHONE)
    assert here.post(reverse("accounts:session_end", args=[other.pk])).status_code == 302
    assert elsewhere.get(reverse("home:home")).status_code == 302
    assert here.get(reverse("home:home")).status_code == 200


def test_ending_sessions_is_a_post(person):
    here = _signed_in(person)
    assert here.get(reverse("accounts:sessions_end_others")).status_code == 405
    assert UserSession.objects.count() == 1


def test_nobody_ends_or_sees_another_persons_session(person, council):
    theirs = _signed_in(person)
    outsider = council["users"]["administrator"]
    set_up_app(outsider)
    admin_client = _signed_in(outsider)
    their_session = UserSession.objects.get(user=person)
    response = admin_client.post(reverse("accounts:session_end", args=[their_session.pk]))
    assert response.status_code == 404
    assert theirs.get(reverse("home:home")).status_code == 200
    page = admin_client.get(reverse("accounts:sessions"))
    assert f'id="session-{their_session.pk}"' not in page.text
    # Ending "the others" ends only the administrator's own.
    admin_client.post(reverse("accounts:sessions_end_others"))
    assert theirs.get(reverse("home:home")).status_code == 200


def test_a_new_password_ends_every_session(person, council):
    one = _signed_in(person)
    two = _signed_in(person, agent=SAFARI_IPHONE)
    before = capture(person, services.USER_FIELDS)
    services.user_update(
        actor=council["users"]["administrator"],
        user=person,
        before=before,
        password="Another-long-one-77",
    )
    assert not UserSession.objects.filter(user=person).exists()
    assert not Session.objects.exists()
    assert one.get(reverse("home:home")).status_code == 302
    assert two.get(reverse("home:home")).status_code == 302
    event = ChangeEvent.objects.get(action="user_sessions_end_all")
    assert "2 (password changed)" in str(event.changes)


def test_a_disabled_account_ends_every_session(person, council):
    client = _signed_in(person)
    before = capture(person, services.USER_FIELDS)
    person.is_active = False
    services.user_update(actor=council["users"]["administrator"], user=person, before=before)
    assert not UserSession.objects.filter(user=person).exists()
    assert not Session.objects.exists()
    assert client.get(reverse("home:home")).status_code == 302
    event = ChangeEvent.objects.get(action="user_sessions_end_all")
    assert "account disabled" in str(event.changes)


def test_other_changes_to_a_person_leave_their_sessions(person, council):
    client = _signed_in(person)
    before = capture(person, services.USER_FIELDS)
    person.full_name = "Renamed Person"
    services.user_update(actor=council["users"]["administrator"], user=person, before=before)
    assert client.get(reverse("home:home")).status_code == 200


def test_the_admin_page_that_disables_someone_ends_their_sessions(person, council):
    client = _signed_in(person)
    admin_user = council["users"]["administrator"]
    admin_client = Client()
    admin_client.force_login(admin_user)
    url = reverse("admin:accounts_user_change", args=[person.pk])
    form = {
        "email": person.email,
        "full_name": person.full_name,
        "role": person.role,
        "service": "",
        "professional_id": "",
        "new_password": "",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }  # is_active left out: unticked
    response = admin_client.post(url, form)
    assert response.status_code == 302, response.content[:2000]
    assert client.get(reverse("home:home")).status_code == 302


def test_signing_out_removes_the_session_from_the_list(person):
    here = _signed_in(person)
    away = _signed_in(person, agent=SAFARI_IPHONE)
    away.post(reverse("accounts:sign_out"))
    assert "Safari on an iPhone" not in here.get(reverse("accounts:sessions")).text
    assert ChangeEvent.objects.filter(action="user_session_sign_out").count() == 1


def test_a_second_factor_reset_signs_out_and_forgets_the_session(person, council):
    from lineofsight.accounts.second_factor import second_factor_reset

    client = _signed_in(person)
    second_factor_reset(actor=council["users"]["administrator"], user=person)
    assert client.get(reverse("home:home")).status_code == 302
    assert not UserSession.objects.filter(user=person).exists()


def test_the_account_bar_links_to_the_sessions_page(person):
    client = _signed_in(person)
    assert reverse("accounts:sessions") in client.get(reverse("home:home")).text


def test_sessions_that_ended_are_purged(person):
    _signed_in(person)
    _signed_in(person, agent=SAFARI_IPHONE)
    UserSession.objects.filter(user_agent=SAFARI_IPHONE).update(
        last_seen=timezone.now() - datetime.timedelta(hours=14)
    )
    assert purge.purge_expired().ended_sessions == 1
    assert UserSession.objects.get().user_agent == FIREFOX


@pytest.mark.parametrize(
    ("agent", "words"),
    [
        (FIREFOX, "Firefox on Windows"),
        (SAFARI_IPHONE, "Safari on an iPhone"),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
            "Microsoft Edge on Windows",
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like "
            "Gecko) Chrome/131.0.0.0 Safari/537.36",
            "Chrome on a Mac",
        ),
        ("", "An unknown browser"),
    ],
)
def test_browsers_in_plain_words(agent, words):
    assert browser_in_words(agent) == words
