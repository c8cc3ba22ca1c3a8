"""Small helpers for the rows of every app: who did something to one, and changing one only
where it differs."""

from django.conf import settings
from django.db import models


def person_field(verbose_name) -> models.ForeignKey:
    """Who did something to a row (added it, removed it, decided it...), kept as its record.

    Optional, with no reverse accessor; the row stays when the person's account goes.
    """
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=verbose_name,
    )


def assign_changes(instance, values: dict) -> bool:
    """Set the values that differ from the row's; return whether anything changed.

    For loaders that run again and again: a row already up to date is not saved.
    """
    changed = False
    for field, value in values.items():
        if getattr(instance, field) != value:
            setattr(instance, field, value)
            changed = True
    return changed
