"""Recovery codes kept only as hashes, in a device of the product's own.

The codes people already hold (django-otp's static tokens, kept as text) are hashed into the new
device, each with a salt of its own, and the static tokens and devices are deleted: from here on
the database holds no code's text, and nobody's written-down codes stop working. Those codes keep
their 40 bits until used or replaced by new ones. A session signed in with one of the old devices
ends at its next request (the device it names is gone), and its person signs in again.
"""

import hashlib
import hmac
import secrets

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _digest(code: str, salt: str) -> str:
    # As lineofsight.accounts.recovery_codes.recovery_code_digest, frozen here with the migration.
    return hmac.new(bytes.fromhex(salt), code.encode("utf-8"), hashlib.sha256).hexdigest()


def static_tokens_to_hashes(apps, schema_editor):
    StaticDevice = apps.get_model("otp_static", "StaticDevice")
    RecoveryCodeDevice = apps.get_model("accounts", "RecoveryCodeDevice")
    RecoveryCode = apps.get_model("accounts", "RecoveryCode")
    for old in StaticDevice.objects.all():
        device = RecoveryCodeDevice.objects.create(
            user_id=old.user_id, name=old.name, confirmed=old.confirmed
        )
        codes = []
        for token in old.token_set.all():
            salt = secrets.token_hex(16)
            # As django-otp compared them: the text as kept, in lower case since it made them so.
            codes.append(
                RecoveryCode(device=device, salt=salt, digest=_digest(token.token.lower(), salt))
            )
        RecoveryCode.objects.bulk_create(codes)
    StaticDevice.objects.all().delete()  # and their tokens with them


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_sessions_and_throttle_scope"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [
        migrations.CreateModel(
            name="RecoveryCodeDevice",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "name",
                    models.CharField(
                        help_text="The human-readable name of this device.", max_length=64
                    ),
                ),
                (
                    "confirmed",
                    models.BooleanField(default=True, help_text="Is this device ready for use?"),
                ),
                (
                    "throttling_failure_timestamp",
                    models.DateTimeField(
                        blank=True,
                        default=None,
                        help_text=(
                            "A timestamp of the last failed verification attempt. "
                            "Null if last attempt succeeded."
                        ),
                        null=True,
                    ),
                ),
                (
                    "throttling_failure_count",
                    models.PositiveIntegerField(
                        default=0, help_text="Number of successive failed attempts."
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        auto_now_add=True,
                        help_text=(
                            "The date and time when this device was initially created "
                            "in the system."
                        ),
                        null=True,
                    ),
                ),
                (
                    "last_used_at",
                    models.DateTimeField(
                        blank=True,
                        help_text="The most recent date and time this device was used.",
                        null=True,
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        help_text="The user that this device belongs to.",
                        on_delete=django.db.models.deletion.CASCADE,
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="RecoveryCode",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("salt", models.CharField(max_length=32)),
                ("digest", models.CharField(max_length=64)),
                (
                    "device",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="codes",
                        to="accounts.recoverycodedevice",
                    ),
                ),
            ],
        ),
        migrations.RunPython(static_tokens_to_hashes, migrations.RunPython.noop),
    ]
