"""The five SMART core values every entry can be tagged with."""

from django.db import migrations

VALUES = ["sustainability", "mobility", "accessibility", "resiliency", "transparency"]


def create_core_values(apps, schema_editor):
    CoreValue = apps.get_model("plans", "CoreValue")
    for order, key in enumerate(VALUES, start=1):
        CoreValue.objects.update_or_create(key=key, defaults={"order": order})


def remove_core_values(apps, schema_editor):
    apps.get_model("plans", "CoreValue").objects.filter(key__in=VALUES).delete()


class Migration(migrations.Migration):
    dependencies = [("plans", "0002_sources_focus_areas_entries_and_history")]

    operations = [migrations.RunPython(create_core_values, remove_core_values)]
