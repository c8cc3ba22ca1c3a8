from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cities.models import City


class PlanQuerySet(models.QuerySet):
    def adaptations(self):
        return self.filter(kind=Plan.Kind.ADAPTATION)

    def published(self):
        return self.filter(status=Plan.Status.PUBLISHED)


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

    objects = PlanQuerySet.as_manager()

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
