from django.urls import path

from metrohub.dashboards import views as dashboards_views

app_name = "core"
urlpatterns = [path("", dashboards_views.home, name="home")]
