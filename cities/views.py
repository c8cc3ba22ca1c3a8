from allauth.account.models import EmailAddress
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, TemplateView, View

from cities import participation, permissions, sections, services
from cities.common import cache
from cities.common.errors import show_in_messages, show_on_form
from cities.common.redirects import redirect_next
from cities.common.views import RequiresMixin, kept_for_each_person
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


class CityMixin:
    """Pages about one city, found by the slug in the address (404 when there is none).

    The city is what the page's permission rule is asked about.
    """

    @cached_property
    def city(self) -> City:
        return get_object_or_404(City, slug=self.kwargs["slug"])

    def permission_objects(self) -> tuple:
        return (self.city,)

    def get_context_data(self, **kwargs):
        return super().get_context_data(city=self.city, **kwargs)


# --- Public pages -----------------------------------------------------------------------


@kept_for_each_person
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
            levels=participation.levels(),
            participation_rule=participation.RULE,
            not_registered=participation.NOT_REGISTERED_LABEL,
        )
        return context


@kept_for_each_person
class CityDetailView(DetailView):
    template_name = "cities/city_detail.html"

    def get_queryset(self):
        return participation.annotate(
            City.objects.select_related("primary_region").prefetch_related("regions"), met=True
        )

    def get_object(self, queryset=None):
        # The city with its regions and participation, kept until the content changes.
        return cache.cached(
            ("cities:city-page", self.kwargs["slug"]),
            lambda: super(CityDetailView, self).get_object(),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        city = self.object
        user = self.request.user
        context["state_label"] = participation.state_label(city)
        context["ladder"] = participation.ladder(city)
        context["participation_rule"] = participation.RULE
        context["slots"] = sections.slots(city, user)
        context["membership"] = (
            cache.cached(
                ("cities:open-membership", user.pk, city.pk),
                # In a tuple, so that having none is kept too.
                lambda: (Membership.objects.open().filter(user=user, city=city).first(),),
            )[0]
            if user.is_authenticated
            else None
        )
        return context


# --- A person's own memberships ----------------------------------------------------------


class MembershipRequestView(CityMixin, RequiresMixin, FormView):
    """Ask to join a city, giving a job title and department (anyone signed in)."""

    template_name = "cities/membership_request.html"
    form_class = MembershipRequestForm

    def get_initial(self):
        return {"job_title": self.request.user.job_title}

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
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
                **form.cleaned_data,
            )
        except ValidationError as error:
            show_on_form(form, error)
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


class MembershipLeaveView(RequiresMixin, View):
    """Withdraw one's own request, or leave a city."""

    http_method_names = ["post"]

    def post(self, request, slug):
        membership = get_object_or_404(
            Membership.objects.open().select_related("city"), city__slug=slug, user=request.user
        )
        try:
            services.membership_leave(membership=membership, user=request.user)
        except ValidationError as error:
            show_in_messages(request, error)
        else:
            if membership.is_pending:
                text = _("You withdrew your request to join %(city)s.")
            else:
                text = _("You left %(city)s.")
            messages.success(request, text % {"city": membership.city.name})
        return redirect("cities:my-cities")


class MyCitiesView(RequiresMixin, TemplateView):
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


class MemberListView(CityMixin, RequiresMixin, TemplateView):
    requires = staticmethod(permissions.can_manage_members)
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


class MemberActionView(CityMixin, RequiresMixin, View):
    """One decision about one membership of the city, then back to where the form was."""

    requires = staticmethod(permissions.can_manage_members)
    http_method_names = ["post"]
    form_class = DecisionForm

    def post(self, request, slug, pk):
        membership = get_object_or_404(
            Membership.objects.select_related("user", "city"), pk=pk, city=self.city
        )
        form = self.form_class(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(form.errors.as_data())
            messages.success(request, self.act(membership, **form.cleaned_data))
        except ValidationError as error:
            show_in_messages(request, error)
        return redirect_next(request, reverse("cities:member-list", kwargs={"slug": slug}))

    def act(self, membership, **cleaned) -> str:
        raise NotImplementedError


class MemberApproveView(MemberActionView):
    def act(self, membership, message=""):
        membership = services.membership_approve(
            membership=membership, by=self.request.user, message=message
        )
        if membership.is_lead:
            text = _("%(person)s is now a member of %(city)s, as its lead.")
        else:
            text = _("%(person)s is now a member of %(city)s.")
        return text % {"person": membership.user, "city": membership.city.name}


class MemberDeclineView(MemberActionView):
    def act(self, membership, message=""):
        membership = services.membership_decline(
            membership=membership, by=self.request.user, message=message
        )
        return _("You declined the request of %(person)s.") % {"person": membership.user}


class MemberRoleView(MemberActionView):
    form_class = RoleForm

    def act(self, membership, role):
        membership = services.membership_set_role(
            membership=membership, role=role, by=self.request.user
        )
        return _("%(person)s is now %(role)s of %(city)s.") % {
            "person": membership.user,
            "role": membership.get_role_display().lower(),
            "city": membership.city.name,
        }


class MemberRemoveView(MemberActionView):
    def act(self, membership, message=""):
        membership = services.membership_remove(
            membership=membership, by=self.request.user, message=message
        )
        return _("%(person)s is no longer a member of %(city)s.") % {
            "person": membership.user,
            "city": membership.city.name,
        }


class CityEditView(CityMixin, RequiresMixin, FormView):
    """Leads and editors keep the city's public profile up to date."""

    requires = staticmethod(permissions.can_edit_profile)
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
            show_on_form(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The profile of %(city)s is saved.") % {"city": self.city})
        return redirect(self.city)


# --- Coordinators --------------------------------------------------------------------------


class DomainListView(CityMixin, RequiresMixin, FormView):
    """A city's email domains: a verified address on one of them is approved at once."""

    requires = staticmethod(permissions.can_edit_domains)
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
            show_on_form(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("People with a verified address on %(domain)s now join %(city)s at once.")
            % {"domain": domain.domain, "city": self.city.name},
        )
        return redirect("cities:domain-list", slug=self.city.slug)


class DomainRemoveView(CityMixin, RequiresMixin, View):
    requires = staticmethod(permissions.can_edit_domains)
    http_method_names = ["post"]

    def post(self, request, slug, pk):
        domain = get_object_or_404(CityEmailDomain, pk=pk, city=self.city)
        try:
            services.domain_remove(domain=domain, by=request.user)
        except ValidationError as error:
            show_in_messages(request, error)
        else:
            messages.success(
                request,
                _("%(domain)s no longer approves anyone automatically.")
                % {"domain": domain.domain},
            )
        return redirect("cities:domain-list", slug=self.city.slug)


class RequestQueueView(RequiresMixin, TemplateView):
    """Every request waiting for a decision, oldest first, across all cities."""

    requires = staticmethod(permissions.can_see_request_queue)
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


class CityClaimView(RequiresMixin, FormView):
    """A coordinator makes a person the lead of a city, for example after a phone call."""

    requires = staticmethod(permissions.can_claim_cities)
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
            )
        except ValidationError as error:
            show_on_form(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(person)s is now a lead of %(city)s.")
            % {"person": membership.user, "city": city.name},
        )
        return redirect("cities:member-list", slug=city.slug)
