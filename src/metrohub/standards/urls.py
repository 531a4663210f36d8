from django.urls import path

from metrohub.standards import views

app_name = "standards"
urlpatterns = [
    path("", views.standard_list, name="list"),
    path("new/", views.standard_new, name="new"),
    path("<int:pk>/", views.standard_detail, name="detail"),
    path("<int:pk>/edit/", views.standard_edit, name="edit"),
    path("<int:pk>/instruments/", views.instrument_add, name="add_instrument"),
    path("instruments/<int:pk>/certificates/", views.certificate_add, name="add_certificate"),
    path("authorizations/", views.authorization_list, name="authorizations"),
    path("authorizations/new/", views.authorization_new, name="grant"),
    path("authorizations/<int:pk>/revoke/", views.authorization_revoke, name="revoke"),
]
