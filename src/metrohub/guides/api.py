"""Service guides as JSON: the list of programmes and one guide with every element."""

import datetime as dt

from django.http import Http404
from django.utils.translation import get_language
from ninja import Router, Schema

from metrohub.core.api import ERRORS
from metrohub.guides import services

router = Router(tags=["service guides"])


class GuideSummary(Schema):
    code: str
    version: str
    name: str
    type: str
    jurisdiction: str
    title: str
    issuer: str
    effective: dt.date | None
    stages: int
    materials: int


@router.get(
    "/guides",
    response={200: list[GuideSummary], **ERRORS},
    auth=None,
    summary="The service guide of every programme (the rules in force today)",
)
def list_guides(request):
    return services.summaries(lang=get_language() or "zh-hans")


@router.get(
    "/guides/{code}",
    response={200: dict, **ERRORS},
    auth=None,
    summary="One service guide: `chongqing` (in force today), `chongqing-2022` or `chongqing@2022`",
)
def get_guide(request, code: str):
    try:
        pack = services.guide_pack(code)
    except KeyError:
        raise Http404 from None
    return services.guide_json(services.build_guide(pack, lang=get_language() or "zh-hans"))
