from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from cities.common import cache
from cities.common.errors import DomainError
from cities.common.rows import person_field
from cities.models import City

# Path segments the toolkit's own pages use; a focus area or an entry may not
# take one as its slug, or its page would hide (or be hidden by) one of them.
RESERVED_SLUGS = frozenset(
    {
        "downloads",
        "edit",
        "entries",
        "focus-areas",
        "history",
        "manage",
        "move",
        "new",
        "restore",
        "retire",
        "search",
    }
)


def validate_not_reserved(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(
            _("“%(slug)s” is used by the site itself; choose another slug."),
            code="reserved",
            params={"slug": value},
        )


class PlanQuerySet(models.QuerySet):
    def adaptations(self):
        return self.filter(kind=Plan.Kind.ADAPTATION)

    def published(self):
        return self.filter(status=Plan.Status.PUBLISHED)

    def model_plan(self):
        """The one model plan, or None before the seed data is loaded."""
        return self.filter(kind=Plan.Kind.MODEL).first()


class Plan(models.Model):
    """The model plan, maintained by the coordinators, or one city's adaptation of it."""

    class Kind(models.TextChoices):
        MODEL = "model", _("Model plan")
        ADAPTATION = "adaptation", _("City adaptation")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind)
    city = models.ForeignKey(
        City,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plans",
        verbose_name=_("city"),
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    vision = models.TextField(_("vision"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    licence = models.CharField(_("licence"), max_length=40, default="CC-BY-4.0")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # Bumped (in the database, atomically) by every change to the plan's focus areas and
    # entries: the downloadable packages are built, named and kept per revision.
    revision = models.PositiveIntegerField(_("content revision"), default=0)
    content_changed_at = models.DateTimeField(_("content last changed"), null=True, blank=True)

    objects = PlanQuerySet.as_manager()
    # Who changed an adaptation's title, summary, vision or status, and when.
    history = HistoricalRecords(excluded_fields=["created_at", "revision", "content_changed_at"])

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        permissions = [("edit_model_plan", _("Can edit the model plan"))]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"], condition=Q(kind="model"), name="plan_single_model_plan"
            ),
            models.UniqueConstraint(
                fields=["city"], condition=Q(kind="adaptation"), name="plan_one_adaptation_per_city"
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="model", city__isnull=True) | Q(kind="adaptation", city__isnull=False)
                ),
                name="plan_city_only_on_adaptations",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_model(self) -> bool:
        return self.kind == self.Kind.MODEL


def published_condition(*, since=None, before=None) -> Exists:
    """True for a city (as OuterRef("pk")) whose adaptation is published (and was by `before`,
    when given)."""
    published = Plan.objects.adaptations().published().filter(city=OuterRef("pk"))
    if before is not None:
        published = published.filter(published_at__lt=before)
    return Exists(published)


class Status(models.TextChoices):
    ACTIVE = "active", _("Active")
    RETIRED = "retired", _("Retired")


class Source(models.Model):
    """A plan, city or program a toolkit entry comes from, with a link to it."""

    key = models.SlugField(_("key"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=300)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self):
        return self.title


class CoreValue(models.Model):
    """One of the five SMART core values an entry can serve."""

    class Key(models.TextChoices):
        SUSTAINABILITY = "sustainability", _("Sustainability")
        MOBILITY = "mobility", _("Mobility")
        ACCESSIBILITY = "accessibility", _("Accessibility")
        RESILIENCY = "resiliency", _("Resiliency")
        TRANSPARENCY = "transparency", _("Transparency")

    key = models.CharField(_("value"), max_length=20, choices=Key, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order"]
        verbose_name = _("core value")
        verbose_name_plural = _("core values")

    def __str__(self):
        return self.get_key_display()


class PlanPart(models.Model):
    """What a plan's focus areas and entries share: every save is a new version of the row
    and a change of its plan (see plan_touch)."""

    class Meta:
        abstract = True

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        _bump_version(self, kwargs)
        super().save(*args, **kwargs)
        plan_touch(self.plan_id)

    @property
    def is_retired(self) -> bool:
        return self.status == Status.RETIRED


def _origin_field() -> models.ForeignKey:
    """In an adaptation: the model plan's focus area or entry this one was taken from."""
    return models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="copies",
        verbose_name=_("taken from"),
    )


class FocusAreaQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Status.ACTIVE)

    def with_counts(self):
        """Annotate the number of active entries of each kind (one query, whatever the size)."""
        active = Q(entries__status=Status.ACTIVE)
        return self.annotate(
            policy_count=Count("entries", filter=active & Q(entries__kind=Entry.Kind.POLICY)),
            funding_count=Count("entries", filter=active & Q(entries__kind=Entry.Kind.FUNDING)),
            practice_count=Count("entries", filter=active & Q(entries__kind=Entry.Kind.PRACTICE)),
        )


