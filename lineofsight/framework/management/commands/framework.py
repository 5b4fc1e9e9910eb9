"""lineofsight framework check [FILE]     every link names something that exists (exit 1 if not)
lineofsight framework adopt [FILE]     publish the file as the next version of the framework
lineofsight framework show [--version N]   the framework as YAML (default: the one in force)

`check` without FILE checks the version in force and any draft (or, before any version has been
published, the council's file or the example)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lineofsight.framework import content, links, selectors, services
from lineofsight.framework.content import FrameworkError


class Command(BaseCommand):
    help = "Check, adopt or show the council's framework for practice."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("check", help="check every link in the framework")
        check.add_argument("file", nargs="?", type=Path)
        adopt = sub.add_parser("adopt", help="publish a framework file as the next version")
        adopt.add_argument("file", nargs="?", type=Path)
        adopt.add_argument("--note", default="")
        show = sub.add_parser("show", help="print a version as YAML")
        show.add_argument("--version", type=int)

    def handle(self, *args: object, **options: object) -> None:
        action = options["action"]
        if action == "check":
            self._check(options.get("file"))  # type: ignore[arg-type]
        elif action == "adopt":
            try:
                version = services.framework_adopt(
                    actor=None,
                    path=options.get("file"),  # type: ignore[arg-type]
                    note=str(options.get("note") or ""),
                )
            except services.FrameworkEditError as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(f"Published version {version.number} of the framework.")
        else:
            number = options.get("version")
            if number:
                framework = selectors.framework_of(selectors.framework_version_get(number))
            else:
                framework = selectors.framework_in_force().framework
            self.stdout.write(content.dump(framework))

    def _check(self, path: Path | None) -> None:
        checked: list[tuple[str, content.Framework]] = []
        try:
            if path is not None:
                checked.append((str(path), content.read_file(path)))
            else:
                in_force = selectors.framework_in_force()
                name = f"version {in_force.number}" if in_force.number else "the framework file"
                checked.append((name, in_force.framework))
                draft = selectors.framework_draft()
                if draft is not None:
                    checked.append((f"draft version {draft.number}", selectors.framework_of(draft)))
        except FrameworkError as exc:
            raise CommandError(" ".join(exc.problems)) from None
        problems = [
            f"{name}: {p}" for name, framework in checked for p in links.problems(framework)
        ]
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"{len(problems)} link(s) name something that does not exist.")
        for name, framework in checked:
            count = sum(
                len(ids)
                for s in (*framework.standards, *framework.measures)
                for ids in s.links.values()
            )
            self.stdout.write(f"{name}: all {count} links name something that exists.")
