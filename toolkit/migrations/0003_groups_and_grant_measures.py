"""Create the coordinators' and grant staff's groups, and the grant's three measures."""

import datetime

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = {
    "Coordinators": [
        ("cities", "change_city"),
        ("cities", "decide_any_membership"),
        ("plans", "edit_model_plan"),
        ("roundtables", "add_roundtable"),
        ("roundtables", "change_roundtable"),
        ("roundtables", "organize_round_tables"),
        ("toolkit", "change_grantmeasure"),
        ("toolkit", "view_grant_details"),
    ],
    "Grant staff": [
        ("toolkit", "view_grant_details"),
    ],
}

# From the LA2050 proposal: at least 16 of the 88 cities (20%), 50 downloads of
# the toolkit and 2 round table events. Coordinators can change the period.
MEASURES = [
    ("participating-cities", "Participating cities", 16, 1),
    ("toolkit-downloads", "Toolkit downloads", 50, 2),
    ("round-tables-held", "Round tables held", 2, 3),
]
# The grant runs two years from the start of the year the site is installed in.
PERIOD_START = datetime.date(datetime.date.today().year, 1, 1)
PERIOD_END = datetime.date(PERIOD_START.year + 1, 12, 31)


def create_groups_and_measures(apps, schema_editor):
    # Permissions are normally created after all migrations have run; make sure
    # the ones the groups need exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in codenames:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )

    GrantMeasure = apps.get_model("toolkit", "GrantMeasure")
    for key, label, target, order in MEASURES:
        GrantMeasure.objects.get_or_create(
            key=key,
            defaults={
                "label": label,
                "target": target,
                "order": order,
                "period_start": PERIOD_START,
                "period_end": PERIOD_END,
            },
        )


def remove_groups_and_measures(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()
    apps.get_model("toolkit", "GrantMeasure").objects.filter(
        key__in=[key for key, *_ in MEASURES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("toolkit", "0002_download_events_and_grant_measures"),
        ("cities", "0001_initial"),
        ("plans", "0001_initial"),
        ("roundtables", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_groups_and_measures, remove_groups_and_measures),
    ]
