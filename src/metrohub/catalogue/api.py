"""Public catalogue API: search with facets, "who can measure this?", one line."""

from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from metrohub.catalogue.importing import line_json as _line_json
from metrohub.catalogue.models import Area, CapabilityLine, ServiceKind
from metrohub.catalogue.search import SEARCH_CAP, Filters, search_page
from metrohub.catalogue.services import find_capable
from metrohub.core.api import ERRORS
from metrohub.core.ratelimit import rate_limited


def line_json(line) -> dict:
    """A line as the API gives it: decimals written out in full (100, never 1E+2)."""
    data = _line_json(line)
    for key, value in (("range_lower", line.range_lower), ("range_upper", line.range_upper)):
        if value is not None:
            data[key] = plain_decimal(value)
    return data


def plain_decimal(value) -> str:
    return format(value.normalize(), "f")


router = Router(tags=["catalogue"])


class UncertaintyOut(Schema):
    form: str
    value: str | None
    value_max: str | None
    formula: str | None
    table: list[list[str]] | None
    relative: bool
    unit: str | None
    k: str | None
    p: str | None


class CapabilityOut(Schema):
    id: int
    center: str
    center_name: str
    status: str
    version: int
    kind: str
    area: str
    branch: str
    industry_domain: str
    measurand: str
    instrument: str
    conditions: str
    range_lower: str | None
    range_upper: str | None
    unit: str
    uncertainty: UncertaintyOut
    accuracy: str
    methods: list[str]
    cnas: bool
    published_on: str | None


class FacetOut(Schema):
    value: str
    label: str
    count: int


class FacetsOut(Schema):
    area: list[FacetOut]
    kind: list[FacetOut]
    region: list[FacetOut]
    center: list[FacetOut]


class SearchOut(Schema):
    count: int = Field(
        ...,
        description=f"matching lines; when count_exact is false, more than this many match "
        f"(counting stops at {SEARCH_CAP:,}; facets and pages cover those lines)",
    )
    count_exact: bool
    page: int
    pages: int
    results: list[CapabilityOut]
    facets: FacetsOut


class SearchIn(Schema):
    q: str = Field("", max_length=100, description="Chinese or English text, any length")
    area: Area | None = None
    kind: ServiceKind | None = None
    center: str = Field("", max_length=32)
    region: str = Field("", max_length=6, description="province-level division code")
    domain: str = Field("", max_length=50, description="industry")
    page: int = Field(1, ge=1, le=100000)
    page_size: int = Field(20, ge=1, le=100)


class FindIn(Schema):
    quantity: str = Field(..., min_length=1, max_length=100)
    value: Decimal = Field(..., gt=-1e12, lt=1e12, allow_inf_nan=False)
    unit: str = Field(..., min_length=1, max_length=32)
    uncertainty: Decimal | None = Field(None, gt=0, lt=1e12, allow_inf_nan=False)
    relative: bool = False
    kind: ServiceKind | None = None


class CenterRef(Schema):
    code: str
    name: str
    director: str
    email: str
    phone: str


class MatchOut(Schema):
    line: CapabilityOut
    uncertainty_at_value: float
    unit: str
    center: CenterRef


@router.get(
    "/capabilities",
    response={200: SearchOut, **ERRORS},
    auth=None,
    summary="Search the published capability catalogue (public)",
)
@rate_limited("search")
def search_capabilities(request, filters: Query[SearchIn]):
    page = search_page(
        Filters(
            q=filters.q,
            area=filters.area or "",
            kind=filters.kind or "",
            center=filters.center,
            region=filters.region,
            domain=filters.domain,
        ),
        page=filters.page,
        page_size=filters.page_size,
    )
    return {
        "count": page.count,
        "count_exact": page.count_exact,
        "page": page.number,
        "pages": page.pages,
        "results": [line_json(line) for line in page.lines],
        "facets": page.facets,
    }


@router.get(
    "/capabilities/find",
    response={200: list[MatchOut], **ERRORS},
    auth=None,
    summary="Who can measure this for me? Lines covering the value with a small enough U",
)
@rate_limited("search")
def find_capabilities(request, query: Query[FindIn]):
    matches = find_capable(
        quantity=query.quantity,
        value=query.value,
        unit=query.unit,
        uncertainty=query.uncertainty,
        uncertainty_relative=query.relative,
        kind=query.kind or "",
    )
    return [
        {
            "line": line_json(m.line),
            "uncertainty_at_value": m.uncertainty,
            "unit": m.unit,
            "center": {
                "code": m.line.center.code,
                "name": m.line.center.name,
                "director": m.line.center.director_name,
                "email": m.line.center.contact_email,
                "phone": m.line.center.contact_phone,
            },
        }
        for m in matches
    ]


@router.get(
    "/capabilities/{line_id}",
    response={200: CapabilityOut, **ERRORS},
    auth=None,
    summary="One published capability line (public)",
)
def get_capability(request, line_id: int):
    line = get_object_or_404(
        CapabilityLine.objects.select_related("center"),
        pk=line_id,
        status=CapabilityLine.Status.PUBLISHED,
    )
    return line_json(line)
