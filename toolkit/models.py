from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from cities.common.rows import person_field


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with their email address.

    The profile is deliberately small: a name and a job title, nothing else.
    """

    email = models.EmailField(_("email address"), unique=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    is_staff = models.BooleanField(
        _("site admin"),
        default=False,
        help_text=_("Whether the person can use the Django admin."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ci"),
        ]

    def __str__(self):
        return self.name or self.email

    def get_full_name(self):
        return self.name or self.email

    def get_short_name(self):
        return self.name.split(" ")[0] if self.name else self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email)


# A download that counts: asked for by a person, not a robot, and served, not refused past
# the rate limit. Every figure of downloads reads this one condition.
COUNTED = models.Q(is_bot=False, over_limit=False)
# COUNTER's double-click rule: the same visitor, package and format within 30 seconds is one.
NOT_REPEATED = models.Q(is_repeat=False)


class DownloadEventQuerySet(models.QuerySet):
    def human(self):
        """Downloads that count (see COUNTED)."""
        return self.filter(COUNTED)

    def of_toolkit(self):
        """Downloads of the model plan's packages (not of city adaptations)."""
        return self.filter(package__startswith="toolkit")


class DownloadEvent(models.Model):
    """One download of a package, recorded without any raw address or user agent."""

    # Downloads change often and feed only the figures: they have a cache generation of
    # their own (cities.common.cache), so a download never redraws the toolkit's pages.
    cache_generation = "downloads"

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "DOCX"
        CSV = "csv", "CSV"
        JSON = "json", "JSON"
        ZIP = "zip", "ZIP"

    package = models.CharField(_("package"), max_length=120)
    format = models.CharField(_("format"), max_length=5, choices=Format)
    created_at = models.DateTimeField(_("downloaded at"), default=timezone.now, db_index=True)
    city = models.ForeignKey(
        "cities.City",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="download_events",
        verbose_name=_("city"),
    )
    # A keyed hash, with a secret of the day, of the signed-in person or else of the network
    # address: never the address itself, and never the browser (a new browser is not a new
    # visitor).
    visitor_key = models.CharField(_("visitor key"), max_length=64)
    # The same visitor and package within one clock hour share this key, whatever the format,
    # so counting distinct keys gives the COUNTER rule's unique downloads.
    unique_key = models.CharField(_("unique-download key"), max_length=64, db_index=True)
    is_bot = models.BooleanField(_("looks like a robot"), default=False)
    is_repeat = models.BooleanField(_("repeat within 30 seconds"), default=False)
    over_limit = models.BooleanField(_("refused past the rate limit"), default=False)

    objects = DownloadEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("download event")
        verbose_name_plural = _("download events")

    def __str__(self):
        return f"{self.package} ({self.format}) {self.created_at:%Y-%m-%d %H:%M}"


def downloaded_condition(*, since=None, before=None) -> models.Exists:
    """True for a city (as OuterRef("pk")) a signed-in member of which downloaded the toolkit
    (between `since` and `before`, when given); bots never count."""
    events = DownloadEvent.objects.of_toolkit().human().filter(city=models.OuterRef("pk"))
    if since is not None:
        events = events.filter(created_at__gte=since)
    if before is not None:
        events = events.filter(created_at__lt=before)
    return models.Exists(events)


class GrantMeasure(models.Model):
    """One of the grant's success measures: what is counted, and the target."""

    class Key(models.TextChoices):
        PARTICIPATING_CITIES = "participating-cities", _("Participating cities")
        TOOLKIT_DOWNLOADS = "toolkit-downloads", _("Toolkit downloads")
        ROUND_TABLES_HELD = "round-tables-held", _("Round tables held")

    key = models.CharField(_("measure"), max_length=30, choices=Key, unique=True)
    label = models.CharField(_("label"), max_length=100)
    target = models.PositiveIntegerField(_("target"))
    period_start = models.DateField(_("grant period starts"))
    period_end = models.DateField(_("grant period ends"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order"]
        verbose_name = _("grant measure")
        verbose_name_plural = _("grant measures")
        permissions = [
            ("view_grant_details", _("Can see the per-city grant figures and export them")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gt=models.F("period_start")),
                name="grantmeasure_period_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def display_label(self):
        """The coordinators' label; the translated default while they have not changed it."""
        with translation.override("en"):
            default = str(self.Key(self.key).label)
        return self.Key(self.key).label if self.label == default else self.label


class VisitorSalt(models.Model):
    """The day's random secret for visitor keys; older ones are deleted so keys never link."""

    day = models.DateField(_("day"), unique=True)
    secret = models.CharField(_("secret"), max_length=64)

    class Meta:
        verbose_name = _("visitor-key secret")
        verbose_name_plural = _("visitor-key secrets")

    def __str__(self):
        return str(self.day)


class ReportingPeriod(models.Model):
    """A closed reporting period: its figures and records frozen, and its report files.

    Everything is kept as it was at closing (toolkit.grant.reports): the report page and
    files are read from here, never computed again, so they read the same a year later.
    """

    start = models.DateField(_("start of the period"))
    end = models.DateField(_("end of the period"))
    closed_at = models.DateTimeField(_("closed at"), default=timezone.now)
    closed_by = person_field(_("closed by"))
    snapshot = models.JSONField(_("figures and records as closed"))
    report_csv = models.BinaryField(_("report (CSV)"))
    report_pdf = models.BinaryField(_("report (PDF)"))

    class Meta:
        ordering = ["-start"]
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        constraints = [
            models.UniqueConstraint(fields=["start", "end"], name="reportingperiod_unique_dates"),
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")),
                name="reportingperiod_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.start} – {self.end}"

    def get_absolute_url(self):
        return reverse("metrics:period-report", kwargs={"pk": self.pk})
