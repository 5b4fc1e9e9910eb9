"""`lineofsight escalate_concerns`: escalate every safeguarding concern whose deadline has passed
and send any email not yet sent. Safe to run as often as you like (e.g. from cron every five
minutes): a concern is escalated once per deadline, and an email is sent once."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from lineofsight.concerns.services import concerns_escalate_due


class Command(BaseCommand):
    help = "Escalate safeguarding concerns whose response deadline has passed, and send emails."

    def handle(self, *args, **options) -> None:
        run = concerns_escalate_due()
        for concern in run.escalated:
            self.stdout.write(
                f"Escalated concern {concern.pk} ({concern.source_title}) to the "
                f"{concern.get_level_display().lower()}."
            )
        self.stdout.write(
            f"{len(run.escalated)} concern(s) escalated; {run.emails_sent} email(s) sent."
        )
