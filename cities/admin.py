from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cities import hooks
from cities.models import City, CityEmailDomain, Membership, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "order"]
    prepopulated_fields = {"slug": ["name"]}


class CityEmailDomainInline(admin.TabularInline):
    model = CityEmailDomain
    fields = ["domain", "added_at", "added_by", "removed_at", "removed_by"]
    readonly_fields = ["added_at", "added_by", "removed_at", "removed_by"]
    extra = 0


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    list_display = ["name", "primary_region", "population", "website"]
    list_filter = ["primary_region"]
    search_fields = ["name", "email_domains__domain"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["regions"]
    inlines = [CityEmailDomainInline]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "city", "role", "status", "requested_at", "decided_at", "decided_by"]
    list_filter = ["status", "role"]
    search_fields = ["user__email", "user__name", "city__name"]
    raw_id_fields = ["user", "decided_by"]
    list_select_related = ["user", "city", "decided_by"]

    # The admin saves in one transaction, like the services: an approved membership ended
    # here (changed or deleted) tells the other apps as the services do.

    def save_model(self, request, obj, form, change):
        was_approved = change and Membership.objects.approved().filter(pk=obj.pk).exists()
        super().save_model(request, obj, form, change)
        if was_approved and not obj.is_approved:
            hooks.membership_ended(obj)

    def delete_model(self, request, obj):
        _ending(obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for membership in queryset.approved():
            _ending(membership)
        super().delete_queryset(request, queryset)


def _ending(membership: Membership) -> None:
    if membership.is_approved:
        hooks.membership_ended(membership)
