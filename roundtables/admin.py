from django.contrib import admin

from roundtables.models import Registration, RoundTable


class RegistrationInline(admin.TabularInline):
    model = Registration
    extra = 0
    raw_id_fields = ["user"]


@admin.register(RoundTable)
class RoundTableAdmin(admin.ModelAdmin):
    list_display = ["title", "region", "starts_at", "status", "capacity"]
    list_filter = ["status", "region"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [RegistrationInline]
