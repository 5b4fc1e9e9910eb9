"""Issue 12: bringing several children to the team's next group supervision session straight from
the worklist, with the children ticked kept across its pages (in the user's session, per team),
and refused for children the user may not see."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from lineofsight.accounts.models import AccessLogEntry
from lineofsight.history.models import ChangeEvent
from lineofsight.supervision import services
from lineofsight.supervision.models import SessionCase
from lineofsight.worklists import views as worklist_views
from lineofsight.worklists.selection import SESSION_KEY

from .helpers import make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_pages(monkeypatch):
    """Three children to a page, so East's five children take two pages (by id: E1-E3, E4-E5)."""
    monkeypatch.setattr(worklist_views, "PAGE_SIZE", 3)


def worklist_url(council, page: int = 1) -> str:
    base = reverse("worklists:team", kwargs={"team_id": council["teams"]["east"].pk})
    return f"{base}?sort=child&order=asc&page={page}"


def selection_url(council, team: str = "east") -> str:
    return reverse("supervision:selection", kwargs={"team_id": council["teams"][team].pk})


def post(client, council, *, ticked, shown, action, page=1, session=None, team="east"):
    data = {
        "person_id": list(ticked),
        "shown": list(shown),
        "action": action,
        "next": worklist_url(council, page),
    }
    if session is not None:
        data["session"] = session.pk
    return client.post(selection_url(council, team), data)


def ticked_on(html: str) -> set[str]:
    return set(re.findall(r'name="person_id" type="checkbox" value="([^"]+)" checked', html))


def kept(client, council) -> list[str]:
    return client.session.get(SESSION_KEY, {}).get(str(council["teams"]["east"].pk), [])


def test_children_ticked_on_two_pages_are_brought_to_the_next_session(
    client_for, council, east, small_pages
):
    today = timezone.localdate()
    make_session(council, today - datetime.timedelta(days=7))
    upcoming = make_session(council, today + datetime.timedelta(days=3))
    make_session(council, today + datetime.timedelta(days=17))
    client = client_for("team_manager")

    page_one = client.get(worklist_url(council, 1)).content.decode()
    assert re.findall(r'href="/children/([^/"]+)/"', page_one) == ["E1", "E2", "E3"]
    assert "Bring to supervision" in page_one and "children selected" not in page_one
    # The session offered first is the next one to come, not the latest or the last held.
    assert re.search(rf'<option value="{upcoming.pk}" selected>[^<]*the next session', page_one)

    # Page 1: tick Amy and Ben, keep them, and move on.
    response = post(client, council, ticked=["E1", "E2"], shown=["E1", "E2", "E3"], action="keep")
    assert response.status_code == 302 and response.url == worklist_url(council, 1)
    assert kept(client, council) == ["E1", "E2"]
    page_one = client.get(worklist_url(council, 1)).content.decode()
    assert ticked_on(page_one) == {"E1", "E2"}
    assert "2 children selected" in page_one

    # Page 2 says so too; tick Dan there and bring all three at once.
    page_two = client.get(worklist_url(council, 2)).content.decode()
    assert re.findall(r'href="/children/([^/"]+)/"', page_two) == ["E4", "E5"]
    assert "2 children selected" in page_two and ticked_on(page_two) == set()
    review = selection_url(council)
    assert f'href="{review}"' in page_two

    response = post(
        client, council, ticked=["E4"], shown=["E4", "E5"], action="bring", page=2,
        session=upcoming,
    )  # fmt: skip
    assert response.status_code == 302
    assert response.url == reverse("supervision:session", kwargs={"pk": upcoming.pk})
    assert set(upcoming.cases.values_list("person_id", flat=True)) == {"E1", "E2", "E4"}
    assert ChangeEvent.objects.filter(action="session_case_nominate").count() == 3
    assert "3 children added to the session" in client.get(response.url).content.decode()
    # Nominated: the selection is cleared.
    assert kept(client, council) == []
    assert "children selected" not in client.get(worklist_url(council, 1)).content.decode()


def test_unticking_a_child_takes_them_out_and_keeps_the_other_pages(
    client_for, council, east, small_pages
):
    make_session(council, timezone.localdate())
    client = client_for("team_manager")
    post(client, council, ticked=["E1", "E2"], shown=["E1", "E2", "E3"], action="keep")
    post(client, council, ticked=["E5"], shown=["E4", "E5"], action="keep", page=2)
    post(client, council, ticked=["E2"], shown=["E1", "E2", "E3"], action="keep")
    assert kept(client, council) == ["E2", "E5"]

    # The review page names them (and logs that it did), and can clear them.
    html = client.get(selection_url(council)).content.decode()
    assert "2 children selected" in html and "Ben Brook" in html and "Eve Eaton" in html
    assert "Amy Ashby" not in html
    logged = AccessLogEntry.objects.filter(path=selection_url(council))
    assert sorted(logged.values_list("person_id", flat=True)) == ["E2", "E5"]
    client.post(selection_url(council), {"action": "clear", "next": selection_url(council)})
    assert kept(client, council) == []
    assert "No children are selected" in client.get(selection_url(council)).content.decode()


