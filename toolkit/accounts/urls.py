from django.urls import include, path

from toolkit.accounts import views

# Mounted at /accounts/: the person's own profile, then allauth's sign-up, sign-in, email and
# password pages (their templates are overridden in this room's templates/).
urlpatterns = [
    path("profile/", views.ProfileView.as_view(), name="profile"),
    path("profile/data.json", views.AccountDataView.as_view(), name="account-data"),
    path("profile/close/", views.AccountCloseView.as_view(), name="account-close"),
    path("", include("allauth.urls")),
]
