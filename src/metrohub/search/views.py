from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from metrohub.search.services import site_search


def search(request):
    result = site_search(request.GET.get("q"), lang=get_language() or "zh-hans")
    return render(
        request,
        "search/results.html",
        {
            **result,
            "site_q": result["q"],
            "total": sum(g["count"] for g in result["groups"]),
            "breadcrumbs": [(_("Home"), reverse("core:home")), (_("Search"), "")],
        },
    )
