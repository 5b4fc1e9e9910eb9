"""The framework's editing pages: only the QA lead (MANAGE_FRAMEWORK) opens them or posts to
them (403 for every other role, nothing changed); a draft is started, its name and items
changed, then published with a note or discarded; a broken link stops publishing and shows the
error with nothing changed; a save over someone else's newer change is refused (409) with what
they saved, and the person's own text kept."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lineofsight.accounts.models import Role
from lineofsight.framework import content
from lineofsight.framework.models import FrameworkVersion, VersionStatus
from lineofsight.framework.selectors import framework_draft, framework_in_force
from lineofsight.framework.services import framework_draft_start, framework_item_save
from lineofsight.history.models import ChangeEvent

pytestmark = pytest.mark.django_db

OTHERS = [r for r in Role.values if r != Role.QA_LEAD]
FORM_PAGES = [
    ("framework:header", {}),
    ("framework:publish", {}),
    ("framework:discard", {}),
    ("framework:item_add", {"part": "standards"}),
    ("framework:item_edit", {"part": "standards", "key": "assessment"}),
    ("framework:item_remove", {"part": "principles", "key": "fairness"}),
]


def _draft(council) -> FrameworkVersion:
    return framework_draft_start(actor=council["users"]["qa_lead"])


def _standard_post(version: int, **overrides) -> dict:
    data = {
        "version": str(version),
        "title": "Children are helped early",
        "key": "",
        "summary": "Help comes before problems grow.",
        "good_looks_like": "A plan within a week.\nThe family chose the help.",
        "golden_threads": ["family"],
        "principles": ["strengths", "together"],
        "links_indicators": ["referrals"],
        "links_themes": ["planning"],
        "links_audit_questions": "assessment\nplan.purpose.permanence",
    }
    return data | overrides


def test_the_draft_page_is_the_qa_leads_alone(client_for):
    url = reverse("framework:draft")
    assert client_for("qa_lead").get(url).status_code == 200
    for role in OTHERS:
        assert client_for(role).get(url).status_code == 403
        assert client_for(role).post(reverse("framework:draft_start")).status_code == 403
    assert not FrameworkVersion.objects.exists()


@pytest.mark.parametrize(("name", "kwargs"), FORM_PAGES)
def test_only_the_qa_lead_opens_or_posts_the_forms(client_for, council, name, kwargs):
    draft = _draft(council)
    url = reverse(name, kwargs=kwargs)
    assert client_for("qa_lead").get(url).status_code == 200
    for role in OTHERS:
        assert client_for(role).get(url).status_code == 403
        post = _standard_post(draft.version, note="Mine now.", name="Taken over")
        assert client_for(role).post(url, post).status_code == 403
    after = FrameworkVersion.objects.get()
    assert after.is_draft and after.version == draft.version and after.content == draft.content


def test_the_qa_lead_starts_a_draft_from_the_version_in_force(client_for):
    response = client_for("qa_lead").post(reverse("framework:draft_start"))
    assert response.status_code == 302
    draft = framework_draft()
    assert draft.number == 1 and draft.content == content.default().as_data()
    html = client_for("qa_lead").get(reverse("framework:draft")).content.decode()
    assert "Draft version 1" in html
    assert reverse("framework:item_edit", args=["standards", "assessment"]) in html
    # Starting again continues the same draft.
    client_for("qa_lead").post(reverse("framework:draft_start"))
    assert FrameworkVersion.objects.count() == 1


def test_the_qa_lead_adds_a_standard_with_its_links(client_for, council):
    draft = _draft(council)
    response = client_for("qa_lead").post(
        reverse("framework:item_add", args=["standards"]), _standard_post(draft.version)
    )
    assert response.status_code == 302, response.content.decode()
    added = content.parse(framework_draft().content).find("standards", "children-are-helped-early")
    assert added is not None
    assert added.good_looks_like == ("A plan within a week.", "The family chose the help.")
    assert added.principles == ("strengths", "together")
    assert added.links == {
        "audit_questions": ("assessment", "plan.purpose.permanence"),
        "indicators": ("referrals",),
        "themes": ("planning",),
    }
    assert ChangeEvent.objects.filter(action="framework_item_add").exists()


def test_changing_a_standard_shows_its_values_and_keeps_what_is_not_changed(client_for, council):
    draft = _draft(council)
    url = reverse("framework:item_edit", args=["standards", "assessment"])
    html = client_for("qa_lead").get(url).content.decode()
    standard = content.default().find("standards", "assessment")
    assert standard.good_looks_like[0] in html
    assert 'value="assessment_45wd_pct" checked' in html
    form = _standard_post(
        draft.version,
        key="assessment",
        title="Assessments are timely",
        good_looks_like="\n".join(standard.good_looks_like),
        golden_threads=list(standard.golden_threads),
        principles=list(standard.principles),
        links_indicators=list(standard.linked("indicators")),
        links_themes=list(standard.linked("themes")),
        links_recording_checks=list(standard.linked("recording_checks")),
        links_audit_questions="\n".join(standard.linked("audit_questions")),
    )
    assert client_for("qa_lead").post(url, form).status_code == 302
    changed = content.parse(framework_draft().content).find("standards", "assessment")
    assert changed.title == "Assessments are timely"
    assert changed.links == standard.links


def test_a_key_that_is_not_lower_case_with_hyphens_is_refused_on_the_form(client_for, council):
    draft = _draft(council)
    response = client_for("qa_lead").post(
        reverse("framework:item_add", args=["values"]),
        {"version": str(draft.version), "title": "Kindness", "key": "Be Kind"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "govuk-error-summary" in html and "lower-case letters and digits" in html
    assert 'value="Kindness"' in html
    assert framework_draft().version == draft.version


def test_publishing_with_a_broken_link_shows_the_error_and_changes_nothing(client_for, council):
    qa = council["users"]["qa_lead"]
    draft = _draft(council)
    draft = framework_item_save(
        actor=qa,
        draft=draft,
        expected_version=draft.version,
        part="measures",
        key=None,
        values={"key": "made-up", "title": "Made up", "links": {"indicators": ["no_such"]}},
    )
    # The draft's page says which link is broken before anyone tries to publish.
    html = client_for("qa_lead").get(reverse("framework:draft")).content.decode()
    assert "indicators has no &#x27;no_such&#x27;" in html

    response = client_for("qa_lead").post(
        reverse("framework:publish"), {"version": str(draft.version), "note": "New measure."}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "govuk-error-summary" in html and "The framework was not published" in html
    assert "New measure." in html  # the note is kept in the form
    after = FrameworkVersion.objects.get()
    assert after.status == VersionStatus.DRAFT and after.version == draft.version
    assert framework_in_force().number == 0


def test_publishing_needs_a_note_then_puts_the_draft_in_force(client_for, council):
    draft = _draft(council)
    url = reverse("framework:publish")
    response = client_for("qa_lead").post(url, {"version": str(draft.version), "note": ""})
    assert response.status_code == 400
    assert "Say what changed in this version" in response.content.decode()
    assert framework_draft() is not None

    response = client_for("qa_lead").post(
        url, {"version": str(draft.version), "note": "First version."}
    )
    assert response.status_code == 302
    in_force = framework_in_force()
    assert in_force.number == 1 and in_force.version.note == "First version."
    assert framework_draft() is None


def test_a_save_over_a_newer_change_is_refused_and_shows_what_they_saved(client_for, council):
    draft = _draft(council)
    stale = draft.version
    url = reverse("framework:header")
    first = {"version": str(stale), "name": "Their name", "vision": "", "launch_date": ""}
    assert client_for("qa_lead").post(url, first).status_code == 302

    mine = {"version": str(stale), "name": "My name", "vision": "Mine.", "launch_date": ""}
    response = client_for("qa_lead").post(url, mine)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else changed the draft" in html
    assert "Their name" in html  # what they saved
    assert 'value="My name"' in html  # my text is still in the form
    assert framework_draft().content["name"] == "Their name"


def test_a_stale_publish_is_refused_as_a_conflict(client_for, council):
    draft = _draft(council)
    client_for("qa_lead").post(
        reverse("framework:header"),
        {"version": str(draft.version), "name": "Renamed", "vision": "", "launch_date": ""},
    )
    response = client_for("qa_lead").post(
        reverse("framework:publish"), {"version": str(draft.version), "note": "Stale."}
    )
    assert response.status_code == 409
    assert framework_draft() is not None and framework_in_force().number == 0


def test_removing_a_principle_a_standard_serves_is_refused(client_for, council):
    draft = _draft(council)
    url = reverse("framework:item_remove", args=["principles", "listen"])
    response = client_for("qa_lead").post(url, {"version": str(draft.version)})
    assert response.status_code == 400
    assert "take it out of those standards first" in response.content.decode()
    assert content.parse(framework_draft().content).find("principles", "listen") is not None


def test_removing_an_item_takes_it_out_of_the_draft_only(client_for, council):
    draft = _draft(council)
    url = reverse("framework:item_remove", args=["principles", "fairness"])
    # "fairness" is served by a standard in the example: take it out of that standard first.
    standard = content.parse(draft.content).find("standards", "recording")
    values = standard.as_data() | {"principles": ["child-first"]}
    draft = framework_item_save(
        actor=council["users"]["qa_lead"],
        draft=draft,
        expected_version=draft.version,
        part="standards",
        key="recording",
        values=values,
    )
    assert client_for("qa_lead").post(url, {"version": str(draft.version)}).status_code == 302
    assert content.parse(framework_draft().content).find("principles", "fairness") is None
    assert content.default().find("principles", "fairness") is not None


def test_discarding_the_draft_leaves_the_version_in_force(client_for, council):
    draft = _draft(council)
    response = client_for("qa_lead").post(
        reverse("framework:discard"), {"version": str(draft.version)}
    )
    assert response.status_code == 302
    assert not FrameworkVersion.objects.exists()
    assert ChangeEvent.objects.filter(action="framework_draft_discard").exists()


def test_an_unknown_part_or_item_is_not_found(client_for, council):
    _draft(council)
    qa = client_for("qa_lead")
    assert qa.get(reverse("framework:item_add", args=["wishes"])).status_code == 404
    assert qa.get(reverse("framework:item_edit", args=["standards", "nope"])).status_code == 404


def test_a_stale_item_save_shows_what_they_saved_in_that_item(client_for, council):
    draft = _draft(council)
    url = reverse("framework:item_edit", args=["values", "respect"])
    theirs = {"version": str(draft.version), "key": "respect", "title": "Respect for all"}
    assert client_for("qa_lead").post(url, theirs).status_code == 302
    mine = {"version": str(draft.version), "key": "respect", "title": "Respect, always"}
    response = client_for("qa_lead").post(url, mine)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Saved by the other person: Respect for all" in html
    assert 'value="Respect, always"' in html
    assert content.parse(framework_draft().content).find("values", "respect").title == (
        "Respect for all"
    )


def test_a_form_without_a_draft_sends_the_qa_lead_to_start_one(client_for):
    response = client_for("qa_lead").get(reverse("framework:header"))
    assert response.status_code == 302 and response["Location"] == reverse("framework:draft")
    html = client_for("qa_lead").get(reverse("framework:draft")).content.decode()
    assert "Start a draft" in html
