"""Everyone signs in again once the second factor begins.

A session made before this upgrade was signed in with a password alone. Ending every stored
session means each person next gives their password and then their second factor (or sets one
up), rather than carrying on until their session runs out. Sessions kept elsewhere than the
database (a cache, signed cookies) are left alone: they end after the idle time as usual.
"""

from django.conf import settings
from django.db import migrations


def sign_everyone_out(apps, schema_editor):
    if settings.SESSION_ENGINE != "django.contrib.sessions.backends.db":
        return
    Session = apps.get_model("sessions", "Session")
    ended, _ = Session.objects.all().delete()
    if ended:
        print(f"\n  Ended {ended} session(s): everyone signs in again with a second factor.")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_team_case_system_id_unique"),
        ("sessions", "0001_initial"),
    ]

    operations = [migrations.RunPython(sign_everyone_out, migrations.RunPython.noop)]
