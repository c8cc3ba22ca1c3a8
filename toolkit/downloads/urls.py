from django.urls import path

from toolkit.downloads import views

app_name = "downloads"

# Mounted at /toolkit/downloads/, before the model plan's URLs: "downloads" is a reserved
# word for toolkit slugs.
urlpatterns = [
    path("", views.DownloadsView.as_view(), name="download-list"),
    path("<slug:scope>/<slug:format>/", views.package_download, name="package-download"),
]
