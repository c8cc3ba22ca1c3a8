"""Revisions of entries and focus areas: how they are recorded, named and compared.

django-simple-history stores a full copy of an entry or a focus area at every
save (who, when, why). An entry's tags, core values, sources and related
entries live in other tables, so each stored revision also keeps them as plain
lists (`relations`). This module turns two stored revisions into what a person
reads: which fields changed, and a word-level diff of each.
"""

import copy
import difflib
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from plans.models import CoreValue, Entry, FocusArea, Source


class Reason:
    """Why a revision was made: a short code stored with it, and its label."""

    CREATE = "create"
    EDIT = "edit"
    MOVE = "move"
    RETIRE = "retire"
    RESTORE = "restore"
    SEED = "seed"
    # A city's adaptation: taken from the model plan, decided, brought up to date with it.
    ADAPT = "adapt"
    DECIDE = "decide"
    SYNC = "sync"
    PUBLISH = "publish"
    UNPUBLISH = "unpublish"

    LABELS = {
        CREATE: _("Added"),
        EDIT: _("Edited"),
        MOVE: _("Moved"),
        RETIRE: _("Retired"),
        RESTORE: _("Restored"),
        SEED: _("Loaded from the toolkit's published content"),
        ADAPT: _("Taken from the model plan"),
        DECIDE: _("Decided"),
        SYNC: _("Brought up to date with the model plan"),
        PUBLISH: _("Published"),
        UNPUBLISH: _("Unpublished"),
    }

    @classmethod
    def label(cls, code: str | None) -> str:
        return cls.LABELS.get(code or "", code or "")


def keep_relations(sender, instance, history_instance, **kwargs):
    """Store the entry's related lists with the revision being recorded."""
    snapshot = getattr(instance, "_relations_snapshot", None)
    history_instance.relations = snapshot if snapshot is not None else instance.relations_snapshot()


def _revisions_record(model, rows: list, *, reason: str, user, created: bool, **extra) -> None:
    history, now = model.history.model, timezone.now()
    history.objects.bulk_create(
        [
            history(
                history_date=now,
                history_type="+" if created else "~",
                history_user=user,
                history_change_reason=reason,
                **{name: value(row) for name, value in extra.items()},
                **{field.attname: getattr(row, field.attname) for field in history.tracked_fields},
            )
            for row in rows
        ]
    )


def entry_revisions_record(
    entries: list[Entry], *, relations: dict[int, dict], reason: str, user=None, created: bool
) -> None:
    """Store one revision for each of `entries` in one query (for bulk writes that skip save())."""
    _revisions_record(
        Entry,
        entries,
        reason=reason,
        user=user,
        created=created,
        relations=lambda entry: relations[entry.pk],
    )


def focus_area_revisions_record(
    focus_areas: list[FocusArea], *, reason: str, user=None, created: bool
) -> None:
    """Store one revision for each of `focus_areas` in one query."""
    _revisions_record(FocusArea, focus_areas, reason=reason, user=user, created=created)


# --- Comparing two revisions -----------------------------------------------------------

# A word with the spaces after it: a change of several words reads as one change.
_TOKENS = re.compile(r"^\s+|\S+\s*")


def word_diff(before: str, after: str) -> SafeString:
    """HTML of `after` against `before`, word by word: <del> for removed, <ins> for added.

    Each change also carries hidden text ("removed:", "added:") for screen
    readers, and the stylesheet strikes through and underlines, so nothing
    depends on colour.
    """
    old, new = _TOKENS.findall(before or ""), _TOKENS.findall(after or "")
    removed, added = escape(gettext("removed:")), escape(gettext("added:"))
    parts = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for operation, i1, i2, j1, j2 in matcher.get_opcodes():
        if operation == "equal":
            parts.append(escape("".join(old[i1:i2])))
            continue
        # The marks hold the words; the spaces and line breaks after them stay outside.
        gone, kept = "".join(old[i1:i2]), "".join(new[j1:j2])
        if gone:
            parts.append(
                f'<del class="plans-diff__del"><span class="usa-sr-only">[{removed}</span>'
                f'{escape(gone.rstrip())}<span class="usa-sr-only">]</span></del>'
            )
            parts.append(escape(gone[len(gone.rstrip()) :]) if not kept else " ")
        if kept:
            parts.append(
                f'<ins class="plans-diff__ins"><span class="usa-sr-only">[{added}</span>'
                f'{escape(kept.rstrip())}<span class="usa-sr-only">]</span></ins>'
            )
            parts.append(escape(kept[len(kept.rstrip()) :]))
    return mark_safe("".join(parts))


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str
    long: bool = False  # a long text: show the diff as a block, keeping line breaks

    @property
    def diff(self) -> SafeString:
        return word_diff(self.before, self.after)


class _Names:
    """Turns the ids and keys a revision stores into names, with one query per kind."""

    def __init__(self, revisions):
        focus_area_ids = {r.focus_area_id for r in revisions}
        source_ids = {r.source_id for r in revisions if r.source_id}
        source_keys = {k for r in revisions for k in (r.relations or {}).get("also_sources", [])}
        self.focus_areas = dict(
            FocusArea.objects.filter(pk__in=focus_area_ids).values_list("pk", "title")
        )
        sources = Source.objects.filter(pk__in=source_ids) | Source.objects.filter(
            key__in=source_keys
        )
        self.source_by_id, self.source_by_key = {}, {}
        for source in sources:
            self.source_by_id[source.pk] = source.title
            self.source_by_key[source.key] = source.title
        related = {s for r in revisions for s in (r.relations or {}).get("related", [])}
        plan_ids = {r.plan_id for r in revisions}
        self.entries = dict(
            Entry.objects.filter(plan_id__in=plan_ids, slug__in=related).values_list(
                "slug", "title"
            )
        )
        self.values = dict(CoreValue.Key.choices)


