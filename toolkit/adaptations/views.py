"""A city's adaptation of the model plan: read it, start it, decide entry by entry, publish it,
compare it with the model, bring it up to date with the model plan's changes, download it.

Each view names the rule it needs from toolkit.adaptations.permissions (cities.common.views:
someone not signed in is asked to sign in, someone without the right gets the site's one
refusal page). A draft is shown only to the city's members and the coordinators: anyone else
gets the same "not found" page as for a city with no adaptation, so a draft's existence never
leaks.
"""

import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from cities.common import cache
from cities.common.errors import show_on_form
from cities.common.redirects import redirect_next
from cities.common.views import RequiresMixin, kept_for_each_person
from cities.models import City, Region
from plans.models import Decision, Entry, FocusArea, Plan, Status
from plans.revisions import FieldChange, revisions_compare
from plans.services import StaleEditError
from plans.views import HistoryMixin
from toolkit.adaptations import exports, permissions, services
from toolkit.adaptations.forms import (
    AdaptationEntryForm,
    AdaptationForm,
    BulkForm,
    ModelUpdateForm,
    bulk_actions,
)
from toolkit.adaptations.reads import (
    UpdateKind,
    city_changes,
    model_revision,
    pending_update_count,
    pending_update_for,
    pending_updates,
    progress_rollup,
    progress_rollups,
    text_changes,
)


def _plan_url(city) -> str:
    return reverse("adaptations:adaptation-detail", kwargs={"city": city.slug})


def _entry_url(city, entry) -> str:
    return reverse("adaptations:entry-detail", kwargs={"city": city.slug, "slug": entry.slug})


class AdaptationMixin(RequiresMixin):
    """Pages of one city's adaptation, found by the city's slug.

    Reading needs only that the person may see it; a page that changes it names its rule.
    """

    login_required = False
    requires = staticmethod(permissions.can_see_adaptation)

    @cached_property
    def _city_and_plan(self) -> tuple[City, Plan | None]:
        def find():
            city = get_object_or_404(City, slug=self.kwargs["city"])
            return city, Plan.objects.adaptations().filter(city=city).first()

        # Read on every page of the room: kept until the content changes.
        city, plan = cache.cached(("adaptations:city-and-plan", self.kwargs["city"]), find)
        if plan is not None:
            plan.city = city
        return city, plan

    @cached_property
    def city(self) -> City:
        return self._city_and_plan[0]

    @cached_property
    def plan(self) -> Plan | None:
        return self._city_and_plan[1]

    def permission_objects(self) -> tuple:
        if self.plan is None or not permissions.can_see_adaptation(self.request.user, self.plan):
            raise Http404("No adaptation to show.")
        return (self.plan,)

    @cached_property
    def can_edit(self) -> bool:
        return permissions.can_edit_adaptation(self.request.user, self.plan)

    @cached_property
    def can_publish(self) -> bool:
        return permissions.can_publish_adaptation(self.request.user, self.plan)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            plan=self.plan,
            city=self.city,
            can_edit=self.can_edit,
            can_publish=self.can_publish,
        )
        return context


class EditMixin(AdaptationMixin):
    """A page that changes the adaptation: its city's editors and leads."""

    login_required = True
    requires = staticmethod(permissions.can_edit_adaptation)


# --- The public list ----------------------------------------------------------------------------

SORTS = {
    "updated": ("-content_changed_at", "city__name"),
    "city": ("city__name",),
}


@kept_for_each_person
class AdaptationListView(TemplateView):
    """Every published adaptation, by last update or by city, optionally in one subregion."""

    template_name = "adaptations/adaptation_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        regions = list(Region.objects.all())
        region = next((r for r in regions if r.slug == self.request.GET.get("region")), None)
        sort = self.request.GET.get("sort")
        sort = sort if sort in SORTS else "updated"
        plans = (
            Plan.objects.adaptations()
            .published()
            .select_related("city", "city__primary_region")
            .order_by(*SORTS[sort])
        )
        if region is not None:
            in_region = City.regions.through.objects.filter(region=region).values("city_id")
            plans = plans.filter(Q(city__primary_region=region) | Q(city_id__in=in_region))
        plans = list(plans)
        rollups = progress_rollups(plans)
        context.update(
            adaptations=[(plan, rollups.get(plan.pk)) for plan in plans],
            regions=regions,
            region=region,
            sort=sort,
        )
        return context


# --- One adaptation -----------------------------------------------------------------------------


