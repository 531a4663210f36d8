from django.contrib import admin

from metrohub.legaltime.models import CalendarDay, CalendarYear, StoredDeadline


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ["year", "known", "source", "updated_at"]


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """Administrators correct single days here; a whole year is best imported as a file."""

    list_display = ["date", "workday", "holiday_name", "adjusted", "source"]
    list_filter = ["workday", "adjusted"]
    date_hierarchy = "date"
    search_fields = ["holiday_name", "holiday_name_en"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Touch the year so every process rebuilds its calendar.
        CalendarYear.objects.update_or_create(year=obj.date.year, defaults={})


@admin.register(StoredDeadline)
class StoredDeadlineAdmin(admin.ModelAdmin):
    list_display = ["rule", "start", "count", "unit", "due", "provisional"]
    list_filter = ["provisional", "unit"]
    readonly_fields = [f.name for f in StoredDeadline._meta.fields]