class FocusArea(PlanPart):
    """A section of a plan, such as Smart Mobility."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="focus_areas", verbose_name=_("plan")
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        max_length=80,
        validators=[validate_not_reserved],
        help_text=_("The focus area's address in the toolkit. It cannot change later."),
    )
    summary = models.TextField(_("summary"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.ACTIVE)
    # In an adaptation: the model plan's focus area this one was copied from.
    origin = _origin_field()
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    objects = FocusAreaQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("focus area")
        verbose_name_plural = _("focus areas")
        constraints = [
            models.UniqueConstraint(fields=["plan", "slug"], name="focusarea_unique_slug_per_plan"),
            models.CheckConstraint(
                condition=Q(status__in=["active", "retired"]), name="focusarea_status_valid"
            ),
        ]

    def get_absolute_url(self):
        if self.origin_id is not None:  # a focus area of a city's adaptation
            path = reverse("adaptations:adaptation-detail", kwargs={"city": self.plan.city.slug})
            return f"{path}#area-{self.pk}"
        return reverse("plans:focus-area-detail", kwargs={"slug": self.slug})


class TaggedEntry(TaggedItemBase):
    """An entry's tag (a direct foreign key, so tag filters are plain joins)."""

    content_object = models.ForeignKey("Entry", on_delete=models.CASCADE)

    class Meta:
        verbose_name = _("entry tag")
        verbose_name_plural = _("entry tags")
        constraints = [
            models.UniqueConstraint(
                fields=["content_object", "tag"], name="taggedentry_one_per_entry"
            ),
        ]


class EntryQuerySet(models.QuerySet):
    def active(self):
        """Entries a visitor browses: not retired, in a focus area that is not retired."""
        return self.filter(status=Status.ACTIVE, focus_area__status=Status.ACTIVE)

    def of_model_plan(self):
        return self.filter(plan__kind=Plan.Kind.MODEL)

    def of_kind(self, kind):
        return self.filter(kind=kind)

    def in_reading_order(self):
        return self.order_by("focus_area__order", "focus_area_id", "order", "pk")


class Decision(models.TextChoices):
    """What a city decided about an entry of its adaptation."""

    UNDECIDED = "undecided", _("Not decided yet")
    ADOPTED = "adopted", _("Adopted as it is")
    ADAPTED = "adapted", _("Adapted")
    NOT_APPLICABLE = "not-applicable", _("Not applicable")
    OWN = "own", _("The city's own")


class Progress(models.TextChoices):
    """How far a city has come with an entry of its adaptation."""

    NOT_STARTED = "not-started", _("Not started")
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in-progress", _("In progress")
    DONE = "done", _("Done")


class NotForThisEntry(DomainError):
    """A decision this entry cannot take: the city's own entries cannot be adopted, for one.

    One entry's form shows the message; the bulk decisions leave such entries as they were.
    """


# An entry's own words, the facts a city needs to act on it, and where a city's work on it
# stands. A city's entry takes the first two from the model entry it comes from.
TEXT_FIELDS = ("title", "summary", "body")
PRACTICAL_FIELDS = ("cost", "effort", "departments", "horizon", "funder", "eligibility", "cycle")
FROM_MODEL = ("kind", *TEXT_FIELDS, "source_id", *PRACTICAL_FIELDS)
PROGRESS_FIELDS = ("progress", "owner_department", "target_date", "progress_note")


class EntryRevisionBase(models.Model):
    """Extra fields every stored revision of an entry carries.

    Tags, core values, sources and related entries live in other tables; a
    revision keeps what they were at that moment so that a diff can show them.
    """

    relations = models.JSONField(_("tags, values, sources and related entries"), default=dict)

    class Meta:
        abstract = True


