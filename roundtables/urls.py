from django.urls import path

from roundtables import views

app_name = "roundtables"

urlpatterns = [
    path("", views.RoundTableListView.as_view(), name="roundtable-list"),
    path("<slug:slug>/", views.RoundTableDetailView.as_view(), name="roundtable-detail"),
]
