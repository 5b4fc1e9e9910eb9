"""The child's chronology: codes shown as words, the order of events, and the way back."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from lineofsight.accounts.models import AccessLogEntry
from lineofsight.casework import codewords, rules, schema
from lineofsight.worklists.tests.snapshots import (
    AS_AT,
    build_snapshot,
    case_notes,
    east_derived,
    east_tables,
)


def _chronology(client, person_id="E3", **params):
    return client.get(reverse("children:chronology", args=[person_id]), params)


def _dates(page: str) -> list[str]:
    """The event dates in the order the table lists them (yyyy-mm-dd, from <time>)."""
    body = page.split("<tbody", 1)[1]
    return re.findall(r'<time datetime="(\d{4}-\d{2}-\d{2})">', body)


# -- the code lists ------------------------------------------------------------------------------


def test_a_known_code_reads_as_words_and_an_unknown_one_as_the_code():
    assert codewords.describe("cin_close_reason", "RC8") == (
        "Case closed after assessment, no further action"
    )
    assert codewords.describe("placement_type", " u6 ") == (
        "Foster placement with other foster carers: not long term"
    )
    assert codewords.describe("cp_category", "NEG") == "Neglect"
    assert codewords.describe("legal_status", "C2") == "Full care order"
    assert codewords.describe("placement_type", "Q9") == "Not in the code list (code Q9)"
    # A council's own words are not a code: they are shown as written.
    assert codewords.describe("worker_change_reason", "Worker left") == "Worker left"
    assert codewords.describe("cp_category", "Multiple: Neglect, Emotional abuse") == (
        "Multiple: Neglect, Emotional abuse"
    )
    assert codewords.describe("primary_need", None) == ""
    assert codewords.describe_field("ssd_cin_episodes", "cine_close_reason", "RC2") == "Died"


def test_every_code_the_import_accepts_has_words():
    """A code that the import lets through (casework.rules) must never show as a bare code."""
    for (table, field), code_set in rules.CODE_SETS.items():
        code_list = codewords.FIELDS.get((table, field))
        if code_list is None:
            continue
        known = {c.upper() for c in codewords.CODE_LISTS[code_list]}
        missing = sorted(code_set.values - known)
        assert not missing, f"{table}.{field}: no words for {missing}"


@pytest.mark.parametrize(
    ("table", "field"),
    [
        ("ssd_cin_episodes", "cine_close_reason"),
        ("ssd_cin_episodes", "cine_cin_primary_need_code"),
        ("ssd_cla_placement", "clap_cla_placement_type"),
        ("ssd_cla_placement", "clap_cla_placement_provider"),
        ("ssd_cla_placement", "clap_cla_placement_change_reason"),
        ("ssd_cla_episodes", "clae_cla_episode_ceased_reason"),
        ("ssd_cla_episodes", "clae_cla_episode_start_reason"),
        ("ssd_care_leavers", "clea_care_leaver_in_touch"),
        ("ssd_care_leavers", "clea_care_leaver_accommodation"),
        ("ssd_involvements", "invo_worker_change_reason"),
    ],
)
def test_the_codes_are_those_of_the_ssd_specification(table, field):
    """Each code in a list taken from the SSD guidance appears in that guidance."""
    import yaml

    spec = yaml.safe_load((schema.SPEC_DIR / f"{table}.yml").read_text())
    node = next(n for n in spec["nodes"] if n["name"] == table)
    guidance = next(f for f in node["fields"] if f["name"] == field)["guidance"]
    codes = codewords.CODE_LISTS[codewords.FIELDS[(table, field)]]
    for code in codes:
        assert re.search(rf"\b{re.escape(code)}\b", guidance), f"{code} not in {field}"
    assert schema.tables()[table].field(field)  # the field is one the snapshot holds


# -- the page ------------------------------------------------------------------------------------


def test_the_chronology_shows_codes_as_words(client_for, council, east):
    page = _chronology(client_for("team_manager")).content.decode()
    assert "Placement type: Foster placement with other foster carers: long term" in page
    assert "Placement type: Foster placement with relatives or friends: long term" in page
    assert "Reason: Started to be looked after" in page
    # The placement's change reason "CHG" is in no code list: the code itself shows.
    assert "Reason for change: Not in the code list (code CHG)" in page
    assert "Type U4" not in page and "Type U1" not in page

    page = _chronology(client_for("team_manager"), "E1").content.decode()
    assert "Category of need: Abuse or neglect" in page
    assert "Category of abuse: Neglect" in page
    # A council's own words for a worker change are shown as they are.
    assert "Reason for change: Worker left" in page


def test_codes_of_every_kind_on_the_chronology(client_for, council):
    tables = east_tables()
    tables["ssd_cin_episodes"][0].update(
        {
            "cine_close_date": "2024-05-01",
            "cine_close_reason": "RC8",
            "cine_referral_source_code": "6",
        }
    )
    tables["ssd_legal_status"] = [
        {"lega_legal_status_id": "G1", "lega_person_id": "E3", "lega_legal_status": "C2",
         "lega_legal_status_start_date": "2022-01-10"},
        {"lega_legal_status_id": "G2", "lega_person_id": "E3", "lega_legal_status": "ZZ",
         "lega_legal_status_start_date": "2022-03-10"},
    ]  # fmt: skip
    build_snapshot(tables=tables, derived=east_derived(), as_at=AS_AT)
    client = client_for("team_manager")
    e1 = _chronology(client, "E1").content.decode()
    assert "Reason for closure: Case closed after assessment, no further action" in e1
    assert "Source: Police" in e1
    e3 = _chronology(client, "E3").content.decode()
    assert "Legal status: Full care order" in e3
    assert "Legal status: Not in the code list (code ZZ)" in e3


def test_newest_first_by_default_and_oldest_first_on_request(client_for, council, east):
    client = client_for("team_manager")
    newest = _chronology(client, "E1")
    assert newest.status_code == 200
    dates = _dates(newest.content.decode())
    assert len(dates) > 3
    assert dates == sorted(dates, reverse=True)
    assert "newest first</caption>" in newest.content.decode()

    oldest = _chronology(client, "E1", order="oldest")
    assert _dates(oldest.content.decode()) == sorted(dates)
    assert "oldest first</caption>" in oldest.content.decode()
    assert _dates(_chronology(client, "E1", order="newest").content.decode()) == dates


def test_an_order_the_page_does_not_know_is_refused(client_for, council, east):
    response = _chronology(client_for("team_manager"), "E1", order="sideways")
    assert response.status_code == 400
    page = response.content.decode()
    assert "sideways" in page and "newest or oldest" in page
    assert "Amy" not in page  # nothing of the child's record is shown
    # Nothing was shown, so nothing is logged as seen.
    assert not AccessLogEntry.objects.filter(person_id="E1").exists()


def _back(page: str) -> str:
    found = re.search(r'<a href="([^"]*)" class="govuk-back-link">', page)
    assert found, "no back link"
    return found[1].replace("&amp;", "&")


def test_the_back_link_goes_where_the_user_came_from(client_for, council, east):
    client = client_for("team_manager")
    team = reverse("worklists:team", args=[council["teams"]["east"].pk])
    # A `back` path on this site.
    page = _chronology(client, "E1", back=f"{team}?flag=visit_overdue").content.decode()
    assert _back(page) == f"{team}?flag=visit_overdue"
    # Without one, the page the browser came from, if it is on this site.
    page = client.get(
        reverse("children:chronology", args=["E1"]),
        headers={"referer": f"http://testserver{team}?page=2"},
    ).content.decode()
    assert _back(page) == f"{team}?page=2"
    # With neither, the worklists.
    assert _back(_chronology(client, "E1").content.decode()) == reverse("worklists:index")
    # The order links keep the way back.
    page = _chronology(client, "E1", back=team).content.decode()
    assert f"order=oldest&amp;back={team.replace('/', '%2F')}" in page


@pytest.mark.parametrize(
    "back",
    [
        "https://evil.example/phish",
        "//evil.example/phish",
        "/\\evil.example",
        "javascript:alert(1)",
        "worklists/",
        "http://testserver/audits/",  # a full address, even to this site: paths only
    ],
)
def test_the_back_link_takes_only_paths_on_this_site(client_for, council, east, back):
    client = client_for("team_manager")
    page = _chronology(client, "E1", back=back).content.decode()
    assert _back(page) == reverse("worklists:index")
    assert "evil" not in page and "javascript:" not in page


def test_a_referer_from_another_site_is_not_a_way_back(client_for, council, east):
    page = (
        client_for("team_manager")
        .get(
            reverse("children:chronology", args=["E1"]),
            headers={"referer": "https://evil.example/worklists/"},
        )
        .content.decode()
    )
    assert _back(page) == reverse("worklists:index")


# -- case notes ----------------------------------------------------------------------------------


def test_the_chronology_lists_case_notes_newest_first_a_page_at_a_time(client_for, council):
    tables = east_tables()
    tables["case_notes"] = case_notes("E1", 25, text="Note {i}: saw the child at home.")
    build_snapshot(tables=tables, derived=east_derived(), as_at=AS_AT)
    client = client_for("team_manager")
    first = _chronology(client, "E1").content.decode()
    assert "25 case notes" in first and "page 1 of 2" in first
    assert first.index("Note 24:") < first.index("Note 23:") < first.index("Note 5:")
    assert "Note 4:" not in first
    assert "Written by Pat Practitioner" in first
    second = _chronology(client, "E1", notes_page="2").content.decode()
    assert "Note 4:" in second and "Note 0:" in second and "Note 5:" not in second
    # A page past the last shows the last; a page that is not a number is refused.
    assert "Note 0:" in _chronology(client, "E1", notes_page="9").content.decode()
    assert _chronology(client, "E1", notes_page="two").status_code == 400
    # Another child's notes are not listed.
    assert "No case notes are recorded for this child" in _chronology(client, "E3").content.decode()
