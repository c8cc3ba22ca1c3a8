from django.db.models import Exists, OuterRef, Prefetch
from django.views.generic import DetailView, ListView

from cities.models import City, Membership, Region


def _with_registration(queryset):
    return queryset.annotate(
        is_registered=Exists(
            Membership.objects.filter(city=OuterRef("pk"), status=Membership.Status.APPROVED)
        )
    )


class CityListView(ListView):
    """The directory: every city of the county, grouped by its primary subregion."""

    model = Region
    template_name = "cities/city_list.html"
    context_object_name = "regions"

    def get_queryset(self):
        cities = _with_registration(City.objects.order_by("name"))
        return Region.objects.prefetch_related(
            Prefetch("primary_cities", queryset=cities, to_attr="city_list")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["total_cities"] = sum(len(region.city_list) for region in context["regions"])
        context["registered_cities"] = sum(
            city.is_registered for region in context["regions"] for city in region.city_list
        )
        return context


class CityDetailView(DetailView):
    model = City
    template_name = "cities/city_detail.html"

    def get_queryset(self):
        return _with_registration(City.objects.select_related("primary_region")).prefetch_related(
            "regions"
        )
