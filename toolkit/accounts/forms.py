from django import forms
from django.utils.translation import gettext_lazy as _

from toolkit.models import User


class SignupForm(forms.Form):
    """The extra field allauth's sign-up form asks for: the person's name."""

    name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        help_text=_("Shown to the staff of the cities you ask to join."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    def signup(self, request, user):
        user.name = self.cleaned_data["name"]
        user.save(update_fields=["name"])


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["name", "job_title"]
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "job_title": forms.TextInput(attrs={"autocomplete": "organization-title"}),
        }
