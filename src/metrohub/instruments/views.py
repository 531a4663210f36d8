"""Pages of the instrument register (industry users), the district's filed instruments
(regulators), customers' instruments falling due (centers) and a site's public page. Thin over
`services`."""

import datetime as dt
import io

import segno
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from metrohub.catalogue.importing import FileError
from metrohub.core.exports import neutralise_row
from metrohub.core.permissions import permission_required
from metrohub.instruments import importing, services
from metrohub.instruments.forms import (
    CertificateLinkForm,
    FilingForm,
    ImportForm,
    InstrumentForm,
    SiteForm,
)
from metrohub.instruments.models import Site

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PER_PAGE = 50
MAX_UPLOAD = 5 * 1024 * 1024
STATES = ("due", "overdue")


def _rows(page, on):
    return [(i, services.state_of(i, on), services.state_label(services.state_of(i, on)))
            for i in page]  # fmt: skip


def _filter_state(queryset, state: str, on: dt.date):
    soon = on + dt.timedelta(days=services.DUE_SOON_DAYS)
    if state == "due":
        return queryset.filter(due_on__gte=on, due_on__lte=soon)
    if state == "overdue":
        return queryset.filter(due_on__lt=on)
    return queryset


@permission_required("instruments.keep")
def register(request):
    owner = services.owner_of(request.user)
    on = services.today()
    queryset = services.register_of(request.user)
    state = request.GET.get("state", "")[:10]
    queryset = _filter_state(queryset, state, on)
    q = request.GET.get("q", "").strip()[:100]
    if q:
        queryset = queryset.filter(name__contains=q) | queryset.filter(serial_number=q)
    page = Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "instruments/register.html",
        {
            "owner": owner,
            "page": page,
            "rows": _rows(page, on),
            "state": state if state in STATES else "",
            "q": q,
            "summary": services.district_summary(services.register_of(request.user), on),
            "feed": services.feed_of(owner),
        },
    )


@permission_required("instruments.keep")
def instrument_new(request):
    owner = services.owner_of(request.user)
    form = InstrumentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            instrument = services.create_instrument(actor=request.user, owner=owner,
                                                    data=form.cleaned_data)  # fmt: skip
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The instrument has been added to the register."))
            return redirect("instruments:detail", pk=instrument.pk)
    return render(request, "instruments/form.html", {"form": form},
                  status=422 if form.errors else 200)  # fmt: skip


@permission_required("instruments.keep")
def instrument_detail(request, pk: int):
    instrument = services.get_instrument(request.user, pk)
    on = services.today()
    state = services.state_of(instrument, on)
    return render(
        request,
        "instruments/detail.html",
        {
            "instrument": instrument,
            "state": state,
            "state_label": services.state_label(state),
            "find_url": services.find_center_url(instrument),
            "link_form": CertificateLinkForm(),
            "filing_form": FilingForm(owner=instrument.owner),
        },
    )


@require_POST
@permission_required("instruments.keep")
def link_certificate(request, pk: int):
    instrument = services.get_instrument(request.user, pk)
    form = CertificateLinkForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Enter a certificate number."))
        services.link_certificate(actor=request.user, instrument=instrument,
                                  number=form.cleaned_data["certificate_number"])  # fmt: skip
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The certificate has been linked."))
    return redirect("instruments:detail", pk=pk)


@require_POST
@permission_required("instruments.keep")
def file_instrument(request, pk: int):
    instrument = services.get_instrument(request.user, pk)
    form = FilingForm(request.POST, owner=instrument.owner)
    try:
        if not form.is_valid():
            raise ValidationError(_("Choose a site."))
        services.file_instrument(actor=request.user, instrument=instrument,
                                 site=form.cleaned_data["site"])  # fmt: skip
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The instrument has been filed with the district bureau."))
    return redirect("instruments:detail", pk=pk)


