from django.urls import path

from metrohub.dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("dashboard/<str:role>/<str:key>.xlsx", views.export, name="export"),
    path("statistics/", views.statistics, name="statistics"),
    path("statistics/<str:key>.xlsx", views.statistics_export, name="statistics_export"),
]
