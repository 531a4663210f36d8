from django.contrib import admin

from metrohub.experts.models import DeclaredConflict, Employment, ExpertProfile


class EmploymentInline(admin.TabularInline):
    model = Employment
    extra = 0
    autocomplete_fields = ["organisation"]


class ConflictInline(admin.TabularInline):
    model = DeclaredConflict
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(ExpertProfile)
class ExpertProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "title", "region", "available", "active"]
    list_filter = ["available", "active"]
    inlines = [EmploymentInline, ConflictInline]
