from django.contrib import admin

from plans.models import Plan


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "city", "status", "updated_at"]
    list_filter = ["kind", "status"]