class Entry(PlanPart):
    """One unit of the toolkit: a policy, a funding mechanism or a best practice."""

    class Kind(models.TextChoices):
        POLICY = "policy", _("Policy")
        FUNDING = "funding", _("Funding mechanism")
        PRACTICE = "practice", _("Best practice")

    class Effort(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    class Horizon(models.TextChoices):
        SHORT = "short", _("Short term (under a year)")
        MEDIUM = "medium", _("Medium term (one to three years)")
        LONG = "long", _("Long term (more than three years)")

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="entries", verbose_name=_("plan")
    )
    focus_area = models.ForeignKey(
        FocusArea, on_delete=models.PROTECT, related_name="entries", verbose_name=_("focus area")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        max_length=80,
        validators=[validate_not_reserved],
        help_text=_(
            "The entry's address in the toolkit, made from the title when left empty. "
            "It cannot change later."
        ),
    )
    summary = models.TextField(_("summary"), help_text=_("One or two plain sentences."))
    body = models.TextField(
        _("body"),
        blank=True,
        help_text=_(
            "Markdown: ### for a heading, - for a list item, **bold**, [text](https://link)."
        ),
    )
    core_values = models.ManyToManyField(
        CoreValue, blank=True, related_name="entries", verbose_name=_("core values")
    )
    tags = TaggableManager(_("tags"), through=TaggedEntry, blank=True)
    source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        verbose_name=_("source"),
    )
    also_sources = models.ManyToManyField(
        Source, blank=True, related_name="also_cited_by", verbose_name=_("other sources")
    )
    cost = models.CharField(_("typical cost"), max_length=200, blank=True)
    effort = models.CharField(_("effort"), max_length=10, choices=Effort, blank=True)
    departments = models.JSONField(_("departments involved"), default=list, blank=True)
    horizon = models.CharField(_("time horizon"), max_length=10, choices=Horizon, blank=True)
    funder = models.CharField(_("funder"), max_length=200, blank=True)
    eligibility = models.CharField(_("who can apply"), max_length=300, blank=True)
    cycle = models.CharField(_("funding cycle"), max_length=200, blank=True)
    related = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="referenced_by",
        verbose_name=_("related entries"),
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.ACTIVE)
    unverified = models.BooleanField(
        _("needs checking"),
        default=False,
        help_text=_(
            "A source flags a fact here as uncertain or dated; a coordinator should check."
        ),
    )
    verification_note = models.TextField(_("what to check"), blank=True)
    # In an adaptation: the model entry this one was taken from, and its version then.
    origin = _origin_field()
    origin_version = models.PositiveIntegerField(_("taken at version"), null=True, blank=True)
    # In an adaptation: what the city decided, and how far it has come (empty in the model).
    decision = models.CharField(_("decision"), max_length=16, choices=Decision, blank=True)
    decision_note = models.TextField(_("why it does not apply"), blank=True)
    progress = models.CharField(_("status"), max_length=12, choices=Progress, blank=True)
    owner_department = models.CharField(_("owner department"), max_length=200, blank=True)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    progress_note = models.TextField(_("progress note"), blank=True)
    # Counts the entry's saves: the number of its latest revision, and the
    # check that stops a stale form from overwriting someone else's change.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    objects = EntryQuerySet.as_manager()
    history = HistoricalRecords(bases=[EntryRevisionBase], excluded_fields=["created_at"])

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        constraints = [
            models.UniqueConstraint(fields=["plan", "slug"], name="entry_unique_slug_per_plan"),
            models.CheckConstraint(
                condition=Q(kind__in=["policy", "funding", "practice"]), name="entry_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["active", "retired"]), name="entry_status_valid"
            ),
            models.CheckConstraint(condition=~Q(title=""), name="entry_title_not_empty"),
            models.CheckConstraint(
                condition=Q(origin_version__isnull=True) | Q(origin__isnull=False),
                name="entry_origin_version_needs_origin",
            ),
            # A model entry has no decision; an adaptation's entry taken from the model has
            # one of the four about it; the city's own entry has no origin.
            models.CheckConstraint(
                condition=Q(decision__in=["", "own"], origin__isnull=True)
                | Q(
                    decision__in=["undecided", "adopted", "adapted", "not-applicable"],
                    origin__isnull=False,
                ),
                name="entry_decision_matches_origin",
            ),
            models.CheckConstraint(
                condition=~Q(decision="not-applicable") | ~Q(decision_note=""),
                name="entry_not_applicable_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(progress__in=["", "not-started", "planned", "in-progress", "done"]),
                name="entry_progress_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["plan", "status", "kind"], name="entry_plan_status_kind"),
        ]

    def get_absolute_url(self):
        if self.decision:  # an entry of a city's adaptation
            return reverse(
                "adaptations:entry-detail", kwargs={"city": self.plan.city.slug, "slug": self.slug}
            )
        return reverse(
            "plans:entry-detail",
            kwargs={"focus_area": self.focus_area.slug, "slug": self.slug},
        )

    def clean(self):
        super().clean()
        if self.focus_area_id and self.plan_id and self.focus_area.plan_id != self.plan_id:
            raise ValidationError({"focus_area": _("Choose a focus area of the same plan.")})

    @property
    def is_funding(self) -> bool:
        return self.kind == self.Kind.FUNDING

    # --- A city's decision about an entry of its adaptation ---------------------------------
    # Every path that records a decision (an entry's form, the bulk form, an update from the
    # model plan, the demo data) calls these. Each applies its rule and validates the entry;
    # the service that called it saves it.

    @classmethod
    def taken_from(cls, model_entry: "Entry", *, focus_area: FocusArea, slug: str) -> "Entry":
        """A city's copy of a model entry, in a focus area of its adaptation, not decided yet."""
        return cls(
            plan_id=focus_area.plan_id,
            focus_area=focus_area,
            slug=slug,
            order=model_entry.order,
            status=Status.ACTIVE,
            origin=model_entry,
            origin_version=model_entry.version,
            decision=Decision.UNDECIDED,
            progress=Progress.NOT_STARTED,
            **{name: getattr(model_entry, name) for name in FROM_MODEL},
        )

    @property
    def is_own(self) -> bool:
        """One of a city's own entries: in its adaptation, not taken from the model plan."""
        return self.decision == Decision.OWN

    def base_revision(self):
        """The model's stored revision this entry was taken from (origin at origin_version)."""
        if self.origin_id is None:
            return None
        revisions = Entry.history.filter(id=self.origin_id, version=self.origin_version)
        return revisions.order_by("-history_id").first()

    def adopt(self, base=None) -> None:
        """Adopted as it is: the text becomes the model's, as it was when the city took it.

        `base` is that stored revision, for a caller that read several at once.
        """
        self._refuse_if_own(
            _("The city's own entries cannot be adopted: they are not in the model plan.")
        )
        if self.decision != Decision.ADOPTED:
            base = base or self.base_revision()
            if base is None:
                raise NotForThisEntry(
                    _(
                        "The model text this entry was taken from is not on record, so it cannot "
                        "be adopted as it is."
                    )
                )
            for name in TEXT_FIELDS:
                setattr(self, name, getattr(base, name))
        self.decision, self.decision_note = Decision.ADOPTED, ""
        self._validate()

    def adapt(self, *, title: str, summary: str, body: str) -> None:
        """The city's own text: an entry taken from the model becomes adapted."""
        self.title, self.summary, self.body = title, summary, body
        if not self.is_own:
            self.decision, self.decision_note = Decision.ADAPTED, ""
        self._validate()

    def mark_not_applicable(self, reason: str) -> None:
        """Not applicable to the city, which says why in a few words."""
        self._refuse_if_own(_("The city's own entries cannot be marked not applicable."))
        reason = (reason or "").strip()
        if not reason:
            raise DomainError({"decision_note": _("Say in a few words why it does not apply.")})
        self.decision, self.decision_note = Decision.NOT_APPLICABLE, reason
        self._validate()

    def undecide(self) -> None:
        """Back to not decided yet; the text stays as it is."""
        self._refuse_if_own(_("The city's own entries are always in its plan."))
        self.decision, self.decision_note = Decision.UNDECIDED, ""
        self._validate()

    def decide(self, decision: str, *, text: dict | None = None, reason: str = "") -> None:
        """Take `decision` by its key; `text` is the city's text when it adapts (or for its own)."""
        if decision == Decision.ADAPTED or (decision == Decision.OWN and self.is_own):
            self.adapt(**{name: getattr(self, name) for name in TEXT_FIELDS} | (text or {}))
        elif decision == Decision.ADOPTED:
            self.adopt()
        elif decision == Decision.NOT_APPLICABLE:
            self.mark_not_applicable(reason)
        elif decision == Decision.UNDECIDED:
            self.undecide()
        else:
            raise DomainError({"decision": _("Choose one of the decisions offered.")})

    def record_progress(self, **fields) -> None:
        """Where the work stands: any of the status, owner department, target date and note."""
        for name in PROGRESS_FIELDS:
            if name in fields:
                setattr(self, name, fields[name])
        self.progress = self.progress or Progress.NOT_STARTED
        self._validate()

    def take_model_version(self, model_entry: "Entry") -> None:
        """The model entry's new version replaces the city's text; an adapted one is adopted."""
        for name in FROM_MODEL:
            setattr(self, name, getattr(model_entry, name))
        if self.decision == Decision.ADAPTED:
            self.decision = Decision.ADOPTED
        self.rebase(model_entry)

    def rebase(self, model_entry: "Entry") -> None:
        """The city's entry is now based on the model entry's current version."""
        self._refuse_if_own(_("The city's own entries are not based on the model plan."))
        self.origin_version = model_entry.version
        self._validate()

    def _refuse_if_own(self, message) -> None:
        if self.origin_id is None:
            raise NotForThisEntry(message)

    def _validate(self) -> None:
        # The slug and the links to other rows are set when the entry is made; the database's
        # keys and constraints hold them, so a decision does not query them again.
        self.full_clean(
            exclude=["slug", "plan", "focus_area", "origin", "source"], validate_constraints=False
        )

    def relations_snapshot(self) -> dict[str, list[str]]:
        """Tags, core values, sources and related entries as plain lists, for a revision."""
        return {
            "core_values": sorted(v.key for v in self.core_values.all()),
            "tags": sorted(t.name for t in self.tags.all()),
            "also_sources": sorted(s.key for s in self.also_sources.all()),
            "related": sorted(e.slug for e in self.related.all()),
        }


def _bump_version(instance, save_kwargs: dict) -> None:
    """Count a save of an existing row as a new version."""
    if instance.pk is None or instance._state.adding:
        return
    instance.version += 1
    update_fields = save_kwargs.get("update_fields")
    if update_fields is not None:
        save_kwargs["update_fields"] = {*update_fields, "version", "updated_at"}


# Sent by plan_touch with `plan_id`. The toolkit's downloads and adaptations rooms queue a
# rebuild of the plan's packages on it: a signal, because they sit above this app's layer.
plan_changed = Signal()


def plan_touch(plan_id: int) -> None:
    """Bump a plan's revision marker, in the database, so concurrent changes all count.

    The marker names the downloadable packages' files; pages are cached under the content
    generation, which this also starts anew, for the bulk writes that send no signal.
    """
    Plan.objects.filter(pk=plan_id).update(
        revision=F("revision") + 1, content_changed_at=timezone.now()
    )
    cache.changed()
    plan_changed.send(sender=Plan, plan_id=plan_id)


class FullTextRankField(models.FloatField):
    """The `rank` column of an SQLite FTS5 table; `__matches` runs a full-text query on it."""


@FullTextRankField.register_lookup
class Matches(models.Lookup):
    lookup_name = "matches"
    prepare_rhs = False  # the query is text, not a number like the column

    def as_sql(self, compiler, connection):
        # FTS5 matches against the hidden column named like the table itself.
        table = compiler.quote_name_unless_alias(self.lhs.alias)
        column = connection.ops.quote_name(self.lhs.target.model._meta.db_table)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{table}.{column} MATCH {rhs}", rhs_params


class EntrySearchIndex(models.Model):
    """SQLite only: the FTS5 table that indexes entries (created by migration 0004).

    Not managed by Django: triggers keep it in step with plans_entry. Only
    plans.search uses it, to join matches and their bm25 rank to entries. (On
    PostgreSQL it is an empty view, so code that reads every model still works.)
    """

    entry = models.OneToOneField(
        Entry,
        primary_key=True,
        db_column="rowid",
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        related_name="search_index",
    )
    rank = FullTextRankField(db_column="rank")

    class Meta:
        managed = False
        db_table = "plans_entry_fts"

    def __str__(self):
        return f"search index of entry {self.entry_id}"


class ModelUpdateDismissal(models.Model):
    """A city set aside a change of the model plan, until the model entry changes again.

    `version` is the model entry's version the city dismissed; once the model entry has a
    higher version, the update shows again.
    """

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="dismissals", verbose_name=_("adaptation")
    )
    model_entry = models.ForeignKey(
        Entry,
        on_delete=models.CASCADE,
        related_name="dismissals",
        verbose_name=_("model plan entry"),
    )
    version = models.PositiveIntegerField(_("dismissed version"))
    dismissed_by = person_field(_("dismissed by"))
    dismissed_at = models.DateTimeField(_("dismissed at"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dismissed model plan update")
        verbose_name_plural = _("dismissed model plan updates")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "model_entry"], name="modelupdatedismissal_one_per_entry"
            ),
        ]

    def __str__(self):
        return f"{self.plan} – {self.model_entry} (v{self.version})"
