"""Issue 11: every figure on the themes pages goes through the small-number rule, and everything
the pages gather is limited to the requesting user's scope."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from lineofsight.audits.tests import factories
from lineofsight.casework import store
from lineofsight.indicators import engine
from lineofsight.indicators.types import IndicatorValue
from lineofsight.practiceweeks.tests import factories as week_factories
from lineofsight.themes import selectors
from lineofsight.themes.tests import evidence
from lineofsight.themes.tests.evidence import THEME
from lineofsight.web.figures import FEWER_THAN_5

pytestmark = pytest.mark.django_db

NUMERIC_CELL = re.compile(
    r'<td class="govuk-table__cell govuk-table__cell--numeric">\s*(.*?)\s*</td>', re.S
)


def _observation(council, team: str, text: str):
    week = week_factories.week(council)
    visit = week_factories.visit(
        council, week, team=council["teams"][team], assessor=council["users"]["qa_lead"]
    )
    texts = dict(week_factories.DEFAULT_FINDINGS)
    key = next(iter(texts))
    texts[key] = text
    return week_factories.observation(
        council, visit, submit=True, texts=texts, themes={text: [THEME]}
    )


def _numeric_cells(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in NUMERIC_CELL.findall(html)]


def test_detail_page_never_shows_a_count_of_1_to_4(council, client_for):
    # Two audits answer "no" and one "yes" to every linked question: counts of 2 and 1.
    evidence.audit(council, person_id="W1", team="west", answer="no")
    evidence.audit(council, person_id="W2", team="west", answer="no")
    evidence.audit(council, person_id="E3", team="east", answer="yes")
    item = evidence.feedback(council, team="east", by="qa_lead")
    evidence.action(council, team="east", issue="Ask every child first.", source=item)

    t = selectors.triangulation(council["users"]["qa_lead"], THEME)
    assert t.audits and all((r.yes, r.no) == (1, 2) for r in t.audits)  # the data is small

    html = client_for("qa_lead").get(reverse("themes:detail", kwargs={"key": THEME})).text
    cells = _numeric_cells(html)
    assert cells, "the audit table has numeric cells"
    assert not [c for c in cells if c in {"1", "2", "3", "4"}]
    assert cells.count(FEWER_THAN_5) >= 2 * len(t.audits)  # the yes and the no of every row
    # The counts beside each source's link are suppressed too.
    assert f"Feedback from children and families</a> ({FEWER_THAN_5})" in html
    assert f"Improvement actions</a> ({FEWER_THAN_5})" in html
    assert not re.search(r"</a> \([1-4]( question[s]?)?\)", html)
    assert "is shown as \u201cfewer than 5\u201d" in html


def test_index_page_never_shows_a_count_of_1_to_4(council, client_for):
    evidence.audit(council, person_id="W1", team="west", answer="no")
    evidence.feedback(council, team="east", by="qa_lead")
    themes, _ = selectors.theme_index(council["users"]["qa_lead"])
    voice = next(s for s in themes if s.theme.key == THEME)
    assert voice.feedback == 1  # small: must not be shown as "1"

    html = client_for("qa_lead").get(reverse("themes:index")).text
    row = html[html.index(reverse("themes:detail", kwargs={"key": THEME})) :]
    row = row[: row.index("</tr>")]
    cells = _numeric_cells(row)
    assert len(cells) == 5
    assert not [c for c in cells if c in {"1", "2", "3", "4"}]
    assert cells[2] == FEWER_THAN_5  # the feedback column
    assert not [c for c in _numeric_cells(html) if c in {"1", "2", "3", "4"}]


def test_team_manager_sees_only_their_own_teams_evidence(council, client_for):
    east_audit = evidence.audit(council, person_id="E1", team="east", answer="no")
    west_audit = evidence.audit(council, person_id="W1", team="west", answer="no")
    east_item = evidence.feedback(council, team="east", text="East child said this.", by="qa_lead")
    west_item = evidence.feedback(council, team="west", text="West child said this.", by="qa_lead")
    east_action = evidence.action(council, team="east", issue="East action.", source=east_item)
    west_action = evidence.action(council, team="west", issue="West action.", source=west_item)
    west_obs = _observation(council, "west", "West team listens to children")
    manager = council["users"]["team_manager"]  # East only
    # The team manager raised the West action: still not West's evidence on their page.
    west_action.created_by = manager
    west_action.save(update_fields=["created_by"])

    t = selectors.triangulation(manager, THEME)
    assert t.audits and all((r.no, r.yes) == (1, 0) for r in t.audits)  # East's audit only
    assert {a.reference for r in t.audits for a in r.concerning} == {east_audit.reference}
    assert [e.team_name for e in t.feedback] == ["East"]
    assert [e.team_name for e in t.actions] == ["East"]
    assert t.practice_weeks == []
    assert all(row.area == "the teams you can see" for row in t.indicators or [])

    html = client_for("team_manager").get(reverse("themes:detail", kwargs={"key": THEME})).text
    assert west_audit.reference not in html
    assert "West child said this." not in html and "East child said this." in html
    assert reverse("actions:detail", kwargs={"pk": west_action.pk}) not in html
    assert reverse("actions:detail", kwargs={"pk": east_action.pk}) in html
    assert "West team listens to children" not in html
    assert "whole council" not in html

    # The quality assurance lead, who sees everything, sees the West evidence.
    qa_html = client_for("qa_lead").get(reverse("themes:detail", kwargs={"key": THEME})).text
    assert west_audit.reference in qa_html
    assert "West team listens to children" in qa_html
    assert reverse("practiceweeks:observation_detail", args=[west_obs.pk]) in qa_html


def test_service_manager_sees_observations_of_their_own_service_only(council):
    _observation(council, "cic", "Care Team listens to children")
    _observation(council, "west", "West team listens to children")
    manager = council["users"]["service_manager"]  # Safeguarding: East and West
    summaries = {e.summary for e in selectors.triangulation(manager, THEME).practice_weeks}
    assert summaries == {"West team listens to children"}
    everything = selectors.triangulation(council["users"]["senior_leader"], THEME)
    assert {e.summary for e in everything.practice_weeks} == {
        "West team listens to children",
        "Care Team listens to children",
    }


def test_answers_of_an_audit_being_moderated_blind_are_not_counted(council):
    audit = evidence.audit(council, person_id="W1", team="west", answer="no")
    qa = council["users"]["qa_lead"]
    factories.moderation(
        audit, factories.draw(audit.programme, qa), council["users"]["senior_leader"]
    )
    assert selectors.triangulation(council["users"]["senior_leader"], THEME).audits == []
    assert selectors.audit_answer_counts(council["users"]["senior_leader"]).get(THEME) is None
    assert selectors.triangulation(qa, THEME).audits  # not moderating it: counted


def test_indicator_values_are_suppressed_and_computed_for_the_users_teams(
    council, client_for, monkeypatch
):
    asked: list = []

    def compute(*, snapshot, period_end, team_ids=None, ids=None):
        asked.append(team_ids)
        linked = [i for i in selectors._linked_indicators(THEME) if i.id in ids]
        # 75% of 4 children: built on fewer than 5, so it is withheld.
        return [IndicatorValue(i, period_end, period_end, 75.0, 3, 4) for i in linked]

    monkeypatch.setattr(store, "current_snapshot", lambda: object())
    monkeypatch.setattr(engine, "default_period_end", lambda snapshot: datetime.date(2024, 3, 31))
    monkeypatch.setattr(engine, "compute", compute)

    rows = selectors.indicator_evidence(council["users"]["team_manager"], THEME)
    assert rows and {r.value_text for r in rows} == {"suppressed: fewer than 5"}
    assert asked[-1] == [council["teams"]["east"].pk]  # the team manager's team only
    html = client_for("team_manager").get(reverse("themes:detail", kwargs={"key": THEME})).text
    assert "75.0%" not in html and "suppressed: fewer than 5" in html
    assert "the teams you can see" in html

    selectors.indicator_evidence(council["users"]["qa_lead"], THEME)
    assert asked[-1] is None  # the whole council
