from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import DomainNameValidator
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cities.common.rows import person_field

# Addresses anyone can open: a domain of this kind must never approve people automatically.
PUBLIC_MAIL_DOMAINS = frozenset(
    {
        "aol.com",
        "gmail.com",
        "googlemail.com",
        "hotmail.com",
        "icloud.com",
        "live.com",
        "mac.com",
        "me.com",
        "msn.com",
        "outlook.com",
        "proton.me",
        "protonmail.com",
        "yahoo.com",
        "ymail.com",
    }
)


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


def has_approved_member(*, since=None, before=None) -> Exists:
    """True for a city (as OuterRef("pk")) with at least one approved member: "registered".

    With `before`, one approved before that moment (`since` does not apply: a city that
    registered earlier is still registered).
    """
    approved = Membership.objects.filter(city=OuterRef("pk"), status=Membership.Status.APPROVED)
    if before is not None:
        approved = approved.filter(decided_at__lt=before)
    return Exists(approved)


class CityQuerySet(models.QuerySet):
    def registered(self):
        """Cities with at least one approved member."""
        return self.filter(has_approved_member())

    def registration_summary(self) -> dict[str, int]:
        """How many cities there are and how many are registered, in one query."""
        return self.aggregate(
            total=Count("pk"), registered=Count("pk", filter=Q(has_approved_member()))
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
    contact_title = models.CharField(_("smart-city contact job title"), max_length=150, blank=True)
    contact_email = models.EmailField(_("smart-city contact email"), blank=True)
    contact_phone = models.CharField(_("smart-city contact phone"), max_length=40, blank=True)
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

    @property
    def has_contact(self) -> bool:
        return any([self.contact_name, self.contact_title, self.contact_email, self.contact_phone])


class CityEmailDomainQuerySet(models.QuerySet):
    def active(self):
        return self.filter(removed_at__isnull=True)


class CityEmailDomain(models.Model):
    """An email domain of a city: a verified address on it joins the city without waiting.

    A removed domain stays as a row (with who removed it and when), so the seed data never
    brings back a domain a coordinator took away, and the record shows who changed what.
    """

    city = models.ForeignKey(
        City, on_delete=models.CASCADE, related_name="email_domains", verbose_name=_("city")
    )
    domain = models.CharField(
        _("email domain"),
        max_length=253,
        unique=True,
        validators=[DomainNameValidator(accept_idna=False)],
        help_text=_("The part after the @, for example weho.org."),
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)
    added_by = person_field(_("added by"))
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    removed_by = person_field(_("removed by"))

    objects = CityEmailDomainQuerySet.as_manager()

    class Meta:
        ordering = ["domain"]
        verbose_name = _("email domain")
        verbose_name_plural = _("email domains")
        constraints = [
            models.CheckConstraint(
                condition=Q(domain=Lower("domain")), name="cityemaildomain_domain_lowercase"
            ),
        ]

    def __str__(self):
        return self.domain

    @property
    def is_active(self) -> bool:
        return self.removed_at is None

    def clean(self):
        super().clean()
        self.domain = normalize_domain(self.domain)
        if self.domain in PUBLIC_MAIL_DOMAINS:
            raise ValidationError(
                {
                    "domain": ValidationError(
                        _("Anyone can open an address on %(domain)s; it cannot be a city's."),
                        params={"domain": self.domain},
                        code="public_domain",
                    )
                }
            )


def normalize_domain(value: str) -> str:
    """Lower-case a domain and drop what people paste around it (an @, a trailing dot)."""
    return (value or "").strip().lower().lstrip("@").rstrip(".")


def email_domain(address: str) -> str:
    """The normalised domain of an email address ("" when there is none)."""
    return normalize_domain(address.rpartition("@")[2]) if "@" in (address or "") else ""


class MembershipQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=Membership.Status.PENDING)

    def approved(self):
        return self.filter(status=Membership.Status.APPROVED)

    def open(self):
        """Pending or approved: the ones that block a new request for the same city."""
        return self.filter(status__in=[Membership.Status.PENDING, Membership.Status.APPROVED])

    def leads(self):
        return self.approved().filter(role=Membership.Role.LEAD)


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
    decided_by = person_field(_("decided by"))
    decision_message = models.TextField(_("message to the person"), blank=True)
    # The interface language the person used when asking: their emails are written in it.
    language = models.CharField(_("language"), max_length=10, blank=True)

    objects = MembershipQuerySet.as_manager()
    history = HistoricalRecords(
        verbose_name=_("historical membership"), verbose_name_plural=_("historical memberships")
    )

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

    @property
    def is_pending(self):
        return self.status == self.Status.PENDING

    @property
    def is_lead(self):
        return self.is_approved and self.role == self.Role.LEAD
