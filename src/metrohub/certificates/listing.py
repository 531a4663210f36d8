"""The center's list of issued certificates: its search, filters and sortable columns."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from metrohub.centers.models import Center
from metrohub.certificates.models import Certificate, CertificateKind
from metrohub.core.listing import Filter, Listing, Sort, exact


def _search(queryset, text):
    # a certificate or serial number is matched whole (an index lookup over millions of rows);
    # names by any part
    return queryset.filter(
        Q(number=text) | Q(job__serial_number=text) | Q(job__instrument_name__contains=text)
        | Q(customer__name__contains=text)
    )  # fmt: skip


def _center_choices(queryset):
    centers = Center.objects.filter(pk__in=queryset.order_by().values("center_id"))
    return [(c.code, c.display_name) for c in centers.order_by("code")]


CERTIFICATES = Listing(
    name="certificates",
    url_name="certificates:work",
    search=_search,
    filters=(
        Filter("kind", _("Kind"), exact("kind"), lambda _qs: list(CertificateKind.choices)),
        Filter(
            "status", _("Status"), exact("status"), lambda _qs: list(Certificate.Status.choices)
        ),
        Filter("center", _("Center"), exact("center__code"), _center_choices),
    ),
    sorts=(
        Sort("issued", _("Date of issue"), ("issued_at",)),
        Sort("number", _("Certificate number"), ("number",)),
        Sort("valid_until", _("Valid until"), ("valid_until",)),
    ),
    default_order=("-issued_at", "-pk"),
)
