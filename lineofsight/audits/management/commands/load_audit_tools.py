"""lineofsight load_audit_tools [PATH ...]: load audit tool versions from YAML."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lineofsight.audits import services, toolspec


class Command(BaseCommand):
    help = (
        "Load audit tools from YAML files or folders (default: the tools shipped with Line of "
        "Sight). Every file is checked before anything is stored; a tool version that an audit "
        "programme uses is never changed: give a changed tool a new version number."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("paths", nargs="*", type=Path, help="YAML files or folders of them")

    def handle(self, *args, paths: list[Path], **options) -> None:
        missing = [p for p in paths if not p.exists()]
        if missing:
            raise CommandError(f"Not found: {', '.join(str(p) for p in missing)}")
        try:
            results = services.audit_tools_load(paths=paths or None)
        except toolspec.ToolSpecError as exc:
            lines = "\n".join(f"  - {p}" for p in exc.problems)
            raise CommandError(f"No tool was loaded. Problems found:\n{lines}") from None
        for r in results:
            self.stdout.write(f"{r.outcome:>9}  {r.key} version {r.version}  ({r.source})")
        self.stdout.write(self.style.SUCCESS(f"{len(results)} tool version(s) checked."))
