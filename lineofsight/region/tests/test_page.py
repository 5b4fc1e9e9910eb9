"""The regional page: analysts only, councils side by side with the region and England, from
pooled extracts only, and never a child."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lineofsight.accounts.models import Role
from lineofsight.region import pooled


@pytest.fixture
def region_dir(settings, tmp_path, synthetic_extracts):
    root = tmp_path / "region"
    root.mkdir()
    for directory in synthetic_extracts:
        (root / directory.name).symlink_to(directory, target_is_directory=True)
    settings.REGION_DIR = str(root)
    return root


def test_analysts_see_councils_side_by_side_with_the_region_and_england(client_for, region_dir):
    page = client_for(Role.ANALYST).get(
        reverse("region:index"), {"indicator": "cp_per_10k", "period_end": "2025-03-31"}
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "Child protection plans per 10,000 children: year to 31 March 2025" in html
    for name in ("Derbyshire", "Nottinghamshire", "Nottingham", "Region (these councils together)"):
        assert name in html
    assert "England (published)" in html
    # pseudonymised data only, and no child: no hash of a child's id is on the page
    people = pooled.read_extract(region_dir / "891").files["ssd_person"]
    import duckdb

    ids = [r[0] for r in duckdb.sql(f"SELECT pers_person_id FROM '{people}' LIMIT 50").fetchall()]
    assert not any(i in html for i in ids)


def test_englands_rate_is_not_set_beside_the_councils_counts(client_for, region_dir):
    """Referrals are counted in each council; England's published figure is a rate per 10,000
    children: a different measure, said apart rather than as a row of the same column."""
    analyst = client_for(Role.ANALYST)
    counts = analyst.get(
        reverse("region:index"), {"indicator": "referrals", "period_end": "2025-03-31"}
    ).content.decode()
    rates = analyst.get(
        reverse("region:index"), {"indicator": "cp_per_10k", "period_end": "2025-03-31"}
    ).content.decode()
    assert "This is a different measure from the councils' figures above" in counts
    assert '<th scope="row" class="govuk-table__header">England (published)' not in counts
    assert '<th scope="row" class="govuk-table__header">England (published)' in rates
    assert "This is a different measure" not in rates


def test_the_first_indicator_is_shown_without_a_choice(client_for, region_dir):
    page = client_for(Role.ANALYST).get(reverse("region:index"))
    assert page.status_code == 200
    assert "Referrals: year to 31 March 2025" in page.content.decode()


def test_a_bad_choice_is_a_clear_error(client_for, region_dir):
    page = client_for(Role.ANALYST).get(
        reverse("region:index"), {"indicator": "no_such", "period_end": "2025-03-31"}
    )
    assert page.status_code == 400
    assert "Select an indicator" in page.content.decode()


def test_without_pooled_data_the_page_says_how_to_load_it(client_for, settings):
    settings.REGION_DIR = ""
    page = client_for(Role.ANALYST).get(reverse("region:index"))
    assert page.status_code == 200
    assert "No pooled data is loaded" in page.content.decode()


def test_a_changed_extract_is_named_not_shown(client_for, settings, tmp_path, edges_extract):
    root = tmp_path / "region"
    root.mkdir()
    (root / "891").symlink_to(edges_extract, target_is_directory=True)
    (root / "891-again").symlink_to(edges_extract, target_is_directory=True)
    settings.REGION_DIR = str(root)
    page = client_for(Role.ANALYST).get(reverse("region:index"))
    assert page.status_code == 200
    assert "More than one extract of council 891" in page.content.decode()


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.ANALYST])
def test_other_roles_are_refused(client_for, role, settings):
    settings.REGION_DIR = ""
    assert client_for(role).get(reverse("region:index")).status_code == 403


def test_nobody_is_sent_to_sign_in(client_for):
    page = client_for(None).get(reverse("region:index"))
    assert page.status_code == 302
    assert "/accounts/sign-in/" in page["Location"]


def test_extracts_in_the_data_folder_are_read_when_no_folder_is_set(
    client_for, settings, synthetic_extracts
):
    settings.REGION_DIR = ""
    folder = settings.VAR_DIR / "region"
    folder.mkdir(parents=True)
    (folder / "891").symlink_to(synthetic_extracts[1], target_is_directory=True)
    page = client_for(Role.ANALYST).get(reverse("region:index")).content.decode()
    assert "Pooled extracts of 1 council: Nottinghamshire." in page
