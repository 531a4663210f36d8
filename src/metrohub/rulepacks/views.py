from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from metrohub.core.errors import SHOWN_ON_PAGE, into_form
from metrohub.rulepacks.forms import TextsForm
from metrohub.rulepacks.services import (
    fill_texts,
    find_pack,
    may_edit,
    pending_items,
    readable_rows,
    registry,
)


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


def pack_texts(request, code: str):
    """The programme regulator enters the texts its pack's seed does not give; saving makes a
    new version of the pack."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    try:
        pack = registry().latest(code)
    except KeyError:
        raise Http404 from None
    if not may_edit(request.user, pack):
        raise PermissionDenied
    pending = pending_items(pack)
    form = TextsForm(request.POST or None, pending=pending)
    if request.method == "POST" and form.is_valid():
        try:
            made = fill_texts(
                actor=request.user,
                code=code,
                items=form.items(),
                effective_date=form.cleaned_data["effective_date"],
                reason=form.cleaned_data["reason"],
            )
        except SHOWN_ON_PAGE as exc:
            into_form(form, exc)
        else:
            messages.success(
                request,
                _("Version %(key)s is made; cases keep theirs until moved.") % {"key": made.key},
            )
            return redirect("rulepacks:texts", code=code)
    return render(
        request,
        "rulepacks/texts.html",
        {"pack": pack, "pending": pending, "form": form, "versions": registry().versions(code)},
    )
