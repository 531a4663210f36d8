"""The calendar pages: one's feed (renew, revoke) and the feeds themselves."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from metrohub.calendars import services
from metrohub.calendars.models import CalendarFeed
from metrohub.centers.scope import public_centers

CONTENT_TYPE = "text/calendar; charset=utf-8"


@login_required
def mine(request):
    """The person's feed: its address is shown once, when issued or renewed."""
    token = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.revoke_feed(user=request.user)
        else:
            token = services.issue_feed(user=request.user)
    return render(
        request,
        "calendars/mine.html",
        {
            "feed": CalendarFeed.objects.filter(user=request.user).first(),
            "url": request.build_absolute_uri(reverse("calendars:feed", args=[token]))
            if token
            else None,
            "supervision_url": request.build_absolute_uri(
                reverse("calendars:supervision", args=[token])
            )
            if token and services.supervises(request.user)
            else None,
            "count": services.my_obligations(request.user).count(),
        },
    )


def _ics(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_GET
def feed(request, token: str):
    """The feed at its secret address: no sign-in (calendar programs cannot), 404 once revoked."""
    user = services.feed_user(token)
    if user is None:
        raise Http404
    return _ics(
        services.personal_calendar(
            user,
            link=lambda o: request.build_absolute_uri(reverse("cases:detail", args=[o.case_id])),
        ),
        "obligations.ics",
    )


@require_GET
def supervision(request, token: str):
    """A regulator's supervision calendar, at the same secret address's sibling; 404 for anyone
    who supervises nothing, and once the feed is revoked."""
    user = services.feed_user(token)
    if user is None or not services.supervises(user):
        raise Http404
    return _ics(
        services.supervision_calendar(
            user,
            link=lambda o: request.build_absolute_uri(reverse("cases:detail", args=[o.case_id])),
        ),
        "supervision.ics",
    )


@require_GET
def center(request, code: str):
    """A center's duty calendar, public as the center's profile is."""
    found = get_object_or_404(public_centers(), code=code)
    page = request.build_absolute_uri(reverse("centers:detail", args=[found.code]))
    return _ics(services.center_calendar(found, link=lambda o: page), f"{found.code}.ics")
