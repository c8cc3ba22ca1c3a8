from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cities.models import City, Region


class RoundTableQuerySet(models.QuerySet):
    def held(self):
        """Round tables marked held with at least one attendee recorded."""
        return self.filter(status=RoundTable.Status.HELD).filter(
            Exists(Registration.objects.filter(round_table=OuterRef("pk"), attended=True))
        )


class RoundTable(models.Model):
    """A regional (or county-wide) meeting of the collaborative's cities."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")
        HELD = "held", _("Held")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="round_tables",
        verbose_name=_("subregion"),
        help_text=_("Leave empty for a county-wide round table."),
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveIntegerField(_("capacity"))
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.SCHEDULED)

    objects = RoundTableQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("round table")
        verbose_name_plural = _("round tables")
        permissions = [
            ("organize_round_tables", _("Can schedule round tables and record attendance")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="roundtable_ends_after_start"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("roundtables:roundtable-detail", kwargs={"slug": self.slug})


class Registration(models.Model):
    """One person's seat at a round table, on behalf of their city."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("Waitlisted")
        CANCELLED = "cancelled", _("Cancelled")

    round_table = models.ForeignKey(
        RoundTable,
        on_delete=models.CASCADE,
        related_name="registrations",
        verbose_name=_("round table"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="registrations",
        verbose_name=_("person"),
    )
    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("city")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.CONFIRMED)
    attended = models.BooleanField(_("attended"), default=False)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["round_table", "user"], name="registration_one_per_person"
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.round_table}"
