import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from metrohub.core.api import ERRORS, WRITE_ERRORS
from metrohub.rulepacks.services import fill_texts, find_pack, may_edit, pending_items, registry

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


class PendingOut(Schema):
    section: str
    code: str
    label: str
    article: str
    enumeration: str


class TextItemIn(Schema):
    section: str = Field(..., max_length=40)
    code: str = Field(..., max_length=80)
    text_zh: str = Field(..., max_length=2000)
    text_en: str = Field(..., max_length=2000)
    source_document: str = Field(..., max_length=200)
    source_article: str = Field(..., max_length=60)


class TextsIn(Schema):
    items: list[TextItemIn] = Field(..., min_length=1, max_length=200)
    effective_date: dt.date
    reason: str = Field("", max_length=2000)


def _editable(request, code: str):
    try:
        pack = registry().latest(code)
    except KeyError:
        raise Http404 from None
    if not may_edit(request.user, pack):
        raise PermissionDenied(
            _("The programme regulator of the pack's jurisdiction enters texts.")
        )
    return pack


@router.get(
    "/rulepacks/{code}/texts",
    response={200: list[PendingOut], **ERRORS},
    summary="The items of a pack whose text the seed does not give (its regulator)",
)
def pending_texts(request, code: str):
    return pending_items(_editable(request, code))


@router.post(
    "/rulepacks/{code}/texts",
    response={201: PackSummary, **WRITE_ERRORS},
    summary="Enter texts the seed does not give: a new version of the pack (its regulator)",
)
def enter_texts(request, code: str, body: TextsIn):
    _editable(request, code)
    pack = fill_texts(
        actor=request.user,
        code=code,
        items=[i.dict() for i in body.items],
        effective_date=body.effective_date,
        reason=body.reason,
    )
    return Status(201, _summary(pack))
