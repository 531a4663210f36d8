"""One search across centers, capabilities, public notices and service guides."""

from django.utils.translation import get_language
from ninja import Field, Query, Router, Schema

from metrohub.core.api import ERRORS
from metrohub.search.services import site_search

router = Router(tags=["search"])


class SiteSearchIn(Schema):
    q: str = Field("", max_length=200, description="Words to find (at most 200 characters)")


class SiteSearchHit(Schema):
    title: str
    subtitle: str
    url: str


class SiteSearchGroup(Schema):
    kind: str
    label: str
    count: int
    count_exact: bool
    more: bool
    more_url: str
    results: list[SiteSearchHit]


class SiteSearchOut(Schema):
    q: str
    groups: list[SiteSearchGroup]


@router.get(
    "/search",
    response={200: SiteSearchOut, **ERRORS},
    auth=None,
    summary="Search centers, capabilities, public notices and service guides at once",
)
def search(request, query: Query[SiteSearchIn]):
    return site_search(query.q, lang=get_language() or "zh-hans")