def _relation(revision, name: str) -> list[str]:
    return list((revision.relations or {}).get(name, []))


def _entry_fields(revision, names: _Names) -> list[tuple[str, str, bool]]:
    """An entry revision as (label, text, long) rows, in the order a reader expects."""
    yes, no = gettext("Yes"), gettext("No")
    rows = [
        (gettext("Title"), revision.title, False),
        (gettext("Kind"), revision.get_kind_display(), False),
        (gettext("Focus area"), names.focus_areas.get(revision.focus_area_id, ""), False),
        (gettext("Summary"), revision.summary, True),
        (gettext("Body"), revision.body, True),
        (
            gettext("Core values"),
            ", ".join(str(names.values.get(v, v)) for v in _relation(revision, "core_values")),
            False,
        ),
        (gettext("Tags"), ", ".join(_relation(revision, "tags")), False),
        (gettext("Source"), names.source_by_id.get(revision.source_id, ""), False),
        (
            gettext("Other sources"),
            "; ".join(names.source_by_key.get(k, k) for k in _relation(revision, "also_sources")),
            False,
        ),
        (gettext("Typical cost"), revision.cost, False),
        (gettext("Effort"), revision.get_effort_display() if revision.effort else "", False),
        (gettext("Departments involved"), ", ".join(revision.departments or []), False),
        (
            gettext("Time horizon"),
            revision.get_horizon_display() if revision.horizon else "",
            False,
        ),
        (gettext("Funder"), revision.funder, False),
        (gettext("Who can apply"), revision.eligibility, False),
        (gettext("Funding cycle"), revision.cycle, False),
        (
            gettext("Related entries"),
            "; ".join(names.entries.get(s, s) for s in _relation(revision, "related")),
            False,
        ),
        (gettext("Position in its focus area"), str(revision.order), False),
        (gettext("Status"), revision.get_status_display(), False),
        (gettext("Needs checking"), yes if revision.unverified else no, False),
        (gettext("What to check"), revision.verification_note, True),
    ]
    if revision.decision:  # an entry of a city's adaptation
        rows += _adaptation_fields(revision)
    return rows


def _adaptation_fields(revision) -> list[tuple[str, str, bool]]:
    """What a city records about an entry of its adaptation."""
    target = revision.target_date
    return [
        (gettext("Decision"), revision.get_decision_display(), False),
        (gettext("Why it does not apply"), revision.decision_note, True),
        (gettext("Based on model version"), str(revision.origin_version or ""), False),
        (
            gettext("Implementation status"),
            revision.get_progress_display() if revision.progress else "",
            False,
        ),
        (gettext("Owner department"), revision.owner_department, False),
        (gettext("Target date"), target.isoformat() if target else "", False),
        (gettext("Progress note"), revision.progress_note, True),
    ]


def _focus_area_fields(revision, names=None) -> list[tuple[str, str, bool]]:
    return [
        (gettext("Title"), revision.title, False),
        (gettext("Summary"), revision.summary, True),
        (gettext("Position in the plan"), str(revision.order), False),
        (gettext("Status"), revision.get_status_display(), False),
    ]


def _changes(before_rows, after_rows) -> list[FieldChange]:
    return [
        FieldChange(label=label, before=old, after=new, long=long)
        for (label, old, long), (_label, new, _long) in zip(before_rows, after_rows, strict=True)
        if old != new
    ]


def _fields_for(revision):
    is_entry = isinstance(revision, Entry | Entry.history.model)
    return _entry_fields if is_entry else _focus_area_fields


def revisions_compare(before, after) -> list[FieldChange]:
    """The fields that differ between two revisions of the same entry or focus area."""
    fields = _fields_for(after)
    names = _Names([before, after]) if fields is _entry_fields else None
    return _changes(fields(before, names), fields(after, names))


def revisions_summarise(revisions: list) -> dict[int, list[str]]:
    """For each revision (by history id), the labels of the fields it changed.

    `revisions` are one object's revisions, newest first; the oldest changed
    nothing (it is where the record starts).
    """
    if not revisions:
        return {}
    fields = _fields_for(revisions[0])
    names = _Names(revisions) if fields is _entry_fields else None
    rows = [fields(revision, names) for revision in revisions]
    summary = {revisions[-1].history_id: []}
    for newer, newer_rows, older_rows in zip(revisions, rows, rows[1:], strict=False):
        summary[newer.history_id] = [change.label for change in _changes(older_rows, newer_rows)]
    return summary


def revision_author(revision) -> str:
    """Who made a revision, as the history pages and the public API name them."""
    if revision.history_user is not None:
        return revision.history_user.get_full_name()
    if revision.history_change_reason == Reason.SEED:
        return gettext("The toolkit's published content")
    return gettext("Unknown")


def stale_comparison(current, values: dict) -> list[FieldChange]:
    """What a person's unsaved form would change in the version saved meanwhile by someone else."""
    yours = copy.copy(current)
    for name, value in values.items():
        if name in ("core_values", "tags", "also_sources", "related", "slug"):
            continue
        if hasattr(yours, name):
            setattr(yours, name, value)
    if isinstance(current, Entry):
        current.relations = current.relations_snapshot()
        yours.relations = dict(current.relations)
        if "core_values" in values:
            yours.relations["core_values"] = sorted(v.key for v in values["core_values"])
        if "tags" in values:
            yours.relations["tags"] = sorted(values["tags"])
        if "also_sources" in values:
            yours.relations["also_sources"] = sorted(s.key for s in values["also_sources"])
        if "related" in values:
            yours.relations["related"] = sorted(e.slug for e in values["related"])
    return revisions_compare(current, yours)
