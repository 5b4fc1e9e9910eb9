# The committee report, taken over from the indicators app (indicators.0004) with its table,
# indicators_committeereport, unchanged: the model's state moves, the rows stay where they are.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

OLD_LABEL = 'indicators.committeereport'
NEW_LABEL = 'reports.committeereport'


def _relabel(apps, old: str, new: str) -> None:
    """Change history names a record by its model's label (history.services.record_change), so
    the reports' existing history keeps showing on their pages under the model's new label; the
    content type is renamed rather than left behind and made anew."""
    apps.get_model('history', 'ChangeEvent').objects.filter(object_type=old).update(
        object_type=new
    )
    content_type = apps.get_model('contenttypes', 'ContentType')
    old_app, model = old.split('.')
    new_app = new.split('.')[0]
    if not content_type.objects.filter(app_label=new_app, model=model).exists():
        content_type.objects.filter(app_label=old_app, model=model).update(app_label=new_app)


def forwards(apps, schema_editor) -> None:
    _relabel(apps, OLD_LABEL, NEW_LABEL)


def backwards(apps, schema_editor) -> None:
    _relabel(apps, NEW_LABEL, OLD_LABEL)


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('casework', '0001_initial'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('history', '0001_initial'),
        ('indicators', '0004_committeereport_to_reports'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='CommitteeReport',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(max_length=200)),
                        ('period_end', models.DateField()),
                        ('what_we_know', models.TextField(blank=True)),
                        ('how_we_know', models.TextField(blank=True)),
                        ('what_next', models.TextField(blank=True)),
                        ('version', models.PositiveIntegerField(default=1)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('updated_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('figures_counted_at', models.DateTimeField(blank=True, null=True)),
                        ('frozen_figures', models.JSONField(blank=True, default=dict)),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('snapshot', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='casework.snapshot')),
                        ('updated_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'indicators_committeereport',
                        'ordering': ['-period_end', '-id'],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
