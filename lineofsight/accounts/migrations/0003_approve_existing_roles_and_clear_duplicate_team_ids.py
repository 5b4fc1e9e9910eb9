"""Data for separation of duties and unique team ids.

1. People already in the database keep their access: each role that sees children's records is
   marked approved, with an approved RoleGrant and a change history row saying why.
2. Team case-system ids become unique. Where two or more teams already share one, the team
   created first keeps it and the others' ids are cleared (blank), each with a change history row
   and a line printed here, so an administrator can give them their right ids. Nothing is refused:
   an upgrade must not stop on data it can mend without losing a record.
"""

from django.db import migrations
from django.utils import timezone

CASEWORK_ROLES = (
    "practitioner",
    "team_manager",
    "service_manager",
    "qa_lead",
    "senior_leader",
    "analyst",
)
LABELS = {
    "practitioner": "Practitioner",
    "team_manager": "Team manager",
    "service_manager": "Service manager",
    "qa_lead": "Quality assurance lead",
    "senior_leader": "Senior leader",
    "analyst": "Performance analyst",
}
REASON = "Role held before approvals by a senior leader began; approved when they were introduced"
CLEARED = "Cleared: another team created earlier has the same case-system id"


def approve_existing(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    RoleGrant = apps.get_model("accounts", "RoleGrant")
    ChangeEvent = apps.get_model("history", "ChangeEvent")
    now = timezone.now()
    for user in User.objects.all().iterator():
        user.approved_role = user.role
        user.save(update_fields=["approved_role"])
        if user.role not in CASEWORK_ROLES:
            continue
        grant = RoleGrant.objects.create(
            user=user, role=user.role, status="approved", decided_at=now, reason=REASON
        )
        ChangeEvent.objects.create(
            actor=None,
            action="role_grant_approve",
            object_type="accounts.rolegrant",
            object_id=str(grant.pk),
            object_repr=f"{LABELS[user.role]} for {user.full_name} <{user.email}>"[:200],
            changes={
                "role": [None, user.role],
                "status": [None, "approved"],
                "user": [None, f"{user.full_name} <{user.email}>"],
                "reason": [None, REASON],
            },
            at=now,
        )


def clear_duplicate_team_ids(apps, schema_editor):
    Team = apps.get_model("accounts", "Team")
    ChangeEvent = apps.get_model("history", "ChangeEvent")
    seen: set[str] = set()
    for team in Team.objects.exclude(case_system_id="").order_by("pk").iterator():
        key = team.case_system_id.strip()
        if key not in seen:
            seen.add(key)
            if key != team.case_system_id:
                team.case_system_id = key
                team.save(update_fields=["case_system_id"])
            continue
        print(f"\n  Team {team.name!r} (id {team.pk}): case-system id {key!r} cleared. {CLEARED}.")
        team.case_system_id = ""
        team.save(update_fields=["case_system_id"])
        ChangeEvent.objects.create(
            actor=None,
            action="team_update",
            object_type="accounts.team",
            object_id=str(team.pk),
            object_repr=team.name[:200],
            changes={"case_system_id": [key, ""], "reason": [None, CLEARED]},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_role_grants"),
        ("history", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(approve_existing, migrations.RunPython.noop),
        migrations.RunPython(clear_duplicate_team_ids, migrations.RunPython.noop),
    ]
