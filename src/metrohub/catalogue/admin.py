from django.contrib import admin

from metrohub.catalogue.models import CapabilityLine, ChangeRequest, MethodDocument, SynonymGroup


@admin.register(MethodDocument)
class MethodDocumentAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "status", "superseded_by"]
    search_fields = ["code", "title"]
    list_filter = ["status"]
    autocomplete_fields = ["superseded_by"]


@admin.register(CapabilityLine)
class CapabilityLineAdmin(admin.ModelAdmin):
    list_display = ["center", "kind", "area", "measurand", "instrument", "unit", "status"]
    list_filter = ["status", "kind", "area", "cnas"]
    search_fields = ["measurand", "instrument", "methods"]
    list_select_related = ["center"]
    raw_id_fields = ["center"]


@admin.register(ChangeRequest)
class ChangeRequestAdmin(admin.ModelAdmin):
    list_display = ["pk", "center", "action", "status", "proposed_at"]
    list_filter = ["status", "action"]
    raw_id_fields = ["center", "line", "proposed_by", "decided_by"]


@admin.register(SynonymGroup)
class SynonymGroupAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "note", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["variants", "note"]
