from django.views.generic import ListView, TemplateView

from plans.models import Plan


class ToolkitHomeView(TemplateView):
    template_name = "plans/toolkit_home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["plan"] = Plan.objects.filter(kind=Plan.Kind.MODEL).first()
        return context


class AdaptationListView(ListView):
    """Every city's published adaptation of the model plan."""

    template_name = "plans/adaptation_list.html"
    context_object_name = "adaptations"

    def get_queryset(self):
        return (
            Plan.objects.adaptations()
            .published()
            .select_related("city", "city__primary_region")
            .order_by("-updated_at")
        )
