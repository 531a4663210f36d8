from django.http import Http404
from ninja import Router, Schema

from metrohub.core.api import ERRORS
from metrohub.rulepacks.services import find_pack, registry

router = Router(tags=["rule packs"])


class PackSummary(Schema):
    code: str
    version: str
    key: str
    jurisdiction: str
    level: str
    title_zh: str
    title_en: str
    effective_date: str | None
    in_force_since: str | None


def _summary(pack) -> dict:
    meta = pack.pack
    effective = meta.effective_date.isoformat() if meta.effective_date else None
    return {
        "code": pack.code,
        "version": pack.version,
        "key": pack.key,
        "jurisdiction": meta.jurisdiction,
        "level": meta.level,
        "title_zh": meta.title_zh,
        "title_en": meta.title_en,
        "effective_date": effective,
        "in_force_since": effective,
    }


@router.get(
    "/rulepacks",
    response={200: list[PackSummary], **ERRORS},
    auth=None,
    summary="Every rule pack version",
)
def list_packs(request):
    return [_summary(p) for code in registry().codes() for p in registry().versions(code)]


@router.get(
    "/rulepacks/{ref}",
    response={200: dict, **ERRORS},
    auth=None,
    summary="One rule pack: `chongqing` (latest), `chongqing@2022` or `chongqing-2022`",
)
def get_pack(request, ref: str):
    try:
        return find_pack(ref).to_public_dict()
    except KeyError:
        raise Http404 from None
