from django.urls import path

from metrohub.inspections import views

app_name = "inspections"
urlpatterns = [
    path("", views.inspection_list, name="list"),
    path("<int:pk>/", views.inspection_detail, name="detail"),
    path("reports/", views.report_list, name="reports"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
]
