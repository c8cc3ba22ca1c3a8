from django import forms
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from cities.common.forms import IdsField
from cities.models import City, Region
from roundtables import permissions
from roundtables.models import Registration, RoundTable, WalkIn
from roundtables.services import EDITABLE_FIELDS
from roundtables.validators import below_confirmed_message, validate_pdf

COUNTY_WIDE = "county-wide"
LOCAL_DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
# Bounds a person can type past; beyond them the database (or Python's dates) would fail.
MAX_CAPACITY = 10_000
FIRST_YEAR, LAST_YEAR = 2000, 2100


class LocalDateTimeInput(forms.DateTimeInput):
    """The browser's date-and-time picker, in Pacific time (the site's zone)."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=LOCAL_DATETIME_FORMAT)


class BoundedDateTimeField(forms.DateTimeField):
    """A date and time between FIRST_YEAR and LAST_YEAR (a typo like 20255 stays a typo)."""

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is not None and not FIRST_YEAR <= moment.year <= LAST_YEAR:
            raise forms.ValidationError(
                _("Give a date between %(first)s and %(last)s."),
                code="out_of_range",
                params={"first": FIRST_YEAR, "last": LAST_YEAR},
            )
        return moment


def _datetime_field(label, *, required=True, help_text=""):
    return BoundedDateTimeField(
        label=label,
        required=required,
        help_text=help_text,
        widget=LocalDateTimeInput(),
        input_formats=[LOCAL_DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
    )


def _check_seats_per_city(form) -> None:
    capacity, per_city = form.cleaned_data.get("capacity"), form.cleaned_data.get("seats_per_city")
    if capacity is not None and per_city is not None and per_city > capacity:
        form.add_error("seats_per_city", _("Give at most as many seats per city as the capacity."))


class RoundTableForm(forms.ModelForm):
    starts_at = _datetime_field(_("Starts"), help_text=_("Pacific time."))
    ends_at = _datetime_field(_("Ends"), help_text=_("Pacific time."))
    registration_deadline = _datetime_field(
        _("Sign-ups close"),
        required=False,
        help_text=_("Pacific time. Leave empty to accept sign-ups until the start."),
    )
    online_url = forms.URLField(
        label=_("Online meeting link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("Only people with a confirmed seat see it."),
    )

    class Meta:
        model = RoundTable
        fields = EDITABLE_FIELDS
        widgets = {
            "agenda": forms.Textarea(attrs={"rows": 8}),
            "capacity": forms.NumberInput(attrs={"min": 0}),
            "seats_per_city": forms.NumberInput(attrs={"min": 1}),
        }
        help_texts = {
            "agenda": _("Markdown: blank lines between paragraphs, - for lists, **bold**."),
            "capacity": _("Seats in total; sign-ups beyond it join the waitlist."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].empty_label = _("County-wide")
        self.fields["host_city"].empty_label = _("No host city")
        _bound(self.fields["capacity"], MAX_CAPACITY)
        _bound(self.fields["seats_per_city"], MAX_CAPACITY)

    def clean_capacity(self):
        capacity = self.cleaned_data["capacity"]
        if self.instance.pk and capacity is not None and capacity < self.instance.seats_taken:
            raise forms.ValidationError(
                below_confirmed_message(self.instance.seats_taken), code="below_confirmed"
            )
        return capacity

    def clean(self):
        cleaned = super().clean()
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        deadline = cleaned.get("registration_deadline")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("The end must come after the start."))
        if starts_at and deadline and deadline > starts_at:
            self.add_error(
                "registration_deadline", _("Sign-ups must close before the round table starts.")
            )
        _check_seats_per_city(self)
        return cleaned


def _bound(field: forms.IntegerField, maximum: int) -> None:
    """Give a model form's number field an upper limit, checked and shown in the browser."""
    field.max_value = maximum
    field.validators.append(MaxValueValidator(maximum))
    field.widget.attrs["max"] = maximum


def _default_series_year() -> int:
    today = timezone.localdate()
    # Late in the year, coordinators plan the next one.
    return today.year + 1 if today.month >= 10 else today.year


