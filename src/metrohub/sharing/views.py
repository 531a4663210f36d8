"""Open-sharing pages: the public catalogue of resources with their calendars; booking for
people with an account; running resources, deciding bookings and reading usage for the center.
Thin over services."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from metrohub.alliances.scope import directed_centers, own_organisation_ids
from metrohub.alliances.views import errors_into
from metrohub.catalogue.models import CapabilityLine
from metrohub.core.api import Conflict
from metrohub.core.bounds import digits
from metrohub.core.permissions import permission_required
from metrohub.organisations.models import Organisation
from metrohub.sharing import calendars, services
from metrohub.sharing.api import statistics_centers
from metrohub.sharing.forms import (
    BlackoutForm,
    BookingForm,
    FeedForm,
    PhotoForm,
    ReasonForm,
    ResourceForm,
    UsageForm,
    intervals_text,
)
from metrohub.sharing.models import Blackout, Booking, CalendarFeed, Photo, Resource
from metrohub.sharing.scope import (
    bookings_for,
    can_manage,
    managed_resources,
    may_book,
    visible_resources,
)

PER_PAGE = 25


def _resource(request, pk) -> Resource:
    return get_object_or_404(visible_resources(request.user), pk=pk)


def _managed(request, pk) -> Resource:
    """The resource if the person runs it (views check the role first: 403 without it);
    another center's resource is 404."""
    return get_object_or_404(managed_resources(request.user), pk=pk)


# -------------------------------------------------------------------------------- catalogue


