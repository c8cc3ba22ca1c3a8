"""Registrations keep when the person last signed up, apart from when the row was made.

Signing up again after cancelling reuses the row; lists and exports show `signed_up_at`, so
they show the new arrival. Existing rows start from their creation time.
"""

import django.utils.timezone
from django.db import migrations, models
from django.db.models import F


def start_from_creation(apps, schema_editor):
    Registration = apps.get_model("roundtables", "Registration")
    Registration.objects.update(signed_up_at=F("created_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("roundtables", "0002_round_table_details_waitlist_attendance_materials"),
    ]

    operations = [
        migrations.AddField(
            model_name="registration",
            name="signed_up_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, verbose_name="signed up at"
            ),
        ),
        migrations.RunPython(start_from_creation, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="registration",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, verbose_name="created at"),
        ),
    ]
