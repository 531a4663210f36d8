from django.contrib import admin

from metrohub.organisations.models import Jurisdiction, Organisation


@admin.register(Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "level", "parent"]
    search_fields = ["code", "name", "name_en"]
    list_filter = ["level"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "credit_code", "kind", "jurisdiction"]
    search_fields = ["name", "name_en", "credit_code"]
    list_filter = ["kind"]
    autocomplete_fields = ["jurisdiction"]
