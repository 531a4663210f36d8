from django.urls import path

from metrohub.panels import views

app_name = "panels"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("case/<int:case_id>/draw/", views.draw, name="draw"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/conclude/", views.conclude, name="conclude"),
    path("<int:pk>/apply/", views.apply, name="apply"),
    path("<int:pk>/report/", views.issue_report, name="issue_report"),
    path("<int:pk>/report.pdf", views.report_pdf, name="report"),
    path("<int:pk>/members/<int:member_id>/decline/", views.decline, name="decline"),
    path("sheets/<int:pk>/", views.sheet, name="sheet"),
    path("sheets/<int:pk>/reopen/", views.reopen, name="reopen"),
]
