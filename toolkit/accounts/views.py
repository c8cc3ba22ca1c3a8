import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView, UpdateView

from toolkit.accounts import services
from toolkit.accounts.forms import AccountCloseForm, ProfileForm


class ProfileView(LoginRequiredMixin, UpdateView):
    form_class = ProfileForm
    template_name = "account/profile.html"
    success_url = reverse_lazy("profile")

    def get_object(self, queryset=None):
        return self.request.user

    def form_valid(self, form):
        messages.success(self.request, _("Your profile is saved."))
        return super().form_valid(form)


class AccountDataView(LoginRequiredMixin, View):
    """Everything the site keeps about the person, as a JSON file to download."""

    def get(self, request):
        data = services.account_data(user=request.user)
        response = HttpResponse(
            json.dumps(data, indent=2, ensure_ascii=False),
            content_type="application/json; charset=utf-8",
        )
        name = f"smart-city-collaborative-my-data-{timezone.localdate():%Y-%m-%d}.json"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class AccountCloseView(LoginRequiredMixin, FormView):
    form_class = AccountCloseForm
    template_name = "account/account_close.html"

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user}

    def form_valid(self, form):
        services.account_close(user=self.request.user)
        logout(self.request)
        messages.success(self.request, _("Your account is closed and your personal data erased."))
        return redirect("home")
