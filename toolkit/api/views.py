"""The public read-only API: the toolkit, the cities, their published adaptations, the round
tables and the grant figures, as the pages and the package files show them.

Each answer is built from the same reads as the page that shows it, kept under the content
generations (kept.py), throttled per client, open to every origin for reading, and always in
English (the address has no language; labels come with their keys).
"""

from django.conf import settings
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerSplitView
from rest_framework import mixins
from rest_framework import serializers as drf_serializers
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import PageNumberPagination

from cities import participation
from cities.common import cache
from cities.common.site import absolute
from cities.models import City
from plans.forms import EntryFilterForm, sources_in_use
from plans.models import Entry, FocusArea, Plan, published_condition
from plans.revisions import Reason, revision_author, revisions_summarise
from plans.search import search_entries
from roundtables.models import RoundTable
from toolkit.adaptations.exports import (
    adaptation_row,
    adaptation_snapshot,
    published_adaptations,
)
from toolkit.adaptations.reads import Rollup, city_changes, progress_rollups
from toolkit.api import serializers
from toolkit.api.kept import kept_answer
from toolkit.downloads.snapshots import entry_data
from toolkit.grant import metrics
from toolkit.models import GrantMeasure

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "If-None-Match, If-Modified-Since",
    "Access-Control-Expose-Headers": "ETag, Last-Modified, Retry-After",
}


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 100


ERRORS = {
    404: OpenApiResponse(serializers.ErrorSerializer, description="No such thing or page."),
    429: OpenApiResponse(serializers.ErrorSerializer, description="Too many requests."),
}


def documented(ok, more=None):
    """The view's answers in the schema: what it gives, and the errors any API view may give."""
    return extend_schema(responses={200: ok, **ERRORS, **(more or {})})


class PublicView(GenericAPIView):
    """A read-only public answer, kept until what it `reads` changes."""

    http_method_names = ["get", "head", "options"]
    reads: tuple[str, ...] = (cache.CONTENT,)

    def get(self, request, *args, **kwargs):
        return kept_answer(request, reads=self.reads, compute=self.answer)

    def answer(self):
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return super().dispatch(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        for name, value in CORS_HEADERS.items():
            response[name] = value
        return response


class PublicListView(mixins.ListModelMixin, PublicView):
    """A list a page at a time, in a stable order (a list view, for the schema too)."""

    pagination_class = Pagination

    def answer(self):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.rows(page)).data

    def rows(self, objects) -> list:
        return self.get_serializer(objects, many=True).data


def model_plan() -> Plan:
    plan = Plan.objects.model_plan()
    if plan is None:
        raise Http404("The model plan is not loaded.")
    return plan


# --- The toolkit ------------------------------------------------------------------------------


def entry_row(entry: Entry) -> dict:
    """An entry as the package files give it, with its id, revision number and focus area."""
    area = entry.focus_area
    return {
        **entry_data(entry, area),
        "id": entry.pk,
        "revision": entry.version,
        "focus_area": {"name": area.title, "slug": area.slug},
    }


def entries_for_api():
    return Entry.objects.select_related("focus_area", "source").prefetch_related(
        "core_values", "tags", "also_sources", "related"
    )


ENTRY_FILTERS = [
    OpenApiParameter("q", OpenApiTypes.STR, description="Search words, as on the browse page."),
    OpenApiParameter("kind", OpenApiTypes.STR, description="policy, funding or practice."),
    OpenApiParameter("area", OpenApiTypes.STR, description="A focus area's slug."),
    OpenApiParameter("value", OpenApiTypes.STR, description="A core value's key."),
    OpenApiParameter("tag", OpenApiTypes.STR, description="A tag's slug."),
    OpenApiParameter("source", OpenApiTypes.STR, description="A source's key."),
]