def resource_list(request):
    resources = visible_resources(request.user).filter(status=Resource.Status.OPEN)
    q = (request.GET.get("q") or "").strip()[:100]
    kind = request.GET.get("kind") or ""
    center = (request.GET.get("center") or "").strip()[:32].upper()
    line = request.GET.get("line") or ""
    if q:
        resources = resources.filter(
            Q(name__icontains=q)
            | Q(description__icontains=q)
            | Q(model_number__icontains=q)
            | Q(capability_lines__measurand__icontains=q)
        ).distinct()
    if kind in Resource.Kind.values:
        resources = resources.filter(kind=kind)
    if center:
        resources = resources.filter(center__code=center)
    if digits(line):
        resources = resources.filter(capability_lines__pk=int(line))
    page = Paginator(resources.order_by("center__code", "name", "pk"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "sharing/list.html",
        {
            "page": page,
            "q": q,
            "kind": kind,
            "kinds": Resource.Kind.choices,
            "query": query.urlencode(),
            "can_offer": request.user.has_perm("sharing.run_resources"),
        },
    )


def resource_detail(request, pk: int):
    resource = get_object_or_404(
        visible_resources(request.user).prefetch_related(
            "opening_hours", "photos", "capability_lines"
        ),
        pk=pk,
    )
    manager = can_manage(request.user, resource)
    window = calendars.window(request)
    days = services.availability(
        resource=resource, first=window.first, last=window.last, with_requests=manager
    )
    return render(
        request,
        "sharing/detail.html",
        {
            "resource": resource,
            "can_manage": manager,
            "can_book": resource.status == Resource.Status.OPEN
            and may_book(request.user, resource),
            "window": window,
            "weeks": calendars.weeks(days, window),
            "opening": calendars.opening_rows(resource.opening_hours.all()),
            "blackouts": resource.blackouts.filter(ends_at__gte=timezone.now())[:20],
        },
    )


def photo(request, photo_id: int):
    item = get_object_or_404(Photo.objects.select_related("resource"), pk=photo_id)
    _resource(request, item.resource_id)
    return FileResponse(item.file.open("rb"), content_type=item.content_type)


# ---------------------------------------------------------------------------- running them


def _lines(center):
    return CapabilityLine.objects.filter(
        center=center, status=CapabilityLine.Status.PUBLISHED
    ).order_by("measurand", "pk")[:500]


def _approved_ids(form) -> list[int] | None:
    codes = form.cleaned_data["approved_codes"]
    found = dict(
        Organisation.objects.filter(credit_code__in=codes).values_list("credit_code", "pk")
    )
    missing = [c for c in codes if c not in found]
    if missing:
        form.add_error(
            "approved_organisations",
            _("No organisation is registered with: %(codes)s") % {"codes": "、".join(missing)},
        )
        return None
    return list(found.values())


_KEYS = (
    "kind",
    "name",
    "model_number",
    "description",
    "location",
    "rules_of_use",
    "fees",
    "hourly_fee",
    "audience",
    "approval_required",
    "lead_time_hours",
    "cancel_hours",
    "max_hours",
    "closed_on_holidays",
    "status",
)


def _resource_fields(data) -> dict:
    return {k: data[k] for k in _KEYS}


@permission_required("sharing.run_resources")
def resource_new(request):
    centers = list(directed_centers(request.user))
    if not centers:
        raise PermissionDenied
    code = (request.GET.get("center") or request.POST.get("center") or centers[0].code).upper()
    center = next((c for c in centers if c.code == code), None)
    if center is None:
        raise Http404
    initial = {
        "audience": "anyone",
        "approval_required": True,
        "lead_time_hours": 24,
        "cancel_hours": 24,
        "max_hours": 8,
        "closed_on_holidays": True,
        "status": "open",
        **{f"day_{d}": "08:30-12:00 13:30-17:00" for d in range(5)},
    }
    form = ResourceForm(request.POST or None, initial=initial, lines=_lines(center))
    if request.method == "POST" and form.is_valid():
        approved = _approved_ids(form)
        if approved is not None:
            try:
                resource = services.create_resource(
                    actor=request.user,
                    center=center,
                    opening_hours=form.cleaned_data["opening_hours"],
                    line_ids=[int(i) for i in form.cleaned_data["capability_lines"]],
                    approved_organisation_ids=approved,
                    **_resource_fields(form.cleaned_data),
                )
            except ValidationError as exc:
                errors_into(form, exc)
            else:
                messages.success(request, _("The resource is offered for sharing."))
                return redirect("sharing:detail", pk=resource.pk)
    return render(
        request,
        "sharing/form.html",
        {"form": form, "title": _("Offer a resource"), "center": center, "centers": centers},
    )


@permission_required("sharing.run_resources")
def resource_edit(request, pk: int):
    resource = _managed(request, pk)
    hours = list(resource.opening_hours.all())
    initial = {
        **{k: getattr(resource, k) for k in _KEYS},
        "capability_lines": [
            str(i) for i in resource.capability_lines.values_list("pk", flat=True)
        ],
        "approved_organisations": "\n".join(
            resource.approved_organisations.values_list("credit_code", flat=True)
        ),
        **{f"day_{d}": intervals_text([h for h in hours if h.weekday == d]) for d in range(7)},
    }
    form = ResourceForm(request.POST or None, initial=initial, lines=_lines(resource.center))
    if request.method == "POST" and form.is_valid():
        approved = _approved_ids(form)
        if approved is not None:
            try:
                services.update_resource(
                    actor=request.user,
                    resource=resource,
                    opening_hours=form.cleaned_data["opening_hours"],
                    line_ids=[int(i) for i in form.cleaned_data["capability_lines"]],
                    approved_organisation_ids=approved,
                    **_resource_fields(form.cleaned_data),
                )
            except ValidationError as exc:
                errors_into(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("sharing:detail", pk=resource.pk)
    return render(
        request,
        "sharing/form.html",
        {"form": form, "title": _("Edit the resource"), "resource": resource},
    )


@permission_required("sharing.run_resources")
def resource_photos(request, pk: int):
    resource = _managed(request, pk)
    form = PhotoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["photo"]
        try:
            services.add_photo(
                actor=request.user,
                resource=resource,
                content=upload.read(),
                filename=upload.name,
                caption=form.cleaned_data["caption"],
            )
        except ValidationError as exc:
            errors_into(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("sharing:detail", pk=resource.pk)
    return render(
        request,
        "sharing/form.html",
        {"form": form, "title": _("Add a photo"), "resource": resource, "multipart": True},
    )


@permission_required("sharing.run_resources")
def blackouts(request, pk: int):
    resource = _managed(request, pk)
    form = BlackoutForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_blackout(
                actor=request.user,
                resource=resource,
                starts_at=dt.datetime.combine(data["start_date"], data["start_time"]),
                ends_at=dt.datetime.combine(data["end_date"], data["end_time"]),
                reason=data["reason"],
                note=data["note"],
            )
        except ValidationError as exc:
            errors_into(form, exc)
        except Conflict as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The resource is closed for that period."))
            return redirect("sharing:blackouts", pk=resource.pk)
    return render(
        request,
        "sharing/blackouts.html",
        {
            "resource": resource,
            "form": form,
            "blackouts": resource.blackouts.filter(ends_at__gte=timezone.now()),
        },
    )


@require_POST
@permission_required("sharing.run_resources")
def blackout_remove(request, pk: int, blackout_id: int):
    resource = _managed(request, pk)
    blackout = get_object_or_404(Blackout, pk=blackout_id, resource=resource)
    services.remove_blackout(actor=request.user, blackout=blackout)
    messages.success(request, _("The period is open again."))
    return redirect("sharing:blackouts", pk=resource.pk)


# ----------------------------------------------------------------------------------- booking


def book(request, pk: int):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    resource = _resource(request, pk)
    if not may_book(request.user, resource):
        raise PermissionDenied
    organisations = list(Organisation.objects.filter(pk__in=own_organisation_ids(request.user)))
    initial = {
        "date": request.GET.get("date", ""),
        "start": request.GET.get("start", ""),
        "end": request.GET.get("end", ""),
    }
    form = BookingForm(request.POST or None, initial=initial, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = data.get("organisation")
        try:
            booking = services.request_booking(
                actor=request.user,
                resource=resource,
                starts_at=dt.datetime.combine(data["date"], data["start"]),
                ends_at=dt.datetime.combine(data["date"], data["end"]),
                purpose=data["purpose"],
                planned_samples=data["planned_samples"] or 0,
                organisation=next((o for o in organisations if str(o.pk) == chosen), None),
            )
        except ValidationError as exc:
            errors_into(form, exc)
            for key in ("starts_at", "ends_at"):
                for error in form.errors.pop(key, []):
                    form.add_error(None, error)
        except Conflict as exc:
            form.add_error(None, exc.message)
        else:
            if booking.status == Booking.Status.CONFIRMED:
                messages.success(request, _("Booked: the slot is yours."))
            else:
                messages.success(request, _("Requested: the center decides."))
            return redirect("sharing:booking", pk=booking.pk)
    return render(
        request,
        "sharing/book.html",
        {
            "form": form,
            "resource": resource,
            "opening": calendars.opening_rows(resource.opening_hours.all()),
        },
    )


@permission_required("sharing.book")
def booking_list(request):
    bookings = bookings_for(request.user)
    mine = bookings.filter(requester=request.user).order_by("-starts_at", "-pk")
    managed = bookings.filter(resource__center__in=directed_centers(request.user).values("pk"))
    to_decide = managed.filter(status=Booking.Status.REQUESTED).order_by("starts_at", "pk")
    upcoming = managed.filter(
        status=Booking.Status.CONFIRMED, ends_at__gte=timezone.now()
    ).order_by("starts_at", "pk")
    return render(
        request,
        "sharing/bookings.html",
        {
            "mine": Paginator(mine, PER_PAGE).get_page(request.GET.get("page")),
            "to_decide": to_decide[:100],
            "upcoming": upcoming[:100],
            "runs_resources": request.user.has_perm("sharing.run_resources"),
        },
    )


def _booking(request, pk) -> Booking:
    if not request.user.is_authenticated:
        raise Http404
    return get_object_or_404(bookings_for(request.user), pk=pk)


def booking_detail(request, pk: int):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    booking = _booking(request, pk)
    manager = can_manage(request.user, booking.resource)
    return render(
        request,
        "sharing/booking.html",
        {
            "booking": booking,
            "can_manage": manager,
            "is_requester": booking.requester_id == request.user.pk,
            "reason_form": ReasonForm(),
            "usage_form": UsageForm(
                initial={
                    "used_hours": booking.used_hours or round(booking.hours, 2),
                    "samples": booking.samples,
                    "outcome": booking.outcome,
                }
            ),
            "started": booking.starts_at <= services.now(),
            "live": booking.status in (Booking.Status.REQUESTED, Booking.Status.CONFIRMED)
            and booking.ends_at > services.now(),
        },
    )


@require_POST
def booking_action(request, pk: int, action: str):
    booking = _booking(request, pk)
    try:
        if action == "approve":
            services.approve_booking(actor=request.user, booking=booking)
            messages.success(request, _("Approved: the booking is confirmed."))
        elif action == "refuse":
            form = ReasonForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            services.refuse_booking(actor=request.user, booking=booking, reason=reason)
            messages.success(request, _("Refused."))
        elif action == "cancel":
            form = ReasonForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            cancelled = services.cancel_booking(actor=request.user, booking=booking, reason=reason)
            if cancelled.late_cancellation:
                messages.warning(
                    request, _("Cancelled late: the fee stands under the resource's policy.")
                )
            else:
                messages.success(request, _("Cancelled: the slot is free again."))
        elif action == "usage":
            form = UsageForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Give the hours used."))
                return redirect("sharing:booking", pk=booking.pk)
            services.record_usage(actor=request.user, booking=booking, **form.cleaned_data)
            messages.success(request, _("Usage recorded."))
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except Conflict as exc:
        messages.error(request, exc.message)
    return redirect("sharing:booking", pk=booking.pk)


# --------------------------------------------------------------------------------- calendars


@permission_required("sharing.book")
def my_calendar(request):
    window = calendars.window(request)
    lo, hi = calendars.bounds(window)
    bookings = (
        bookings_for(request.user)
        .filter(
            status__in=[Booking.Status.CONFIRMED, Booking.Status.REQUESTED],
            starts_at__lt=hi,
            ends_at__gt=lo,
        )
        .order_by("starts_at")
    )
    return render(
        request,
        "sharing/calendar.html",
        {"window": window, "weeks": calendars.booking_weeks(list(bookings[:1000]), window)},
    )


@permission_required("sharing.book")
def feeds(request):
    resources = list(managed_resources(request.user).order_by("name"))
    form = FeedForm(request.POST or None, resources=resources)
    new_url = None
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["resource"]
        resource = next((r for r in resources if str(r.pk) == chosen), None)
        _feed, raw = services.issue_feed(actor=request.user, resource=resource)
        new_url = request.build_absolute_uri(f"/sharing/ical/{raw}.ics")
    return render(
        request,
        "sharing/feeds.html",
        {
            "form": form,
            "new_url": new_url,
            "feeds": CalendarFeed.objects.filter(owner=request.user, revoked_at__isnull=True)
            .select_related("resource")
            .order_by("-created_at"),
        },
    )


@require_POST
@permission_required("sharing.book")
def feed_revoke(request, feed_id: int):
    feed = get_object_or_404(CalendarFeed, pk=feed_id, owner=request.user)
    services.revoke_feed(actor=request.user, feed=feed)
    messages.success(request, _("The calendar address no longer works."))
    return redirect("sharing:feeds")


def ical(request, token: str):
    """The secret feed: anyone holding the address reads it; revoked or unknown → 404."""
    feed = services.find_feed(token)
    if feed is None or (feed.resource is not None and not can_manage(feed.owner, feed.resource)):
        raise Http404
    body = calendars.ical(feed, services.feed_bookings(feed))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


# -------------------------------------------------------------------------------- statistics


@permission_required("sharing.view_usage")
def usage(request, code: str):
    centers = statistics_centers(request.user)
    center = get_object_or_404(centers, code=code)
    try:
        year = int(request.GET.get("year") or services.now().year)
    except ValueError:
        year = services.now().year
    year = min(max(year, 2000), 2100)
    return render(
        request,
        "sharing/usage.html",
        {
            "center": center,
            "usage": services.usage_statistics(year=year, center=center),
            "year": year,
        },
    )
