"""Pages for a center's measurement standards and its people's authorizations; thin over
`services`. The center's own people keep the standards, its director grants authorizations, the
programme regulator reads both."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from metrohub.accounts.models import User
from metrohub.core.errors import form_message, into_form
from metrohub.core.permissions import permission_required
from metrohub.standards import services
from metrohub.standards.forms import (
    AuthorizationForm,
    InstrumentCertificateForm,
    InstrumentForm,
    ReasonForm,
    StandardForm,
)
from metrohub.standards.history import rows
from metrohub.standards.models import Authorization, MeasurementStandard, StandardInstrument
from metrohub.standards.scope import directed_centers, staffed_centers, visible_centers

PER_PAGE = 25


def _form_errors(form, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@permission_required("standards.view")
def standard_list(request):
    centers = visible_centers(request.user)
    queryset = MeasurementStandard.objects.filter(center__in=centers)
    code = request.GET.get("center", "")[:32]
    if code:
        queryset = queryset.filter(center__code=code)
    page = Paginator(services.with_details(queryset), PER_PAGE).get_page(request.GET.get("page"))
    rows = [services.status_of(s) for s in page]
    return render(
        request,
        "standards/list.html",
        {
            "page": page,
            "rows": rows,
            "centers": centers,
            "center": code,
            "can_manage": request.user.has_perm("standards.manage")
            and staffed_centers(request.user).exists(),
        },
    )


@permission_required("standards.manage")
def standard_new(request):
    centers = staffed_centers(request.user)
    form = StandardForm(request.POST or None, centers=centers)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        center = data.pop("center")
        try:
            standard = services.create_standard(actor=request.user, center=center, **data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The standard has been registered."))
            return redirect("standards:detail", pk=standard.pk)
    return render(
        request,
        "standards/form.html",
        {"form": form, "title": _("New measurement standard")},
        status=422 if form.errors else 200,
    )


def _visible_standard(request, pk: int) -> MeasurementStandard:
    if not request.user.has_perm("standards.view"):
        raise PermissionDenied
    queryset = MeasurementStandard.objects.filter(center__in=visible_centers(request.user))
    return get_object_or_404(services.with_details(queryset), pk=pk)


@permission_required("standards.view")
def standard_detail(request, pk: int):
    standard = _visible_standard(request, pk)
    can_manage = staffed_centers(request.user).filter(pk=standard.center_id).exists()
    return render(
        request,
        "standards/detail.html",
        {
            "standard": standard,
            "status": services.status_of(standard),
            "can_manage": can_manage,
            "instrument_form": InstrumentForm(),
            "certificate_form": InstrumentCertificateForm(),
            "events": rows(f"standard:{standard.pk}"),
        },
    )


@permission_required("standards.manage")
def standard_edit(request, pk: int):
    standard = _visible_standard(request, pk)
    if not staffed_centers(request.user).filter(pk=standard.center_id).exists():
        raise PermissionDenied
    initial = {
        f: getattr(standard, f)
        for f in ("name", "measurand", "range_text", "uncertainty", "exam_certificate_number",
                  "exam_valid_until", "status")
    }  # fmt: skip
    form = StandardForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_standard(actor=request.user, standard=standard, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The standard has been updated."))
            return redirect("standards:detail", pk=standard.pk)
    return render(
        request,
        "standards/form.html",
        {"form": form, "title": standard.name, "standard": standard},
        status=422 if form.errors else 200,
    )


@require_POST
@permission_required("standards.manage")
def instrument_add(request, pk: int):
    standard = _visible_standard(request, pk)
    form = InstrumentForm(request.POST)
    if form.is_valid():
        try:
            services.add_instrument(actor=request.user, standard=standard, **form.cleaned_data)
        except ValidationError as exc:
            into_form(form, exc)
        else:
            messages.success(request, _("The instrument has been added."))
            return redirect("standards:detail", pk=standard.pk)
    messages.error(request, form_message(form))
    return redirect("standards:detail", pk=standard.pk)


@require_POST
@permission_required("standards.manage")
def certificate_add(request, pk: int):
    if not request.user.has_perm("standards.view"):
        raise PermissionDenied
    instrument = get_object_or_404(
        StandardInstrument.objects.filter(standard__center__in=visible_centers(request.user)),
        pk=pk,
    )
    form = InstrumentCertificateForm(request.POST)
    if form.is_valid():
        try:
            services.record_instrument_certificate(
                actor=request.user, instrument=instrument, **form.cleaned_data
            )
        except ValidationError as exc:
            into_form(form, exc)
        else:
            messages.success(request, _("The certificate has been recorded."))
            return redirect("standards:detail", pk=instrument.standard_id)
    messages.error(request, form_message(form))
    return redirect("standards:detail", pk=instrument.standard_id)


@permission_required("standards.view")
def authorization_list(request):
    queryset = (
        Authorization.objects.filter(center__in=visible_centers(request.user))
        .select_related("center", "person")
        .order_by("center__code", "person__username", "method_code", "-valid_until")
    )
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "standards/authorizations.html",
        {
            "page": page,
            "can_grant": request.user.has_perm("standards.authorize")
            and directed_centers(request.user).exists(),
            "directed": set(directed_centers(request.user).values_list("pk", flat=True)),
            "today": services.today(),
        },
    )


@permission_required("standards.authorize")
def authorization_new(request):
    centers = directed_centers(request.user)
    people = User.objects.filter(
        roles__organisation__centers__in=centers,
        roles__role__in=("center_staff", "center_director"),
    ).distinct().order_by("username")  # fmt: skip
    form = AuthorizationForm(request.POST or None, centers=centers, people=people)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.grant_authorization(actor=request.user, **data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The authorization has been granted."))
            return redirect("standards:authorizations")
    return render(
        request,
        "standards/form.html",
        {"form": form, "title": _("New authorization")},
        status=422 if form.errors else 200,
    )


@require_POST
@permission_required("standards.authorize")
def authorization_revoke(request, pk: int):
    authorization = get_object_or_404(
        Authorization.objects.filter(center__in=visible_centers(request.user)), pk=pk
    )
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form_message(form))
        services.revoke_authorization(
            actor=request.user, authorization=authorization, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The authorization has been revoked."))
    return redirect("standards:authorizations")
