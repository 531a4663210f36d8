from django.urls import path

from metrohub.traceability import views

app_name = "traceability"
urlpatterns = [
    path("certificates/<str:number>/", views.certificate_chain, name="certificate"),
    path(
        "certificates/<str:number>/chain.<str:fmt>",
        views.certificate_chain_export,
        name="certificate_export",
    ),
    path("standards/<int:pk>/", views.standard_chain, name="standard"),
    path("standards/<int:pk>/chain.<str:fmt>", views.standard_chain_export, name="standard_export"),
    path("standards/<int:pk>/out-of-tolerance/", views.finding_new, name="finding"),
    path("incidents/", views.incident_list, name="incidents"),
    path("incidents/<int:pk>/", views.incident_detail, name="incident"),
    path("incidents/<int:pk>/affected.xlsx", views.incident_export, name="incident_export"),
    path("incidents/<int:pk>/affected/<int:row>/assess/", views.assess, name="assess"),
    path("incidents/<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
]
