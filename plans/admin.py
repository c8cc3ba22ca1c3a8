from django.contrib import admin

from plans.models import CoreValue, Entry, FocusArea, Plan, Source, plan_touch
from plans.revisions import Reason, entry_revisions_record


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "city", "status", "revision", "updated_at"]
    list_filter = ["kind", "status"]
    readonly_fields = ["revision", "content_changed_at"]


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["title", "publisher", "key"]
    search_fields = ["title", "publisher", "key"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Entry pages show sources: mark every plan citing this one as changed.
        for plan_id in (
            Plan.objects.filter(entries__source=obj).values_list("pk", flat=True).distinct()
        ):
            plan_touch(plan_id)


@admin.register(CoreValue)
class CoreValueAdmin(admin.ModelAdmin):
    list_display = ["key", "order"]


@admin.register(FocusArea)
class FocusAreaAdmin(admin.ModelAdmin):
    list_display = ["title", "plan", "order", "status"]
    list_filter = ["plan__kind", "status"]
    readonly_fields = ["version"]


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "focus_area", "plan", "status", "unverified", "updated_at"]
    list_filter = ["plan__kind", "kind", "status", "unverified", "focus_area"]
    search_fields = ["title", "slug", "summary"]
    autocomplete_fields = ["related", "also_sources", "source"]
    readonly_fields = ["version", "origin", "origin_version"]

    def save_model(self, request, obj, form, change):
        # The revision is stored once the tags and links are saved too (save_related).
        obj.skip_history_when_saving = True
        super().save_model(request, obj, form, change)
        del obj.skip_history_when_saving

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        entry = form.instance
        entry_revisions_record(
            [entry],
            relations={entry.pk: entry.relations_snapshot()},
            reason=Reason.EDIT if change else Reason.CREATE,
            user=request.user,
            created=not change,
        )
