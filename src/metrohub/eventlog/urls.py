from django.urls import path

from metrohub.eventlog import views

app_name = "eventlog"
urlpatterns = [path("", views.event_list, name="list")]
