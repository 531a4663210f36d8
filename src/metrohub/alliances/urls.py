from django.urls import path

from metrohub.alliances import views

app_name = "alliances"
urlpatterns = [
    path("", views.alliance_list, name="list"),
    path("new/", views.alliance_new, name="new"),
    path("centers/<str:code>/", views.center_alliance, name="center"),
    path("files/<int:file_id>/", views.activity_file, name="file"),
    path("<int:pk>/", views.alliance_detail, name="detail"),
    path("<int:pk>/edit/", views.alliance_edit, name="edit"),
    path("<int:pk>/charter/", views.charter, name="charter"),
    path("<int:pk>/join/", views.join, name="join"),
    path("<int:pk>/members/new/", views.member_new, name="member_new"),
    path("<int:pk>/members/<int:member_id>/decide/", views.member_decide, name="member_decide"),
    path("<int:pk>/activities/new/", views.activity_new, name="activity_new"),
    path("<int:pk>/activities/<int:activity_id>/", views.activity_detail, name="activity"),
]
