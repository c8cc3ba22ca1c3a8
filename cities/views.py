from allauth.account.models import EmailAddress
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, TemplateView, View

from cities import participation, permissions, sections, services
from cities.forms import (
    SORTS,
    CityProfileForm,
    ClaimForm,
    DecisionForm,
    DirectoryFilterForm,
    DomainForm,
    MembershipRequestForm,
    RoleForm,
)
from cities.models import City, CityEmailDomain, Membership, Region

OPEN = (Membership.Status.PENDING, Membership.Status.APPROVED)


def _site_url(request) -> str:
    return request.build_absolute_uri("/")


def _error_messages(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


class CityPermissionMixin(LoginRequiredMixin):
    """Load the city from the URL; refuse (403) a signed-in person without the right."""

    permission = None  # a function of cities.permissions: (user, city) -> bool

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.city = get_object_or_404(City, slug=kwargs["slug"])
        if not self.permission(request.user, self.city):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(city=self.city, **kwargs)


class CoordinatorRequiredMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not permissions.is_coordinator(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


# --- Public pages -----------------------------------------------------------------------


class CityListView(TemplateView):
    """The directory: every city of the county by subregion, with search, filters and sort."""

    template_name = "cities/city_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        regions = list(Region.objects.all())
        form = DirectoryFilterForm(self.request.GET or None, regions=regions)
        if form.is_bound:
            form.is_valid()  # a bad value shows its error by the field and is not applied
        chosen = form.filters()
        cities = participation.annotate(City.objects.all())
        if chosen.get("q"):
            query = chosen["q"]
            matches = Q(name__icontains=query)
            # The slug matches names typed without accents; a query of punctuation alone has
            # no slug, and an empty slug would match every city.
            if slugify(query):
                matches |= Q(slug__icontains=slugify(query))
            cities = cities.filter(matches)
        region = next((r for r in regions if r.slug == chosen.get("region")), None)
        if region is not None:
            in_region = City.regions.through.objects.filter(region=region).values("city_id")
            cities = cities.filter(Q(primary_region=region) | Q(pk__in=in_region))
        if chosen.get("state"):
            cities = cities.filter(participation.in_state(chosen["state"]))
        cities = list(cities.order_by(*SORTS[chosen.get("sort", "name")]))
        for city in cities:
            city.participation = participation.state(city)
        if region is not None:
            groups = [(region, cities)] if cities else []
        else:
            by_region = {r.pk: [] for r in regions}
            for city in cities:
                by_region[city.primary_region_id].append(city)
            groups = [(r, by_region[r.pk]) for r in regions if by_region[r.pk]]
        context.update(
            form=form,
            groups=groups,
            shown=len(cities),
            filtered=bool({"q", "region", "state"} & set(chosen)),
            summary=City.objects.registration_summary(),
        )
        return context


class CityDetailView(DetailView):
    template_name = "cities/city_detail.html"

    def get_queryset(self):
        return participation.annotate(
            City.objects.select_related("primary_region").prefetch_related("regions")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        city = self.object
        user = self.request.user
        context["state"] = participation.state(city)
        context["ladder"] = [
            (level, getattr(city, level.annotation)) for level in participation.levels()
        ]
        context["slots"] = sections.slots(city, user)
        context["membership"] = (
            Membership.objects.open().filter(user=user, city=city).first()
            if user.is_authenticated
            else None
        )
        return context


# --- A person's own memberships ----------------------------------------------------------


class MembershipRequestView(LoginRequiredMixin, FormView):
    """Ask to join a city, giving a job title and department."""

    template_name = "cities/membership_request.html"
    form_class = MembershipRequestForm

    def dispatch(self, request, *args, **kwargs):
        self.city = get_object_or_404(City, slug=kwargs["slug"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"job_title": self.request.user.job_title}

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            city=self.city,
            membership=Membership.objects.open().filter(user=user, city=self.city).first(),
            verified=EmailAddress.objects.filter(user=user, verified=True).exists(),
            domains=list(self.city.email_domains.active().values_list("domain", flat=True)),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            membership = services.membership_request(
                user=self.request.user,
                city=self.city,
                language=self.request.LANGUAGE_CODE,
                site_url=_site_url(self.request),
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        if membership.is_lead:
            text = _("You are now the lead of %(city)s.")
        elif membership.is_approved:
            text = _("You are now a member of %(city)s.")
        elif membership.returning:
            text = _(
                "You were a member of %(city)s before, or asked to join it before, so your "
                "request waits for the city's lead or a coordinator. We will email you when "
                "they have decided."
            )
        else:
            text = _(
                "Your request to join %(city)s is sent. We will email you when the city's "
                "lead or a coordinator has decided."
            )
        messages.success(self.request, text % {"city": self.city.name})
        return redirect("cities:my-cities")


class MembershipLeaveView(LoginRequiredMixin, View):
    """Withdraw one's own request, or leave a city."""

    http_method_names = ["post"]

    def post(self, request, slug):
        membership = get_object_or_404(
            Membership.objects.open().select_related("city"), city__slug=slug, user=request.user
        )
        try:
            services.membership_leave(membership=membership, user=request.user)
        except ValidationError as error:
            _error_messages(request, error)
        else:
            if membership.is_pending:
                text = _("You withdrew your request to join %(city)s.")
            else:
                text = _("You left %(city)s.")
            messages.success(request, text % {"city": membership.city.name})
        return redirect("cities:my-cities")


class MyCitiesView(LoginRequiredMixin, TemplateView):
    template_name = "cities/my_cities.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        memberships = list(
            Membership.objects.filter(user=self.request.user)
            .select_related("city", "decided_by")
            .order_by("city__name", "-requested_at")
        )
        context["open_memberships"] = [
            m for m in memberships if m.status in ("pending", "approved")
        ]
        context["past_memberships"] = [
            m for m in memberships if m.status not in ("pending", "approved")
        ]
        if permissions.is_coordinator(self.request.user):
            context["pending_count"] = Membership.objects.pending().count()
        return context


# --- A city's lead (and coordinators) -----------------------------------------------------


class MemberListView(CityPermissionMixin, TemplateView):
    permission = staticmethod(permissions.can_manage_members)
    template_name = "cities/member_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        members = self.city.memberships.select_related("user", "decided_by")
        context["pending"] = list(members.pending().order_by("requested_at"))
        context["members"] = list(members.approved().order_by("user__name", "user__email"))
        context["past"] = list(members.exclude(status__in=OPEN).order_by("-decided_at")[:20])
        context["domains"] = list(self.city.email_domains.active())
        context["roles"] = Membership.Role.choices
        return context


class MemberActionView(CityPermissionMixin, View):
    """One decision about one membership of the city, then back to where the form was."""

    permission = staticmethod(permissions.can_manage_members)
    http_method_names = ["post"]
    form_class = DecisionForm

    def post(self, request, slug, pk):
        membership = get_object_or_404(
            Membership.objects.select_related("user", "city"), pk=pk, city=self.city
        )
        form = self.form_class(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
        else:
            try:
                text = self.act(membership, **form.cleaned_data)
            except ValidationError as error:
                _error_messages(request, error)
            else:
                messages.success(request, text)
        return HttpResponseRedirect(self.next_url())

    def next_url(self) -> str:
        url = self.request.POST.get("next", "")
        if url and url_has_allowed_host_and_scheme(
            url, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        ):
            return url
        return reverse("cities:member-list", kwargs={"slug": self.city.slug})

    def act(self, membership, **cleaned) -> str:
        raise NotImplementedError


class MemberApproveView(MemberActionView):
    def act(self, membership, message=""):
        membership = services.membership_approve(
            membership=membership,
            by=self.request.user,
            message=message,
            site_url=_site_url(self.request),
        )
        if membership.is_lead:
            text = _("%(person)s is now a member of %(city)s, as its lead.")
        else:
            text = _("%(person)s is now a member of %(city)s.")
        return text % {"person": membership.user, "city": membership.city.name}


class MemberDeclineView(MemberActionView):
    def act(self, membership, message=""):
        membership = services.membership_decline(
            membership=membership,
            by=self.request.user,
            message=message,
            site_url=_site_url(self.request),
        )
        return _("You declined the request of %(person)s.") % {"person": membership.user}


class MemberRoleView(MemberActionView):
    form_class = RoleForm

    def act(self, membership, role):
        membership = services.membership_set_role(
            membership=membership, role=role, by=self.request.user, site_url=_site_url(self.request)
        )
        return _("%(person)s is now %(role)s of %(city)s.") % {
            "person": membership.user,
            "role": membership.get_role_display().lower(),
            "city": membership.city.name,
        }


class MemberRemoveView(MemberActionView):
    def act(self, membership, message=""):
        membership = services.membership_remove(
            membership=membership,
            by=self.request.user,
            message=message,
            site_url=_site_url(self.request),
        )
        return _("%(person)s is no longer a member of %(city)s.") % {
            "person": membership.user,
            "city": membership.city.name,
        }


class CityEditView(CityPermissionMixin, FormView):
    """Leads and editors keep the city's public profile up to date."""

    permission = staticmethod(permissions.can_edit_profile)
    template_name = "cities/city_form.html"
    form_class = CityProfileForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.city}

    def get_context_data(self, **kwargs):
        domains = list(self.city.email_domains.active().values_list("domain", flat=True))
        return super().get_context_data(domains=domains, **kwargs)

    def form_valid(self, form):
        try:
            services.city_profile_update(city=self.city, by=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The profile of %(city)s is saved.") % {"city": self.city})
        return redirect(self.city)


# --- Coordinators --------------------------------------------------------------------------


class DomainListView(CityPermissionMixin, FormView):
    """A city's email domains: a verified address on one of them is approved at once."""

    permission = staticmethod(lambda user, city: permissions.can_edit_domains(user))
    template_name = "cities/domain_list.html"
    form_class = DomainForm

    def get_context_data(self, **kwargs):
        domains = self.city.email_domains.select_related("added_by", "removed_by")
        return super().get_context_data(
            domains=[d for d in domains if d.is_active],
            removed=[d for d in domains if not d.is_active],
            **kwargs,
        )

    def form_valid(self, form):
        try:
            domain = services.domain_add(
                city=self.city, domain=form.cleaned_data["domain"], by=self.request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("People with a verified address on %(domain)s now join %(city)s at once.")
            % {"domain": domain.domain, "city": self.city.name},
        )
        return redirect("cities:domain-list", slug=self.city.slug)


class DomainRemoveView(CityPermissionMixin, View):
    permission = staticmethod(lambda user, city: permissions.can_edit_domains(user))
    http_method_names = ["post"]

    def post(self, request, slug, pk):
        domain = get_object_or_404(CityEmailDomain, pk=pk, city=self.city)
        try:
            services.domain_remove(domain=domain, by=request.user)
        except ValidationError as error:
            _error_messages(request, error)
        else:
            messages.success(
                request,
                _("%(domain)s no longer approves anyone automatically.")
                % {"domain": domain.domain},
            )
        return redirect("cities:domain-list", slug=self.city.slug)


class RequestQueueView(CoordinatorRequiredMixin, TemplateView):
    """Every request waiting for a decision, oldest first, across all cities."""

    template_name = "cities/request_queue.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pending = (
            Membership.objects.pending()
            .select_related("user", "city")
            .order_by("requested_at", "pk")
        )
        page = Paginator(pending, self.paginate_by).get_page(self.request.GET.get("page"))
        context["page_obj"] = page
        context["pending"] = page.object_list
        return context


class CityClaimView(CoordinatorRequiredMixin, FormView):
    """A coordinator makes a person the lead of a city, for example after a phone call."""

    template_name = "cities/city_claim.html"
    form_class = ClaimForm

    def get_form_kwargs(self):
        self.cities = list(City.objects.only("slug", "name").order_by("name"))
        return {**super().get_form_kwargs(), "cities": self.cities}

    def get_initial(self):
        return {"city": self.request.GET.get("city", "")}

    def form_valid(self, form):
        city = next(c for c in self.cities if c.slug == form.cleaned_data["city"])
        try:
            membership = services.city_claim(
                city=city,
                email=form.cleaned_data["email"],
                job_title=form.cleaned_data["job_title"],
                department=form.cleaned_data["department"],
                by=self.request.user,
                site_url=_site_url(self.request),
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(person)s is now a lead of %(city)s.")
            % {"person": membership.user, "city": city.name},
        )
        return redirect("cities:member-list", slug=city.slug)
