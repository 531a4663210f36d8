from django.urls import path

from metrohub.experts import views

app_name = "experts"
urlpatterns = [
    path("", views.registry, name="registry"),
    path("me/", views.my_profile, name="me"),
]
