from django.urls import path

from metrohub.centers import views

app_name = "centers"
urlpatterns = [
    path("", views.center_list, name="list"),
    path("export.xlsx", views.export, name="export"),
    path("<str:code>/", views.center_detail, name="detail"),
]
