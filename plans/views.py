import copy
from collections.abc import Callable
from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from cities.common import cache
from cities.common.errors import show_on_form
from cities.common.redirects import redirect_next
from cities.common.text import render_markdown
from cities.common.views import RequiresMixin, kept_for_each_person
from plans import permissions, services
from plans.adoption import adoption_count, adoption_of
from plans.forms import EntryFilterForm, EntryForm, FocusAreaForm, sources_in_use, tags_in_use
from plans.models import CoreValue, Entry, FocusArea, Plan, Status
from plans.revisions import (
    Reason,
    revision_author,
    revisions_compare,
    revisions_summarise,
    stale_comparison,
)
from plans.search import search_entries

ENTRIES_PER_PAGE = 20


def plan_fragment(plan: Plan, name: str, *parts, render: Callable[[], str]) -> str:
    """HTML drawn from content alone: rendered once per content generation and language.

    Any change to a plan, an entry or an adaptation starts a new generation
    (cities.common.cache), so an edit shows in the very next request.
    """
    html = cache.cached(("plans", name, plan.pk, get_language(), *parts), render)
    return mark_safe(html)


class ModelPlanMixin:
    """Pages of the model plan (404 until the seed data has loaded it)."""

    @cached_property
    def plan(self) -> Plan:
        plan = Plan.objects.model_plan()
        if plan is None:
            raise Http404("The model plan is not loaded.")
        return plan

    @cached_property
    def can_edit(self) -> bool:
        return permissions.can_edit_model_plan(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(plan=self.plan, can_edit=self.can_edit)
        return context


def _list_prefetches():
    return [
        Prefetch("core_values", queryset=CoreValue.objects.all()),
    ]


# --- Reading ----------------------------------------------------------------------------


@kept_for_each_person
class ToolkitHomeView(TemplateView):
    """The toolkit's front page: its focus areas with what each holds, and where to start."""

    template_name = "plans/toolkit_home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan = Plan.objects.model_plan()
        can_edit = permissions.can_edit_model_plan(self.request.user)
        context.update(plan=plan, can_edit=can_edit)
        if plan is None:
            return context
        render = partial(self.render_body, plan, can_edit)
        # Coordinators' buttons carry their own form tokens: their page is never cached.
        context["body"] = render() if can_edit else plan_fragment(plan, "home", render=render)
        return context

    def render_body(self, plan: Plan, can_edit: bool) -> str:
        areas = FocusArea.objects.filter(plan=plan).with_counts()
        if not can_edit:
            areas = areas.active()
        areas = list(areas)
        context = {
            "plan": plan,
            "can_edit": can_edit,
            "focus_areas": [area for area in areas if not area.is_retired],
            "retired_focus_areas": [area for area in areas if area.is_retired],
            "core_values": CoreValue.Key,
            "quick_wins": (
                Entry.objects.filter(plan=plan)
                .active()
                .filter(effort=Entry.Effort.LOW, horizon=Entry.Horizon.SHORT)
                .exclude(kind=Entry.Kind.FUNDING)
                .select_related("focus_area")
                .in_reading_order()[:6]
            ),
        }
        return render_to_string(
            "plans/includes/_toolkit_home_body.html", context, request=self.request
        )


@kept_for_each_person
class EntryListView(ModelPlanMixin, TemplateView):
    """Every active entry, filtered and searched from the address, a page at a time."""

    template_name = "plans/entry_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = sorted((key, value) for key, values in self.request.GET.lists() for value in values)
        context["body"] = plan_fragment(
            self.plan, "entry-list", query, render=lambda: self.render_results()
        )
        context["searched_words"] = self.request.GET.get("q", "").strip()
        context["sort"] = self.sort
        context["sort_keep"] = [
            (key, value)
            for key, values in self.request.GET.lists()
            for value in values
            if key not in ("sort", "page")
        ]
        return context

    @cached_property
    def sort(self) -> str:
        return "adopted" if self.request.GET.get("sort") == "adopted" else ""

    def render_results(self) -> str:
        form = EntryFilterForm(
            self.request.GET,
            focus_areas=FocusArea.objects.filter(plan=self.plan).active(),
            tags=list(tags_in_use(self.plan)),
            sources=sources_in_use(self.plan),
        )
        values = form.values
        entries = form.filter(Entry.objects.filter(plan=self.plan).active())
        if values.get("q"):
            entries = search_entries(entries, values["q"])
        else:
            entries = entries.in_reading_order()
        if self.sort == "adopted":
            entries = entries.annotate(adoptions=adoption_count()).order_by(
                "-adoptions", *entries.query.order_by
            )
        entries = entries.select_related("focus_area").prefetch_related(*_list_prefetches())
        page = Paginator(entries, ENTRIES_PER_PAGE).get_page(self.request.GET.get("page"))
        context = {
            "sort": self.sort,
            "form": form,
            "page": page,
            "entries": page.object_list,
            "active_filters": form.active_filters(),
            "searched_words": values.get("q", ""),
        }
        return render_to_string(
            "plans/includes/_entry_list_body.html", context, request=self.request
        )


@kept_for_each_person
class FocusAreaDetailView(ModelPlanMixin, TemplateView):
    """A focus area and its entries, by kind; a retired one stays readable with a notice."""

    template_name = "plans/focusarea_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        focus_area = get_object_or_404(
            FocusArea.objects.filter(plan=self.plan).with_counts(), slug=self.kwargs["slug"]
        )
        entries = focus_area.entries.prefetch_related(*_list_prefetches()).order_by("order", "pk")
        if not self.can_edit:
            entries = entries.filter(status=Status.ACTIVE)
        entries = list(entries)
        groups = [
            (kind, label, [e for e in entries if e.kind == kind and not e.is_retired])
            for kind, label in Entry.Kind.choices
        ]
        context.update(
            focus_area=focus_area,
            groups=[group for group in groups if group[2]],
            retired_entries=[e for e in entries if e.is_retired],
        )
        return context


