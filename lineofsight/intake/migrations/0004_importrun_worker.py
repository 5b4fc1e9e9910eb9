# Long work runs in a worker process: a heartbeat on each run, and one run at a time enforced by
# the database.

from django.db import migrations, models
from django.utils import timezone


def close_all_but_the_newest_running(apps, schema_editor):
    """Before this, runs were threads of the web server, which is restarted for the upgrade: a
    run still marked running belongs to a process that has gone. All but the newest are closed
    so that the one-at-a-time constraint can be created; the next page load closes the newest
    if its process has gone too."""
    ImportRun = apps.get_model("intake", "ImportRun")
    running = ImportRun.objects.filter(status="running").order_by("-started_at", "-id")
    newest = running.first()
    if newest is None:
        return
    running.exclude(pk=newest.pk).update(
        status="failed",
        phase="finished",
        finished_at=timezone.now(),
        failure_message="The import stopped before it finished (interrupted).",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0003_importfile_encoding"),
    ]

    operations = [
        migrations.AddField(
            model_name="importrun",
            name="heartbeat_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(close_all_but_the_newest_running, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="importrun",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "running")),
                fields=("status",),
                name="intake_importrun_one_running",
            ),
        ),
    ]
