"""Forms of a city's adaptation: its title and vision, each entry's decision, bulk decisions."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cities.common.forms import IdsField
from plans.models import PROGRESS_FIELDS, TEXT_FIELDS, Decision, Entry, FocusArea, Plan, Progress
from toolkit.adaptations.services import BulkAction, Choice

# Markdown may hold a little HTML, which the renderer cleans. Script is refused outright, so
# that a person who pasted it is told, rather than finding it silently gone.
_SCRIPT = re.compile(
    r"<\s*/?\s*(script|style|iframe|object|embed|form|svg|math|meta|link)\b"
    r"|<[^>]*\bon[a-z]+\s*="
    r"|\b(javascript|vbscript)\s*:"
    r"|\bdata\s*:\s*text/html",
    re.IGNORECASE,
)


def no_script(value: str) -> None:
    if value and _SCRIPT.search(value):
        raise ValidationError(
            _(
                "Remove the script or embedded code: write plain text with Markdown "
                "(**bold**, - lists, [links](https://…)). Nothing was saved."
            ),
            code="script",
        )


def _plain_line_ends(cleaned: dict, names) -> None:
    # Browsers send text areas with Windows line ends; store them as they were loaded,
    # so that saving without a change shows no change.
    for name in names:
        if isinstance(cleaned.get(name), str):
            cleaned[name] = cleaned[name].replace("\r\n", "\n")


class MarkdownField(forms.CharField):
    def __init__(self, *args, rows=8, **kwargs):
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": rows}))
        kwargs.setdefault("validators", [no_script])
        super().__init__(*args, **kwargs)


def reason_field(**kwargs) -> forms.CharField:
    """Why an entry does not apply to the city (the entry itself refuses it empty)."""
    return forms.CharField(
        label=_("Why it does not apply"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[no_script],
        **kwargs,
    )


class AdaptationForm(forms.ModelForm):
    """The adaptation's own title, summary and vision."""

    summary = MarkdownField(
        label=_("Summary"),
        rows=3,
        required=False,
        help_text=_("Two or three plain sentences: what this plan is for."),
    )
    vision = MarkdownField(
        label=_("Vision"),
        rows=8,
        required=False,
        help_text=_("Markdown: **bold**, - for a list item, [text](https://link)."),
    )

    class Meta:
        model = Plan
        fields = ["title", "summary", "vision"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].validators.append(no_script)

    def clean(self):
        cleaned = super().clean()
        _plain_line_ends(cleaned, ["summary", "vision"])
        return cleaned

    def _get_validation_exclusions(self):
        # The plan's kind and city are set by the service; only the typed fields are checked here.
        return {*super()._get_validation_exclusions(), "kind", "city"}

    def validate_constraints(self):
        pass