@extend_schema(parameters=ENTRY_FILTERS)
@documented(
    serializers.EntrySerializer(many=True),
    {400: OpenApiResponse(OpenApiTypes.OBJECT, description="A filter's value is not valid.")},
)
class EntryListView(PublicListView):
    """The model plan's active entries, with the browse page's filters and search."""

    serializer_class = serializers.EntrySerializer

    def get_queryset(self):
        plan = model_plan()
        # The browse page's form: only its filters and words are used, not its choices.
        form = EntryFilterForm(self.request.GET, focus_areas=[], tags=[], sources=[])
        if not form.is_valid():
            raise ValidationError(form.errors)
        values = form.values
        entries = form.filter(Entry.objects.filter(plan=plan).active())
        if values.get("q"):
            entries = search_entries(entries, values["q"])
        else:
            entries = entries.in_reading_order()
        return entries.select_related("focus_area", "source").prefetch_related(
            "core_values", "tags", "also_sources", "related"
        )

    def rows(self, entries) -> list:
        return self.get_serializer([entry_row(entry) for entry in entries], many=True).data


@documented(serializers.EntrySerializer)
class EntryDetailView(PublicView):
    """One active entry of the model plan, by its slug."""

    serializer_class = serializers.EntrySerializer

    def answer(self):
        entries = entries_for_api().filter(plan=model_plan()).active()
        entry = get_object_or_404(entries, slug=self.kwargs["slug"])
        return self.get_serializer(entry_row(entry)).data


def revision_rows(revisions: list, older) -> list[dict]:
    """Revisions of an entry, newest first, each with the fields it changed from the one before
    (`older`, the revision just before the last of them, or None when they reach the first)."""
    summaries = revisions_summarise([*revisions, *([older] if older else [])])
    return [
        {
            "version": revision.version,
            "changed_at": revision.history_date,
            "reason": {
                "key": revision.history_change_reason or "",
                "label": str(Reason.label(revision.history_change_reason)),
            },
            "changed_fields": [str(label) for label in summaries[revision.history_id]],
            "by": revision_author(revision),
        }
        for revision in revisions
    ]


@documented(serializers.RevisionSerializer(many=True))
class EntryRevisionListView(PublicListView):
    """An active entry's revisions, newest first: when, why, by whom and which fields changed."""

    serializer_class = serializers.RevisionSerializer

    def get_queryset(self):
        entries = Entry.objects.filter(plan=model_plan()).active()
        entry = get_object_or_404(entries, slug=self.kwargs["slug"])
        # The entry page's history, in the same order (plans.views.EntryHistoryView).
        return entry.history.select_related("history_user").order_by("-version", "-history_id")

    def rows(self, revisions) -> list:
        revisions = list(revisions)
        older = None
        if revisions:
            last = revisions[-1]
            older = (
                self.get_queryset()
                .filter(
                    Q(version__lt=last.version)
                    | Q(version=last.version, history_id__lt=last.history_id)
                )
                .first()
            )
        return self.get_serializer(revision_rows(revisions, older), many=True).data


def focus_area_row(area: FocusArea) -> dict:
    return {
        "slug": area.slug,
        "title": area.title,
        "summary": area.summary,
        "entries": {
            "policy": area.policy_count,
            "funding": area.funding_count,
            "practice": area.practice_count,
        },
        "url": absolute(area.get_absolute_url()),
    }


@documented(serializers.FocusAreaSerializer(many=True))
class FocusAreaListView(PublicListView):
    """The model plan's active focus areas, in reading order, with their entries counted."""

    serializer_class = serializers.FocusAreaSerializer

    def get_queryset(self):
        return (
            FocusArea.objects.filter(plan=model_plan())
            .active()
            .with_counts()
            .order_by("order", "pk")
        )

    def rows(self, areas) -> list:
        return self.get_serializer([focus_area_row(area) for area in areas], many=True).data


@documented(serializers.FocusAreaSerializer)
class FocusAreaDetailView(PublicView):
    serializer_class = serializers.FocusAreaSerializer

    def answer(self):
        areas = FocusArea.objects.filter(plan=model_plan()).active().with_counts()
        return self.get_serializer(focus_area_row(get_object_or_404(areas, **self.kwargs))).data


