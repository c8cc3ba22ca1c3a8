from django.core.management.base import BaseCommand, CommandError

from roundtables.services import reminders_send


class Command(BaseCommand):
    help = (
        "Email a reminder to everyone with a confirmed seat at a round table starting within "
        "the next few days. Safe to run as often as you like (e.g. hourly from a scheduler): "
        "each registration is reminded once at most. A reminder that cannot be sent is logged "
        "and tried again on the next run; the command then exits with an error status."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=3,
            help="Remind people of round tables starting within this many days (default 3).",
        )

    def handle(self, *args, days=3, **options):
        run = reminders_send(days_before=days)
        self.stdout.write(f"Reminders sent: {run.sent}")
        if run.failed:
            # A non-zero exit status, so the scheduler reports the run as failed.
            raise CommandError(
                f"Reminders not sent: {run.failed} (see the log; the next run tries again)."
            )
