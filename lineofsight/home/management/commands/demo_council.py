from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from lineofsight.accounts.demo import DEMO_PASSWORD, demo_council_create


class Command(BaseCommand):
    help = "Create the demonstration council's services, teams and one user per role (demo only)."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("The demonstration council is never created in production.")
        results = demo_council_create()
        self.stdout.write("Demonstration users (DEMO ONLY - never use these on real data):")
        for user, created in results:
            state = "created" if created else "already there"
            self.stdout.write(f"  {user.get_role_display():<24} {user.email:<32} ({state})")
        self.stdout.write(f"Password for every demo user: {DEMO_PASSWORD}   [DEMO ONLY]")
