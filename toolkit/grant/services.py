"""Closing a reporting period: the one change the grant figures' room makes."""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cities.common.errors import DomainError
from toolkit.grant import metrics, reports
from toolkit.models import GrantMeasure, ReportingPeriod


def _refusal(*, start: datetime.date, end: datetime.date) -> DomainError | None:
    """Why the period cannot be closed (next to the field it concerns), or None."""
    if end < start:
        return DomainError({"end": _("The end of the period comes before its start.")})
    if end >= timezone.localdate():
        return DomainError(
            {"end": _("A period can be closed once it is over: choose an end before today.")}
        )
    same = ReportingPeriod.objects.filter(start=start, end=end).first()
    if same is not None:
        return DomainError(
            {
                "start": _("This period was already closed on %(date)s; its report cannot change.")
                % {"date": timezone.localtime(same.closed_at).date().isoformat()}
            }
        )
    overlapping = (
        ReportingPeriod.objects.filter(Q(start__lte=end) & Q(end__gte=start))
        .order_by("start")
        .first()
    )
    if overlapping is not None:
        return DomainError(
            {
                "end": _(
                    "This period overlaps the closed period %(start)s to %(end)s; "
                    "closed periods may not share a day."
                )
                % {"start": overlapping.start.isoformat(), "end": overlapping.end.isoformat()}
            }
        )
    return None


def reporting_period_close(
    *, start: datetime.date, end: datetime.date, closed_by
) -> ReportingPeriod:
    """Freeze the period's figures and records, and write its report files once."""
    with transaction.atomic():
        # The measures' rows serve as the lock of closing: two coordinators closing
        # overlapping periods at once are taken one after the other.
        list(GrantMeasure.objects.select_for_update().order_by("pk"))
        refusal = _refusal(start=start, end=end)
        if refusal is not None:
            raise refusal
        closed_at = timezone.now()
        snapshot = reports.period_snapshot(
            metrics.Period(start, end), closed_at=closed_at, closed_by=closed_by.get_full_name()
        )
        period = ReportingPeriod(
            start=start,
            end=end,
            closed_at=closed_at,
            closed_by=closed_by,
            snapshot=snapshot,
            report_csv=reports.report_csv(snapshot),
            report_pdf=reports.report_pdf(snapshot),
        )
        period.full_clean()
        period.save()
    return period
