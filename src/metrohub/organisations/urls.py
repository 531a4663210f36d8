from django.urls import path

from metrohub.organisations import views

app_name = "organisations"
urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("new/", views.organisation_create, name="create"),
    path("<int:org_id>/", views.organisation_detail, name="detail"),
]
