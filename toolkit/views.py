from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView, UpdateView

from toolkit import metrics
from toolkit.forms import ProfileForm


class HomeView(TemplateView):
    template_name = "toolkit/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["figures"] = metrics.cached("figures", None, metrics.grant_figures)
        context["total_cities"] = metrics.total_cities()
        return context


class ProfileView(LoginRequiredMixin, UpdateView):
    form_class = ProfileForm
    template_name = "account/profile.html"
    success_url = reverse_lazy("profile")

    def get_object(self, queryset=None):
        return self.request.user

    def form_valid(self, form):
        messages.success(self.request, _("Your profile is saved."))
        return super().form_valid(form)


@never_cache
def healthz(request):
    """A bare view for load balancers and the benchmark: touches nothing."""
    return HttpResponse("ok", content_type="text/plain")


def csrf_failure(request, reason=""):
    """Explain an expired or blocked form in the site's own words."""
    return render(request, "403_csrf.html", status=403)
