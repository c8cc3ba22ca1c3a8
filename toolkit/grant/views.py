"""The grant dashboard: public figures for everyone, detail and exports for the grant staff."""

import csv
import io

from csp.decorators import csp_replace
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.forms import modelformset_factory
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.decorators import method_decorator
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views import View
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.generic import TemplateView

from cities import participation
from cities.common.errors import DomainError, show_on_form
from cities.common.views import RequiresMixin, kept_for_each_person
from toolkit.downloads.builders import spreadsheet_safe, write_table
from toolkit.grant import charts, metrics, records, reports, services
from toolkit.grant.forms import GrantMeasureForm, PeriodForm
from toolkit.grant.permissions import can_close_periods, can_see_records, is_grant_staff
from toolkit.models import GrantMeasure, ReportingPeriod


def chosen_period(request) -> tuple[metrics.Period | None, PeriodForm | None]:
    """The period the grant staff chose in the query string, or None for the grant period."""
    if not is_grant_staff(request.user):
        return None, None
    if "start" not in request.GET and "end" not in request.GET:
        default = metrics.grant_period()
        return None, PeriodForm(initial={"start": default.start, "end": default.end})
    form = PeriodForm(request.GET)
    if form.is_valid():
        return metrics.Period(form.cleaned_data["start"], form.cleaned_data["end"]), form
    return None, form


