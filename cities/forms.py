from django import forms
from django.utils.translation import gettext_lazy as _

from cities import participation
from cities.models import City, CityEmailDomain, Membership, normalize_domain

SORTS = {
    "name": ("name",),
    "population": ("-population", "name"),
    "population-asc": ("population", "name"),
}


class DirectoryFilterForm(forms.Form):
    """The directory's search, filters and sort order: GET parameters, so a URL can be shared."""

    q = forms.CharField(
        label=_("City name"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    region = forms.ChoiceField(label=_("Subregion"), required=False)
    state = forms.ChoiceField(label=_("Participation"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("name", _("Name (A to Z)")),
            ("population", _("Population (largest first)")),
            ("population-asc", _("Population (smallest first)")),
        ],
    )

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("All subregions"))] + [
            (region.slug, region.name) for region in regions
        ]
        # The states come from the participation registry, so levels other apps add appear here.
        self.fields["state"].choices = [("", _("Any state"))] + participation.state_choices()

    def filters(self) -> dict:
        """The valid values only; a field with a bad value is left out (and shows its error)."""
        cleaned = getattr(self, "cleaned_data", {})
        return {name: cleaned[name] for name in self.fields if cleaned.get(name)}


class MembershipRequestForm(forms.Form):
    job_title = forms.CharField(
        label=_("Job title"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )
    department = forms.CharField(
        label=_("Department"),
        max_length=150,
        help_text=_("For example: City Manager's Office, Information Technology, Public Works."),
    )


class DecisionForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the person"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class CityProfileForm(forms.ModelForm):
    website = forms.URLField(
        label=_("Official website"),
        required=False,
        max_length=200,
        assume_scheme="https",
        help_text=_("The full address, starting with https://"),
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
    )

    class Meta:
        model = City
        fields = [
            "description",
            "website",
            "contact_name",
            "contact_title",
            "contact_email",
            "contact_phone",
        ]
        labels = {
            "description": _("Short description"),
            "contact_name": _("Smart-city contact: name"),
            "contact_title": _("Smart-city contact: job title"),
            "contact_email": _("Smart-city contact: email"),
            "contact_phone": _("Smart-city contact: phone"),
        }
        help_texts = {
            "description": _("A few sentences about the city and its smart-city work."),
            "contact_name": _(
                "Everything under the contact is shown to the public; leave out what the "
                "city does not want to publish."
            ),
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "contact_email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "contact_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        }


class DomainForm(forms.Form):
    domain = forms.CharField(
        label=_("Email domain"),
        max_length=253,
        help_text=CityEmailDomain._meta.get_field("domain").help_text,
    )

    def clean_domain(self):
        domain = normalize_domain(self.cleaned_data["domain"])
        row = CityEmailDomain(domain=domain)
        try:
            row.clean_fields(exclude=["city"])
            row.clean()
        except forms.ValidationError as error:
            raise forms.ValidationError(error.message_dict["domain"]) from None
        return domain


class ClaimForm(forms.Form):
    city = forms.ChoiceField(label=_("City"))
    email = forms.EmailField(
        label=_("Their email address"),
        help_text=_("The address the person signs in with. They must have an account already."),
    )
    job_title = forms.CharField(label=_("Job title"), max_length=150, required=False)
    department = forms.CharField(label=_("Department"), max_length=150, required=False)

    def __init__(self, *args, cities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].choices = [("", _("Choose a city"))] + [
            (city.slug, city.name) for city in cities
        ]
