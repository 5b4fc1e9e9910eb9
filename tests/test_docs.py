"""The README is checked: every setting and every command the product adds is documented."""

import re
from pathlib import Path

import lineofsight.settings as product_settings

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def test_every_environment_variable_is_documented():
    assert product_settings.ENVIRONMENT_VARIABLES, "settings read no environment variables?"
    missing = [name for name in product_settings.ENVIRONMENT_VARIABLES if f"`{name}`" not in README]
    assert not missing, f"settings not documented in README.md: {missing}"


def test_every_product_command_is_documented():
    commands = sorted(
        p.stem
        for p in (ROOT / "lineofsight").glob("*/management/commands/*.py")
        if not p.stem.startswith("_")
    )
    assert commands
    missing = [c for c in commands if f"lineofsight {c}" not in README]
    assert not missing, f"commands not documented in README.md: {missing}"


def _requirement_names(name: str) -> list[str]:
    return [
        re.split(r"[<>=\[~!; ]", line.strip(), maxsplit=1)[0]
        for line in (ROOT / "requirements" / name).read_text().splitlines()
        if line.strip() and not line.startswith(("#", "-c"))
    ]


def test_every_pinned_runtime_dependency_is_justified():
    direct = _requirement_names("base.in")
    dev = _requirement_names("dev.in")
    table = README.split("## Dependencies", 1)[1].split("## Benchmarks", 1)[0].lower()
    missing = [name for name in direct + dev if name.lower() not in table]
    assert not missing, f"dependencies without a line in README.md: {missing}"


def test_the_two_setup_commands_are_in_the_readme():
    assert "make demo" in README
    assert "make test" in README


def test_every_role_has_a_guide_whose_pictures_exist():
    guides = ROOT / "docs" / "guides"
    expected = {
        "practitioner",
        "team-manager",
        "service-manager",
        "qa-lead",
        "senior-leader",
        "analyst",
    }
    assert expected <= {p.stem for p in guides.glob("*.md")}
    for guide in guides.glob("*.md"):
        for image in re.findall(r"\]\((\.\./images/[^)]+\.png)\)", guide.read_text()):
            assert (guides / image).resolve().is_file(), f"{guide.name} shows missing {image}"
    for image in re.findall(r"\]\((docs/images/[^)]+\.png)\)", README):
        assert (ROOT / image).is_file(), f"README.md shows missing {image}"
