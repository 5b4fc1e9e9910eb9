# The committee report moved to the reports app (lineofsight.reports). Only Django's record of
# where the model lives changes: the table indicators_committeereport and its rows stay as they
# are, and reports.0001_initial takes the model over with the same table.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('indicators', '0003_committee_report_frozen_figures'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='CommitteeReport'),
            ],
            database_operations=[],
        ),
    ]
