"""Alliance pages: public reading; the director founds, enrols, decides and records; anyone
acting for an organisation asks to join. Thin over services."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from metrohub.alliances import services
from metrohub.alliances.forms import (
    ActivityForm,
    AllianceForm,
    DecisionForm,
    FilesForm,
    FoundForm,
    JoinForm,
    MemberForm,
)
from metrohub.alliances.models import ActivityFile, Alliance, Member
from metrohub.alliances.scope import (
    can_manage,
    directed_centers,
    own_organisation_ids,
    public_alliances,
)
from metrohub.centers.scope import public_centers
from metrohub.core.attachments import IMAGES, uploaded
from metrohub.core.permissions import permission_required
from metrohub.organisations.models import Organisation

ACTIVITIES_PER_PAGE = 20
MEMBERS_PER_PAGE = 100


def errors_into(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for key, errors in exc.message_dict.items():
            form.add_error(key if key in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _alliance(pk) -> Alliance:
    return get_object_or_404(public_alliances(), pk=pk)


def _managed(request, pk) -> Alliance:
    """The alliance if the person runs it (views check the role first: 403 without it); another
    center's alliance is 404."""
    alliance = _alliance(pk)
    if not can_manage(request.user, alliance):
        raise Http404
    return alliance


def alliance_list(request):
    year = services.today().year
    alliances = services.with_activity_counts(public_alliances(), year).annotate(
        member_count=Count("members", filter=Q(members__status=Member.Status.ACTIVE), distinct=True)
    )
    page = Paginator(alliances.order_by("center__code"), 50).get_page(request.GET.get("page"))
    rows = [
        (a, services.activity_duty(center=a.center, year=year, count=a.year_activities))
        for a in page.object_list
    ]
    return render(
        request,
        "alliances/list.html",
        {
            "page": page,
            "rows": rows,
            "year": year,
            "can_found": request.user.has_perm("alliances.run"),
        },
    )


def alliance_detail(request, pk: int):
    alliance = _alliance(pk)
    manager = can_manage(request.user, alliance)
    members = alliance.members.select_related("organisation").filter(status=Member.Status.ACTIVE)
    members_page = Paginator(
        members.order_by("position", "organisation__name", "pk"), MEMBERS_PER_PAGE
    ).get_page(request.GET.get("members"))
    activities = alliance.activities.prefetch_related(
        Prefetch("files", queryset=ActivityFile.objects.order_by("kind", "pk")),
        Prefetch("member_attendees", queryset=Member.objects.select_related("organisation")),
    )
    activities_page = Paginator(activities, ACTIVITIES_PER_PAGE).get_page(request.GET.get("page"))
    year = services.today().year
    mine = own_organisation_ids(request.user)
    own_memberships = list(
        alliance.members.filter(organisation_id__in=mine).select_related("organisation")
    )
    pending = (
        list(alliance.members.filter(status=Member.Status.REQUESTED).select_related("organisation"))
        if manager
        else []
    )
    return render(
        request,
        "alliances/detail.html",
        {
            "alliance": alliance,
            "center": alliance.center,
            "members_page": members_page,
            "activities_page": activities_page,
            "duty": services.activity_duty(center=alliance.center, year=year),
            "last_duty": services.activity_duty(center=alliance.center, year=year - 1),
            "can_manage": manager,
            "pending": pending,
            "own_memberships": own_memberships,
            "can_join": bool(mine) and alliance.center.host_id not in mine,
            "decision_form": DecisionForm(),
        },
    )


def center_alliance(request, code: str):
    """The alliance a center leads, or what there is to say when it leads none yet."""
    center = get_object_or_404(public_centers(), code=code)
    alliance = Alliance.objects.filter(center=center).first()
    if alliance is not None:
        return redirect("alliances:detail", pk=alliance.pk)
    year = services.today().year
    return render(
        request,
        "alliances/none.html",
        {
            "center": center,
            "duty": services.activity_duty(center=center, year=year),
            "can_found": directed_centers(request.user).filter(pk=center.pk).exists(),
        },
    )


