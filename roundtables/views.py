from django.utils import timezone
from django.views.generic import DetailView, TemplateView

from roundtables.models import RoundTable


class RoundTableListView(TemplateView):
    template_name = "roundtables/roundtable_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        round_tables = RoundTable.objects.select_related("region")
        context["upcoming"] = round_tables.filter(ends_at__gte=now).order_by("starts_at")
        context["past"] = round_tables.filter(ends_at__lt=now).order_by("-starts_at")
        return context


class RoundTableDetailView(DetailView):
    model = RoundTable
    template_name = "roundtables/roundtable_detail.html"

    def get_queryset(self):
        return RoundTable.objects.select_related("region")