@documented(serializers.SourceListSerializer(many=True))
class SourceListView(PublicListView):
    """The sources the model plan's entries cite, by title."""

    serializer_class = serializers.SourceListSerializer

    def get_queryset(self):
        return sources_in_use(model_plan()).order_by("title", "pk")


# --- Cities -------------------------------------------------------------------------------------


def city_row(city) -> dict:
    level = participation.state(city)
    adaptation = reverse("adaptations:adaptation-detail", kwargs={"city": city.slug})
    return {
        "name": city.name,
        "slug": city.slug,
        "subregion": city.primary_region,
        "subregions": list(city.regions.all()),
        "population": city.population,
        "website": city.website,
        "participation": {
            "key": level.key if level else participation.NOT_REGISTERED,
            "label": str(level.label if level else participation.NOT_REGISTERED_LABEL),
        },
        "url": absolute(city.get_absolute_url()),
        "adaptation_url": absolute(adaptation) if city.has_published_adaptation else None,
    }


@documented(serializers.CitySerializer(many=True))
class CityListView(PublicListView):
    """The county's 88 cities, by name, with their participation level."""

    serializer_class = serializers.CitySerializer

    def get_queryset(self):
        return cities_for_api().order_by("name", "pk")

    def rows(self, cities) -> list:
        return self.get_serializer([city_row(city) for city in cities], many=True).data


def cities_for_api():
    """Cities with their subregions, participation levels and whether they published."""
    cities = City.objects.select_related("primary_region").prefetch_related("regions")
    return participation.annotate(cities).annotate(has_published_adaptation=published_condition())


@documented(serializers.CitySerializer)
class CityDetailView(PublicView):
    serializer_class = serializers.CitySerializer

    def answer(self):
        return self.get_serializer(
            city_row(get_object_or_404(cities_for_api(), **self.kwargs))
        ).data


# --- Published adaptations -----------------------------------------------------------------------


@documented(serializers.AdaptationSerializer(many=True))
class AdaptationListView(PublicListView):
    """Every published adaptation, by city name, with its progress roll-up."""

    serializer_class = serializers.AdaptationSerializer

    def get_queryset(self):
        return published_adaptations().order_by("city__name", "pk")

    def rows(self, plans) -> list:
        rollups = progress_rollups(plans)
        rows = [adaptation_row(plan, rollups.get(plan.pk) or Rollup()) for plan in plans]
        return self.get_serializer(rows, many=True).data


def adaptation_with_changes(plan: Plan) -> dict:
    """The adaptation's JSON file, each entry with where the city's text differs from the model."""
    snapshot = adaptation_snapshot(plan)
    changed = {
        item.entry.slug: [
            {"field": str(change.label), "model_text": change.before, "city_text": change.after}
            for change in item.changes
        ]
        for _area, items in city_changes(plan)
        for item in items
    }
    for area in snapshot["focus_areas"]:
        for entry in area["entries"]:
            entry["changes_from_model"] = changed.get(entry["slug"], [])
    return snapshot


@documented(serializers.AdaptationDetailSerializer)
class AdaptationDetailView(PublicView):
    """A published adaptation, entry by entry (a draft is not found)."""

    serializer_class = serializers.AdaptationDetailSerializer

    def answer(self):
        plan = get_object_or_404(published_adaptations(), city__slug=self.kwargs["city"])
        return self.get_serializer(adaptation_with_changes(plan)).data


# --- Round tables ----------------------------------------------------------------------------