@permission_required("alliances.run")
def alliance_new(request):
    centers = list(directed_centers(request.user).filter(alliance__isnull=True))
    form = FoundForm(
        request.POST or None,
        request.FILES or None,
        centers=centers,
        initial={"center": request.GET.get("center", "")},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        charter = data.pop("charter")
        center = next(c for c in centers if c.code == data.pop("center"))
        try:
            alliance = services.found_alliance(actor=request.user, center=center, **data)
            if charter:
                services.upload_charter(
                    actor=request.user,
                    alliance=alliance,
                    content=charter.read(),
                    filename=charter.name,
                )
        except ValidationError as exc:
            errors_into(form, exc)
        else:
            messages.success(request, _("The alliance is founded."))
            return redirect("alliances:detail", pk=alliance.pk)
    return render(request, "alliances/form.html", {"form": form, "title": _("Found an alliance")})


@permission_required("alliances.run")
def alliance_edit(request, pk: int):
    alliance = _managed(request, pk)
    initial = {f: getattr(alliance, f) for f in services._ALLIANCE_FIELDS}
    form = AllianceForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        charter = data.pop("charter")
        try:
            services.update_alliance(actor=request.user, alliance=alliance, **data)
            if charter:
                services.upload_charter(
                    actor=request.user,
                    alliance=alliance,
                    content=charter.read(),
                    filename=charter.name,
                )
        except ValidationError as exc:
            errors_into(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("alliances:detail", pk=alliance.pk)
    return render(
        request,
        "alliances/form.html",
        {"form": form, "title": _("Edit the alliance"), "alliance": alliance},
    )


def charter(request, pk: int):
    alliance = _alliance(pk)
    if not alliance.charter:
        raise Http404
    return FileResponse(
        alliance.charter.open("rb"),
        as_attachment=True,
        filename=alliance.charter_filename,
        content_type=alliance.charter_content_type,
    )


@permission_required("alliances.run")
def member_new(request, pk: int):
    alliance = _managed(request, pk)
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        code = data.pop("credit_code").strip().upper()
        organisation = Organisation.objects.filter(credit_code=code).first()
        if organisation is None:
            form.add_error("credit_code", _("No organisation with this code is registered."))
        else:
            try:
                services.add_member(
                    actor=request.user, alliance=alliance, organisation=organisation, **data
                )
            except ValidationError as exc:
                errors_into(form, exc)
            else:
                messages.success(request, _("%(name)s is a member.") % {"name": organisation.name})
                return redirect("alliances:detail", pk=alliance.pk)
    return render(
        request,
        "alliances/form.html",
        {"form": form, "title": _("Enrol a member"), "alliance": alliance},
    )


def join(request, pk: int):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    alliance = _alliance(pk)
    organisations = list(Organisation.objects.filter(pk__in=own_organisation_ids(request.user)))
    if not organisations:
        raise PermissionDenied
    form = JoinForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        organisation = next(o for o in organisations if str(o.pk) == data.pop("organisation"))
        try:
            services.request_membership(
                actor=request.user, alliance=alliance, organisation=organisation, **data
            )
        except ValidationError as exc:
            errors_into(form, exc)
        else:
            messages.success(request, _("Your request is sent; the center decides."))
            return redirect("alliances:detail", pk=alliance.pk)
    return render(
        request,
        "alliances/form.html",
        {"form": form, "title": _("Ask to join"), "alliance": alliance},
    )


@require_POST
@permission_required("alliances.run")
def member_decide(request, pk: int, member_id: int):
    alliance = _managed(request, pk)
    member = get_object_or_404(alliance.members.select_related("organisation"), pk=member_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The decision could not be read."))
        return redirect("alliances:detail", pk=alliance.pk)
    data = form.cleaned_data
    try:
        if data["decision"] == "approve":
            services.approve_membership(actor=request.user, member=member, joined_on=data["on"])
        elif data["decision"] == "refuse":
            services.refuse_membership(actor=request.user, member=member, reason=data["reason"])
        else:
            services.end_membership(actor=request.user, member=member, left_on=data["on"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Recorded."))
    return redirect("alliances:detail", pk=alliance.pk)


def _attach(request, activity, data) -> None:
    for kind, key in (
        (ActivityFile.Kind.MATERIAL, "materials"),
        (ActivityFile.Kind.PHOTO, "photos"),
    ):
        for content, name in uploaded(data.get(key)):
            services.attach_activity_file(
                actor=request.user, activity=activity, kind=kind, content=content, filename=name
            )


@permission_required("alliances.run")
def activity_new(request, pk: int):
    alliance = _managed(request, pk)
    form = ActivityForm(request.POST or None, request.FILES or None, alliance=alliance)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                activity = services.record_activity(
                    actor=request.user,
                    alliance=alliance,
                    held_on=data["held_on"],
                    kind=data["kind"],
                    title=data["title"],
                    place=data["place"],
                    member_ids=[m.pk for m in data["members"]],
                    other_attendees=data["other_attendees"],
                    attendee_count=data["attendee_count"],
                    outcome=data["outcome"],
                )
                _attach(request, activity, data)
        except ValidationError as exc:
            errors_into(form, exc)
        else:
            messages.success(request, _("The activity is recorded."))
            return redirect("alliances:activity", pk=alliance.pk, activity_id=activity.pk)
    return render(
        request,
        "alliances/form.html",
        {"form": form, "title": _("Record an activity"), "alliance": alliance, "multipart": True},
    )


def activity_detail(request, pk: int, activity_id: int):
    alliance = _alliance(pk)
    activity = get_object_or_404(
        alliance.activities.prefetch_related(
            "files",
            Prefetch("member_attendees", queryset=Member.objects.select_related("organisation")),
        ),
        pk=activity_id,
    )
    manager = can_manage(request.user, alliance)
    form = FilesForm(request.POST or None, request.FILES or None) if manager else None
    if request.method == "POST":
        if not manager:
            raise PermissionDenied
        if form.is_valid():
            try:
                _attach(request, activity, form.cleaned_data)
            except ValidationError as exc:
                errors_into(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("alliances:activity", pk=alliance.pk, activity_id=activity.pk)
    return render(
        request,
        "alliances/activity.html",
        {"alliance": alliance, "activity": activity, "can_manage": manager, "form": form},
    )


def activity_file(request, file_id: int):
    """Materials and photos of activities are public like the alliance page; photos are shown
    inline, everything else downloaded."""
    item = get_object_or_404(ActivityFile.objects.select_related("activity"), pk=file_id)
    response = FileResponse(
        item.file.open("rb"),
        as_attachment=item.content_type not in IMAGES,
        filename=item.filename,
        content_type=item.content_type,
    )
    response["X-Content-SHA256"] = item.sha256
    return response
