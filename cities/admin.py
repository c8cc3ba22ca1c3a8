from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

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
