from django.http import Http404
from django.shortcuts import render
from django.utils.translation import get_language

from metrohub.rulepacks.services import find_pack, readable_rows, registry


def pack_list(request):
    packs = [p for code in registry().codes() for p in registry().versions(code)]
    return render(request, "rulepacks/list.html", {"packs": packs})


def pack_detail(request, ref: str):
    try:
        pack = find_pack(ref)
    except KeyError:
        raise Http404 from None
    lang = get_language() or "zh-hans"
    return render(
        request,
        "rulepacks/detail.html",
        {
            "pack": pack,
            "meta": pack.pack,
            "rows": readable_rows(pack, lang),
            "en": lang.startswith("en"),
            "versions": registry().versions(pack.code),
        },
    )
