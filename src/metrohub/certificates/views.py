"""Pages for the center's work (lab engineer, checker, director), the issued certificate (also
the regulator's and the customer's), and the customer's list. Thin over `services`."""

import json
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from metrohub.certificates import guards, services
from metrohub.certificates.forms import (
    NEW_POINT_ROWS,
    JobForm,
    PointForm,
    PointFormSet,
    ReasonForm,
    point_initial,
)
from metrohub.certificates.listing import CERTIFICATES
from metrohub.certificates.models import Certificate, Job
from metrohub.certificates.pdf import kind_title
from metrohub.core.errors import DomainError
from metrohub.core.exports import EXPORT_CAP, xlsx_response
from metrohub.core.listing import export_rows, page_context
from metrohub.core.paging import bounded_page
from metrohub.core.permissions import permission_required
from metrohub.standards.history import rows
from metrohub.standards.models import MeasurementStandard
from metrohub.standards.scope import staffed_centers

PER_PAGE = 25
EVENT_LABELS = {
    "job.drafted": gettext_lazy("job recorded"),
    "job.updated": gettext_lazy("draft changed"),
    "job.performed": gettext_lazy("signed by the performer"),
    "job.checked": gettext_lazy("signed by the checker"),
    "job.issued": gettext_lazy("approved and issued"),
    "certificate.issued": gettext_lazy("certificate issued"),
    "certificate.superseded": gettext_lazy("superseded by an amendment"),
    "certificate.revoked": gettext_lazy("revoked"),
}
OPEN = (Job.State.DRAFT, Job.State.PERFORMED, Job.State.CHECKED)


@permission_required("certificates.work")
def work(request):
    """The center's work list: jobs waiting for a signature, then the certificates issued."""
    jobs = services.jobs_for(request.user)
    waiting = list(jobs.filter(state__in=OPEN).order_by("-pk")[:100])
    centers = _centers(request.user)
    listed = CERTIFICATES.apply(_issued(request.user, centers), request.GET)
    rows = services.newest_first(listed.queryset, "center_id", centers)
    page = bounded_page(rows, PER_PAGE, request.GET.get("page"))
    return render(
        request,
        "certificates/work.html",
        {
            "waiting": waiting,
            "page": page,
            **page_context(request.user, listed, export_url=reverse("certificates:export")),
        },
    )


def _centers(user) -> list[int]:
    return list(staffed_centers(user).values_list("pk", flat=True))


def _issued(user, centers: list[int] | None = None):
    # the ids, not a subquery: the planner then walks the (center, issued_at, id) index of a
    # center holding millions of certificates instead of sorting them
    centers = _centers(user) if centers is None else centers
    return services.certificates_for(user).filter(center_id__in=centers)


@permission_required("certificates.work")
def export(request):
    """The filtered list as a workbook, at most `EXPORT_CAP` rows (the last line says if cut)."""
    listed = CERTIFICATES.apply(_issued(request.user), request.GET)
    rows, cut = export_rows(listed.queryset, _certificate_row, cap=EXPORT_CAP)
    return xlsx_response(
        filename="certificates",
        title=_("Issued certificates"),
        columns=[
            _("Certificate number"),
            _("Kind"),
            _("Instrument"),
            _("Serial number"),
            _("Customer"),
            _("Center"),
            _("Date of issue"),
            _("Valid until"),
            _("Status"),
        ],
        rows=rows,
        note=_("Only the first %(n)d rows are exported.") % {"n": EXPORT_CAP} if cut else "",
    )


def _certificate_row(certificate) -> list:
    return [
        certificate.number,
        str(certificate.get_kind_display()),
        certificate.job.instrument_name,
        certificate.job.serial_number,
        certificate.customer.name,
        certificate.center.display_name,
        timezone.localdate(certificate.issued_at),
        certificate.valid_until,
        str(certificate.get_status_display()),
    ]


@login_required
def mine(request):
    """The customer's certificates: those issued to an organisation the person belongs to."""
    own = services.customer_organisations(request.user)
    rows = services.newest_first(services.customer_certificates(request.user), "customer_id", own)
    page = bounded_page(rows, PER_PAGE, request.GET.get("page"))
    return render(request, "certificates/mine.html", {"page": page})


def _standards_for(centers):
    return MeasurementStandard.objects.filter(
        center__in=centers, status=MeasurementStandard.Status.IN_SERVICE
    ).select_related("center")


def _points(formset) -> list[dict]:
    return [p for p in (form.point() for form in formset.forms) if p is not None]


def _point_label(field: str) -> str:
    """`points[2].nominal` → "第 3 点 · 标称值": the row and column people see."""
    match = re.match(r"points\[(\d+)\](?:\.(\w+))?", field)
    label = _("Point %(n)d") % {"n": int(match[1]) + 1}
    column = PointForm.base_fields.get(match[2] or "")
    return f"{label} · {column.label}" if column else label


