"""The site's URLs plus one view that fails, for the tests of error reports."""

from django.urls import path

from toolkit.urls import urlpatterns as site_urlpatterns


def failing_view(request):
    raise RuntimeError("a bug in a view")


urlpatterns = [path("failing", failing_view), *site_urlpatterns]
