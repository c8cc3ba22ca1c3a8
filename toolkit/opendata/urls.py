from django.urls import path

from toolkit.opendata import views

app_name = "opendata"

# Mounted at /open-data/ (in each language). data.json, sitemap.xml and robots.txt are at the
# root, outside the language prefixes (toolkit/urls.py).
urlpatterns = [
    path("", views.OpenDataView.as_view(), name="catalogue"),
]
