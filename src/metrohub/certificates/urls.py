from django.urls import path

from metrohub.certificates import views

app_name = "certificates"
urlpatterns = [
    path("", views.work, name="work"),
    path("mine/", views.mine, name="mine"),
    path("export.xlsx", views.export, name="export"),
    path("new/", views.new, name="new"),
    path("jobs/<int:pk>/", views.job_detail, name="job"),
    path("jobs/<int:pk>/edit/", views.edit, name="edit"),
    path("jobs/<int:pk>/sign/", views.sign, name="sign"),
    path("<str:number>/", views.detail, name="detail"),
    path("<str:number>/pdf", views.download, {"what": "pdf"}, name="pdf"),
    path("<str:number>/dcc.xml", views.download, {"what": "xml"}, name="xml"),
    path("<str:number>/revoke/", views.revoke, name="revoke"),
    path("<str:number>/amend/", views.amend, name="amend"),
]
