"""One search across centers, capabilities, public notices and service guides."""

from django.utils.translation import get_language
from ninja import Field, Query, Router, Schema

from metrohub.core.api import ERRORS
from metrohub.search.services import site_search

router = Router(tags=["search"])


class SearchIn(Schema):
    q: str = Field("", max_length=200, description="Words to find (at most 200 characters)")


class Hit(Schema):
    title: str
    subtitle: str
    url: str


class Group(Schema):
    kind: str
    label: str
    count: int
    count_exact: bool
    more: bool
    more_url: str
    results: list[Hit]


class SearchOut(Schema):
    q: str
    groups: list[Group]


@router.get(
    "/search",
    response={200: SearchOut, **ERRORS},
    auth=None,
    summary="Search centers, capabilities, public notices and service guides at once",
)
def search(request, query: Query[SearchIn]):
    return site_search(query.q, lang=get_language() or "zh-hans")
