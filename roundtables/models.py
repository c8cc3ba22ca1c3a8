import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cities import permissions as city_permissions
from cities.common.rows import person_field
from cities.models import City, Region

MAX_MATERIAL_BYTES = 10 * 1024 * 1024


class RoundTableQuerySet(models.QuerySet):
    def held(self):
        """Round tables marked held with at least one attendee recorded (registrant or walk-in)."""
        return self.filter(status=RoundTable.Status.HELD).filter(
            Exists(Registration.objects.filter(round_table=OuterRef("pk"), attended=True))
            | Exists(WalkIn.objects.filter(round_table=OuterRef("pk")))
        )

    def listed(self):
        return self.select_related("region", "host_city")

    def upcoming(self, now: datetime.datetime | None = None):
        """Round tables that have not ended yet, soonest first."""
        return self.filter(ends_at__gte=now or timezone.now()).order_by("starts_at", "pk")

    def past(self, now: datetime.datetime | None = None):
        """Round tables that have ended, latest first."""
        return self.filter(ends_at__lt=now or timezone.now()).order_by("-starts_at", "-pk")

    def in_quarter(self, *, year: int | None = None, quarter: int | None = None):
        """Filter by the year and quarter of the start, in the site's time zone."""
        queryset = self
        if year:
            queryset = queryset.filter(starts_at__year=year)
        if quarter:
            queryset = queryset.filter(starts_at__quarter=quarter)
        return queryset

    def for_region(self, region: Region | None):
        """A subregion's round tables; None gives the county-wide ones."""
        return self.filter(region=region) if region else self.filter(region__isnull=True)

    def open_to(self, region: Region):
        """What a subregion's cities are invited to: its own round tables and county-wide ones."""
        return self.filter(Q(region=region) | Q(region__isnull=True))


