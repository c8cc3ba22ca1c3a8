from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from cities.common.forms import IdsField
from plans.models import CoreValue, Entry, FocusArea, Plan, Source, Status, TaggedEntry
from plans.services import ENTRY_FIELDS, ENTRY_RELATIONS, FOCUS_AREA_FIELDS


class EntryFilterForm(forms.Form):
    """The toolkit list's search and filters, read from the address (GET).

    Every field accepts any text: a value that names nothing simply matches
    nothing, so an old or hand-edited link gives an empty list, never an error.
    """

    q = forms.CharField(
        label=_("Search words"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    kind = forms.CharField(label=_("Kind"), required=False, widget=forms.Select)
    area = forms.CharField(label=_("Focus area"), required=False, widget=forms.Select)
    value = forms.CharField(label=_("Core value"), required=False, widget=forms.Select)
    tag = forms.CharField(label=_("Tag"), required=False, widget=forms.Select)
    source = forms.CharField(label=_("Source"), required=False, widget=forms.Select)

    def __init__(self, data, *, focus_areas, tags, sources):
        super().__init__(data)
        self.fields["kind"].widget.choices = [("", _("All kinds")), *Entry.Kind.choices]
        self.fields["area"].widget.choices = [
            ("", _("All focus areas")),
            *[(area.slug, area.title) for area in focus_areas],
        ]
        self.fields["value"].widget.choices = [("", _("All core values")), *CoreValue.Key.choices]
        self.fields["tag"].widget.choices = [("", _("All tags")), *[(t.slug, t.name) for t in tags]]
        self.fields["source"].widget.choices = [
            ("", _("All sources")),
            *[(s.key, f"{s.title} ({s.publisher})" if s.publisher else s.title) for s in sources],
        ]
        self.tag_slugs = {tag.slug for tag in tags}

    def selects(self) -> list[dict]:
        """The drop-down filters with their options, to draw without a template per option."""
        values = self.values
        return [
            {
                "name": name,
                "id": self[name].auto_id,
                "label": self.fields[name].label,
                "options": [
                    (value, label, value == values.get(name, ""))
                    for value, label in self.fields[name].widget.choices
                ],
            }
            for name in ("kind", "area", "value", "tag", "source")
        ]

    @property
    def values(self) -> dict[str, str]:
        if not self.is_bound or not self.is_valid():
            return {}
        return {name: value.strip() for name, value in self.cleaned_data.items() if value.strip()}

    @property
    def unknown_tag(self) -> str:
        """The tag asked for when no entry has it ("" when none was asked for or it exists)."""
        tag = self.values.get("tag", "")
        return tag if tag and tag not in self.tag_slugs else ""

    @property
    def is_filtered(self) -> bool:
        return bool(self.values)

    def active_filters(self) -> list[dict[str, str]]:
        """Each filter in use: its label, the value shown, and the query string without it."""
        values, shown = self.values, []
        for name, value in values.items():
            field = self[name]
            choices = dict(getattr(field.field.widget, "choices", []))
            others = [(key, other) for key, other in values.items() if key != name]
            shown.append(
                {
                    "label": field.label,
                    "shown": str(choices.get(value, value)),
                    "without": f"?{urlencode(others)}" if others else "",
                }
            )
        return shown

    def filter(self, entries):
        """Apply the filters (not the search words) to a queryset of entries."""
        values = self.values
        if "kind" in values:
            entries = entries.filter(kind=values["kind"])
        if "area" in values:
            entries = entries.filter(focus_area__slug=values["area"])
        if "value" in values:
            entries = entries.filter(
                Exists(
                    Entry.core_values.through.objects.filter(
                        entry=OuterRef("pk"), corevalue__key=values["value"]
                    )
                )
            )
        if "tag" in values:
            entries = entries.filter(
                Exists(
                    TaggedEntry.objects.filter(
                        content_object=OuterRef("pk"), tag__slug=values["tag"]
                    )
                )
            )
        if "source" in values:
            also = Entry.also_sources.through.objects.filter(
                entry=OuterRef("pk"), source__key=values["source"]
            )
            entries = entries.filter(Q(source__key=values["source"]) | Exists(also))
        return entries


def tags_in_use(plan: Plan):
    """The tags of a plan's active entries, by name."""
    return (
        Tag.objects.filter(
            Exists(
                TaggedEntry.objects.filter(
                    tag=OuterRef("pk"),
                    content_object__plan=plan,
                    content_object__status=Status.ACTIVE,
                )
            )
        )
        .only("name", "slug")
        .order_by("name")
    )


def sources_in_use(plan: Plan):
    """The sources a plan's entries cite, by title."""
    primary = Entry.objects.filter(plan=plan, source=OuterRef("pk"))
    also = Entry.also_sources.through.objects.filter(entry__plan=plan, source=OuterRef("pk"))
    return (
        Source.objects.filter(Exists(primary) | Exists(also))
        .only("key", "title", "publisher")
        .order_by("title")
    )


class LinesField(forms.CharField):
    """A list of short texts, typed one per line."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(value)
        return value

    def to_python(self, value):
        text = super().to_python(value)
        return [line.strip() for line in text.splitlines() if line.strip()]


class PlanContentForm(forms.ModelForm):
    """A new or existing focus area or entry of a plan, as the services take it.

    A new one may be given a slug (the services make one from the title when it is left
    empty, and refuse one already used); an existing one keeps its slug, and carries the
    version it was opened at, so a stale edit is caught.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    field_order = ["title", "slug"]
    # Text areas whose Windows line ends (as browsers send them) are stored as they were
    # loaded, so that saving without a change does not show every line as changed.
    TEXT_AREAS: tuple[str, ...] = ()

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.is_new = self.instance.pk is None
        if self.is_new:
            self.fields["slug"].required = False
        else:
            del self.fields["slug"]
            self.fields["version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        for name in self.TEXT_AREAS:
            if isinstance(cleaned.get(name), str):
                cleaned[name] = cleaned[name].replace("\r\n", "\n")
        return cleaned

    def _get_validation_exclusions(self):
        # The services choose and check the slug with the plan in mind.
        return {*super()._get_validation_exclusions(), "slug", "plan"}

    @property
    def values(self) -> dict:
        """The cleaned values, as the services take them."""
        values = dict(self.cleaned_data)
        values.pop("version", None)
        return values


class EntryForm(PlanContentForm):
    departments = LinesField(
        label=_("Departments involved"),
        required=False,
        help_text=_("One department per line."),
    )
    TEXT_AREAS = ("summary", "body", "verification_note")

    class Meta:
        model = Entry
        fields = ["slug", *ENTRY_FIELDS, *ENTRY_RELATIONS]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 18}),
            "verification_note": forms.Textarea(attrs={"rows": 3}),
            "core_values": forms.CheckboxSelectMultiple,
            "also_sources": forms.SelectMultiple(attrs={"size": 8}),
            "related": forms.SelectMultiple(attrs={"size": 8}),
        }
        field_classes = dict.fromkeys(["core_values", "also_sources", "related"], IdsField)
        help_texts = {
            "tags": _("Separate tags with commas, for example: broadband, grants."),
            "funder": _("For funding mechanisms: who gives the money."),
            "eligibility": _("For funding mechanisms: who may apply."),
            "cycle": _("For funding mechanisms: when applications open, or how often."),
            "also_sources": _("Hold Ctrl (or Cmd on a Mac) to choose more than one."),
            "related": _("Hold Ctrl (or Cmd on a Mac) to choose more than one."),
        }

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, plan=plan, **kwargs)
        areas = FocusArea.objects.filter(plan=plan)
        if self.is_new:
            areas = areas.filter(status=Status.ACTIVE)
        else:
            areas = areas.filter(Q(status=Status.ACTIVE) | Q(pk=self.instance.focus_area_id))
        self.fields["focus_area"].queryset = areas
        self.fields["focus_area"].empty_label = None
        self.fields["core_values"].queryset = CoreValue.objects.all()
        self.fields["source"].queryset = Source.objects.all()
        self.fields["source"].empty_label = _("No source (the city's own)")
        self.fields["also_sources"].queryset = Source.objects.all()
        related = Entry.objects.filter(plan=plan).exclude(pk=self.instance.pk).order_by("title")
        self.fields["related"].queryset = related.only("title")
        blank = [("", _("Choose a kind"))] if self.is_new else []
        self.fields["kind"].choices = [*blank, *Entry.Kind.choices]
        self.fields["effort"].choices = [("", _("Not stated")), *Entry.Effort.choices]
        self.fields["horizon"].choices = [("", _("Not stated")), *Entry.Horizon.choices]


class FocusAreaForm(PlanContentForm):
    TEXT_AREAS = ("summary",)

    class Meta:
        model = FocusArea
        fields = ["slug", *FOCUS_AREA_FIELDS]
        widgets = {"summary": forms.Textarea(attrs={"rows": 4})}
