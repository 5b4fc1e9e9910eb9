"""The framework's read pages: every signed-in role reads practice on a page, each standard with
what tests it, the versions and any version, and downloads any version as YAML; the pages say
which version is in force and when the framework is still the example."""

from __future__ import annotations

import pytest
import yaml
from django.urls import reverse

from lineofsight.accounts.models import Role
from lineofsight.framework import content, links
from lineofsight.framework.models import FrameworkVersion
from lineofsight.framework.services import (
    framework_adopt,
    framework_draft_start,
    framework_header_save,
    framework_publish,
)

pytestmark = pytest.mark.django_db

EXAMPLE = "This is an example framework"


def _own_version(council, *, name="Our framework for practice", note="Our own words."):
    """Version 2: the example published, then a draft renamed (so no longer the example) and
    published with `note`."""
    qa = council["users"]["qa_lead"]
    framework_adopt(actor=None)
    draft = framework_draft_start(actor=qa)
    draft = framework_header_save(
        actor=qa,
        draft=draft,
        expected_version=draft.version,
        name=name,
        vision="Children are safe and loved.",
        launch_date=None,
    )
    return framework_publish(actor=qa, draft=draft, expected_version=draft.version, note=note)


@pytest.mark.parametrize("role", Role.values)
def test_every_role_reads_practice_on_a_page(client_for, role):
    response = client_for(role).get(reverse("framework:home"))
    assert response.status_code == 200
    html = response.content.decode()
    example = content.default()
    assert example.name in html
    for part in content.PARTS:
        assert f'id="part-{part.key}"' in html
    for standard in example.standards:
        assert reverse("framework:standard", args=[standard.key]) in html
    assert EXAMPLE in html
    assert "No version has been published here yet" in html
    assert "framework/framework.css" in html  # its print rules


def test_nobody_is_sent_to_sign_in(client_for):
    response = client_for(None).get(reverse("framework:home"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")


def test_the_page_names_the_version_in_force_and_drops_the_example_warning(client_for, council):
    _own_version(council)
    html = client_for("practitioner").get(reverse("framework:home")).content.decode()
    assert "Our framework for practice" in html
    assert "Version 2, in force since" in html
    assert EXAMPLE not in html


def test_only_the_qa_lead_is_offered_the_editing_link(client_for):
    draft_url = reverse("framework:draft")
    assert draft_url in client_for("qa_lead").get(reverse("framework:home")).content.decode()
    assert (
        draft_url not in client_for("practitioner").get(reverse("framework:home")).content.decode()
    )


def test_a_standard_shows_what_good_looks_like_what_it_serves_and_what_tests_it(client_for):
    standard = content.default().find("standards", "assessment")
    response = client_for("practitioner").get(reverse("framework:standard", args=["assessment"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert standard.title in html
    assert standard.good_looks_like[0] in html
    thread = content.default().find("golden_threads", standard.golden_threads[0])
    principle = content.default().find("principles", standard.principles[0])
    assert thread.title in html and principle.title in html
    # Each kind of link by its label, each link by its title from the registry.
    for kind_key, ids in standard.links.items():
        assert links.kind(kind_key).label in html
        assert links.label_of(kind_key, ids[0]) in html


def test_the_evidence_link_is_for_those_who_see_the_themes(client_for):
    url = reverse("framework:standard", args=["assessment"])
    evidence = reverse("standards:detail", kwargs={"key": "assessment"})
    assert evidence in client_for("team_manager").get(url).content.decode()
    html = client_for("practitioner").get(url).content.decode()
    assert evidence not in html and "See the evidence" not in html
    assert evidence not in client_for("administrator").get(url).content.decode()


def test_a_standard_that_is_not_in_the_framework_is_not_found(client_for):
    response = client_for("practitioner").get(reverse("framework:standard", args=["no-such"]))
    assert response.status_code == 404


def test_the_versions_list_says_status_when_who_and_what_changed(client_for, council):
    _own_version(council, note="We wrote our own vision.")
    html = client_for("analyst").get(reverse("framework:versions")).content.decode()
    assert "Version 1" in html and "Version 2" in html
    assert "Replaced" in html and "In force" in html
    assert "We wrote our own vision." in html
    assert council["users"]["qa_lead"].full_name in html


def test_an_old_version_reads_as_it_was(client_for, council):
    _own_version(council)
    response = client_for("practitioner").get(reverse("framework:version", args=[1]))
    assert response.status_code == 200
    html = response.content.decode()
    assert content.default().name in html
    assert "Replaced" in html and EXAMPLE in html
    # The standards' details are on the version's own page.
    assert content.default().find("standards", "assessment").good_looks_like[0] in html
    assert client_for("practitioner").get(reverse("framework:version", args=[9])).status_code == 404


def test_any_version_downloads_as_yaml_that_reads_back(client_for, council):
    _own_version(council)
    response = client_for("administrator").get(reverse("framework:download", args=[1]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/yaml")
    assert "framework-version-1.yml" in response["Content-Disposition"]
    assert content.parse(yaml.safe_load(response.content)) == content.default()

    response = client_for("practitioner").get(reverse("framework:download_in_force"))
    assert "framework-version-2.yml" in response["Content-Disposition"]
    assert yaml.safe_load(response.content)["name"] == "Our framework for practice"


def test_the_example_downloads_before_anything_is_published(client_for):
    response = client_for("practitioner").get(reverse("framework:download_in_force"))
    assert response.status_code == 200
    assert yaml.safe_load(response.content)["example"] is True
    assert not FrameworkVersion.objects.exists()


def test_a_draft_is_read_only_by_those_who_edit_it(client_for, council):
    from lineofsight.framework.services import framework_draft_start

    draft = framework_draft_start(actor=council["users"][Role.QA_LEAD])
    page = reverse("framework:version", kwargs={"number": draft.number})
    download = reverse("framework:download", kwargs={"number": draft.number})
    assert client_for(Role.QA_LEAD).get(page).status_code == 200
    for role in (Role.PRACTITIONER, Role.SENIOR_LEADER, Role.ADMINISTRATOR):
        client = client_for(role)
        assert client.get(page).status_code == 404
        assert client.get(download).status_code == 404
        listing = client.get(reverse("framework:versions")).content.decode()
        assert "Draft" not in listing


def test_practice_on_a_page_reads_what_exists_once_however_many_standards(client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(Role.PRACTITIONER)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("framework:home")).status_code == 200
    tool_reads = [q for q in queries.captured_queries if "audits_toolquestion" in q["sql"]]
    assert len(content.default().standards) > 1
    assert len(tool_reads) == 1
