"""The framework as versioned content: a draft is started from the version in force, edited
under the optimistic lock, published only when every link names something that exists, and a
published version never changes. Every change keeps its history; a refusal changes nothing."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from lineofsight.framework import content, links, selectors, services
from lineofsight.framework.models import FrameworkVersion, VersionStatus
from lineofsight.history.models import ChangeEvent

pytestmark = pytest.mark.django_db


def _qa(council):
    return council["users"]["qa_lead"]


def _standard(**overrides) -> dict:
    values = {
        "key": "timely-visits",
        "title": "Children are visited on time",
        "summary": "Visits happen when the plan says.",
        "good_looks_like": ["Every visit within the plan's timescale."],
        "links": {"indicators": ["cp_visits_in_time_pct"], "themes": ["drift-and-delay"]},
    }
    return {**values, **overrides}


def test_before_anything_is_published_the_example_is_read_as_version_0(council):
    in_force = selectors.framework_in_force()
    assert in_force.number == 0
    assert in_force.framework.example is True
    assert in_force.framework.standards, "the example has standards"


def test_a_draft_is_edited_and_published_and_then_never_changes(council):
    qa = _qa(council)
    draft = services.framework_draft_start(actor=qa)
    assert draft.number == 1 and draft.status == VersionStatus.DRAFT
    # Starting again gives the same draft, not a second one.
    assert services.framework_draft_start(actor=qa).pk == draft.pk

    draft = services.framework_item_save(
        actor=qa, draft=draft, expected_version=0, part="standards", key=None, values=_standard()
    )
    assert draft.version == 1
    framework = selectors.framework_of(draft)
    assert framework.find("standards", "timely-visits").linked("indicators") == (
        "cp_visits_in_time_pct",
    )
    assert framework.example is False  # a council's own edit makes it theirs

    published = services.framework_publish(
        actor=qa, draft=draft, expected_version=1, note="Added a standard on visits."
    )
    assert published.status == VersionStatus.PUBLISHED
    assert selectors.framework_in_force().number == 1

    with pytest.raises(services.FrameworkEditError, match="cannot change"):
        services.framework_item_save(
            actor=qa,
            draft=published,
            expected_version=published.version,
            part="standards",
            key="timely-visits",
            values=_standard(title="Changed after publishing"),
        )
    assert (
        selectors.framework_of(FrameworkVersion.objects.get(number=1))
        .find("standards", "timely-visits")
        .title
        == "Children are visited on time"
    )

    # The next draft copies version 1; publishing it replaces version 1, which stays as it was.
    second = services.framework_draft_start(actor=qa)
    assert second.number == 2
    assert second.content == published.content
    services.framework_header_save(
        actor=qa,
        draft=second,
        expected_version=0,
        name="Our practice framework",
        vision="Children safe at home.",
        launch_date=datetime.date(2026, 1, 5),
    )
    second.refresh_from_db()
    services.framework_publish(actor=qa, draft=second, expected_version=1, note="New vision.")
    first = FrameworkVersion.objects.get(number=1)
    assert first.status == VersionStatus.REPLACED
    assert first.content == published.content
    in_force = selectors.framework_in_force()
    assert (in_force.number, in_force.framework.launch_date) == (2, datetime.date(2026, 1, 5))

    actions = list(
        ChangeEvent.objects.filter(object_type="framework.frameworkversion")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "framework_draft_start",
        "framework_item_add",
        "framework_publish",
        "framework_draft_start",
        "framework_header_save",
        "framework_publish",
    ]


def test_a_link_to_nothing_is_refused_at_publishing_saying_where(council):
    qa = _qa(council)
    draft = services.framework_draft_start(actor=qa)
    bad = _standard(links={"indicators": ["no_such_indicator"], "audit_questions": ["plan.nope"]})
    draft = services.framework_item_save(
        actor=qa, draft=draft, expected_version=0, part="standards", key=None, values=bad
    )
    with pytest.raises(services.FrameworkEditError) as refused:
        services.framework_publish(actor=qa, draft=draft, expected_version=1, note="Try.")
    message = str(refused.value)
    assert "timely-visits" in message
    assert "'no_such_indicator'" in message and "'plan.nope'" in message
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT and draft.version == 1


def test_a_save_over_someone_elses_newer_change_is_refused(council):
    qa = _qa(council)
    draft = services.framework_draft_start(actor=qa)
    services.framework_item_save(
        actor=qa, draft=draft, expected_version=0, part="standards", key=None, values=_standard()
    )
    with pytest.raises(services.FrameworkChangedMeanwhile):
        services.framework_item_save(
            actor=qa,
            draft=draft,
            expected_version=0,
            part="values",
            key=None,
            values={"key": "kindness", "title": "Kindness"},
        )
    draft.refresh_from_db()
    assert draft.version == 1
    assert selectors.framework_of(draft).find("values", "kindness") is None


def test_bad_content_says_what_and_where_and_changes_nothing(council):
    qa = _qa(council)
    draft = services.framework_draft_start(actor=qa)
    before = dict(draft.content)
    with pytest.raises(services.FrameworkEditError, match="no golden thread 'nowhere'"):
        services.framework_item_save(
            actor=qa,
            draft=draft,
            expected_version=0,
            part="standards",
            key=None,
            values=_standard(golden_threads=["nowhere"]),
        )
    with pytest.raises(services.FrameworkEditError, match="already has an item"):
        services.framework_item_save(
            actor=qa,
            draft=draft,
            expected_version=0,
            part="principles",
            key=None,
            values={"key": "listen", "title": "Again"},
        )
    draft.refresh_from_db()
    assert draft.content == before and draft.version == 0


def test_a_principle_named_by_a_standard_cannot_be_removed_but_can_be_renamed(council):
    qa = _qa(council)
    draft = services.framework_draft_start(actor=qa)
    with pytest.raises(services.FrameworkEditError, match="take it out of those standards"):
        services.framework_item_remove(
            actor=qa, draft=draft, expected_version=0, part="principles", key="listen"
        )
    draft = services.framework_item_save(
        actor=qa,
        draft=draft,
        expected_version=0,
        part="principles",
        key="listen",
        values={"key": "we-listen", "title": "We listen"},
    )
    framework = selectors.framework_of(draft)
    assert "we-listen" in framework.find("standards", "visits").principles


def test_only_the_framework_role_changes_it(council):
    for role in ("practitioner", "team_manager", "service_manager", "senior_leader", "analyst"):
        with pytest.raises(PermissionDenied):
            services.framework_draft_start(actor=council["users"][role])
    assert not FrameworkVersion.objects.exists()


def test_discarding_a_draft_leaves_the_version_in_force(council):
    qa = _qa(council)
    services.framework_adopt(actor=qa)
    draft = services.framework_draft_start(actor=qa)
    services.framework_draft_discard(actor=qa, draft=draft, expected_version=0)
    assert selectors.framework_draft() is None
    assert selectors.framework_in_force().number == 1


def test_the_example_framework_round_trips_and_every_link_exists(council):
    framework = content.default()
    assert content.parse(framework.as_data()) == framework
    assert links.problems(framework) == []
    kinds = {k for s in framework.standards for k in s.links}
    assert {"audit_questions", "indicators", "themes", "recording_checks"} <= kinds
