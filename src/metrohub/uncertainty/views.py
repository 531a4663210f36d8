"""The calculator page: paste or upload a budget, see GUM and Monte Carlo side by side, download
the budget (JSON) and the report (PDF). Public: evaluating a budget needs no account."""

from __future__ import annotations

import math
import re
from dataclasses import replace
from typing import Any

import numpy as np
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from scipy import stats

from metrohub.core.ratelimit import rate_limited

from . import services
from .budget import METHODS, BudgetError, evaluate, parse_budget
from .forms import InputFormSet, ModelForm, budget_from_forms, initial_from_budget

TEMPLATE = "uncertainty/calculator.html"


def _method(request) -> str:
    method = request.POST.get("method", "both")
    return method if method in METHODS else "both"


def _read(request) -> tuple[str, Any, list[dict]]:
    """(the text to show again, the decoded document or None, errors in the shared schema)."""
    text = request.POST.get("budget", "")
    upload = request.FILES.get("file")
    if upload is not None and upload.size:
        if upload.size > services.MAX_BUDGET_BYTES:
            return text, None, [{"field": "$", "message": services.too_large_message()}]
        raw = upload.read()
        text = raw.decode("utf-8-sig", errors="replace")
    elif len(text.encode()) > services.MAX_BUDGET_BYTES:
        return "", None, [{"field": "$", "message": services.too_large_message()}]
    else:
        raw = text
    if not text.strip():
        return text, None, [{"field": "$", "message": _("Paste or upload a budget file.")}]
    try:
        return text, services.decode(raw), []
    except BudgetError as exc:
        return text, None, services.field_errors(exc.details)


def _evaluate(
    document: Any, method: str, *, user=None
) -> tuple[dict | None, list[dict], list[str]]:
    """(result, errors, notices) within the page's limits on Monte Carlo trials. A run beyond
    them is queued for a signed-in `user` (a notice says where its result will be)."""
    notices = []
    try:
        budget = parse_budget(document)
        if method != "gum":
            cap = services.page_trials(budget)
            if budget.mcm.adaptive and budget.mcm.max_trials > cap:
                budget = replace(budget, mcm=replace(budget.mcm, max_trials=cap))
                notices.append(
                    _("On this page the adaptive procedure stops at %(trials)s trials.")
                    % {"trials": f"{cap:,}"}
                )
            elif not budget.mcm.adaptive and budget.mcm.trials > cap:
                if user is not None and user.is_authenticated:
                    return _queued(document, method, user, budget)
                message = _(
                    "this page evaluates at most %(trials)s trials for this budget; sign in to "
                    "run larger evaluations as background tasks, or use the command line"
                ) % {"trials": f"{cap:,}"}
                return None, [{"field": "mcm.trials", "message": message}], notices
        return evaluate(budget, method=method), [], notices
    except BudgetError as exc:
        return None, services.field_errors(exc.details), notices


def _builder(document: Any = None) -> tuple[ModelForm, InputFormSet]:
    """Unbound forms showing `document` (the sample when it cannot be shown as rows)."""
    initial = initial_from_budget(document) if document is not None else None
    initial = initial or initial_from_budget(services.SAMPLE_BUDGET)
    model, rows = initial
    return ModelForm(prefix="model", initial=model), InputFormSet(prefix="inputs", initial=rows)


def _queued(document, method, user, budget) -> tuple[dict | None, list[dict], list[str]]:
    """The GUM result now (cheap), the Monte Carlo run queued as a task."""
    result = evaluate(budget, method="gum") if method == "both" else None
    queued, url = services.queue_evaluation(document, method, user.pk)
    notice = _(
        "The Monte Carlo run of %(trials)s trials is queued as a background task (%(task)s); "
        "its result will be at %(url)s."
    ) % {"trials": f"{budget.mcm.trials:,}", "task": queued.id, "url": url}
    return result, [], [notice]


def _page(request, text: str, method: str, result=None, errors=(), notices=(), builder=None):
    lang = "zh" if services.engine_language() == "zh-hans" else "en"
    model_form, input_forms = builder or _builder()
    context = {
        "model_form": model_form,
        "input_forms": input_forms,
        "mode": "form" if builder is not None and builder[0].is_bound else "json",
        "text": text,
        "method": method,
        "methods": [
            ("both", _("GUM and Monte Carlo")),
            ("gum", _("GUM only")),
            ("mcm", _("Monte Carlo only")),
        ],  # fmt: skip
        "errors": list(errors),
        "notices": list(notices),
        "result": result,
        "measurands": _measurands(result, lang) if result else [],
        "lang": lang,
    }
    return render(request, TEMPLATE, context)


@require_http_methods(["GET", "POST"])
@rate_limited("evaluation", methods=("POST",))
def calculator(request):
    if request.method == "GET":
        return _page(request, services.sample_text(), "both")
    if request.POST.get("mode") == "form":
        return _calculate_from_form(request)
    method = _method(request)
    text, document, errors = _read(request)
    notices: list[str] = []
    result = None
    if not errors:
        result, errors, notices = _evaluate(document, method, user=request.user)
    builder = _builder(document) if document is not None else None
    return _page(request, text, method, result, errors, notices, builder=builder)