def test_a_child_outside_the_users_scope_is_refused_and_nothing_changes(client_for, council, east):
    session = make_session(council, timezone.localdate())
    client = client_for("team_manager")
    post(client, council, ticked=["E1"], shown=["E1"], action="keep")

    # W1 is West's child: neither kept nor brought, and what was kept stays as it was.
    response = post(client, council, ticked=["E2", "W1"], shown=["E2", "W1"], action="keep")
    assert response.status_code == 302
    assert kept(client, council) == ["E1"]
    html = client.get(response.url).content.decode()
    assert "Nothing was changed: W1 is not a child on East&#x27;s worklist" in html

    response = post(client, council, ticked=["W1"], shown=["W1"], action="bring", session=session)
    assert not SessionCase.objects.exists()
    assert kept(client, council) == ["E1"]
    assert "Nothing was changed: W1" in client.get(response.url).content.decode()

    # Another team's selection page is not found; a session of another team is refused.
    assert client.get(selection_url(council, "west")).status_code == 404
    assert post(
        client, council, ticked=["E1"], shown=["E1"], action="keep", team="west"
    ).status_code == 404  # fmt: skip
    qa = client_for("qa_lead")
    west = services.session_create(
        actor=council["users"]["qa_lead"],
        team=council["teams"]["west"],
        held_on=timezone.localdate(),
        facilitator=council["users"]["qa_lead"],
    )
    response = post(qa, council, ticked=["E1"], shown=["E1"], action="bring", session=west)
    assert not SessionCase.objects.exists()
    assert "Choose a session of East" in qa.get(response.url).content.decode()


def test_who_may_select(client_for, council, east):
    make_session(council, timezone.localdate())
    for role in ("practitioner", "service_manager", "senior_leader", "administrator"):
        client = client_for(role)
        assert client.get(selection_url(council)).status_code == 403, role
        assert post(client, council, ticked=["E1"], shown=["E1"], action="keep").status_code == 403
    # A practitioner's view of the team has no boxes to tick.
    html = client_for("practitioner").get(worklist_url(council)).content.decode()
    assert 'name="person_id"' not in html and "Bring to supervision" not in html


def test_bringing_without_a_session_or_a_child_says_what_to_do(client_for, council, east):
    client = client_for("team_manager")
    html = client.get(worklist_url(council)).content.decode()
    assert "There is no group supervision session for this team yet" in html
    assert "Keep ticked children" in html  # ticks can be kept until a session is set up

    session = make_session(council, timezone.localdate())
    response = post(client, council, ticked=[], shown=["E1", "E2"], action="bring", session=session)
    assert (
        "Tick at least one child to bring to supervision"
        in client.get(response.url).content.decode()
    )
    response = post(client, council, ticked=["E1"], shown=["E1"], action="evil")
    assert (
        "Choose Keep ticked children or Bring to supervision"
        in client.get(response.url).content.decode()
    )
    assert kept(client, council) == []


def test_the_service_refuses_all_or_nothing(council, east):
    session = make_session(council, timezone.localdate())
    manager = council["users"]["team_manager"]
    with pytest.raises(services.NotOnWorklist) as refused:
        services.session_nominate_many(actor=manager, session=session, person_ids=["E1", "C1"])
    assert refused.value.refused == ["C1"]
    assert not SessionCase.objects.exists()

    result = services.session_nominate_many(
        actor=manager, session=session, person_ids=["E1", "E3", " E1 "]
    )
    assert sorted(c.person_id for c in result.added) == ["E1", "E3"]
    again = services.session_nominate_many(actor=manager, session=session, person_ids=["E1"])
    assert again.added == [] and again.already == ["E1"]


def test_nominating_from_a_session_page_takes_those_children_out_of_the_selection(
    client_for, council, east
):
    session = make_session(council, timezone.localdate())
    client = client_for("team_manager")
    post(client, council, ticked=["E1", "E2"], shown=["E1", "E2"], action="keep")
    client.post(
        reverse("supervision:nominate"),
        {"session": session.pk, "person_id": ["E1"], "next": worklist_url(council)},
    )
    assert kept(client, council) == ["E2"]
