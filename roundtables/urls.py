from django.urls import path

from roundtables import views

app_name = "roundtables"

urlpatterns = [
    path("", views.RoundTableListView.as_view(), name="roundtable-list"),
    path("calendar.ics", views.CalendarFeedView.as_view(), name="calendar-feed"),
    path(
        "subregions/<slug:region>/calendar.ics",
        views.CalendarFeedView.as_view(),
        name="region-calendar-feed",
    ),
    path("mine/", views.MyRegistrationsView.as_view(), name="my-registrations"),
    path("new/", views.RoundTableCreateView.as_view(), name="roundtable-create"),
    path("series/new/", views.RoundTableSeriesCreateView.as_view(), name="series-create"),
    path(
        "registrations/<int:pk>/cancel/",
        views.RegistrationCancelView.as_view(),
        name="registration-cancel",
    ),
    path("<slug:slug>/", views.RoundTableDetailView.as_view(), name="roundtable-detail"),
    path(
        "<slug:slug>/calendar.ics",
        views.RoundTableCalendarView.as_view(),
        name="roundtable-calendar",
    ),
    path(
        "<slug:slug>/sign-up/", views.RegistrationCreateView.as_view(), name="registration-create"
    ),
    path("<slug:slug>/edit/", views.RoundTableUpdateView.as_view(), name="roundtable-update"),
    path("<slug:slug>/cancel/", views.RoundTableCancelView.as_view(), name="roundtable-cancel"),
    path(
        "<slug:slug>/registrations/",
        views.RegistrationListView.as_view(),
        name="registration-list",
    ),
    path(
        "<slug:slug>/registrations.csv",
        views.RegistrationExportView.as_view(),
        name="registration-export",
    ),
    path("<slug:slug>/attendance/", views.AttendanceView.as_view(), name="attendance"),
    path(
        "<slug:slug>/attendance/walk-ins/",
        views.WalkInCreateView.as_view(),
        name="walk-in-create",
    ),
    path(
        "<slug:slug>/attendance/walk-ins/<int:pk>/delete/",
        views.WalkInDeleteView.as_view(),
        name="walk-in-delete",
    ),
    path("<slug:slug>/minutes/", views.MinutesView.as_view(), name="minutes-update"),
    path(
        "<slug:slug>/minutes/materials/",
        views.MaterialCreateView.as_view(),
        name="material-create",
    ),
    path(
        "<slug:slug>/materials/<int:pk>/",
        views.MaterialDownloadView.as_view(),
        name="material-download",
    ),
    path(
        "<slug:slug>/materials/<int:pk>/delete/",
        views.MaterialDeleteView.as_view(),
        name="material-delete",
    ),
]