class AdaptationEntryForm(forms.Form):
    """One entry of the adaptation: a new entry of the city's own, or an existing one.

    A new entry chooses its focus area and kind; an entry taken from the model plan carries the
    city's decision about it; every entry has its text and where the work stands.
    """

    focus_area = forms.ModelChoiceField(label=_("Focus area"), queryset=FocusArea.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=Entry.Kind.choices)
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[
            (Decision.UNDECIDED, _("Not decided yet")),
            (Decision.ADOPTED, _("Adopt it as it is: the model plan's text")),
            (Decision.ADAPTED, _("Adapt it: the city's own text, edited below")),
            (Decision.NOT_APPLICABLE, _("Not applicable to this city")),
        ],
    )
    decision_note = reason_field(
        help_text=_("Needed when the entry is not applicable: a short reason, in plain words.")
    )
    title = forms.CharField(label=_("Title"), max_length=200, validators=[no_script])
    summary = MarkdownField(label=_("Summary"), rows=3)
    body = MarkdownField(
        label=_("Text"),
        rows=14,
        required=False,
        help_text=_(
            "Markdown: ### for a heading, - for a list item, **bold**, [text](https://link)."
        ),
    )
    progress = forms.ChoiceField(
        label=_("Status"), choices=Progress.choices, initial=Progress.NOT_STARTED
    )
    owner_department = forms.CharField(
        label=_("Owner department"),
        max_length=200,
        required=False,
        help_text=_("The department that leads the work, for example Public Works."),
    )
    target_date = forms.DateField(
        label=_("Target date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("When the city aims to finish, for example 2027-06-30."),
    )
    progress_note = forms.CharField(
        label=_("Progress note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[no_script],
        help_text=_("What was done lately, or what the work is waiting for."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    field_order = ["focus_area", "kind", "decision", "decision_note", *TEXT_FIELDS]

    def __init__(self, *args, plan: Plan, entry: Entry | None = None, **kwargs):
        if entry is not None:
            initial = {name: getattr(entry, name) for name in ENTRY_VALUES}
            kwargs["initial"] = {
                **initial,
                "progress": entry.progress or Progress.NOT_STARTED,
                "version": entry.version,
                **(kwargs.get("initial") or {}),
            }
        super().__init__(*args, **kwargs)
        self.entry = entry
        self.is_new = entry is None
        self.is_own = entry is None or entry.is_own
        if self.is_new:
            self.fields["focus_area"].queryset = FocusArea.objects.filter(plan=plan).active()
            self.fields["focus_area"].empty_label = None
            del self.fields["version"]
        else:
            del self.fields["focus_area"], self.fields["kind"]
        if self.is_own:
            del self.fields["decision"], self.fields["decision_note"]

    def clean(self):
        cleaned = super().clean()
        _plain_line_ends(cleaned, ["summary", "body", "decision_note", "progress_note"])
        keeps_text = cleaned.get("decision", Decision.OWN) in (Decision.ADAPTED, Decision.OWN)
        stale = cleaned.get("version") != getattr(self.entry, "version", None)  # the service says
        if not keeps_text and not stale:
            edited = [
                name
                for name in TEXT_FIELDS
                if name in cleaned and cleaned[name] != getattr(self.entry, name)
            ]
            if edited:
                self.add_error(
                    "decision",
                    _(
                        "You changed the text. To keep your own text, choose “Adapt it”; "
                        "otherwise undo your changes to the text."
                    ),
                )
        return cleaned

    @property
    def values(self) -> dict:
        values = dict(self.cleaned_data)
        values.pop("version", None)
        return values


# What an existing entry's form opens with.
ENTRY_VALUES = ["decision", "decision_note", *TEXT_FIELDS, *PROGRESS_FIELDS]


class BulkForm(forms.Form):
    """Several entries, chosen with check boxes, and one thing to do to all of them."""

    entries = IdsField(
        label=_("Entries"),
        queryset=Entry.objects.none(),
        error_messages={"required": _("Choose at least one entry with its check box.")},
    )
    action = forms.ChoiceField(label=_("With the chosen entries"))
    reason = forms.CharField(
        label=_("Reason, when not applicable"),
        required=False,
        max_length=500,
        validators=[no_script],
    )

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entries"].queryset = Entry.objects.filter(plan=plan).only("pk")
        self.fields["action"].choices = bulk_actions()


def bulk_actions() -> list[tuple[str, str]]:
    return [
        ("", _("Choose an action")),
        (BulkAction.ADOPT, _("Adopt them as they are")),
        (BulkAction.NOT_APPLICABLE, _("Mark them not applicable")),
        *[
            (value, _("Set the status to: %(status)s") % {"status": label})
            for value, label in Progress.choices
        ],
    ]


class ModelUpdateForm(forms.Form):
    """A city's answer to one update from the model plan."""

    choice = forms.ChoiceField(choices=[(c, c) for c in Choice.ALL])
    seen_version = forms.IntegerField(widget=forms.HiddenInput)
    entry_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(
        label=_("Title"), max_length=200, required=False, validators=[no_script]
    )
    summary = MarkdownField(label=_("Summary"), rows=3, required=False)
    body = MarkdownField(label=_("Text"), rows=14, required=False)
    decision_note = reason_field()

    def clean(self):
        cleaned = super().clean()
        _plain_line_ends(cleaned, ["summary", "body", "decision_note"])
        return cleaned
