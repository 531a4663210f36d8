from django.urls import path

from metrohub.enquiries import views

app_name = "enquiries"
urlpatterns = [
    path("", views.enquiry_list, name="list"),
    path("new/", views.enquiry_new, name="new"),
    path("<int:pk>/", views.enquiry_detail, name="detail"),
    path("<int:pk>/attachments/<int:attachment_id>/", views.attachment, name="attachment"),
    path("<int:pk>/<str:action>/", views.enquiry_action, name="action"),
]