@permission_required("instruments.keep")
def import_page(request):
    owner = services.owner_of(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > MAX_UPLOAD:
                raise FileError(_("The file is larger than 5 MB."))
            rows = importing.parse(upload.read(), upload.name)
            count = services.import_rows(actor=request.user, owner=owner, rows=rows)
        except FileError as exc:
            problems = [str(exc)]
        except ValidationError as exc:
            problems = exc.messages
        else:
            messages.success(request, _("%(count)d instruments imported.") % {"count": count})
            return redirect("instruments:register")
    return render(request, "instruments/import.html", {"form": form, "problems": problems},
                  status=422 if problems else 200)  # fmt: skip


@permission_required("instruments.keep")
def template_download(request):
    response = HttpResponse(importing.template_bytes(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="instruments.xlsx"'
    return response


def calendar_feed(request, token: str):
    response = HttpResponse(services.ical(token), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="instruments.ics"'
    return response


@permission_required("instruments.keep")
def sites(request):
    owner = services.owner_of(request.user)
    form = SiteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_site(actor=request.user, owner=owner, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The site has been added."))
            return redirect("instruments:sites")
    return render(
        request,
        "instruments/sites.html",
        {"sites": Site.objects.filter(owner=owner).select_related("district"), "form": form},
        status=422 if form.errors else 200,
    )


def _own_site(request, pk: int) -> Site:
    return get_object_or_404(Site.objects.filter(owner=services.owner_of(request.user)), pk=pk)


def public_url(request, site: Site) -> str:
    return request.build_absolute_uri(f"/public/sites/{site.token}")


@permission_required("instruments.keep")
def site_poster(request, pk: int):
    site = _own_site(request, pk)
    url = public_url(request, site)
    qr = segno.make(url, error="m").png_data_uri(scale=8, border=4)
    return render(request, "instruments/poster.html", {"site": site, "url": url, "qr": qr})


@permission_required("instruments.keep")
def site_qr(request, pk: int):
    site = _own_site(request, pk)
    buffer = io.BytesIO()
    segno.make(public_url(request, site), error="m").save(buffer, kind="png", scale=8, border=4)
    return HttpResponse(buffer.getvalue(), content_type="image/png")


def public_site(request, token: str):
    site = services.site_by_token(token)
    on = services.today()
    filed = site.instruments.filter(filed_at__isnull=False).select_related("category")
    return render(
        request,
        "instruments/public_site.html",
        {"site": site, "rows": _rows(filed.order_by("name", "pk")[:500], on), "today": on},
    )


@permission_required("instruments.supervise")
def district(request):
    on = services.today()
    queryset = services.filed_in(request.user)
    summary = services.district_summary(queryset, on)
    state = request.GET.get("state", "")[:10]
    page = Paginator(_filter_state(queryset, state, on).order_by("due_on", "pk"),
                     PER_PAGE).get_page(request.GET.get("page"))  # fmt: skip
    return render(
        request,
        "instruments/district.html",
        {"page": page, "rows": _rows(page, on), "summary": summary,
         "state": state if state in STATES else ""},
    )  # fmt: skip


@permission_required("instruments.supervise")
def district_export(request):
    on = services.today()
    state = request.GET.get("state", "")[:10]
    queryset = _filter_state(services.filed_in(request.user), state, on).order_by("due_on", "pk")
    book = Workbook(write_only=True)
    sheet = book.create_sheet("备案计量器具")
    sheet.append([_("District"), _("User"), _("Site"), _("Instrument"), _("Serial number"),
                  _("Compulsory verification category"), _("Last verified"), _("Due date"),
                  _("State")])  # fmt: skip
    for instrument in queryset[:50_000]:
        sheet.append(neutralise_row([
            instrument.filed_district.name, instrument.owner.name,
            instrument.site.name if instrument.site else "", instrument.name,
            instrument.serial_number, instrument.category.name if instrument.category else "",
            instrument.last_verified_on, instrument.due_on,
            services.state_label(services.state_of(instrument, on)),
        ]))  # fmt: skip
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="filed-instruments.xlsx"'
    return response


@permission_required("instruments.plan")
def customers(request):
    on = services.today()
    queryset = services.customers_due(request.user, before=on + dt.timedelta(days=90))
    page = Paginator(queryset.order_by("due_on", "pk"), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "instruments/customers.html", {"page": page, "rows": _rows(page, on)})
