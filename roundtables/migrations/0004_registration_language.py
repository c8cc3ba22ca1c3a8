"""Registrations keep the language the person signed up in, for the emails they get later.

Existing registrations take the language of the person's membership of the city (the one
they last asked to join in), or stay empty, which means the site's default language.
"""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce


def from_memberships(apps, schema_editor):
    Registration = apps.get_model("roundtables", "Registration")
    Membership = apps.get_model("cities", "Membership")
    language = (
        Membership.objects.filter(user=OuterRef("user"), city=OuterRef("city"))
        .exclude(language="")
        .order_by("-requested_at")
        .values("language")[:1]
    )
    Registration.objects.update(language=Coalesce(Subquery(language), Value("")))


class Migration(migrations.Migration):
    dependencies = [
        ("cities", "0002_email_domains_contact_fields_and_membership_history"),
        ("roundtables", "0003_registration_signed_up_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="registration",
            name="language",
            field=models.CharField(blank=True, max_length=10, verbose_name="language"),
        ),
        migrations.RunPython(from_memberships, migrations.RunPython.noop),
    ]