class RoundTableSeriesForm(forms.Form):
    year = forms.IntegerField(
        label=_("Year"),
        min_value=2020,
        max_value=2100,
        initial=_default_series_year,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    regions = IdsField(
        label=_("Subregions"),
        queryset=Region.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("One round table per chosen subregion in each quarter."),
    )
    county_wide = forms.BooleanField(
        label=_("Also a county-wide round table each quarter"), required=False
    )
    capacity = forms.IntegerField(
        label=_("Capacity of each"), min_value=0, max_value=MAX_CAPACITY, initial=40
    )
    seats_per_city = forms.IntegerField(
        label=_("Seats per city"),
        min_value=1,
        max_value=MAX_CAPACITY,
        required=False,
        help_text=_("Leave empty for no limit per city."),
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("regions") and not cleaned.get("county_wide"):
            self.add_error("regions", _("Choose at least one subregion."))
        _check_seats_per_city(self)
        return cleaned

    def chosen_regions(self) -> list[Region | None]:
        chosen = list(self.cleaned_data["regions"])
        if self.cleaned_data.get("county_wide"):
            chosen.append(None)
        return chosen


class RegistrationForm(forms.Form):
    city = forms.ModelChoiceField(
        label=_("On behalf of"),
        queryset=City.objects.none(),
        empty_label=None,
        error_messages={
            "required": _("Choose the city you are signing up for."),
            "invalid_choice": _("You can sign up only for a city you are an approved member of."),
        },
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        cities = permissions.signup_cities(user)
        self.fields["city"].queryset = cities
        self.fields["city"].empty_label = _("Choose a city")


class RoundTableCancelForm(forms.Form):
    note = forms.CharField(
        label=_("Message to the registrants"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why it is cancelled, and whether another date will follow."),
    )


class AttendanceForm(forms.Form):
    attended = IdsField(
        label=_("Who attended"),
        queryset=Registration.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, round_table: RoundTable, **kwargs):
        super().__init__(*args, **kwargs)
        registrations = list(
            Registration.objects.active()
            .filter(round_table=round_table)
            .select_related("user", "city")
            .order_by("status", "user__name", "pk")
        )
        field = self.fields["attended"]
        field.queryset = Registration.objects.active().filter(round_table=round_table)
        # Choices from the list above: the labels need no query per person.
        field.choices = [(r.pk, self._label(r)) for r in registrations]
        field.initial = [r.pk for r in registrations if r.attended]
        self.registrations = registrations

    @staticmethod
    def _label(registration: Registration) -> str:
        label = f"{registration.user.get_full_name()} ({registration.city.name})"
        if registration.is_waitlisted:
            label += " – " + str(_("was on the waitlist"))
        return label


class WalkInForm(forms.ModelForm):
    class Meta:
        model = WalkIn
        fields = ["name", "city", "organization"]
        widgets = {"name": forms.TextInput(attrs={"autocomplete": "off"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].empty_label = _("Not from a city")


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Markdown. Shown on the round table's public page."),
    )


class MaterialForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    url = forms.URLField(
        label=_("Link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("A link to the slides or document; or upload a PDF below instead."),
    )
    file = forms.FileField(
        label=_("PDF file"),
        required=False,
        help_text=_("A PDF of at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            validate_pdf(upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        if "file" in self.errors or "url" in self.errors:
            return cleaned
        if bool(cleaned.get("url")) == bool(cleaned.get("file")):
            raise forms.ValidationError(
                _("Give either a link or a PDF file, not both."), code="link_or_file"
            )
        return cleaned


class RoundTableFilterForm(forms.Form):
    """The public list's filters, read from the query string."""

    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Any quarter"))]
        + [(q, format_lazy("{}{}", _("Q"), q)) for q in (1, 2, 3, 4)],
    )
    region = forms.ChoiceField(label=_("Subregion"), required=False)

    def __init__(self, *args, regions: list[Region], years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.regions = {region.slug: region for region in regions}
        self.fields["year"].choices = [("", _("Any year"))] + [(y, str(y)) for y in years]
        self.fields["region"].choices = [
            ("", _("All subregions")),
            (COUNTY_WIDE, _("County-wide only")),
        ] + [(region.slug, region.name) for region in regions]

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        queryset = queryset.in_quarter(year=data.get("year"), quarter=data.get("quarter"))
        if data.get("region") == COUNTY_WIDE:
            queryset = queryset.for_region(None)
        elif data.get("region"):
            queryset = queryset.for_region(self.regions[data["region"]])
        return queryset
