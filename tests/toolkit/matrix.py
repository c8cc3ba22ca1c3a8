"""Who may use the toolkit's private pages (run by tests/test_permission_matrix.py)."""

from tests.matrix import FORBIDDEN, OK, Case, expect

CASES = [
    Case("your profile", "profile", expect(OK)),
    Case(
        "save your profile",
        "profile",
        expect(OK),
        method="post",
        data=lambda w: {"name": "Renamed by the matrix", "job_title": "Analyst"},
    ),
]


def _measures_data(world) -> dict:
    from toolkit.models import GrantMeasure

    measures = list(GrantMeasure.objects.order_by("pk"))
    data = {
        "form-TOTAL_FORMS": str(len(measures)),
        "form-INITIAL_FORMS": str(len(measures)),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
    }
    for index, measure in enumerate(measures):
        data |= {
            f"form-{index}-id": str(measure.pk),
            f"form-{index}-label": measure.label,
            f"form-{index}-target": str(measure.target + 1),
            f"form-{index}-period_start": measure.period_start.isoformat(),
            f"form-{index}-period_end": measure.period_end.isoformat(),
        }
    return data


CASES += [
    Case(
        "export the per-city grant figures",
        "metrics:export",
        expect(FORBIDDEN, grant_staff=OK, coordinator=OK),
        kwargs=lambda w: {"table": "cities"},
    ),
    Case(
        "export the measures",
        "metrics:export",
        expect(FORBIDDEN, grant_staff=OK, coordinator=OK),
        kwargs=lambda w: {"table": "measures"},
    ),
    Case(
        "open the measures' settings", "metrics:measures-update", expect(FORBIDDEN, coordinator=OK)
    ),
    Case(
        "change the measures' targets",
        "metrics:measures-update",
        expect(FORBIDDEN, coordinator=OK),
        method="post",
        data=_measures_data,
    ),
]


def setup(world) -> None:
    """A closed reporting period, made directly: the matrix asks who may read it, not how."""
    import datetime

    from django.utils import timezone

    from toolkit.grant import metrics, reports
    from toolkit.models import ReportingPeriod

    period = metrics.Period(datetime.date(2023, 1, 1), datetime.date(2023, 3, 31))
    world.reporting_period = ReportingPeriod.objects.create(
        start=period.start,
        end=period.end,
        snapshot=reports.period_snapshot(period, closed_at=timezone.now(), closed_by="Matrix"),
        report_csv=b"csv",
        report_pdf=b"%PDF-1.7",
    )


CASES += [
    *(
        Case(
            f"see the records behind a figure ({kind})",
            "metrics:records",
            expect(FORBIDDEN, grant_staff=OK, coordinator=OK),
            kwargs=lambda w, kind=kind: {"kind": kind},
        )
        for kind in ("cities", "downloads", "round-tables")
    ),
    *(
        Case(
            f"export the records behind a figure ({kind})",
            "metrics:records-export",
            expect(FORBIDDEN, grant_staff=OK, coordinator=OK),
            kwargs=lambda w, kind=kind: {"kind": kind},
        )
        for kind in ("cities", "downloads", "round-tables")
    ),
    Case("open the closing of a period", "metrics:period-close", expect(FORBIDDEN, coordinator=OK)),
    Case(
        "close a reporting period",
        "metrics:period-close",
        expect(FORBIDDEN, coordinator=OK),
        method="post",
        data=lambda w: {"start": "2024-01-01", "end": "2024-03-31"},
    ),
    Case(
        "read a closed period's report",
        "metrics:period-report",
        expect(FORBIDDEN, grant_staff=OK, coordinator=OK),
        kwargs=lambda w: {"pk": w.reporting_period.pk},
    ),
    *(
        Case(
            f"download a closed period's report ({extension})",
            "metrics:period-report-file",
            expect(FORBIDDEN, grant_staff=OK, coordinator=OK),
            kwargs=lambda w, extension=extension: {
                "pk": w.reporting_period.pk,
                "extension": extension,
            },
        )
        for extension in ("csv", "pdf")
    ),
]
