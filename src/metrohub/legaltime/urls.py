from django.urls import path

from metrohub.legaltime import views

app_name = "legaltime"
urlpatterns = [path("", views.deadline_page, name="deadline")]
