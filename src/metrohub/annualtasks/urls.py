from django.urls import path

from metrohub.annualtasks import views

app_name = "annualtasks"
urlpatterns = [
    path("", views.task_list, name="list"),
    path("<int:pk>/", views.task_detail, name="detail"),
    path("<int:pk>/evidence/<int:evidence_id>", views.evidence, name="evidence"),
]
