from django.urls import path

from metrohub.instruments import views

app_name = "instruments"
urlpatterns = [
    path("", views.register, name="register"),
    path("new/", views.instrument_new, name="new"),
    path("import/", views.import_page, name="import"),
    path("template.xlsx", views.template_download, name="template"),
    path("<int:pk>/", views.instrument_detail, name="detail"),
    path("<int:pk>/certificate/", views.link_certificate, name="link"),
    path("<int:pk>/file/", views.file_instrument, name="file"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar"),
    path("sites/", views.sites, name="sites"),
    path("sites/<int:pk>/poster/", views.site_poster, name="poster"),
    path("sites/<int:pk>/qr.png", views.site_qr, name="qr"),
    path("district/", views.district, name="district"),
    path("district/export.xlsx", views.district_export, name="district_export"),
    path("customers/", views.customers, name="customers"),
]
