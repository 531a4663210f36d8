"""The public registry of centers: its search, filters and sortable columns."""

from django.utils.translation import gettext_lazy as _

from metrohub.centers import registry
from metrohub.centers.models import Center
from metrohub.core.listing import Filter, Listing, Sort, exact


def _in_region(queryset, code):
    # a province and everything under it share the division code's first two digits
    return queryset.filter(jurisdiction__code__startswith=code[:2])


CENTERS = Listing(
    name="centers",
    url_name="centers:list",
    search=registry.search,
    filters=(
        Filter(
            "region",
            _("Region"),
            _in_region,
            lambda _qs: [(j.code, j.display_name) for j in registry.regions()],
        ),
        Filter(
            "industry",
            _("Industry"),
            exact("industry_domain"),
            lambda _qs: [(i, i) for i in registry.industries()],
        ),
        Filter(
            "status",
            _("Status"),
            exact("status"),
            lambda _qs: [(v, str(label)) for v, label in Center.Status.choices if v != "revoked"],
        ),
        Filter("level", _("Level"), exact("level"), lambda _qs: list(Center.Level.choices)),
    ),
    sorts=(
        Sort("code", _("Code"), ("code",)),
        Sort("name", _("Center name"), ("name",)),
        Sort("established", _("Established on"), ("established_on",)),
    ),
    default_order=("code",),
)