class EntryMixin(ModelPlanMixin):
    """Pages about one entry of the model plan, found by its slug."""

    @cached_property
    def entry(self) -> Entry:
        return get_object_or_404(
            Entry.objects.filter(plan=self.plan).select_related("focus_area", "source"),
            slug=self.kwargs["slug"],
        )

    def canonical_redirect(self):
        """The entry moved to another focus area: send old links to its address now."""
        if self.entry.focus_area.slug != self.kwargs["focus_area"]:
            url = self.request.path.replace(
                f"/{self.kwargs['focus_area']}/{self.entry.slug}/",
                f"/{self.entry.focus_area.slug}/{self.entry.slug}/",
                1,
            )
            query = self.request.META.get("QUERY_STRING")
            return HttpResponseRedirect(f"{url}?{query}" if query else url, status=301)
        return None

    def get(self, request, *args, **kwargs):
        return self.canonical_redirect() or super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["entry"] = self.entry
        return context


@kept_for_each_person
class EntryDetailView(EntryMixin, TemplateView):
    """Everything about an entry: text, practical fields, sources, related entries, history."""

    template_name = "plans/entry_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["body"] = plan_fragment(
            self.plan,
            "entry-detail",
            self.entry.pk,
            self.can_edit,
            render=lambda: render_to_string(
                "plans/includes/_entry_body.html", self.body_context(), request=self.request
            ),
        )
        context["adoption"] = plan_fragment(
            self.plan,
            "entry-adoption",
            self.entry.pk,
            render=lambda: render_to_string(
                "plans/includes/_adaptation_adoption.html",
                {"adoption": adoption_of(self.entry)},
                request=self.request,
            ),
        )
        return context

    def body_context(self) -> dict:
        entry = self.entry
        related = entry.related.select_related("focus_area").order_by("title")
        if not self.can_edit:
            related = related.filter(status=Status.ACTIVE, focus_area__status=Status.ACTIVE)
        return {
            "entry": entry,
            "core_values": list(entry.core_values.all()),
            "tags": list(entry.tags.order_by("name")),
            "also_sources": list(entry.also_sources.order_by("title")),
            "related": list(related),
            "last_revision": entry.history.select_related("history_user").first(),
            "body_html": render_markdown(entry.body),
        }


