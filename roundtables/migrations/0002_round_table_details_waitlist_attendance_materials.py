"""Round tables get their full details; registrations an arrival order (the waitlist's order).

Existing rows are brought in line before the new constraints are added: each round table's
confirmed seats are counted and its registrations numbered in the order they were made.
"""

import django.db.models.deletion
import django.utils.timezone
import roundtables.models
from django.conf import settings
from django.db import migrations, models


def count_seats_and_number_arrivals(apps, schema_editor):
    RoundTable = apps.get_model("roundtables", "RoundTable")
    Registration = apps.get_model("roundtables", "Registration")
    for round_table in RoundTable.objects.all():
        registrations = Registration.objects.filter(round_table=round_table).order_by(
            "created_at", "pk"
        )
        number = 0
        for number, registration in enumerate(registrations, start=1):
            Registration.objects.filter(pk=registration.pk).update(sequence=number)
        RoundTable.objects.filter(pk=round_table.pk).update(
            signups_received=number,
            seats_taken=registrations.filter(status="confirmed").count(),
        )


class Migration(migrations.Migration):

    dependencies = [
        ('cities', '0001_initial'),
        ('roundtables', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Material',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=200, verbose_name='title')),
                ('url', models.URLField(blank=True, max_length=500, verbose_name='link')),
                ('file', models.FileField(blank=True, max_length=200, upload_to=roundtables.models.material_upload_to, verbose_name='PDF file')),
                ('size', models.PositiveIntegerField(blank=True, null=True, verbose_name='size in bytes')),
                ('added_at', models.DateTimeField(auto_now_add=True, verbose_name='added at')),
            ],
            options={
                'verbose_name': 'material',
                'verbose_name_plural': 'materials',
                'ordering': ['added_at', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='WalkIn',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=150, verbose_name='name')),
                ('organization', models.CharField(blank=True, help_text='For someone from outside the cities, e.g. a county agency.', max_length=150, verbose_name='organization')),
                ('recorded_at', models.DateTimeField(auto_now_add=True, verbose_name='recorded at')),
            ],
            options={
                'verbose_name': 'walk-in',
                'verbose_name_plural': 'walk-ins',
                'ordering': ['recorded_at', 'pk'],
            },
        ),
        migrations.AlterModelOptions(
            name='registration',
            options={'ordering': ['sequence', 'pk'], 'verbose_name': 'registration', 'verbose_name_plural': 'registrations'},
        ),
        migrations.AddField(
            model_name='registration',
            name='cancelled_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='cancelled at'),
        ),
        migrations.AddField(
            model_name='registration',
            name='promoted_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='given a seat from the waitlist at'),
        ),
        migrations.AddField(
            model_name='registration',
            name='reminder_sent_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='reminder sent at'),
        ),
        migrations.AddField(
            model_name='registration',
            name='sequence',
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name='arrival number'),
        ),
        migrations.AddField(
            model_name='registration',
            name='updated_at',
            field=models.DateTimeField(auto_now=True, verbose_name='updated at'),
        ),
        migrations.AddField(
            model_name='roundtable',
            name='address',
            field=models.CharField(blank=True, max_length=300, verbose_name='address'),
        ),
        migrations.AddField(
            model_name='roundtable',
            name='agenda',
            field=models.TextField(blank=True, help_text='Markdown.', verbose_name='agenda'),
        ),
        migrations.AddField(
            model_name='roundtable',
            name='calendar_sequence',
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name='roundtable',
            name='cancellation_note',
            field=models.TextField(blank=True, verbose_name='reason for cancelling'),
        ),
        migrations.AddField(
            model_name='roundtable',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, default=django.utils.timezone.now, verbose_name='created at'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='roundtable',
            name='host_city',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='hosted_round_tables', to='cities.city', verbose_name='host city'),
        ),
        migrations.AddField(
            model_name='roundtable',
            name='minutes',
            field=models.TextField(blank=True, help_text="Markdown. Published on the round table's page.", verbose_name='minutes'),
        ),
        migrations.AddField(
            model_name='roundtable',
            name='online_url',
            field=models.URLField(blank=True, help_text='Only people with a confirmed seat see it.', max_length=500, verbose_name='online meeting link'),
        ),
        migrations.AddField(
            model_name='roundtable',
            name='registration_deadline',
            field=models.DateTimeField(blank=True, help_text='Sign-ups close at this time. Leave empty to accept them until the start.', null=True, verbose_name='registration deadline'),
        ),
        migrations.AddField(
            model_name='roundtable',
            name='seats_per_city',
            field=models.PositiveSmallIntegerField(blank=True, help_text='Leave empty for no limit per city.', null=True, verbose_name='seats per city'),
        ),
        migrations.AddField(
            model_name='roundtable',
            name='seats_taken',
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name='confirmed seats'),
        ),
        migrations.AddField(
            model_name='roundtable',
            name='signups_received',
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name='sign-ups received'),
        ),
        migrations.AddField(
            model_name='roundtable',
            name='updated_at',
            field=models.DateTimeField(auto_now=True, verbose_name='updated at'),
        ),
        migrations.AddField(
            model_name='roundtable',
            name='venue',
            field=models.CharField(blank=True, max_length=200, verbose_name='venue'),
        ),
        migrations.RunPython(count_seats_and_number_arrivals, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='registration',
            index=models.Index(fields=['round_table', 'status', 'sequence'], name='registration_queue'),
        ),
        migrations.AddIndex(
            model_name='roundtable',
            index=models.Index(fields=['status', 'starts_at'], name='roundtable_status_start'),
        ),
        migrations.AddConstraint(
            model_name='registration',
            constraint=models.UniqueConstraint(condition=models.Q(('sequence__gt', 0)), fields=('round_table', 'sequence'), name='registration_one_arrival_number'),
        ),
        migrations.AddConstraint(
            model_name='registration',
            constraint=models.CheckConstraint(condition=models.Q(('attended', True), ('status', 'cancelled'), _negated=True), name='registration_cancelled_not_attended'),
        ),
        migrations.AddConstraint(
            model_name='roundtable',
            constraint=models.CheckConstraint(condition=models.Q(('seats_taken__lte', models.F('capacity'))), name='roundtable_seats_within_capacity', violation_error_message='The capacity cannot be lower than the number of confirmed seats.'),
        ),
        migrations.AddConstraint(
            model_name='roundtable',
            constraint=models.CheckConstraint(condition=models.Q(('registration_deadline__isnull', True), ('registration_deadline__lte', models.F('starts_at')), _connector='OR'), name='roundtable_deadline_not_after_start', violation_error_message='Sign-ups must close before the round table starts.'),
        ),
        migrations.AddConstraint(
            model_name='roundtable',
            constraint=models.CheckConstraint(condition=models.Q(('seats_per_city__isnull', True), ('seats_per_city__gte', 1), _connector='OR'), name='roundtable_seats_per_city_positive', violation_error_message='Give at least one seat per city, or leave it empty.'),
        ),
        migrations.AlterConstraint(
            model_name='registration',
            name='registration_one_per_person',
            constraint=models.UniqueConstraint(fields=('round_table', 'user'), name='registration_one_per_person', violation_error_message='You are already signed up for this round table.'),
        ),
        migrations.AlterConstraint(
            model_name='roundtable',
            name='roundtable_ends_after_start',
            constraint=models.CheckConstraint(condition=models.Q(('ends_at__gt', models.F('starts_at'))), name='roundtable_ends_after_start', violation_error_message='The round table must end after it starts.'),
        ),
        migrations.AddField(
            model_name='material',
            name='added_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='added by'),
        ),
        migrations.AddField(
            model_name='material',
            name='round_table',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='materials', to='roundtables.roundtable', verbose_name='round table'),
        ),
        migrations.AddField(
            model_name='walkin',
            name='city',
            field=models.ForeignKey(blank=True, help_text="Leave empty for someone who does not work for one of the county's cities.", null=True, on_delete=django.db.models.deletion.PROTECT, related_name='walk_ins', to='cities.city', verbose_name='city'),
        ),
        migrations.AddField(
            model_name='walkin',
            name='recorded_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded by'),
        ),
        migrations.AddField(
            model_name='walkin',
            name='round_table',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='walk_ins', to='roundtables.roundtable', verbose_name='round table'),
        ),
        migrations.AddConstraint(
            model_name='material',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('url', ''), models.Q(('file', ''), _negated=True)), models.Q(models.Q(('url', ''), _negated=True), ('file', '')), _connector='OR'), name='material_link_or_file', violation_error_message='Give either a link or a PDF file, not both.'),
        ),
        migrations.AddConstraint(
            model_name='walkin',
            constraint=models.CheckConstraint(condition=models.Q(('name', ''), _negated=True), name='walkin_name_given'),
        ),
    ]
