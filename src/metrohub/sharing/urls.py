from django.urls import path

from metrohub.sharing import views

app_name = "sharing"
urlpatterns = [
    path("", views.resource_list, name="list"),
    path("resources/new/", views.resource_new, name="new"),
    path("resources/<int:pk>/", views.resource_detail, name="detail"),
    path("resources/<int:pk>/edit/", views.resource_edit, name="edit"),
    path("resources/<int:pk>/photos/", views.resource_photos, name="photos"),
    path("resources/<int:pk>/blackouts/", views.blackouts, name="blackouts"),
    path(
        "resources/<int:pk>/blackouts/<int:blackout_id>/remove/",
        views.blackout_remove,
        name="blackout_remove",
    ),
    path("resources/<int:pk>/book/", views.book, name="book"),
    path("photos/<int:photo_id>/", views.photo, name="photo"),
    path("bookings/", views.booking_list, name="bookings"),
    path("bookings/<int:pk>/", views.booking_detail, name="booking"),
    path("bookings/<int:pk>/<str:action>/", views.booking_action, name="booking_action"),
    path("calendar/", views.my_calendar, name="calendar"),
    path("feeds/", views.feeds, name="feeds"),
    path("feeds/<int:feed_id>/revoke/", views.feed_revoke, name="feed_revoke"),
    path("ical/<str:token>.ics", views.ical, name="ical"),
    path("centers/<str:code>/usage/", views.usage, name="usage"),
]
