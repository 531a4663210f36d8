from django.urls import path

from metrohub.rulepacks import views

app_name = "rulepacks"
urlpatterns = [
    path("", views.pack_list, name="list"),
    path("<str:ref>/", views.pack_detail, name="detail"),
    path("<str:code>/texts/", views.pack_texts, name="texts"),
]