class HistoryMixin:
    """A list of an object's revisions and a comparison of any two of them."""

    template_name = "plans/history.html"

    def revisions_of(self, obj):
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        obj = self.history_object
        revisions = list(self.revisions_of(obj))
        by_version = {revision.version: revision for revision in revisions}
        newest = revisions[0] if revisions else None
        after = self._pick(by_version, "to", default=newest)
        before_default = None
        if after is not None:
            earlier = [r for r in revisions if r.version < after.version]
            before_default = earlier[0] if earlier else None
        before = self._pick(by_version, "from", default=before_default)
        if before is not None and after is not None and before.version > after.version:
            before, after = after, before
        changes = revisions_compare(before, after) if before and after else []
        summaries = revisions_summarise(revisions)
        context.update(
            object=obj,
            revisions=[
                (
                    revision,
                    Reason.label(revision.history_change_reason),
                    summaries[revision.history_id],
                    revision_author(revision),
                )
                for revision in revisions
            ],
            before=before,
            after=after,
            changes=changes,
        )
        return context

    def _pick(self, by_version, name, default):
        raw = self.request.GET.get(name, "")
        if not raw:
            return default
        try:
            return by_version[int(raw)]
        except (ValueError, KeyError):
            raise Http404("No such version.") from None


class EntryHistoryView(HistoryMixin, EntryMixin, TemplateView):
    """Who changed an entry, when and how; and a word-level diff of any two versions."""

    @property
    def history_object(self):
        return self.entry

    def revisions_of(self, entry):
        return entry.history.select_related("history_user").order_by("-version", "-history_id")


class FocusAreaHistoryView(HistoryMixin, ModelPlanMixin, TemplateView):
    """Who changed a focus area, when and how."""

    @cached_property
    def history_object(self):
        return get_object_or_404(FocusArea.objects.filter(plan=self.plan), slug=self.kwargs["slug"])

    def revisions_of(self, focus_area):
        return focus_area.history.select_related("history_user").order_by("-version", "-history_id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["focus_area"] = self.history_object
        return context


# --- Editing (coordinators) -------------------------------------------------------------


class EditFormMixin(RequiresMixin, ModelPlanMixin):
    """A form that saves through a service, with a Markdown preview and a stale-edit check."""

    requires = staticmethod(permissions.can_edit_model_plan)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["plan"] = self.plan
        return kwargs

    def form_valid(self, form):
        if "preview" in self.request.POST:
            return self.render_to_response(self.get_context_data(form=form, preview=True))
        try:
            saved = self.save(form)
        except services.StaleEditError as error:
            return self.stale(form, error.current)
        except ValidationError as error:
            show_on_form(form, error)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message(saved))
        return redirect(saved.get_absolute_url())

    def stale(self, form, current):
        # Nothing was saved. Keep what the person typed, and take the new version
        # number so that saving again (knowingly) replaces the other change.
        data = self.request.POST.copy()
        data["version"] = str(current.version)
        stale_form = self.get_form_class()(data=data, **self._form_init(current))
        stale_form.is_valid()
        last = current.history.select_related("history_user").first()
        return self.render_to_response(
            self.get_context_data(
                form=stale_form,
                saved=current,
                stale_revision=last,
                stale_changes=stale_comparison(current, stale_form.cleaned_data),
            ),
            status=409,
        )

    def _form_init(self, current):
        return {"instance": copy.copy(current), "plan": self.plan}


class EntryCreateView(EditFormMixin, FormView):
    template_name = "plans/entry_form.html"
    form_class = EntryForm

    def get_initial(self):
        area = FocusArea.objects.filter(plan=self.plan, slug=self.request.GET.get("area")).first()
        kind = self.request.GET.get("kind")
        return {
            "focus_area": area,
            "kind": kind if kind in Entry.Kind.values else None,
        }

    def save(self, form):
        return services.entry_create(plan=self.plan, values=form.values, by=self.request.user)

    def success_message(self, entry):
        return _("“%(title)s” is added to the toolkit.") % {"title": entry.title}


