"""Issue 12: the children behind a figure. Those who did not meet the measure come first, a
filter lists only them, and the page and CSV speak plainly ("Met the measure: Yes/No", dates
in UK format, codes in words). Every child shown is still access-logged."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.urls import reverse

from lineofsight.accounts.models import AccessLogEntry
from lineofsight.indicators import behind, catalogue, engine
from lineofsight.indicators.engine import ChildRow
from lineofsight.worklists.tests.snapshots import east_snapshot

from .handmade import handmade_snapshot

pytestmark = pytest.mark.django_db

VISITS = "cp_visits_in_time_pct"  # higher is better: counted in the figure = met
REREFERRALS = "rereferral_12m_pct"  # lower is better: counted in the figure = not met
REFERRALS = "referrals"  # a volume: no measure to meet


def _url(indicator_id: str, export: bool = False) -> str:
    name = "indicators:children_export" if export else "indicators:children"
    return reverse(name, kwargs={"indicator_id": indicator_id})


@pytest.fixture
def rows(council, monkeypatch):
    east_snapshot()
    east = council["teams"]["east"].pk
    found = [
        ChildRow("E1", "numerator", east, "visit due 2 May 2024, made 1 May 2024"),
        ChildRow("E2", "denominator", east, "visit due 9 May 2024, not made"),
        ChildRow("E3", "numerator", east, "visit due 3 May 2024, made 3 May 2024"),
        ChildRow("E4", "denominator", east, "visit due 10 May 2024, not made"),
    ]
    monkeypatch.setattr(engine, "children_behind", lambda **kwargs: list(found))
    return found


def _listed(html: str) -> list[tuple[str, str]]:
    """(person id, met) for each row of the table, in order."""
    body = html[html.index("<tbody") : html.index("</tbody>")]
    out = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S):
        pid = re.search(r'<span class="govuk-body-s">([^<]+)</span>', row)[1]
        met = re.search(r'govuk-tag--(?:green|red)">(Yes|No)<', row)
        out.append((pid, met[1] if met else ""))
    return out


def test_those_who_did_not_meet_the_measure_come_first(client_for, rows):
    html = client_for("qa_lead").get(_url(VISITS)).content.decode()
    assert _listed(html) == [("E2", "No"), ("E4", "No"), ("E1", "Yes"), ("E3", "Yes")]
    assert ">Met the measure</th>" in html
    assert "Fewer than 5 of the fewer than 5 children listed here did not meet the measure" in html
    assert 'aria-current="page">Everyone, not met first<' in html


def test_filter_to_only_those_who_did_not_meet_it(client_for, council, rows):
    client = client_for("qa_lead")
    response = client.get(_url(VISITS), {"met": "no"})
    html = response.content.decode()
    assert _listed(html) == [("E2", "No"), ("E4", "No")]
    assert 'aria-current="page">Not met only<' in html
    # The CSV link and the area form keep the filter.
    assert re.search(r"children\.csv\?[^\"]*met=no", html)
    assert '<input type="hidden" name="met" value="no">' in html
    # Only the children shown are logged as seen (and the list itself).
    logged = AccessLogEntry.objects.filter(user=council["users"]["qa_lead"])
    assert set(logged.values_list("person_id", flat=True)) == {"E2", "E4", f"list:{VISITS}"}

    html = client.get(_url(VISITS), {"met": "yes"}).content.decode()
    assert _listed(html) == [("E1", "Yes"), ("E3", "Yes")]


def test_lower_is_better_counts_the_figure_as_not_met(client_for, rows):
    html = client_for("qa_lead").get(_url(REREFERRALS), {"met": "no"}).content.decode()
    assert _listed(html) == [("E1", "No"), ("E3", "No")]  # re-referred: counted in the figure


def test_a_count_has_no_measure_and_refuses_the_filter(client_for, rows):
    client = client_for("qa_lead")
    html = client.get(_url(REFERRALS)).content.decode()
    assert "Met the measure" not in html and "Not met only" not in html
    response = client.get(_url(REFERRALS), {"met": "no"})
    assert response.status_code == 400
    assert "not a measure a child meets" in response.content.decode()


@pytest.mark.parametrize("value", ["maybe", "0", "unmet"])
def test_a_bad_filter_is_refused(client_for, rows, value):
    for export in (False, True):
        response = client_for("qa_lead").get(_url(VISITS, export), {"met": value})
        assert response.status_code == 400
        assert "Choose who to list" in response.content.decode()
    assert not AccessLogEntry.objects.exists()


def test_csv_has_plain_headings_and_the_filter(client_for, council, rows):
    response = client_for("qa_lead").get(_url(VISITS, export=True), {"met": "no"})
    text = response.content.decode()
    table = list(csv.reader(io.StringIO(text)))
    assert text.splitlines()[0] == (
        "Indicator,Period ending,Area,Child's ID,Name,Met the measure,In the figure,Team,Detail,"
        "Data as at"
    )
    assert [(r[3], r[5], r[6]) for r in table[1:]] == [
        ("E2", "No", "Out of only"),
        ("E4", "No", "Out of only"),
    ]
    title = catalogue.get(VISITS).title
    assert {r[0] for r in table[1:]} == {title}
    for row in table[1:]:
        assert re.fullmatch(r"\d\d/\d\d/\d{4}", row[1]) and re.fullmatch(r"\d\d/\d\d/\d{4}", row[9])
    assert not re.search(r"\d{4}-\d\d-\d\d|_", response.content.decode().split("\n", 1)[1])


def test_real_rows_have_dates_in_words_and_no_codes(client_for, council):
    handmade_snapshot()
    client = client_for("qa_lead")
    for indicator_id in (VISITS, "cla_reviews_in_time_pct", "care_leavers_in_touch_pct"):
        html = client.get(_url(indicator_id)).content.decode()
        table = html[html.index("<tbody") : html.index("</tbody>")]
        assert "govuk-tag--red" in table, indicator_id  # someone did not meet it
        assert not re.search(r"\d{4}-\d\d-\d\d", table), indicator_id
        assert not re.search(r"in touch: [A-Z]{2,}", table), indicator_id
        listed = _listed(html)
        first_met = next((i for i, (_, m) in enumerate(listed) if m == "Yes"), len(listed))
        assert all(m == "No" for _, m in listed[:first_met])
        assert all(m == "Yes" for _, m in listed[first_met:])


def test_in_touch_codes_in_words():
    assert behind.plain_detail("aged 19; in touch: NREQ") == (
        "aged 19; in touch: no longer requires services"
    )
    assert behind.plain_detail("aged 18; in touch: REFU") == (
        "aged 18; in touch: the young person refuses contact"
    )
    assert behind.plain_detail("aged 18; in touch: not recorded") == (
        "aged 18; in touch: not recorded"
    )
