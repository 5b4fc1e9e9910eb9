from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_approve_existing_roles_and_clear_duplicate_team_ids"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="team",
            constraint=models.UniqueConstraint(
                condition=models.Q(("case_system_id", ""), _negated=True),
                fields=("case_system_id",),
                name="team_case_system_id_unique",
                violation_error_message="Another team already has this case-system id. Each team's id in the case management system must be different",
            ),
        ),
    ]