class EntryUpdateView(EditFormMixin, EntryMixin, FormView):
    template_name = "plans/entry_form.html"
    form_class = EntryForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        # A copy: the form writes what was typed into its instance, and the page
        # around the form keeps showing the saved entry.
        kwargs["instance"] = copy.copy(self.entry)
        return kwargs

    def save(self, form):
        return services.entry_update(
            entry=self.entry,
            values=form.values,
            expected_version=form.cleaned_data.get("version") or 0,
            by=self.request.user,
        )

    def success_message(self, entry):
        return _("Your changes to “%(title)s” are saved.") % {"title": entry.title}


class FocusAreaCreateView(EditFormMixin, FormView):
    template_name = "plans/focusarea_form.html"
    form_class = FocusAreaForm

    def save(self, form):
        return services.focus_area_create(plan=self.plan, values=form.values, by=self.request.user)

    def success_message(self, focus_area):
        return _("The focus area “%(title)s” is added.") % {"title": focus_area.title}


class FocusAreaUpdateView(EditFormMixin, FormView):
    template_name = "plans/focusarea_form.html"
    form_class = FocusAreaForm

    @cached_property
    def focus_area(self):
        return get_object_or_404(FocusArea.objects.filter(plan=self.plan), slug=self.kwargs["slug"])

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = copy.copy(self.focus_area)
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["focus_area"] = self.focus_area
        return context

    def save(self, form):
        return services.focus_area_update(
            focus_area=self.focus_area,
            values=form.values,
            expected_version=form.cleaned_data.get("version") or 0,
            by=self.request.user,
        )

    def success_message(self, focus_area):
        return _("Your changes to “%(title)s” are saved.") % {"title": focus_area.title}


class ActionView(RequiresMixin, ModelPlanMixin, View):
    """A one-button change (move, retire, restore), then back to the page it came from."""

    requires = staticmethod(permissions.can_edit_model_plan)
    http_method_names = ["post"]
    retired_message = ""

    def post(self, request, action, **kwargs):
        target = self.target()
        title = {"title": target.title}
        if action == "retire":
            self.retire(target)
            messages.success(request, self.retired_message % title)
        elif action == "restore":
            self.restore(target)
            messages.success(request, _("“%(title)s” is back in the toolkit.") % title)
        else:
            direction = request.POST.get("direction", "")
            if not self.move(target, direction):
                messages.info(request, _("“%(title)s” cannot move further.") % title)
            elif direction == "up":
                messages.success(request, _("“%(title)s” moved up.") % title)
            else:
                messages.success(request, _("“%(title)s” moved down.") % title)
        return redirect_next(request, self.back_to(target))


class EntryActionView(ActionView):
    retired_message = gettext_lazy(
        "“%(title)s” is retired: it is no longer listed, and its page says so."
    )

    def target(self) -> Entry:
        return get_object_or_404(
            Entry.objects.filter(plan=self.plan).select_related("focus_area"),
            slug=self.kwargs["slug"],
        )

    def retire(self, entry):
        services.entry_retire(entry=entry, by=self.request.user)

    def restore(self, entry):
        services.entry_restore(entry=entry, by=self.request.user)

    def move(self, entry, direction: str) -> bool:
        return services.entry_move(entry=entry, direction=direction, by=self.request.user)

    def back_to(self, entry) -> str:
        return entry.focus_area.get_absolute_url()


class FocusAreaActionView(ActionView):
    retired_message = gettext_lazy(
        "“%(title)s” is retired: it and its entries are no longer listed."
    )

    def target(self) -> FocusArea:
        return get_object_or_404(FocusArea.objects.filter(plan=self.plan), slug=self.kwargs["slug"])

    def retire(self, focus_area):
        services.focus_area_retire(focus_area=focus_area, by=self.request.user)

    def restore(self, focus_area):
        services.focus_area_restore(focus_area=focus_area, by=self.request.user)

    def move(self, focus_area, direction: str) -> bool:
        return services.focus_area_move(
            focus_area=focus_area, direction=direction, by=self.request.user
        )

    def back_to(self, focus_area) -> str:
        return reverse("plans:toolkit-home")
