from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """A subregion of the county: one of its Councils of Governments or planning areas."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("subregion")
        verbose_name_plural = _("subregions")

    def __str__(self):
        return self.name


class CityQuerySet(models.QuerySet):
    def registered(self):
        """Cities with at least one approved member."""
        return self.filter(
            Exists(
                Membership.objects.filter(city=OuterRef("pk"), status=Membership.Status.APPROVED)
            )
        )


class City(models.Model):
    """One of the 88 incorporated cities of Los Angeles County."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    primary_region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="primary_cities",
        verbose_name=_("primary subregion"),
    )
    regions = models.ManyToManyField(
        Region, related_name="cities", verbose_name=_("subregions"), blank=True
    )
    population = models.PositiveIntegerField(_("population (2020 census)"))
    incorporated_on = models.DateField(_("incorporated on"))
    website = models.URLField(_("official website"), blank=True)
    description = models.TextField(_("short description"), blank=True)
    contact_name = models.CharField(_("smart-city contact name"), max_length=150, blank=True)
    contact_email = models.EmailField(_("smart-city contact email"), blank=True)
    source_note = models.TextField(_("source of the figures"), blank=True)

    objects = CityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("city")
        verbose_name_plural = _("cities")
        constraints = [
            models.CheckConstraint(condition=Q(population__gt=0), name="city_population_positive"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("cities:city-detail", kwargs={"slug": self.slug})


class Membership(models.Model):
    """A person's place in a city: asked for, then approved or declined."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead")
        EDITOR = "editor", _("Editor")
        STAFF = "staff", _("Staff")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")
        REMOVED = "removed", _("Removed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("person"),
    )
    city = models.ForeignKey(
        City, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("city")
    )
    role = models.CharField(_("role"), max_length=10, choices=Role, default=Role.STAFF)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    department = models.CharField(_("department"), max_length=150, blank=True)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decision_message = models.TextField(_("message to the person"), blank=True)

    class Meta:
        ordering = ["city__name", "requested_at"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        permissions = [
            ("decide_any_membership", _("Can approve, decline and claim memberships of any city")),
        ]
        constraints = [
            # One open or approved membership per person per city; declined and
            # removed ones stay as a record and do not block a new request.
            models.UniqueConstraint(
                fields=["user", "city"],
                condition=Q(status__in=["pending", "approved"]),
                name="membership_one_open_per_person_per_city",
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.city} ({self.get_role_display()}, {self.get_status_display()})"

    @property
    def is_approved(self):
        return self.status == self.Status.APPROVED
