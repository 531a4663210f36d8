from django.urls import path

from metrohub.uncertainty import views

app_name = "uncertainty"
urlpatterns = [
    path("", views.calculator, name="calculator"),
    path("budget.json", views.budget_download, name="budget"),
    path("report.pdf", views.report_pdf, name="report"),
]
