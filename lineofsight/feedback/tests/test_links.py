"""One-time feedback links: made by staff, shown once, stored only hashed, used once, and the
public page behind them: no sign-in, nothing shown back, the same page for every bad link,
and a limit on how many bad links one address may try."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lineofsight.feedback import services
from lineofsight.feedback.models import Channel, Feedback, FeedbackLink, FromWhom, Rating
from lineofsight.history.models import ChangeEvent

pytestmark = pytest.mark.django_db

WENT_WELL = "Sam came to my school play and stayed to the end"
BETTER = "I would like to know when the next meeting is"
UNAVAILABLE = "This link has already been used or has expired"


def new_link(council, *, for_whom="child", team="east"):
    return services.feedback_link_create(
        actor=council["users"]["practitioner"], team=council["teams"][team], for_whom=for_whom
    )


def submit(client, path, **extra):
    data = {"rating": "happy", "went_well": WENT_WELL, "could_be_better": BETTER, "share": "on"}
    data.update(extra)
    return client.post(path, data)


def test_staff_page_shows_the_link_once_and_stores_only_its_hash(council, client_for):
    response = client_for("practitioner").post(
        reverse("feedback:link_create"),
        {"team": council["teams"]["east"].pk, "for_whom": "child"},
    )
    assert response.status_code == 200
    match = re.search(r'value="(http://testserver/feedback/([A-Za-z0-9_-]+)/)"', response.text)
    assert match, response.text
    token = match.group(2)
    assert len(token) >= 43  # secrets.token_urlsafe(32): 256 bits
    assert "It works once, and stops working on" in response.text
    assert "no-store" in response["Cache-Control"]
    link = FeedbackLink.objects.get()
    assert link.token_hash == services.token_hash(token) != token
    expected_expiry = timezone.now() + datetime.timedelta(days=14)
    assert abs((link.expires_at - expected_expiry).total_seconds()) < 60
    # The raw token is nowhere in the database: not in the link's row, not in the history.
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - test of our own tables
            for row in cursor.fetchall():
                assert not any(token in str(value) for value in row), table


def test_link_lifetime_follows_the_setting(council, settings):
    settings.FEEDBACK_LINK_DAYS = 3
    link = new_link(council).link
    assert (link.expires_at - link.created_at).days in (2, 3)


def test_administrators_may_not_make_links_and_teams_are_scoped(council, client_for):
    assert client_for("administrator").get(reverse("feedback:link_create")).status_code == 403
    response = client_for("practitioner").post(
        reverse("feedback:link_create"),
        {"team": council["teams"]["cic"].pk, "for_whom": "child"},
    )
    assert response.status_code == 400
    assert not FeedbackLink.objects.exists()


def test_a_link_works_once(council):
    created = new_link(council, for_whom="carer")
    client = Client()
    page = client.get(created.path)
    assert page.status_code == 200
    assert "Tell us what you think" in page.text

    response = submit(client, created.path)
    assert response.status_code == 302
    assert response["Location"] == reverse("feedback:thanks")

    item = Feedback.objects.get()
    assert item.channel == Channel.ONE_TIME_LINK
    assert item.created_by is None
    assert item.from_whom == FromWhom.CARER
    assert item.rating == Rating.HAPPY
    assert item.team == council["teams"]["east"]
    assert item.consent_to_share is True
    assert WENT_WELL in item.text and BETTER in item.text
    created.link.refresh_from_db()
    assert created.link.used_at is not None
    assert ChangeEvent.objects.filter(action="feedback_link_submit").count() == 1

    again = submit(client, created.path)
    assert again.status_code == 404
    assert UNAVAILABLE in again.text
    assert client.get(created.path).status_code == 404
    assert Feedback.objects.count() == 1


def test_a_second_submission_through_the_service_is_refused(council):
    created = new_link(council)
    args = {
        "token": created.token,
        "rating": "okay",
        "went_well": "",
        "could_be_better": "More visits",
        "consent_to_share": False,
    }
    services.feedback_link_submit(**args)
    with pytest.raises(services.LinkUnavailable):
        services.feedback_link_submit(**args)
    assert Feedback.objects.count() == 1


def test_the_update_guard_refuses_a_link_used_after_it_was_read(council, monkeypatch):
    """Two submissions racing: both read the link as unused; only one UPDATE can succeed."""
    created = new_link(council)
    read = services.usable_link(created.token)
    FeedbackLink.objects.filter(pk=read.pk).update(used_at=timezone.now())  # the other one won
    monkeypatch.setattr(services, "usable_link", lambda token: read)
    with pytest.raises(services.LinkUnavailable):
        services.feedback_link_submit(
            token=created.token,
            rating="happy",
            went_well="",
            could_be_better="",
            consent_to_share=False,
        )
    assert not Feedback.objects.exists()


def _page(client, path):
    response = client.get(path)
    return response.status_code, response.text


def test_unknown_used_and_expired_links_get_the_same_page(council):
    used = new_link(council)
    services.feedback_link_submit(
        token=used.token, rating="happy", went_well="", could_be_better="", consent_to_share=False
    )
    expired = new_link(council)
    FeedbackLink.objects.filter(pk=expired.link.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    client = Client()
    made_up = reverse("feedback:public", kwargs={"token": "x" * 43})
    near_miss = reverse("feedback:public", kwargs={"token": used.token[:-1] + "A"})
    pages = {_page(client, p) for p in (made_up, near_miss, used.path, expired.path)}
    assert len(pages) == 1
    status, text = pages.pop()
    assert status == 404 and UNAVAILABLE in text
    assert submit(client, expired.path).status_code == 404
    assert Feedback.objects.count() == 1


def test_the_public_pages_show_nothing_of_what_was_sent(council):
    created = new_link(council)
    client = Client()
    response = submit(client, created.path)
    assert WENT_WELL not in response.content.decode()
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    assert "Thank you" in thanks.text
    for sent in (WENT_WELL, BETTER, "Happy", created.link.team.name):
        assert sent not in thanks.text
    assert "sessionid" not in client.cookies  # no session is made for the sender


def test_the_public_page_needs_something(council):
    created = new_link(council)
    response = Client().post(created.path, {"rating": "", "went_well": " ", "could_be_better": ""})
    assert response.status_code == 400
    assert "Choose how you feel, or write something" in response.text
    assert not Feedback.objects.exists()
    created.link.refresh_from_db()
    assert created.link.used_at is None  # the link still works


def test_the_public_page_keeps_csrf_protection(council):
    created = new_link(council)
    response = submit(Client(enforce_csrf_checks=True), created.path)
    assert response.status_code == 403
    assert not Feedback.objects.exists()


def test_a_signed_in_member_of_staff_gets_the_same_public_page(council, client_for):
    created = new_link(council)
    client = client_for("team_manager")
    assert client.get(created.path).status_code == 200
    submit(client, created.path)
    assert Feedback.objects.get().created_by is None


def test_too_many_bad_links_from_one_address_are_refused(council, settings):
    settings.FEEDBACK_LINK_MAX_FAILURES = 3
    good = new_link(council)
    client = Client(REMOTE_ADDR="203.0.113.7")
    for n in range(3):
        bad = reverse("feedback:public", kwargs={"token": f"guess-number-{n}-abcdefghijkl"})
        assert client.get(bad).status_code == 404
    refused = client.get(good.path)
    assert refused.status_code == 429
    assert "too many tries" in refused.text
    assert submit(client, good.path).status_code == 429
    assert not Feedback.objects.exists()
    # Another address is not affected; and a working link does not count against anyone.
    other = Client(REMOTE_ADDR="198.51.100.2")
    assert other.get(good.path).status_code == 200
    assert submit(other, good.path).status_code == 302


def test_the_limit_lifts_after_the_window(council, settings):
    from lineofsight.feedback.models import LinkAttempt

    settings.FEEDBACK_LINK_MAX_FAILURES = 1
    client = Client(REMOTE_ADDR="203.0.113.8")
    bad = reverse("feedback:public", kwargs={"token": "guess-abcdefghijklmnop"})
    assert client.get(bad).status_code == 404
    assert client.get(bad).status_code == 429
    LinkAttempt.objects.update(at=timezone.now() - datetime.timedelta(minutes=11))
    assert client.get(bad).status_code == 404
