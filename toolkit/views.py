from django.shortcuts import render
from django.views.generic import TemplateView

from cities.common.views import kept_for_each_person
from toolkit.grant import metrics


@kept_for_each_person
class HomeView(TemplateView):
    template_name = "toolkit/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["figures"] = metrics.cached("figures", None, metrics.grant_figures)
        context["total_cities"] = metrics.total_cities()
        return context


def csrf_failure(request, reason=""):
    """Explain an expired or blocked form in the site's own words."""
    return render(request, "403_csrf.html", status=403)
