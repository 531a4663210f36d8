from django.urls import path

from metrohub.catalogue import views

app_name = "catalogue"
urlpatterns = [
    path("", views.search_page, name="search"),
    path("find/", views.find_page, name="find"),
    path("export.<str:fmt>", views.export_search, name="export"),
    path("lines/<int:line_id>/", views.line_detail, name="line"),
    path("lines/<int:line_id>/change/", views.change_propose, name="propose"),
    path("changes/", views.change_list, name="changes"),
    path("changes/<int:change_id>/", views.change_detail, name="change"),
    path("change-cases/<int:pk>/", views.change_case_page, name="change_case"),
    path("announcements/", views.announcements, name="announcements"),
    path("centers/<str:code>/template.xlsx", views.template_download, name="template"),
    path("centers/<str:code>/import/", views.import_page, name="import"),
    path("centers/<str:code>/publish/", views.publish_page, name="publish"),
    path("centers/<str:code>/export.<str:fmt>", views.export_center, name="export_center"),
]