def material_upload_to(instance, filename) -> str:
    # Never the uploader's file name: it is not trusted and could leak information.
    return f"private/roundtables/materials/{uuid.uuid4().hex}.pdf"


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
    host_city = models.ForeignKey(
        City,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_round_tables",
        verbose_name=_("host city"),
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    registration_deadline = models.DateTimeField(
        _("registration deadline"),
        null=True,
        blank=True,
        help_text=_("Sign-ups close at this time. Leave empty to accept them until the start."),
    )
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    online_url = models.URLField(
        _("online meeting link"),
        max_length=500,
        blank=True,
        help_text=_("Only people with a confirmed seat see it."),
    )
    capacity = models.PositiveIntegerField(_("capacity"))
    seats_per_city = models.PositiveSmallIntegerField(
        _("seats per city"),
        null=True,
        blank=True,
        help_text=_("Leave empty for no limit per city."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.SCHEDULED)
    agenda = models.TextField(_("agenda"), blank=True, help_text=_("Markdown."))
    minutes = models.TextField(
        _("minutes"), blank=True, help_text=_("Markdown. Published on the round table's page.")
    )
    cancellation_note = models.TextField(_("reason for cancelling"), blank=True)
    # Kept by the services under the round table's row lock; the database refuses more
    # confirmed seats than the capacity (see the constraint below).
    seats_taken = models.PositiveIntegerField(_("confirmed seats"), default=0, editable=False)
    # Numbers every sign-up in the order it took the lock: the waitlist's order.
    signups_received = models.PositiveIntegerField(
        _("sign-ups received"), default=0, editable=False
    )
    # RFC 5545 SEQUENCE: calendars replace their copy when it goes up.
    calendar_sequence = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

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
                condition=Q(ends_at__gt=F("starts_at")),
                name="roundtable_ends_after_start",
                violation_error_message=_("The round table must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(seats_taken__lte=F("capacity")),
                name="roundtable_seats_within_capacity",
                violation_error_message=_(
                    "The capacity cannot be lower than the number of confirmed seats."
                ),
            ),
            models.CheckConstraint(
                condition=Q(registration_deadline__isnull=True)
                | Q(registration_deadline__lte=F("starts_at")),
                name="roundtable_deadline_not_after_start",
                violation_error_message=_("Sign-ups must close before the round table starts."),
            ),
            models.CheckConstraint(
                condition=Q(seats_per_city__isnull=True) | Q(seats_per_city__gte=1),
                name="roundtable_seats_per_city_positive",
                violation_error_message=_("Give at least one seat per city, or leave it empty."),
            ),
        ]
        indexes = [models.Index(fields=["status", "starts_at"], name="roundtable_status_start")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("roundtables:roundtable-detail", kwargs={"slug": self.slug})

    @property
    def local_start(self) -> datetime.datetime:
        return timezone.localtime(self.starts_at)

    @property
    def year(self) -> int:
        return self.local_start.year

    @property
    def quarter(self) -> int:
        return (self.local_start.month - 1) // 3 + 1

    @property
    def quarter_label(self) -> str:
        return quarter_label(self.year, self.quarter)

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.seats_taken, 0)

    @property
    def is_full(self) -> bool:
        return self.seats_left == 0

    @property
    def signups_close_at(self) -> datetime.datetime:
        return self.registration_deadline or self.starts_at

    def has_started(self, now: datetime.datetime | None = None) -> bool:
        return self.starts_at <= (now or timezone.now())

    def has_ended(self, now: datetime.datetime | None = None) -> bool:
        return self.ends_at < (now or timezone.now())

    def accepts_signups(self, now: datetime.datetime | None = None) -> bool:
        return (
            self.status == self.Status.SCHEDULED and (now or timezone.now()) < self.signups_close_at
        )

    def accepts_cancellations(self, now: datetime.datetime | None = None) -> bool:
        """Registrations may be cancelled until the start, after sign-ups have closed too."""
        return self.status == self.Status.SCHEDULED and not self.has_started(now)

    def can_record_attendance(self, now: datetime.datetime | None = None) -> bool:
        return self.status != self.Status.CANCELLED and self.has_started(now)

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def is_held(self) -> bool:
        return self.status == self.Status.HELD


def quarter_label(year: int, quarter: int) -> str:
    return _("Q%(quarter)s %(year)s") % {"quarter": quarter, "year": year}


def attendance_condition(*, city_ref: str = "pk", since=None, before=None) -> ExpressionWrapper:
    """True for a city with a recorded attendee (registrant or walk-in) at a held round table
    (that started between `since` and `before`, when given)."""
    held = Q(round_table__status=RoundTable.Status.HELD)
    if since is not None:
        held &= Q(round_table__starts_at__gte=since)
    if before is not None:
        held &= Q(round_table__starts_at__lt=before)
    return ExpressionWrapper(
        Exists(Registration.objects.filter(held, city=OuterRef(city_ref), attended=True))
        | Exists(WalkIn.objects.filter(held, city=OuterRef(city_ref))),
        output_field=BooleanField(),
    )


def attending_cities(round_table: RoundTable | None = None):
    """Distinct cities with a recorded attendee: at one round table, or at any held one."""
    if round_table is None:
        return City.objects.filter(attendance_condition()).order_by("name")
    return City.objects.filter(
        Exists(
            Registration.objects.filter(city=OuterRef("pk"), attended=True, round_table=round_table)
        )
        | Exists(WalkIn.objects.filter(city=OuterRef("pk"), round_table=round_table))
    ).order_by("name")


class RegistrationQuerySet(models.QuerySet):
    def active(self):
        """Confirmed and waitlisted registrations: everyone still expected."""
        return self.exclude(status=Registration.Status.CANCELLED)

    def of_members(self):
        """Registrations whose person is still an approved member of the city they are for."""
        return self.filter(city_permissions.is_city_staff_condition())

    def confirmed(self):
        return self.filter(status=Registration.Status.CONFIRMED)

    def waitlisted(self):
        return self.filter(status=Registration.Status.WAITLISTED).order_by("sequence")

    def with_waitlist_position(self):
        """Annotate `waitlist_position` (1 = next to get a seat); 0 unless waitlisted."""
        ahead = (
            Registration.objects.filter(
                round_table=OuterRef("round_table"),
                status=Registration.Status.WAITLISTED,
                sequence__lte=OuterRef("sequence"),
            )
            .order_by()
            .values("round_table")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return self.annotate(
            waitlist_position=models.Case(
                models.When(
                    status=Registration.Status.WAITLISTED,
                    then=Coalesce(Subquery(ahead), 0),
                ),
                default=0,
                output_field=models.IntegerField(),
            )
        )


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
    # The order in which sign-ups took the round table's lock; the waitlist follows it.
    sequence = models.PositiveIntegerField(_("arrival number"), default=0, editable=False)
    attended = models.BooleanField(_("attended"), default=False)
    # When the person last signed up: signing up again after cancelling moves it on, so
    # lists show the new arrival (created_at keeps when the row was first made).
    signed_up_at = models.DateTimeField(_("signed up at"), default=timezone.now)
    # The interface language the person signed up in: their emails are written in it.
    language = models.CharField(_("language"), max_length=10, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    promoted_at = models.DateTimeField(
        _("given a seat from the waitlist at"), null=True, blank=True
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["sequence", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["round_table", "user"],
                name="registration_one_per_person",
                violation_error_message=_("You are already signed up for this round table."),
            ),
            models.UniqueConstraint(
                fields=["round_table", "sequence"],
                condition=Q(sequence__gt=0),
                name="registration_one_arrival_number",
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled", attended=True),
                name="registration_cancelled_not_attended",
            ),
        ]
        indexes = [
            models.Index(fields=["round_table", "status", "sequence"], name="registration_queue"),
        ]

    def __str__(self):
        return f"{self.user} – {self.round_table}"

    @property
    def is_confirmed(self) -> bool:
        return self.status == self.Status.CONFIRMED

    @property
    def is_waitlisted(self) -> bool:
        return self.status == self.Status.WAITLISTED

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED


class WalkIn(models.Model):
    """Someone who attended without registering; no account needed."""

    round_table = models.ForeignKey(
        RoundTable, on_delete=models.CASCADE, related_name="walk_ins", verbose_name=_("round table")
    )
    name = models.CharField(_("name"), max_length=150)
    city = models.ForeignKey(
        City,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="walk_ins",
        verbose_name=_("city"),
        help_text=_("Leave empty for someone who does not work for one of the county's cities."),
    )
    organization = models.CharField(
        _("organization"),
        max_length=150,
        blank=True,
        help_text=_("For someone from outside the cities, e.g. a county agency."),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    recorded_by = person_field(_("recorded by"))

    class Meta:
        ordering = ["recorded_at", "pk"]
        verbose_name = _("walk-in")
        verbose_name_plural = _("walk-ins")
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="walkin_name_given"),
        ]

    def __str__(self):
        return self.name


class Material(models.Model):
    """A document from a round table: a link, or an uploaded PDF served as an attachment."""

    round_table = models.ForeignKey(
        RoundTable,
        on_delete=models.CASCADE,
        related_name="materials",
        verbose_name=_("round table"),
    )
    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(_("link"), max_length=500, blank=True)
    file = models.FileField(_("PDF file"), upload_to=material_upload_to, blank=True, max_length=200)
    size = models.PositiveIntegerField(_("size in bytes"), null=True, blank=True)
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)
    added_by = person_field(_("added by"))

    class Meta:
        ordering = ["added_at", "pk"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        constraints = [
            models.CheckConstraint(
                condition=(Q(url="") & ~Q(file="")) | (~Q(url="") & Q(file="")),
                name="material_link_or_file",
                violation_error_message=_("Give either a link or a PDF file, not both."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse(
            "roundtables:material-download",
            kwargs={"slug": self.round_table.slug, "pk": self.pk},
        )

    @property
    def is_file(self) -> bool:
        return bool(self.file)


def round_table_moments() -> list:
    """The moments still ahead when a round table starts, ends or closes its sign-ups, sorted.

    Pages that list round tables change at these moments without any write (see
    toolkit/pagecache.py).
    """
    now = timezone.now()
    rows = RoundTable.objects.exclude(status=RoundTable.Status.CANCELLED).filter(ends_at__gt=now)
    moments = set()
    for starts_at, ends_at, deadline in rows.values_list(
        "starts_at", "ends_at", "registration_deadline"
    ):
        moments.update(
            moment for moment in (starts_at, ends_at, deadline) if moment and moment > now
        )
    return sorted(moments)
