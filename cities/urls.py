from django.urls import path

from cities import views

app_name = "cities"

# Fixed paths come before "<slug>/": no city is called "mine", "requests" or "claim".
urlpatterns = [
    path("", views.CityListView.as_view(), name="city-list"),
    path("mine/", views.MyCitiesView.as_view(), name="my-cities"),
    path("requests/", views.RequestQueueView.as_view(), name="request-queue"),
    path("claim/", views.CityClaimView.as_view(), name="city-claim"),
    path("<slug:slug>/", views.CityDetailView.as_view(), name="city-detail"),
    path("<slug:slug>/join/", views.MembershipRequestView.as_view(), name="membership-request"),
    path("<slug:slug>/leave/", views.MembershipLeaveView.as_view(), name="membership-leave"),
    path("<slug:slug>/edit/", views.CityEditView.as_view(), name="city-edit"),
    path("<slug:slug>/members/", views.MemberListView.as_view(), name="member-list"),
    path(
        "<slug:slug>/members/<int:pk>/approve/",
        views.MemberApproveView.as_view(),
        name="member-approve",
    ),
    path(
        "<slug:slug>/members/<int:pk>/decline/",
        views.MemberDeclineView.as_view(),
        name="member-decline",
    ),
    path("<slug:slug>/members/<int:pk>/role/", views.MemberRoleView.as_view(), name="member-role"),
    path(
        "<slug:slug>/members/<int:pk>/remove/",
        views.MemberRemoveView.as_view(),
        name="member-remove",
    ),
    path("<slug:slug>/domains/", views.DomainListView.as_view(), name="domain-list"),
    path(
        "<slug:slug>/domains/<int:pk>/remove/",
        views.DomainRemoveView.as_view(),
        name="domain-remove",
    ),
]
