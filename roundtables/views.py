import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView

from cities.common.errors import show_in_messages, show_on_form
from cities.common.redirects import redirect_next, safe_next
from cities.common.views import RequiresMixin, kept_for_each_person
from cities.models import Region
from roundtables import calendars, permissions, services
from roundtables.forms import (
    AttendanceForm,
    MaterialForm,
    MinutesForm,
    RegistrationForm,
    RoundTableCancelForm,
    RoundTableFilterForm,
    RoundTableForm,
    RoundTableSeriesForm,
    WalkInForm,
)
from roundtables.models import Material, Registration, RoundTable, WalkIn, attending_cities

# How far back the subscribable feeds reach; older round tables stay on the site.


class RoundTableMixin:
    """Views about one round table, found by its slug (404 when there is none)."""

    @cached_property
    def round_table(self) -> RoundTable:
        return get_object_or_404(RoundTable.objects.listed(), slug=self.kwargs["slug"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["round_table"] = self.round_table
        return context


# --- Public pages ------------------------------------------------------------------------


@kept_for_each_person
class RoundTableListView(TemplateView):
    """Upcoming and past round tables, filtered by year, quarter and subregion."""

    template_name = "roundtables/roundtable_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        regions = list(Region.objects.all())
        years = [moment.year for moment in RoundTable.objects.datetimes("starts_at", "year")]
        form = RoundTableFilterForm(self.request.GET or None, regions=regions, years=years)
        round_tables = form.filter(RoundTable.objects.listed())
        context.update(
            filter_form=form,
            filtered=form.is_bound and form.is_valid() and any(form.cleaned_data.values()),
            upcoming=list(round_tables.upcoming(now)),
            past=list(round_tables.past(now)),
            regions=regions,
            is_organizer=permissions.is_organizer(self.request.user),
            now=now,
        )
        return context


@kept_for_each_person
class RoundTableDetailView(DetailView):
    """A round table's page: when and where, agenda, seats left, sign-up; afterwards minutes,
    materials and the cities that attended."""

    model = RoundTable
    template_name = "roundtables/roundtable_detail.html"
    context_object_name = "round_table"

    def get_queryset(self):
        return RoundTable.objects.listed()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        round_table, user = self.object, self.request.user
        now = timezone.now()
        registration = None
        if user.is_authenticated:
            registration = (
                Registration.objects.with_waitlist_position()
                .filter(round_table=round_table, user=user)
                .select_related("city")
                .first()
            )
        active = registration is not None and not registration.is_cancelled
        form = kwargs.get("form")
        can_sign_up = permissions.can_sign_up(user)
        if form is None and not active and can_sign_up and round_table.accepts_signups(now):
            form = RegistrationForm(user=user)
        started = round_table.has_started(now)
        context.update(
            registration=registration if active else None,
            form=form,
            accepts_signups=round_table.accepts_signups(now),
            can_sign_up=can_sign_up,
            has_started=started,
            has_ended=round_table.has_ended(now),
            show_online_link=round_table.online_url
            and permissions.can_see_online_link(user, round_table, registration),
            materials=list(round_table.materials.all()) if started else [],
            cities_attended=list(attending_cities(round_table)) if started else [],
            walk_in_count=round_table.walk_ins.count() if started else 0,
            is_organizer=permissions.is_organizer(user),
            now=now,
        )
        return context


class RoundTableCalendarView(RoundTableMixin, View):
    """One round table as an .ics file (with the meeting link for those who may see it)."""

    def get(self, request, slug):
        round_table = self.round_table
        registration = None
        if request.user.is_authenticated:
            registration = (
                Registration.objects.filter(round_table=round_table, user=request.user)
                .select_related("city")
                .first()
            )
        content = calendars.calendar_bytes(
            [round_table],
            name=round_table.title,
            with_online_link=bool(
                permissions.can_see_online_link(request.user, round_table, registration)
            ),
        )
        response = HttpResponse(content, content_type=calendars.CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{round_table.slug}.ics"'
        return response


class CalendarFeedView(View):
    """A feed calendar apps subscribe to: every round table, or a subregion's (with the
    county-wide ones, which its cities are invited to as well)."""

    def get(self, request, region=None):
        if region is None:
            content, filename = calendars.feed(), "round-tables.ics"
        else:
            region = get_object_or_404(Region, slug=region)
            content, filename = calendars.feed(region), f"round-tables-{region.slug}.ics"
        response = HttpResponse(content, content_type=calendars.CONTENT_TYPE)
        response["Content-Disposition"] = f'inline; filename="{filename}"'
        response["Cache-Control"] = "public, max-age=900"
        return response


class MaterialDownloadView(RoundTableMixin, View):
    """An uploaded PDF, always as an attachment (never rendered by the browser here)."""

    def get(self, request, slug, pk):
        material = get_object_or_404(Material, pk=pk, round_table=self.round_table)
        if not material.file:
            raise Http404
        try:
            handle = material.file.open("rb")
        except FileNotFoundError as missing:
            raise Http404 from missing
        return FileResponse(
            handle,
            as_attachment=True,
            filename=f"{slugify(material.title) or 'material'}.pdf",
            content_type="application/pdf",
        )


# --- City staff --------------------------------------------------------------------------


class RegistrationCreateView(RequiresMixin, RoundTableDetailView):
    """Sign up for a seat on behalf of one of your cities."""

    requires = staticmethod(permissions.can_sign_up)
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = RegistrationForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                registration = services.registration_create(
                    round_table=self.object,
                    user=request.user,
                    city=form.cleaned_data["city"],
                    language=request.LANGUAGE_CODE,
                )
            except ValidationError as error:
                if not hasattr(error, "error_dict"):
                    # Not about a field: the round table's state said no (full of
                    # duplicates, closed, cancelled). Say so at the top of its page.
                    show_in_messages(request, error)
                    return redirect(self.object)
                show_on_form(form, error)
            else:
                if registration.is_confirmed:
                    messages.success(
                        request,
                        _("You have a seat. A confirmation with a calendar file is on its way."),
                    )
                else:
                    messages.info(
                        request,
                        _(
                            "The round table is full, so you are on the waitlist at position "
                            "%(position)s. We will email you if a seat frees up."
                        )
                        % {"position": registration.waitlist_position},
                    )
                return redirect(self.object)
        return self.render_to_response(self.get_context_data(form=form))


class RegistrationCancelView(RequiresMixin, TemplateView):
    """Give up a seat (or a place on the waitlist); organizers can cancel anyone's."""

    template_name = "roundtables/registration_confirm_cancel.html"

    @cached_property
    def registration(self) -> Registration:
        return get_object_or_404(
            Registration.objects.select_related("round_table", "city", "user"),
            pk=self.kwargs["pk"],
        )

    def permission_objects(self) -> tuple:
        # Someone else's registration is not shown to exist at all.
        if not permissions.can_cancel_registration(self.request.user, self.registration):
            raise Http404
        return ()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            registration=self.registration,
            round_table=self.registration.round_table,
            next=safe_next(self.request, ""),
        )
        return context

    def post(self, request, pk):
        registration = self.registration
        round_table = registration.round_table
        try:
            promoted = services.registration_cancel(registration=registration)
        except ValidationError as error:
            show_in_messages(request, error)
            return redirect(round_table)
        if registration.user_id == request.user.pk:
            messages.success(request, _("Your registration is cancelled."))
        else:
            messages.success(
                request,
                _("The registration of %(person)s is cancelled.")
                % {"person": registration.user.get_full_name()},
            )
        if promoted:
            messages.info(
                request,
                ngettext(
                    "The seat went to the first person on the waitlist, who has been emailed.",
                    "%(count)s seats went to people on the waitlist, who have been emailed.",
                    len(promoted),
                )
                % {"count": len(promoted)},
            )
        return redirect_next(request, round_table.get_absolute_url())


class MyRegistrationsView(RequiresMixin, ListView):
    """The round tables a person signed up for, with each registration's status."""

    template_name = "roundtables/my_registrations.html"
    context_object_name = "registrations"

    def get_queryset(self):
        return (
            Registration.objects.with_waitlist_position()
            .filter(user=self.request.user)
            .select_related("round_table__region", "city")
            .order_by("-round_table__starts_at", "pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        context["upcoming"] = [
            r for r in context["registrations"] if not r.round_table.has_ended(now)
        ]
        context["past"] = [r for r in context["registrations"] if r.round_table.has_ended(now)]
        context["now"] = now
        context["can_sign_up"] = permissions.can_sign_up(self.request.user)
        return context


# --- Organizers --------------------------------------------------------------------------


class RoundTableCreateView(RequiresMixin, FormView):
    requires = staticmethod(permissions.is_organizer)
    form_class = RoundTableForm
    template_name = "roundtables/roundtable_form.html"

    def form_valid(self, form):
        try:
            round_table = services.round_table_create(**form.cleaned_data)
        except ValidationError as error:
            show_on_form(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The round table is scheduled."))
        return redirect(round_table)


class RoundTableSeriesCreateView(RequiresMixin, FormView):
    """A year of round tables in one step: one per chosen subregion per quarter."""

    requires = staticmethod(permissions.is_organizer)

    form_class = RoundTableSeriesForm
    template_name = "roundtables/roundtable_series_form.html"

    def form_valid(self, form):
        year = form.cleaned_data["year"]
        try:
            created, skipped = services.round_table_series_create(
                year=year,
                regions=form.chosen_regions(),
                capacity=form.cleaned_data["capacity"],
                seats_per_city=form.cleaned_data["seats_per_city"],
            )
        except ValidationError as error:
            show_on_form(form, error)
            return self.form_invalid(form)
        if created:
            messages.success(
                self.request,
                ngettext(
                    "%(count)s round table is scheduled. Adjust its date and place below.",
                    "%(count)s round tables are scheduled. Adjust their dates and places below.",
                    len(created),
                )
                % {"count": len(created)},
            )
        for reason in skipped:
            messages.warning(self.request, _("Not created: %(reason)s") % {"reason": reason})
        return redirect(reverse("roundtables:roundtable-list") + f"?year={year}")


class RoundTableUpdateView(RequiresMixin, RoundTableMixin, FormView):
    requires = staticmethod(permissions.is_organizer)
    form_class = RoundTableForm
    template_name = "roundtables/roundtable_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.round_table}

    def form_valid(self, form):
        try:
            round_table = services.round_table_update(
                round_table=self.round_table, **form.cleaned_data
            )
        except ValidationError as error:
            show_on_form(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Your changes are saved."))
        if round_table.promoted:
            messages.info(
                self.request,
                ngettext(
                    "%(count)s person moved from the waitlist to a seat and has been emailed.",
                    "%(count)s people moved from the waitlist to a seat and have been emailed.",
                    len(round_table.promoted),
                )
                % {"count": len(round_table.promoted)},
            )
        return redirect(round_table)


class RoundTableCancelView(RequiresMixin, RoundTableMixin, FormView):
    requires = staticmethod(permissions.is_organizer)
    form_class = RoundTableCancelForm
    template_name = "roundtables/roundtable_confirm_cancel.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["registrant_count"] = (
            Registration.objects.active().filter(round_table=self.round_table).count()
        )
        return context

    def form_valid(self, form):
        try:
            count = services.round_table_cancel(
                round_table=self.round_table, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            show_on_form(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            ngettext(
                "The round table is cancelled and its %(count)s registrant has been emailed.",
                "The round table is cancelled and its %(count)s registrants have been emailed.",
                count,
            )
            % {"count": count},
        )
        return redirect(self.round_table)


def _registration_rows(round_table: RoundTable):
    return list(
        Registration.objects.filter(round_table=round_table)
        .select_related("user", "city")
        .order_by("sequence", "pk")
    )


class RegistrationListView(RequiresMixin, RoundTableMixin, TemplateView):
    """Registrations, the waitlist in order, and how many seats each city has."""

    requires = staticmethod(permissions.is_organizer)

    template_name = "roundtables/registration_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = _registration_rows(self.round_table)
        waitlist = [r for r in rows if r.is_waitlisted]
        for position, registration in enumerate(waitlist, start=1):
            registration.waitlist_position = position
        per_city = (
            Registration.objects.filter(round_table=self.round_table)
            .order_by()
            .values("city__name")
            .annotate(
                confirmed=Count("pk", filter=Q(status=Registration.Status.CONFIRMED)),
                waitlisted=Count("pk", filter=Q(status=Registration.Status.WAITLISTED)),
                attended=Count("pk", filter=Q(attended=True)),
            )
            .filter(Q(confirmed__gt=0) | Q(waitlisted__gt=0) | Q(attended__gt=0))
            .order_by("city__name")
        )
        context.update(
            confirmed=[r for r in rows if r.is_confirmed],
            waitlist=waitlist,
            cancelled=[r for r in rows if r.is_cancelled],
            per_city=list(per_city),
            accepts_cancellations=self.round_table.accepts_cancellations(),
        )
        return context


def _csv_cell(value) -> str:
    # Spreadsheet programs run cells that start like a formula; make them plain text.
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class RegistrationExportView(RequiresMixin, RoundTableMixin, View):
    """The registrations as CSV, for a sign-in sheet or a spreadsheet."""

    requires = staticmethod(permissions.is_organizer)

    def get(self, request, slug):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="{self.round_table.slug}-registrations.csv"'
        )
        writer = csv.writer(response)
        writer.writerow(
            [
                _("Name"),
                _("Email"),
                _("City"),
                _("Status"),
                _("Waitlist position"),
                _("Arrival number"),
                _("Registered at (Pacific time)"),
                _("Attended"),
            ]
        )
        position = 0
        for registration in _registration_rows(self.round_table):
            if registration.is_waitlisted:
                position += 1
            writer.writerow(
                [
                    _csv_cell(value)
                    for value in [
                        registration.user.get_full_name(),
                        registration.user.email,
                        registration.city.name,
                        registration.get_status_display(),
                        position if registration.is_waitlisted else "",
                        registration.sequence,
                        timezone.localtime(registration.signed_up_at).strftime("%Y-%m-%d %H:%M"),
                        _("yes") if registration.attended else _("no"),
                    ]
                ]
            )
        return response


class AttendanceView(RequiresMixin, RoundTableMixin, TemplateView):
    """After the event: tick who came, add walk-ins, mark the round table held."""

    requires = staticmethod(permissions.is_organizer)

    template_name = "roundtables/attendance_form.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        round_table = self.round_table
        context.setdefault("form", AttendanceForm(round_table=round_table))
        context.setdefault("walk_in_form", WalkInForm())
        context["walk_ins"] = list(round_table.walk_ins.select_related("city"))
        context["can_record"] = round_table.can_record_attendance()
        return context

    def post(self, request, slug):
        form = AttendanceForm(request.POST, round_table=self.round_table)
        if form.is_valid():
            mark_held = "mark_held" in request.POST
            try:
                count = services.attendance_record(
                    round_table=self.round_table,
                    attended=[r.pk for r in form.cleaned_data["attended"]],
                    mark_held=mark_held,
                )
            except ValidationError as error:
                show_in_messages(request, error)
                return redirect("roundtables:attendance", slug=slug)
            messages.success(
                request,
                ngettext(
                    "Attendance is saved: %(count)s registrant attended.",
                    "Attendance is saved: %(count)s registrants attended.",
                    count,
                )
                % {"count": count},
            )
            if mark_held:
                messages.success(request, _("The round table is marked as held."))
                return redirect(self.round_table)
            return redirect("roundtables:attendance", slug=slug)
        return self.render_to_response(self.get_context_data(form=form))


class WalkInCreateView(AttendanceView):
    http_method_names = ["post"]

    def post(self, request, slug):
        form = WalkInForm(request.POST)
        if form.is_valid():
            try:
                walk_in = services.walk_in_add(
                    round_table=self.round_table, recorded_by=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                show_on_form(form, error)
            else:
                messages.success(
                    request, _("%(name)s is recorded as a walk-in.") % {"name": walk_in.name}
                )
                return redirect("roundtables:attendance", slug=slug)
        return self.render_to_response(self.get_context_data(walk_in_form=form))


class WalkInDeleteView(RequiresMixin, RoundTableMixin, View):
    requires = staticmethod(permissions.is_organizer)

    def post(self, request, slug, pk):
        walk_in = get_object_or_404(WalkIn, pk=pk, round_table=self.round_table)
        services.walk_in_remove(walk_in=walk_in)
        messages.success(request, _("%(name)s is removed.") % {"name": walk_in.name})
        return redirect("roundtables:attendance", slug=slug)


class MinutesView(RequiresMixin, RoundTableMixin, TemplateView):
    """After the event: publish the minutes and the materials (links or PDFs)."""

    requires = staticmethod(permissions.is_organizer)

    template_name = "roundtables/minutes_form.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        round_table = self.round_table
        context.setdefault("form", MinutesForm(initial={"minutes": round_table.minutes}))
        context.setdefault("material_form", MaterialForm())
        context["materials"] = list(round_table.materials.all())
        context["can_record"] = round_table.can_record_attendance()
        return context

    def post(self, request, slug):
        form = MinutesForm(request.POST)
        if form.is_valid():
            try:
                services.minutes_publish(
                    round_table=self.round_table, minutes=form.cleaned_data["minutes"]
                )
            except ValidationError as error:
                show_on_form(form, error)
            else:
                messages.success(request, _("The minutes are published."))
                return redirect("roundtables:minutes-update", slug=slug)
        return self.render_to_response(self.get_context_data(form=form))


class MaterialCreateView(MinutesView):
    http_method_names = ["post"]

    def post(self, request, slug):
        form = MaterialForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                material = services.material_add(
                    round_table=self.round_table, added_by=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                show_on_form(form, error)
            else:
                messages.success(
                    request, _("“%(title)s” is published.") % {"title": material.title}
                )
                return redirect("roundtables:minutes-update", slug=slug)
        return self.render_to_response(self.get_context_data(material_form=form))


class MaterialDeleteView(RequiresMixin, RoundTableMixin, View):
    requires = staticmethod(permissions.is_organizer)

    def post(self, request, slug, pk):
        material = get_object_or_404(Material, pk=pk, round_table=self.round_table)
        services.material_remove(material=material)
        messages.success(request, _("“%(title)s” is removed.") % {"title": material.title})
        return redirect("roundtables:minutes-update", slug=slug)
