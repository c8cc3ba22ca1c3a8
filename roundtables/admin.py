from django.contrib import admin

from roundtables.models import Material, Registration, RoundTable, WalkIn


class ReadOnlyInline(admin.TabularInline):
    """Seats and attendance change only through the services (which hold the row lock and
    keep the confirmed count right), so the admin shows them without editing."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class RegistrationInline(ReadOnlyInline):
    model = Registration
    fields = ["user", "city", "status", "sequence", "attended", "created_at"]
    readonly_fields = fields


class WalkInInline(ReadOnlyInline):
    model = WalkIn
    fields = ["name", "city", "organization", "recorded_at"]
    readonly_fields = fields


class MaterialInline(ReadOnlyInline):
    model = Material
    fields = ["title", "url", "file", "size", "added_at"]
    readonly_fields = fields


@admin.register(RoundTable)
class RoundTableAdmin(admin.ModelAdmin):
    list_display = ["title", "region", "starts_at", "status", "capacity", "seats_taken"]
    list_filter = ["status", "region"]
    search_fields = ["title"]
    readonly_fields = ["seats_taken", "signups_received", "created_at", "updated_at"]
    exclude = ["calendar_sequence"]
    inlines = [RegistrationInline, WalkInInline, MaterialInline]

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj else {"slug": ["title"]}

    def get_readonly_fields(self, request, obj=None):
        # The capacity and status change through the site's own pages, which check them
        # under the round table's lock and email the people concerned.
        extra = ["slug", "capacity", "status"] if obj else []
        return [*self.readonly_fields, *extra]