def _calculate_from_form(request):
    """The model and inputs from the form, evaluated as the budget they make; the budget is
    shown in the JSON box too, for those who want to keep or edit it."""
    method = _method(request)
    model = ModelForm(request.POST, prefix="model")
    inputs = InputFormSet(request.POST, prefix="inputs")
    if not (model.is_valid() and inputs.is_valid()):
        return _page(request, "", method, builder=(model, inputs))
    document = budget_from_forms(model, inputs)
    result, errors, notices = _evaluate(document, method, user=request.user)
    kept = [f for f in inputs.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
    general = []
    for error in errors:
        path, message = error["field"], error["message"]
        row = re.match(r"^inputs\[(\d+)\]\.?(.*)$", path)
        if row and int(row.group(1)) < len(kept):
            kept[int(row.group(1))].add_error(None, f"{row.group(2) or path}: {message}")
        elif path.startswith("measurands[0].model"):
            model.add_error("model", message)
        else:
            general.append(error)
    return _page(
        request,
        services.dumps_budget(document),
        method,
        result,
        general if result is None else [],
        notices,
        builder=(model, inputs),
    )


@require_http_methods(["GET", "POST"])
@rate_limited("evaluation", methods=("POST",))
def budget_download(request):
    """GET: the sample budget; POST: the budget in the form, once it is a valid budget."""
    if request.method == "GET":
        document: Any = services.SAMPLE_BUDGET
    else:
        text, document, errors = _read(request)
        if not errors:
            try:
                parse_budget(document)
            except BudgetError as exc:
                errors = services.field_errors(exc.details)
        if errors:
            return _page(request, text, _method(request), errors=errors)
    response = HttpResponse(
        services.dumps_budget(document) + "\n", content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition_header(True, "uncertainty-budget.json")
    return response


@require_POST
@rate_limited("evaluation")
def report_pdf(request):
    """The report of the budget in the form, as PDF (WeasyPrint, Noto CJK)."""
    from weasyprint import HTML  # imported here: it is slow to load and only this view needs it

    method = _method(request)
    text, document, errors = _read(request)
    result, notices = None, []
    if not errors:
        result, errors, notices = _evaluate(document, method)
    if errors:
        return _page(request, text, method, errors=errors, notices=notices)
    with translation.override("zh-hans"):  # the report is Chinese, as certificates are
        html = render_to_string(
            "uncertainty/report.html",
            {
                "result": result,
                "measurands": _measurands(result, "zh"),
                "notices": notices,
                "generated_at": timezone.localtime(),
            },
            request=request,
        )
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, "uncertainty-report.pdf")
    return response


# --- what the templates show --------------------------------------------------------------------


def _measurands(result: dict, lang: str) -> list[dict]:
    shown = []
    for i, m in enumerate(result["measurands"]):
        gum, mcm = m["gum"], m["mcm"]
        shown.append(
            {
                **m,
                "index": i,
                "rows": gum["budget"] if gum else result["inputs"],
                "report": gum["report"][lang] if gum else None,
                "verdict": mcm["verdict"][lang] if mcm else None,
                "chart": _chart(m) if mcm else None,
                "chart_id": f"uncertainty-chart-{i}",
                "histogram_svg": _histogram_bars(mcm) if mcm else None,
            }
        )
    return shown


def _gum_curve(m: dict, centres: np.ndarray, scale: float) -> list[list[float]]:
    """The GUM's distribution for Y (t with ν_eff, or normal), scaled to the histogram."""
    gum = m["gum"]
    if gum is None or not gum["standard_uncertainty"]:
        return []
    u, dof = gum["standard_uncertainty"], gum["dof_effective"]
    z = (centres - gum["value"]) / u
    density = stats.norm.pdf(z) if dof is None else stats.t.pdf(z, dof)
    return [[float(x), float(y)] for x, y in zip(centres, density * scale / u, strict=True)]


def _chart(m: dict) -> dict:
    mcm = m["mcm"]
    edges = np.asarray(mcm["histogram"]["edges"], dtype=float)
    counts = mcm["histogram"]["counts"]
    centres = (edges[:-1] + edges[1:]) / 2
    width = float(edges[1] - edges[0]) if len(edges) > 1 else 1.0
    unit = f" / {m['unit']}" if m["unit"] else ""
    return {
        "bars": [[float(x), int(c)] for x, c in zip(centres, counts, strict=True)],
        "width": width,
        "curve": _gum_curve(m, centres, mcm["trials"] * width),
        "mcm_interval": mcm["interval"],
        "gum_interval": mcm["gum_interval"],
        "labels": {
            "x": f"{m['symbol']}{unit}",
            "y": _("Trials"),
            "mcm": _("Monte Carlo"),
            "gum": _("GUM"),
            "mcm_interval": _("Monte Carlo interval"),
            "gum_interval": _("GUM interval"),
        },
    }


def _histogram_bars(mcm: dict) -> list[dict]:
    """Bars of the histogram for the PDF's SVG: x and height in a 600 x 160 box."""
    counts = mcm["histogram"]["counts"]
    top = max(counts) or 1
    width = 600 / max(len(counts), 1)
    return [
        {"x": round(i * width, 2), "w": round(width * 0.9, 2), "h": round(160 * c / top, 2),
         "y": round(160 - 160 * c / top, 2)}
        for i, c in enumerate(counts)
        if c and math.isfinite(c)
    ]  # fmt: skip
