from django.contrib import admin

from metrohub.eventlog.models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """Read-only: the log is the legal record and is never edited by hand."""

    list_display = ["subject", "seq", "action", "article", "actor_label", "recorded_at"]
    search_fields = ["subject", "action"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
