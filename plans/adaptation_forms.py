"""Forms of a city's adaptation: its title and vision, each entry's decision, bulk decisions."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cities.common.forms import IdsField
from plans.adaptation_services import BulkAction, Choice
from plans.models import Decision, Entry, FocusArea, Plan, Progress

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


class ProgressFieldsMixin(forms.Form):
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


class AdaptationEntryForm(ProgressFieldsMixin, forms.Form):
    """One entry's decision, the city's own text, and its progress."""

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
    decision_note = forms.CharField(
        label=_("Why it does not apply"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[no_script],
        help_text=_("Needed when the entry is not applicable: a short reason, in plain words."),
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
    version = forms.IntegerField(widget=forms.HiddenInput)

    field_order = [
        "decision",
        "decision_note",
        "title",
        "summary",
        "body",
        "progress",
        "owner_department",
        "target_date",
        "progress_note",
    ]

    def __init__(self, *args, entry: Entry, **kwargs):
        kwargs["initial"] = {
            **{
                "decision": entry.decision,
                "decision_note": entry.decision_note,
                "title": entry.title,
                "summary": entry.summary,
                "body": entry.body,
                "progress": entry.progress or Progress.NOT_STARTED,
                "owner_department": entry.owner_department,
                "target_date": entry.target_date,
                "progress_note": entry.progress_note,
                "version": entry.version,
            },
            **(kwargs.get("initial") or {}),
        }
        super().__init__(*args, **kwargs)
        self.entry = entry
        self.is_own = entry.origin_id is None
        if self.is_own:
            del self.fields["decision"]
            del self.fields["decision_note"]

    def clean(self):
        cleaned = super().clean()
        _plain_line_ends(cleaned, ["summary", "body", "decision_note", "progress_note"])
        decision = cleaned.get("decision", Decision.OWN)
        if decision == Decision.NOT_APPLICABLE and not cleaned.get("decision_note", "").strip():
            self.add_error("decision_note", _("Say in a few words why it does not apply."))
        keeps_text = decision in (Decision.ADAPTED, Decision.OWN)
        stale = cleaned.get("version") != self.entry.version  # the service reports this
        if not keeps_text and not stale:
            edited = [
                name
                for name in ("title", "summary", "body")
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


class OwnEntryForm(ProgressFieldsMixin, forms.Form):
    """One of the city's own entries, in a focus area of its choice."""

    focus_area = forms.ModelChoiceField(label=_("Focus area"), queryset=FocusArea.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=Entry.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200, validators=[no_script])
    summary = MarkdownField(label=_("Summary"), rows=3)
    body = MarkdownField(
        label=_("Text"),
        rows=12,
        required=False,
        help_text=_(
            "Markdown: ### for a heading, - for a list item, **bold**, [text](https://link)."
        ),
    )

    field_order = [
        "focus_area",
        "kind",
        "title",
        "summary",
        "body",
        "progress",
        "owner_department",
        "target_date",
        "progress_note",
    ]

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["focus_area"].queryset = FocusArea.objects.filter(plan=plan).active()
        self.fields["focus_area"].empty_label = None

    def clean(self):
        cleaned = super().clean()
        _plain_line_ends(cleaned, ["summary", "body", "progress_note"])
        return cleaned

    @property
    def values(self) -> dict:
        return dict(self.cleaned_data)


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

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("action") == BulkAction.NOT_APPLICABLE
            and not cleaned.get("reason", "").strip()
        ):
            self.add_error("reason", _("Say in a few words why these entries do not apply."))
        return cleaned


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
    decision_note = forms.CharField(
        label=_("Why it does not apply"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[no_script],
    )

    def clean(self):
        cleaned = super().clean()
        _plain_line_ends(cleaned, ["summary", "body", "decision_note"])
        choice = cleaned.get("choice")
        if choice == Choice.EDIT:
            if not cleaned.get("title", "").strip():
                self.add_error("title", _("Enter a title."))
            if not cleaned.get("summary", "").strip():
                self.add_error("summary", _("Enter a summary."))
        if choice == Choice.NOT_APPLICABLE and not cleaned.get("decision_note", "").strip():
            self.add_error("decision_note", _("Say in a few words why it does not apply."))
        return cleaned
