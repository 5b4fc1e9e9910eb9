"""Copy the safeguarding concerns raised on case-file audits (audits.SafeguardingConcern, from
before concerns had their own app) into concerns.Concern, with who was told of each (shown on
their home page at the time: no email was sent) and a change-history row that names the old
record. The old rows are left where they are; nothing writes to them any more."""

from django.db import migrations

LEVEL_TEAM = 1


def copy(apps, schema_editor):
    Old = apps.get_model("audits", "SafeguardingConcern")
    Concern = apps.get_model("concerns", "Concern")
    Notice = apps.get_model("concerns", "ConcernNotice")
    ChangeEvent = apps.get_model("history", "ChangeEvent")
    for old in Old.objects.select_related("audit__programme").order_by("pk"):
        audit = old.audit
        if Concern.objects.filter(
            source_type="audit", source_id=str(audit.pk), raised_at=old.raised_at,
            raised_by_id=old.raised_by_id,
        ).exists():
            continue  # already copied
        new = Concern.objects.create(
            source_type="audit",
            source_id=str(audit.pk),
            source_title=f"Case-file audit {audit.reference}"[:300],
            person_id=audit.person_id,
            team_id=audit.team_id,
            description=old.description,
            raised_by_id=old.raised_by_id,
            raised_at=old.raised_at,
            response_hours=audit.programme.safeguarding_response_hours,
            level=LEVEL_TEAM,
            respond_by=old.respond_by,
            response=old.response,
            responded_by_id=old.responded_by_id,
            responded_at=old.responded_at,
        )
        for user in old.notified.all():
            Notice.objects.create(
                concern=new,
                user=user,
                step="raised",
                level=LEVEL_TEAM,
                email="",
                created_at=old.raised_at,
                sent_at=old.raised_at,
            )
        ChangeEvent.objects.create(
            actor=None,
            action="concern_copy_from_audits",
            object_type="concerns.concern",
            object_id=str(new.pk),
            object_repr=f"Safeguarding concern {new.pk}: {new.source_title}"[:200],
            changes={"copied_from": [None, f"audits.safeguardingconcern {old.pk}"]},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("concerns", "0001_initial"),
        ("audits", "0001_initial"),
        ("history", "0001_initial"),
    ]

    operations = [migrations.RunPython(copy, migrations.RunPython.noop)]
