from django.urls import path

from metrohub.calendars import views

app_name = "calendars"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
    path("supervision/<str:token>.ics", views.supervision, name="supervision"),
    path("centers/<str:code>.ics", views.center, name="center"),
]
