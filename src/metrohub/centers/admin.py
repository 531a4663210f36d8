from django.contrib import admin

from metrohub.centers.models import Center


@admin.register(Center)
class CenterAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "status", "host", "jurisdiction"]
    search_fields = ["code", "name", "name_en", "industry_domain"]
    list_filter = ["level", "status"]
    autocomplete_fields = ["host", "jurisdiction"]