def round_table_row(round_table: RoundTable) -> dict:
    def link(row):
        return {"name": row.name, "slug": row.slug} if row else None

    return {
        "slug": round_table.slug,
        "title": round_table.title,
        "region": link(round_table.region),
        "host_city": link(round_table.host_city),
        "starts_at": round_table.starts_at,
        "ends_at": round_table.ends_at,
        "registration_deadline": round_table.registration_deadline,
        "status": round_table.status,
        "status_label": str(round_table.get_status_display()),
        "venue": round_table.venue,
        "address": round_table.address,
        "online": bool(round_table.online_url),
        "capacity": round_table.capacity,
        "seats_left": round_table.seats_left,
        "agenda": round_table.agenda,
        "minutes": round_table.minutes,
        "cancellation_note": round_table.cancellation_note,
        "url": absolute(round_table.get_absolute_url()),
    }


@documented(serializers.RoundTableSerializer(many=True))
class RoundTableListView(PublicListView):
    """Every round table, by start; public facts only."""

    serializer_class = serializers.RoundTableSerializer

    def get_queryset(self):
        return RoundTable.objects.listed().order_by("starts_at", "pk")

    def rows(self, round_tables) -> list:
        return self.get_serializer([round_table_row(r) for r in round_tables], many=True).data


@documented(serializers.RoundTableSerializer)
class RoundTableDetailView(PublicView):
    serializer_class = serializers.RoundTableSerializer

    def answer(self):
        round_table = get_object_or_404(RoundTable.objects.listed(), **self.kwargs)
        return self.get_serializer(round_table_row(round_table)).data


# --- The grant figures -------------------------------------------------------------------------


def figures() -> dict:
    """The three measures, the download totals and the funnel, as the public dashboard has them."""
    period = metrics.grant_period()
    measures = metrics.grant_figures()
    downloads = next(
        (f.extra for f in measures if f.key == GrantMeasure.Key.TOOLKIT_DOWNLOADS),
        metrics.NO_DOWNLOADS,
    )
    return {
        "period": {"start": period.start, "end": period.end},
        "measures": [
            {
                "key": f.key,
                "label": str(f.label),
                "value": f.value,
                "target": f.target,
                "percent": f.percent,
                "met": f.met,
                "definition": str(f.definition),
                "period": {"start": f.period.start, "end": f.period.end},
            }
            for f in measures
        ],
        "downloads": downloads,
        "funnel": [
            {
                "key": step.key,
                "label": str(step.label),
                "cities": step.cities,
                "of": step.of,
                "percent": step.percent,
                "definition": str(step.definition),
            }
            for step in metrics.participation_funnel(period)
        ],
    }


@documented(serializers.FiguresSerializer)
class FiguresView(PublicView):
    """The grant figures and their definitions, and the participation funnel."""

    serializer_class = serializers.FiguresSerializer
    reads = (cache.CONTENT, cache.DOWNLOADS)

    def answer(self):
        return self.get_serializer(figures()).data


def not_found(request, *args, **kwargs):
    """No such address in the API: said in JSON, like every other error of the API."""
    response = JsonResponse({"detail": "Not found."}, status=404)
    for name, value in CORS_HEADERS.items():
        response[name] = value
    return response


# --- The index, the schema and its documentation -----------------------------------------------


class IndexSerializer(drf_serializers.Serializer):
    name = drf_serializers.CharField()
    url = drf_serializers.CharField()


class IndexView(PublicView):
    """Where each part of the API is."""

    serializer_class = IndexSerializer
    NAMES = [
        "entry-list",
        "focus-area-list",
        "source-list",
        "city-list",
        "adaptation-list",
        "round-table-list",
        "figures",
        "schema",
        "docs",
    ]

    @extend_schema(responses=IndexSerializer(many=True))
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def answer(self):
        rows = [{"name": name, "url": absolute(reverse(f"api:{name}"))} for name in self.NAMES]
        return self.get_serializer(rows, many=True).data


class SchemaView(SpectacularJSONAPIView):
    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        return response


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI, from the sidecar's files on this site; its start-up script is a file too."""

    template_name = "api/docs.html"
    url_name = "api:schema"
    title = "Open Sourced Smart City Collaborative: public API"
