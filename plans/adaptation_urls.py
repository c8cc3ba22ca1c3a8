from django.urls import path

from plans import views

app_name = "adaptations"

urlpatterns = [
    path("", views.AdaptationListView.as_view(), name="adaptation-list"),
]
