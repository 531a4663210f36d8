from django.urls import path

from metrohub.guides import views

app_name = "guides"
urlpatterns = [
    path("", views.guide_list, name="list"),
    path("<str:ref>/", views.guide_detail, name="detail"),
    path("<str:ref>/short/", views.guide_short, name="short"),
    path("<str:ref>/guide.pdf", views.guide_pdf, name="pdf"),
    path("<str:ref>/questions/", views.questions, name="questions"),
    path("<str:ref>/questions/<int:pk>/", views.question_edit, name="question"),
    path("<str:ref>/questions/<int:pk>/delete/", views.question_delete, name="question_delete"),
]