def _areas_with_entries(plan: Plan):
    """The adaptation's active focus areas, each with its active entries (two queries)."""
    areas = list(FocusArea.objects.filter(plan=plan).active().order_by("order", "pk"))
    entries = Entry.objects.filter(plan=plan, status=Status.ACTIVE).order_by("order", "pk")
    by_area = {area.pk: [] for area in areas}
    for entry in entries:
        if entry.focus_area_id in by_area:
            by_area[entry.focus_area_id].append(entry)
    return [(area, by_area[area.pk]) for area in areas]


# Where the request's CSRF token goes in a body kept for everyone who can edit.
_TOKEN = "csrf-token-of-the-request-f3c1b2"


class CachedBodyMixin:
    """A page whose body is drawn from the adaptation alone: kept until the content changes.

    When the body holds forms (`body_has_forms`), it is kept apart for those who can edit,
    with a stand-in for the forms' token that each request replaces with its own.
    """

    body_template: str
    body_has_forms = False

    def body_context(self) -> dict:
        return {}

    def render_body(self, context) -> str:
        return render_to_string(
            self.body_template,
            {**context, **self.body_context(), "csrf_token": _TOKEN},
            request=self.request,
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        editing = self.body_has_forms and self.can_edit
        parts = (self.body_template, self.plan.pk, get_language(), editing)
        body = cache.cached(parts, lambda: self.render_body(context))
        if editing:
            body = body.replace(_TOKEN, str(get_token(self.request)))
        context["body"] = mark_safe(body)
        return context


@kept_for_each_person
class AdaptationDetailView(CachedBodyMixin, AdaptationMixin, TemplateView):
    """The adaptation by focus area: each entry's decision and status, with progress roll-ups."""

    template_name = "adaptations/adaptation_detail.html"
    body_template = "adaptations/includes/_adaptation_body.html"
    body_has_forms = True  # the bulk decisions, for those who can edit

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            updates=cache.cached(
                ("adaptations:pending-updates", self.plan.pk),
                lambda: pending_update_count(self.plan),
            )
            if self.can_edit
            else 0,
            last_change=self.plan.content_changed_at or self.plan.updated_at,
        )
        return context

    def body_context(self) -> dict:
        rollup = progress_rollup(self.plan)
        areas = [
            (area, entries, rollup.of(area.pk)) for area, entries in _areas_with_entries(self.plan)
        ]
        return {
            "areas": areas,
            "rollup": rollup.whole,
            "bulk_actions": bulk_actions() if self.can_edit else [],
            "export_formats": exports.FORMATS.items(),
        }


class AdaptationSummaryView(AdaptationMixin, TemplateView):
    """The executive summary: one printed page with the vision and the figures."""

    template_name = "adaptations/adaptation_summary.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rollup = progress_rollup(self.plan)
        areas = list(FocusArea.objects.filter(plan=self.plan).active().order_by("order", "pk"))
        context.update(
            rollup=rollup.whole,
            areas=[(area, rollup.of(area.pk)) for area in areas],
            last_change=self.plan.content_changed_at or self.plan.updated_at,
        )
        return context


@kept_for_each_person
class AdaptationChangesView(CachedBodyMixin, AdaptationMixin, TemplateView):
    """Only what the city changed: adapted entries word by word, what does not apply, its own."""

    template_name = "adaptations/adaptation_changes.html"
    body_template = "adaptations/includes/_changes_body.html"

    def body_context(self) -> dict:
        groups = city_changes(self.plan)
        counts = {
            key.replace("-", "_"): sum(
                1 for _area, items in groups for item in items if item.entry.decision == key
            )
            for key in (Decision.ADAPTED, Decision.NOT_APPLICABLE, Decision.OWN)
        }
        return {"groups": groups, "counts": counts}


class AdaptationDownloadView(AdaptationMixin, View):
    """One format of the adaptation, to whoever may read it; a full GET counts as a download."""

    http_method_names = ["get", "head"]

    def get(self, request, city: str, format: str):
        if format not in exports.FORMATS:
            raise Http404("No such format.")
        return exports.adaptation_send(request, self.plan, format)


class AllAdaptationsDownloadView(View):
    """Every published adaptation in one file (CSV or JSON), to anyone; counted as a download."""

    http_method_names = ["get", "head"]

    def get(self, request, format: str):
        if format not in exports.ALL_FORMATS:
            raise Http404("No such format.")
        return exports.all_adaptations_send(request, format)


# --- Starting, editing, publishing ---------------------------------------------------------------