def _apply_errors(form, formset, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        if field.startswith("points["):
            formset.non_form_errors_list.append(f"{_point_label(field)}：{'；'.join(errors)}")
        elif field in form.fields:
            form.add_error(field, errors)
        else:
            form.add_error(None, errors)


def _formset(request, initial):
    formset = PointFormSet(request.POST or None, initial=initial, prefix="points")
    formset.non_form_errors_list = []
    return formset


@permission_required("certificates.work")
def new(request):
    centers = staffed_centers(request.user)
    form = JobForm(request.POST or None, centers=centers, standards=_standards_for(centers))
    formset = _formset(request, [{"u_source": "typed"}] * NEW_POINT_ROWS)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = {**form.job_data(), "points": _points(formset)}
        try:
            job = services.create_job(
                actor=request.user, center=form.cleaned_data["center"], data=data
            )
        except ValidationError as exc:
            _apply_errors(form, formset, exc)
        else:
            messages.success(request, _("The job has been recorded as a draft."))
            return redirect("certificates:job", pk=job.pk)
    return render(
        request,
        "certificates/job_form.html",
        {"form": form, "formset": formset, "title": _("Record a job")},
        status=422 if request.method == "POST" else 200,
    )


@permission_required("certificates.work")
def edit(request, pk: int):
    job = services.get_job(request.user, pk)
    if job.state != Job.State.DRAFT:
        messages.error(request, _("Only a draft can change; this job has been signed."))
        return redirect("certificates:job", pk=job.pk)
    initial = {
        name: getattr(job, name)
        for name in JobForm.base_fields
        if name not in ("center", "standards", "budget") and hasattr(job, name)
    }
    initial["standards"] = list(job.standards.all())
    initial["budget"] = "" if job.budget is None else json.dumps(job.budget, ensure_ascii=False)
    form = JobForm(request.POST or None, initial=initial, editing=True,
                   standards=_standards_for([job.center]))  # fmt: skip
    points = [point_initial(p) for p in job.points.all()] + [{"u_source": "typed"}] * 3
    formset = _formset(request, points)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = {**form.job_data(), "points": _points(formset)}
        try:
            services.update_job(actor=request.user, job=job, data=data)
        except ValidationError as exc:
            _apply_errors(form, formset, exc)
        except DomainError as exc:
            messages.error(request, str(exc))
            return redirect("certificates:job", pk=job.pk)
        else:
            messages.success(request, _("The draft has been saved."))
            return redirect("certificates:job", pk=job.pk)
    return render(
        request,
        "certificates/job_form.html",
        {"form": form, "formset": formset, "title": _("Edit the draft"), "job": job},
        status=422 if request.method == "POST" else 200,
    )


@permission_required("certificates.work")
def job_detail(request, pk: int):
    job = services.get_job(request.user, pk)
    step = guards.step_for(job)
    problems = {}
    if step is not None:
        problems = guards.people_problems(job, actor=request.user, on=services.today())
        problems.update(services.check_guards(job))
    return render(
        request,
        "certificates/job.html",
        {
            "job": job,
            "points": list(job.points.all()),
            "standards": list(job.standards.all()),
            "step": step,
            "step_label": _step_label(step),
            "problems": [m for messages_ in problems.values() for m in messages_],
            "certificate": Certificate.objects.filter(job=job).first(),
            "events": rows(job.subject, EVENT_LABELS),
        },
    )


def _step_label(step: str | None) -> str:
    from metrohub.standards.models import Step

    return Step(step).label if step else ""


@require_POST
@permission_required("certificates.work")
def sign(request, pk: int):
    job = services.get_job(request.user, pk)
    try:
        job = services.sign(actor=request.user, job=job)
    except ValidationError as exc:
        for errors in exc.message_dict.values():
            for message in errors:
                messages.error(request, message)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        if job.state == Job.State.ISSUED:
            messages.success(
                request,
                _("Approved: certificate %(number)s has been issued.")
                % {"number": job.certificate.number},
            )
            return redirect("certificates:detail", number=job.certificate.number)
        messages.success(request, _("Your signature has been recorded."))
    return redirect("certificates:job", pk=job.pk)


def _certificate(request, number: str) -> Certificate:
    if not request.user.is_authenticated:
        raise PermissionDenied
    return services.get_certificate(request.user, number)


@login_required
def detail(request, number: str):
    certificate = _certificate(request, number)
    job = certificate.job
    works_here = services.can_work(request.user, certificate.center)
    return render(
        request,
        "certificates/detail.html",
        {
            "certificate": certificate,
            "job": job,
            "title": kind_title(certificate.kind),
            "points": list(job.points.all()),
            "replaced_by": getattr(certificate, "replaced_by", None),
            "can_amend": works_here and certificate.status == Certificate.Status.VALID,
            "can_revoke": services.can_revoke(request.user, certificate)
            and certificate.status != Certificate.Status.REVOKED,
            "reason_form": ReasonForm(),
            "events": rows(certificate.subject, EVENT_LABELS) if works_here else [],
        },
    )


@login_required
def download(request, number: str, what: str):
    certificate = _certificate(request, number)
    if what == "pdf":
        body, kind, name = services.read_pdf(certificate), "application/pdf", f"{number}.pdf"
    elif what == "xml":
        body, kind, name = services.read_xml(certificate), "application/xml", f"{number}.dcc.xml"
    else:
        raise Http404
    response = HttpResponse(body, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
@login_required
def revoke(request, number: str):
    certificate = _certificate(request, number)
    if not services.can_revoke(request.user, certificate):
        raise PermissionDenied
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError({"reason": [_("Give the reason.")]})
        services.revoke(
            actor=request.user, certificate=certificate, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        messages.error(request, "；".join(m for ms in exc.message_dict.values() for m in ms))
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The certificate has been revoked."))
    return redirect("certificates:detail", number=number)


@require_POST
@login_required
def amend(request, number: str):
    certificate = _certificate(request, number)
    if not services.can_work(request.user, certificate.center):
        raise PermissionDenied
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError({"reason": [_("Give the reason.")]})
        job = services.amend(
            actor=request.user, certificate=certificate, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        messages.error(request, "；".join(m for ms in exc.message_dict.values() for m in ms))
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("An amendment has been started; correct the draft and sign it.")
        )
        return redirect("certificates:edit", pk=job.pk)
    return redirect("certificates:detail", number=number)