@kept_for_each_person
class MetricsDashboardView(TemplateView):
    template_name = "grant/metrics_dashboard.html"

    def get(self, request, *args, **kwargs):
        if not is_grant_staff(request.user) and ("start" in request.GET or "end" in request.GET):
            messages.info(
                request,
                _(
                    "Only the grant's staff can choose another period; "
                    "these are the figures for the grant period."
                ),
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        chosen, form = chosen_period(self.request)
        period = chosen or metrics.grant_period()
        grant_staff = is_grant_staff(self.request.user)
        # The figures are the same for everyone in a period and language: drawn once, kept
        # until content or downloads change, so an unchanged dashboard costs a few cache reads.
        figures_html = metrics.cached(
            ("page", chosen, grant_staff, get_language()),
            period,
            lambda: render_to_string(
                "grant/includes/_dashboard_figures.html",
                self.figures_context(period, chosen, grant_staff),
                request=self.request,
            ),
        )
        context.update(
            period=period,
            period_form=form,
            grant_staff=grant_staff,
            closed_periods=(
                ReportingPeriod.objects.only("start", "end", "closed_at").order_by("-start")
                if can_see_records(self.request.user)
                else ()
            ),
            can_close_periods=can_close_periods(self.request.user),
            can_edit_measures=self.request.user.has_perm("toolkit.change_grantmeasure"),
            chosen=chosen,
            computed_at=timezone.now(),
            export_tables=EXPORT_LABELS,
            figures_html=mark_safe(figures_html),
        )
        return context

    def figures_context(self, period, chosen, grant_staff: bool) -> dict:
        figures = metrics.grant_figures(chosen)
        funnel = metrics.participation_funnel(period)
        regions = metrics.participation_by_subregion(period)
        trend = metrics.monthly_trend(period)
        month_labels = [dateformat.format(month.month, "M y") for month in trend]
        downloads = next(
            (f.extra for f in figures if f.key == GrantMeasure.Key.TOOLKIT_DOWNLOADS),
            metrics.NO_DOWNLOADS,
        )
        context = {
            "grant_staff": grant_staff,
            "figures": figures,
            "figure_records": [
                (figure, _records_url(records.KIND_OF_MEASURE[figure.key], chosen))
                for figure in figures
            ],
            "downloads": downloads,
            "download_totals": [
                (key.replace("_", "-"), label, downloads[key])
                for key, label in metrics.DOWNLOAD_TOTALS
            ],
            "funnel": funnel,
            "funnel_chart": charts.horizontal_bars(
                [(str(s.label), s.cities, s.of, f"{s.cities} ({s.percent}%)") for s in funnel]
            ),
            "regions": regions,
            "regions_chart": charts.horizontal_bars(
                [
                    (r.region.name, r.registered, r.cities, f"{r.registered}/{r.cities}")
                    for r in regions
                ]
            ),
            "trend": trend,
            "trend_charts": [
                (
                    "trend-downloads",
                    _("Toolkit downloads per month"),
                    charts.columns(
                        list(zip(month_labels, [m.downloads for m in trend], strict=True))
                    ),
                ),
                (
                    "trend-registrations",
                    _("Cities registering per month"),
                    charts.columns(
                        list(zip(month_labels, [m.registrations for m in trend], strict=True))
                    ),
                ),
                (
                    "trend-round-tables",
                    _("Round tables held per month"),
                    charts.columns(
                        list(zip(month_labels, [m.round_tables for m in trend], strict=True))
                    ),
                ),
            ],
        }
        if grant_staff:
            context["city_rows"] = [
                (city, _progress_text(city), participation.state_label(city))
                for city in metrics.city_table(period)
            ]
        return context


def _period_query(chosen) -> str:
    """The query string that keeps the chosen period on the next page ("" for the grant's)."""
    if chosen is None:
        return ""
    return f"?start={chosen.start:%Y-%m-%d}&end={chosen.end:%Y-%m-%d}"


def _records_url(kind: str, chosen) -> str:
    return reverse("metrics:records", kwargs={"kind": kind}) + _period_query(chosen)


def _invalid_period(form) -> HttpResponse | None:
    """A plain 400 naming what is wrong with a chosen period, for a file that cannot show a form."""
    if form is None or not form.is_bound or form.is_valid():
        return None
    errors = "; ".join(str(e) for errors in form.errors.values() for e in errors)
    return HttpResponse(
        _("The period is not valid: %(errors)s") % {"errors": errors},
        status=400,
        content_type="text/plain; charset=utf-8",
    )


# --- CSV exports ----------------------------------------------------------------------


def _rows_measures(chosen):
    yield [
        _("Measure"),
        _("Figure"),
        _("Target"),
        _("Percent of target"),
        _("From"),
        _("To"),
        _("Definition"),
    ]
    for figure in metrics.grant_figures(chosen):
        yield [
            figure.label,
            figure.value,
            figure.target,
            figure.percent,
            figure.period.start,
            figure.period.end,
            figure.definition,
        ]
        if figure.key == GrantMeasure.Key.TOOLKIT_DOWNLOADS:
            for key, label in metrics.DOWNLOAD_TOTALS:
                yield [label, figure.extra[key], "", "", "", "", ""]


def _rows_funnel(chosen):
    period = chosen or metrics.grant_period()
    yield [_("Level"), _("Cities"), _("Out of"), _("Percent"), _("Definition")]
    for step in metrics.participation_funnel(period):
        yield [step.label, step.cities, step.of, step.percent, step.definition]


def _rows_subregions(chosen):
    period = chosen or metrics.grant_period()
    yield [_("Subregion"), _("Registered cities"), _("Cities"), _("Percent")]
    for share in metrics.participation_by_subregion(period):
        yield [share.region.name, share.registered, share.cities, share.percent]


def _rows_trend(chosen):
    period = chosen or metrics.grant_period()
    yield [_("Month"), _("Toolkit downloads"), _("Cities registering"), _("Round tables held")]
    for month in metrics.monthly_trend(period):
        yield [
            month.month.strftime("%Y-%m"),
            month.downloads,
            month.registrations,
            month.round_tables,
        ]


def _progress_text(city) -> str:
    percent = metrics.adaptation_progress(city)
    if percent is None:
        return ""
    return _("%(done)s of %(tracked)s (%(percent)s%%)") % {
        "done": city.adaptation_done,
        "tracked": city.adaptation_tracked,
        "percent": percent,
    }


def _rows_cities(chosen):
    period = chosen or metrics.grant_period()
    yield [
        _("City"),
        _("Subregion"),
        _("Joined"),
        _("Members"),
        _("Toolkit downloads"),
        _("Round tables attended"),
        _("Adaptation"),
        _("Entries of its plan done (adopted, adapted or its own)"),
        _("Participation"),
    ]
    for city in metrics.city_table(period):
        yield [
            city.name,
            city.primary_region.name,
            timezone.localtime(city.joined_at).date().isoformat() if city.joined_at else "",
            city.member_count,
            city.download_count,
            city.round_tables_attended,
            ADAPTATION_STATUS.get(city.adaptation_status, _("None yet")),
            _progress_text(city),
            participation.state_label(city),
        ]


ADAPTATION_STATUS = {"published": _lazy("Published"), "draft": _lazy("Draft")}

EXPORT_LABELS = [
    ("measures", _lazy("The three measures")),
    ("funnel", _lazy("Participation funnel")),
    ("subregions", _lazy("Registered cities by subregion")),
    ("trend", _lazy("Figures per month")),
    ("cities", _lazy("City by city")),
]

EXPORTS = {
    "measures": _rows_measures,
    "funnel": _rows_funnel,
    "subregions": _rows_subregions,
    "trend": _rows_trend,
    "cities": _rows_cities,
}


# Other sites (West Hollywood's, the funder's) may show the progress page in a frame: the only
# page of the site that any origin may frame. It has no form and no link that acts.
EMBEDDABLE = {"frame-ancestors": ["*"]}


@method_decorator([xframe_options_exempt, csp_replace(EMBEDDABLE)], name="dispatch")
class ProgressEmbedView(TemplateView):
    """The three measures alone, on a small page for other sites to embed."""

    template_name = "grant/progress_embed.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(figures=metrics.grant_figures(), computed_at=timezone.now())
        return context


class MetricsExportView(LoginRequiredMixin, View):
    """One of the dashboard's tables as CSV, with the period and the definitions at the top."""

    def get(self, request, table: str):
        if not is_grant_staff(request.user):
            raise PermissionDenied(_("Only the grant's staff can export the figures."))
        if table not in EXPORTS:
            raise Http404
        chosen, form = chosen_period(request)
        period = chosen or metrics.grant_period()
        refusal = _invalid_period(form)
        if refusal is not None:
            return refusal
        return figures_csv(table, chosen, period)


# The tables of the dashboard that everyone sees (not the city-by-city one), as open data.
OPEN_EXPORTS = ("measures", "funnel", "subregions", "trend")


class MetricsOpenExportView(View):
    """One of the public dashboard's tables as CSV, for the grant period, to anyone."""

    http_method_names = ["get", "head"]

    def get(self, request, table: str):
        if table not in OPEN_EXPORTS:
            raise Http404
        return figures_csv(table, None, metrics.grant_period())


def figures_csv(table: str, chosen, period) -> HttpResponse:
    """A dashboard table as a CSV attachment, the period and the definitions at the top."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"smart-city-collaborative-{table}-{period.start}-{period.end}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(["# " + _("Open Sourced Smart City Collaborative: grant figures")])
    writer.writerow(
        ["# " + _("Period: %(start)s to %(end)s") % {"start": period.start, "end": period.end}]
    )
    writer.writerow(
        [
            "# "
            + _("Computed at: %(moment)s")
            % {"moment": timezone.localtime().isoformat(timespec="seconds")}
        ]
    )
    for key, definition in metrics.DEFINITIONS.items():
        writer.writerow([f"# {GrantMeasure.Key(key).label}: {definition}"])
    writer.writerows([spreadsheet_safe(cell) for cell in row] for row in EXPORTS[table](chosen))
    return response


class GrantMeasuresUpdateView(PermissionRequiredMixin, View):
    """Coordinators set each measure's label, target and grant period."""

    permission_required = "toolkit.change_grantmeasure"
    template_name = "grant/grant_measures_form.html"
    # One form per measure, never more: a tampered form count is refused, not rendered.
    formset_class = modelformset_factory(
        GrantMeasure,
        form=GrantMeasureForm,
        extra=0,
        edit_only=True,
        max_num=len(GrantMeasure.Key),
        absolute_max=len(GrantMeasure.Key),
        validate_max=True,
    )

    def get(self, request):
        return render(request, self.template_name, {"formset": self.formset_class()})

    def post(self, request):
        formset = self.formset_class(request.POST)
        if not formset.is_valid():
            return render(request, self.template_name, {"formset": formset}, status=400)
        formset.save()
        messages.success(request, _("The measures are saved."))
        return redirect("metrics:dashboard")


# --- The records behind each figure -------------------------------------------------------


def _record_table(kind: str) -> records.RecordTable:
    if kind not in records.TABLES:
        raise Http404
    return records.TABLES[kind]


@kept_for_each_person
class RecordsView(RequiresMixin, TemplateView):
    """The records one figure of the dashboard counts, for the chosen period."""

    requires = staticmethod(can_see_records)
    template_name = "grant/records.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        table = _record_table(self.kwargs["kind"])
        chosen, form = chosen_period(self.request)
        period = chosen or metrics.grant_period()
        plain = table.plain(period)
        context.update(
            table=records.for_display(plain),
            figure=records.figure_of(plain),
            definition=metrics.DEFINITIONS[table.measure],
            measure_label=GrantMeasure.Key(table.measure).label,
            period=period,
            period_form=form,
            period_query=_period_query(chosen),
            computed_at=timezone.now(),
            other_tables=[(kind, other.title) for kind, other in records.TABLES.items()],
        )
        return context


class RecordsExportView(RequiresMixin, View):
    """One figure's records as CSV, with the period, the moment and the definition at the top."""

    requires = staticmethod(can_see_records)

    def get(self, request, kind: str):
        table = _record_table(kind)
        chosen, form = chosen_period(request)
        refusal = _invalid_period(form)
        if refusal is not None:
            return refusal
        period = chosen or metrics.grant_period()
        notes = [
            _("Open Sourced Smart City Collaborative: %(title)s") % {"title": table.title},
            _("Period: %(start)s to %(end)s") % {"start": period.start, "end": period.end},
            _("Computed at: %(moment)s")
            % {"moment": timezone.localtime().isoformat(timespec="seconds")},
            f"{GrantMeasure.Key(table.measure).label}: {metrics.DEFINITIONS[table.measure]}",
        ]
        out = io.BytesIO()
        write_table(
            out,
            [(column.key, str(column.label)) for column in table.columns],
            table.rows(period),
            notes=notes,
        )
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        name = f"smart-city-collaborative-{kind}-{period.start}-{period.end}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


# --- Reporting periods ------------------------------------------------------------------


class ReportingPeriodCloseView(RequiresMixin, View):
    """A coordinator closes a reporting period: its figures and records are frozen."""

    requires = staticmethod(can_close_periods)
    template_name = "grant/reportingperiod_form.html"

    def get(self, request):
        return render(request, self.template_name, self.page(PeriodForm()))

    def post(self, request):
        form = PeriodForm(request.POST)
        if form.is_valid():
            try:
                period = services.reporting_period_close(
                    start=form.cleaned_data["start"],
                    end=form.cleaned_data["end"],
                    closed_by=request.user,
                )
            except DomainError as error:
                show_on_form(form, error)
            else:
                messages.success(
                    request,
                    _("The period is closed: its report is kept as it stands now."),
                )
                return redirect(period)
        return render(request, self.template_name, self.page(form), status=400)

    def page(self, form) -> dict:
        return {
            "form": form,
            "closed_periods": ReportingPeriod.objects.only("start", "end", "closed_at"),
        }


@kept_for_each_person
class ReportingPeriodDetailView(RequiresMixin, TemplateView):
    """A closed period's report, read from its snapshot: never computed again."""

    requires = staticmethod(can_see_records)
    template_name = "grant/reportingperiod_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        period = get_object_or_404(
            ReportingPeriod.objects.defer("report_csv", "report_pdf"), pk=self.kwargs["pk"]
        )
        context.update(
            reporting_period=period,
            snapshot=period.snapshot,
            tables=reports.tables_of(period.snapshot),
        )
        return context


class ReportingPeriodFileView(RequiresMixin, View):
    """A closed period's report file (CSV or PDF), exactly as written when it was closed."""

    requires = staticmethod(can_see_records)
    FILES = {
        "csv": ("report_csv", "text/csv; charset=utf-8"),
        "pdf": ("report_pdf", "application/pdf"),
    }

    def get(self, request, pk: int, extension: str):
        if extension not in self.FILES:
            raise Http404
        column, content_type = self.FILES[extension]
        period = get_object_or_404(ReportingPeriod.objects.only("start", "end", column), pk=pk)
        response = HttpResponse(bytes(getattr(period, column)), content_type=content_type)
        name = f"smart-city-collaborative-report-{period.start}-{period.end}.{extension}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
