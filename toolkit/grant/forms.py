import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from toolkit.models import GrantMeasure

EARLIEST = datetime.date(2016, 1, 1)  # the collaborative was proposed in 2016


class PeriodForm(forms.Form):
    start = forms.DateField(
        label=_("Start of the period"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end = forms.DateField(
        label=_("End of the period"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean_start(self):
        start = self.cleaned_data["start"]
        if start < EARLIEST:
            raise forms.ValidationError(
                _("Choose a date from %(date)s on: there are no figures before it."),
                params={"date": EARLIEST.strftime("%Y-%m-%d")},
            )
        if start > timezone.localdate():
            raise forms.ValidationError(
                _("The period starts in the future, so it has no figures yet.")
            )
        return start

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end of the period comes before its start."))
        elif start and end and (end - start).days > 366 * 10:
            self.add_error("end", _("Choose a period of ten years at most."))
        return cleaned


class GrantMeasureForm(forms.ModelForm):
    class Meta:
        model = GrantMeasure
        fields = ["label", "target", "period_start", "period_end"]
        widgets = {
            "period_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "period_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def clean_target(self):
        target = self.cleaned_data["target"]
        if target < 1:
            raise forms.ValidationError(_("A target must be at least 1."))
        return target

    def clean_period_start(self):
        start = self.cleaned_data["period_start"]
        if start < EARLIEST:
            raise forms.ValidationError(
                _("Choose a date from %(date)s on: there are no figures before it."),
                params={"date": EARLIEST.strftime("%Y-%m-%d")},
            )
        return start

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end <= start:
            self.add_error("period_end", _("The grant period must end after it starts."))
        elif start and end and (end - start).days > 366 * 10:
            self.add_error("period_end", _("Choose a period of ten years at most."))
        return cleaned