class AdaptationStartView(RequiresMixin, FormView):
    """A city's editor or lead starts the city's adaptation from the model plan."""

    requires = staticmethod(permissions.can_start_adaptation)
    template_name = "adaptations/adaptation_form.html"
    form_class = AdaptationForm

    @cached_property
    def city(self) -> City:
        return get_object_or_404(City, slug=self.kwargs["city"])

    def permission_objects(self) -> tuple:
        return (self.city,)

    def get(self, request, *args, **kwargs):
        return self.existing() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self.existing() or super().post(request, *args, **kwargs)

    def existing(self):
        """A city with an adaptation already: to it, with a word."""
        if not Plan.objects.adaptations().filter(city=self.city).exists():
            return None
        messages.info(
            self.request,
            _("%(city)s already has an adaptation; here it is.") % {"city": self.city.name},
        )
        return redirect_next(self.request, _plan_url(self.city))

    def get_initial(self):
        model = Plan.objects.model_plan()
        return {
            "title": _("%(city)s Smart City Plan") % {"city": self.city.name},
            "summary": "",
            "vision": model.vision if model else "",
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(city=self.city, starting=True)
        return context

    def form_valid(self, form):
        try:
            plan = services.adaptation_start(
                city=self.city, values=form.cleaned_data, by=self.request.user
            )
        except services.AdaptationExists as error:
            messages.info(self.request, error.message)
            return redirect_next(self.request, _plan_url(self.city))
        except ValidationError as error:
            show_on_form(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _(
                "The adaptation is started: every entry of the model plan is in it, not decided "
                "yet. It is a draft, seen only by the members of %(city)s and the coordinators."
            )
            % {"city": self.city.name},
        )
        return redirect_next(self.request, _plan_url(plan.city))


class AdaptationUpdateView(EditMixin, FormView):
    """The adaptation's title, summary and vision, with a preview."""

    template_name = "adaptations/adaptation_form.html"
    form_class = AdaptationForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = copy.copy(self.plan)
        return kwargs

    def form_valid(self, form):
        if "preview" in self.request.POST:
            return self.render_to_response(self.get_context_data(form=form, preview=True))
        try:
            services.adaptation_update(
                plan=self.plan, values=form.cleaned_data, by=self.request.user
            )
        except ValidationError as error:
            show_on_form(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The adaptation's title, summary and vision are saved."))
        return redirect_next(self.request, _plan_url(self.city))


class AdaptationPublishView(AdaptationMixin, View):
    """The lead publishes the adaptation, or takes it back to a draft (nothing is deleted)."""

    login_required = True
    requires = staticmethod(permissions.can_publish_adaptation)
    http_method_names = ["post"]
    publish = True

    def post(self, request, city):
        if self.publish:
            if services.adaptation_publish(plan=self.plan, by=request.user):
                messages.success(request, _("The adaptation is published: anyone can read it now."))
            else:
                messages.info(request, _("The adaptation was already published."))
        elif services.adaptation_unpublish(plan=self.plan, by=request.user):
            messages.success(
                request,
                _(
                    "The adaptation is a draft again: only members of %(city)s and the "
                    "coordinators can see it. Nothing was deleted."
                )
                % {"city": self.city.name},
            )
        else:
            messages.info(request, _("The adaptation was already a draft."))
        return redirect_next(request, _plan_url(self.city))


class AdaptationUnpublishView(AdaptationPublishView):
    publish = False


class AdaptationBulkView(EditMixin, View):
    """One decision or status for several entries chosen with check boxes."""

    http_method_names = ["post"]

    def post(self, request, city):
        form = BulkForm(request.POST, plan=self.plan)
        back = _plan_url(self.city) + "#entries"
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect_next(request, back)
        try:
            changed, skipped = services.adaptation_entries_bulk(
                plan=self.plan,
                entry_ids=[entry.pk for entry in form.cleaned_data["entries"]],
                action=form.cleaned_data["action"],
                reason=form.cleaned_data.get("reason", ""),
                by=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect_next(request, back)
        if changed:
            messages.success(
                request,
                ngettext("%(count)d entry changed.", "%(count)d entries changed.", changed)
                % {"count": changed},
            )
        if skipped:
            messages.info(
                request,
                ngettext(
                    "%(count)d entry was left as it was (it already was so, or the city's own "
                    "entries cannot take this decision).",
                    "%(count)d entries were left as they were (they already were so, or the "
                    "city's own entries cannot take this decision).",
                    skipped,
                )
                % {"count": skipped},
            )
        return redirect_next(request, back)


# --- Entries ------------------------------------------------------------------------------------


class AdaptationEntryMixin(AdaptationMixin):
    @cached_property
    def entry(self) -> Entry:
        return get_object_or_404(
            Entry.objects.filter(plan=self.plan).select_related(
                "focus_area", "origin", "origin__focus_area"
            ),
            slug=self.kwargs["slug"],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["entry"] = self.entry
        return context


@kept_for_each_person
class AdaptationEntryDetailView(AdaptationEntryMixin, TemplateView):
    """One entry of the adaptation: the city's decision, text, progress, and its model origin."""

    template_name = "adaptations/adaptation_entry_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entry = self.entry
        base = entry.base_revision()
        update = (
            pending_update_for(self.plan, entry.origin)
            if entry.origin_id and self.can_edit
            else None
        )
        context.update(
            changes=text_changes(base, entry) if entry.decision == Decision.ADAPTED else [],
            base=base,
            update=update,
            last_revision=entry.history.select_related("history_user").first(),
        )
        return context


def _stale_changes(saved: Entry, values: dict) -> list[FieldChange]:
    """What the person's form says against the version a colleague saved meanwhile."""
    yours = copy.copy(saved)
    for name, value in values.items():
        if hasattr(yours, name):
            setattr(yours, name, value)
    saved.relations = yours.relations = {}
    return revisions_compare(saved, yours)


class EntryFormMixin:
    """The one form of an adaptation's entry: a new one of the city's own, or an existing one."""

    template_name = "adaptations/adaptation_entry_form.html"
    form_class = AdaptationEntryForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(plan=self.plan, entry=self.entry)
        return kwargs

    def form_valid(self, form):
        if "preview" in self.request.POST:
            return self.render_to_response(self.get_context_data(form=form, preview=True))
        try:
            entry, message = self.save(form)
        except StaleEditError as error:
            return self.stale(form, error.current)
        except ValidationError as error:
            show_on_form(form, error)
            return self.form_invalid(form)
        if entry is not None:
            messages.success(self.request, message)
        return redirect_next(self.request, _entry_url(self.city, entry or self.entry))


class AdaptationEntryUpdateView(EntryFormMixin, EditMixin, AdaptationEntryMixin, FormView):
    """Decide about an entry, adapt its text (with a preview), and record its progress."""

    def save(self, form):
        entry, changed = services.adaptation_entry_update(
            entry=self.entry,
            values=form.values,
            expected_version=form.cleaned_data["version"],
            by=self.request.user,
        )
        if not changed:
            messages.info(self.request, _("Nothing was changed: the form said what was saved."))
            return None, ""
        return entry, _("Your changes to “%(title)s” are saved.") % {"title": entry.title}

    def stale(self, form, current):
        # Nothing was saved. Keep what the person typed and take the new version number,
        # so that saving again (knowingly) replaces the colleague's change.
        data = self.request.POST.copy()
        data["version"] = str(current.version)
        stale_form = AdaptationEntryForm(data=data, plan=self.plan, entry=current)
        stale_form.is_valid()
        return self.render_to_response(
            self.get_context_data(
                form=stale_form,
                saved=current,
                stale_revision=current.history.select_related("history_user").first(),
                stale_changes=_stale_changes(current, form.values),
            ),
            status=409,
        )


class AdaptationEntryCreateView(EntryFormMixin, EditMixin, FormView):
    """Add one of the city's own entries."""

    entry = None

    def get_initial(self):
        area = FocusArea.objects.filter(plan=self.plan, slug=self.request.GET.get("area")).first()
        return {"focus_area": area}

    def save(self, form):
        entry = services.adaptation_entry_create(
            plan=self.plan, values=form.values, by=self.request.user
        )
        message = _("“%(title)s” is added to the adaptation as one of the city's own entries.")
        return entry, message % {"title": entry.title}


class AdaptationEntryHistoryView(HistoryMixin, AdaptationEntryMixin, TemplateView):
    """Who changed an entry of the adaptation, when and how."""

    template_name = "adaptations/adaptation_entry_history.html"

    @property
    def history_object(self):
        return self.entry

    def revisions_of(self, entry):
        return entry.history.select_related("history_user").order_by("-version", "-history_id")


# --- Updates from the model plan ------------------------------------------------------------------


class ModelUpdateListView(EditMixin, TemplateView):
    """What the model plan changed since the city took it, waiting for the city's review."""

    template_name = "adaptations/adaptation_updates.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["updates"] = pending_updates(self.plan)
        return context


class ModelUpdateMixin(EditMixin):
    @cached_property
    def model_entry(self) -> Entry:
        return get_object_or_404(
            Entry.objects.of_model_plan().select_related("focus_area"), slug=self.kwargs["slug"]
        )

    def handled(self, error) -> object:
        """The update was handled, or changed again: say so, and show where it stands now."""
        messages.error(self.request, error.message)
        if isinstance(error, services.UpdateChangedAgain):
            return redirect_next(self.request, self._review_url())
        copy = Entry.objects.filter(plan=self.plan, origin=self.model_entry).only("slug").first()
        return redirect_next(
            self.request, _entry_url(self.city, copy) if copy else _plan_url(self.city)
        )

    def _review_url(self) -> str:
        return reverse(
            "adaptations:model-update-review",
            kwargs={"city": self.city.slug, "slug": self.model_entry.slug},
        )

    def done(self, message: str):
        messages.success(self.request, message % {"title": self.model_entry.title})
        return redirect_next(
            self.request, reverse("adaptations:model-update-list", kwargs={"city": self.city.slug})
        )


class ModelUpdateReviewView(ModelUpdateMixin, TemplateView):
    """One update from the model plan: what changed, and the city's choice about it."""

    template_name = "adaptations/adaptation_update_review.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        model = self.model_entry
        update = pending_update_for(self.plan, model)
        context.update(model_entry=model, update=update, kinds=UpdateKind)
        if update is None:
            return context
        latest = model_revision(model, model.version)
        context["latest"] = latest
        if update.copy is not None:
            base = model_revision(model, update.copy.origin_version)
            context.update(
                base=base,
                model_changes=revisions_compare(base, latest) if base and latest else [],
                ours_vs_new=text_changes(latest, update.copy)
                if update.copy.decision == Decision.ADAPTED and latest
                else [],
            )
        context["form"] = kwargs.get("form") or ModelUpdateForm(
            initial={
                "seen_version": model.version,
                "entry_version": update.copy.version if update.copy else None,
                **{name: getattr(update.copy, name, "") for name in ("title", "summary", "body")},
            }
        )
        return context

    def post(self, request, city, slug):
        form = ModelUpdateForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        data = form.cleaned_data
        choice = data["choice"]
        try:
            services.model_update_accept(
                plan=self.plan,
                model_entry=self.model_entry,
                seen_version=data["seen_version"],
                choice=choice,
                by=request.user,
                values={k: data.get(k, "") for k in ("title", "summary", "body", "decision_note")},
                expected_version=data.get("entry_version")
                if choice in (services.Choice.EDIT, services.Choice.KEEP_OURS)
                else None,
            )
        except (services.UpdateAlreadyHandled, services.UpdateChangedAgain) as error:
            return self.handled(error)
        except StaleEditError as error:
            messages.error(
                request,
                _(
                    "A colleague changed “%(title)s” while you were reviewing the update, so "
                    "nothing was changed. Both versions are below: review it again."
                )
                % {"title": error.current.title},
            )
            return redirect_next(request, self._review_url())
        except ValidationError as error:
            show_on_form(form, error)
            return self.render_to_response(self.get_context_data(form=form))
        return self.done(str(_SUCCESS[choice]))


_SUCCESS = {
    services.Choice.TAKE_MODEL: gettext_lazy("“%(title)s” now has the model plan's new text."),
    services.Choice.KEEP_OURS: gettext_lazy(
        "“%(title)s” keeps your text, now based on the model's new version."
    ),
    services.Choice.EDIT: gettext_lazy(
        "Your text of “%(title)s” is saved, based on the model's new version."
    ),
    services.Choice.NOT_APPLICABLE: gettext_lazy("“%(title)s” is marked not applicable."),
    services.Choice.ADD: gettext_lazy("“%(title)s” is added to your adaptation, not decided yet."),
}


class ModelUpdateDismissView(ModelUpdateMixin, View):
    """Set an update aside: nothing in the city's text changes; it shows again if the model does."""

    http_method_names = ["post"]

    def post(self, request, city, slug):
        try:
            seen_version = int(request.POST.get("seen_version", ""))
        except ValueError:
            seen_version = -1
        try:
            services.model_update_dismiss(
                plan=self.plan,
                model_entry=self.model_entry,
                seen_version=seen_version,
                by=request.user,
            )
        except (services.UpdateAlreadyHandled, services.UpdateChangedAgain) as error:
            return self.handled(error)
        return self.done(
            _(
                "The update to “%(title)s” is dismissed; your entry is unchanged. It will show "
                "again if the model plan changes the entry again."
            )
        )
