from django.contrib import admin

from metrohub.guides.models import GuideQuestion, ProgrammeGuide


@admin.register(ProgrammeGuide)
class ProgrammeGuideAdmin(admin.ModelAdmin):
    list_display = ("programme", "item_name", "item_type", "enquiry_phone", "updated_at")


@admin.register(GuideQuestion)
class GuideQuestionAdmin(admin.ModelAdmin):
    list_display = ("programme", "position", "question", "updated_at")
    list_filter = ("programme",)
    search_fields = ("question", "answer")
