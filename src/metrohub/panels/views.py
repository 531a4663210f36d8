"""Pages for panels: thin over `services`. The regulator draws, experts score, the leader
concludes, the regulator acts on the result."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from metrohub.accounts.models import Role
from metrohub.cases import services as cases
from metrohub.core.errors import SHOWN_ON_PAGE, DomainError, page_message
from metrohub.panels import report, services
from metrohub.panels.models import Panel, ScoreSheet
from metrohub.panels.services import ACCEPTANCE


def _int_or_none(value):
    try:
        return int(value) if str(value or "").strip() else None
    except ValueError:
        return "bad"


PER_PAGE = 50


@login_required
def mine(request):
    memberships = (
        services.PanelMember.objects.filter(expert__user=request.user)
        .select_related("panel__case", "sheet")
        .order_by("-panel__pk")
    )
    supervised = (
        Panel.objects.filter(supervisor=request.user).select_related("case").order_by("-pk")
    )
    # an expert's panels accumulate over the years: a page at a time, newest first; the panels
    # supervised are paged apart (their own parameter), each list's links keeping the other's page
    page = Paginator(memberships, PER_PAGE).get_page(request.GET.get("page"))
    watched = Paginator(supervised, PER_PAGE).get_page(request.GET.get("supervised_page"))
    return render(
        request,
        "panels/mine.html",
        {
            "page": page,
            "memberships": page.object_list,
            "watched": watched,
            "supervised": watched.object_list,
            "page_query": urlencode({"supervised_page": watched.number}),
            "watched_query": urlencode({"page": page.number}),
        },
    )


@login_required
def draw(request, case_id: int):
    case = cases.get_case(request.user, case_id)
    if Role.PROGRAMME_REGULATOR not in cases.case_roles(request.user, case):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    problem = None
    values = {"size": "3", "min_outside_region": "0", "required_specialties": "", "seed": ""}
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in values} | {
            "leader_id": request.POST.get("leader_id", "")
        }
        size, outside, seed = (
            _int_or_none(values["size"]),
            _int_or_none(values["min_outside_region"]),
            _int_or_none(values["seed"]),
        )
        for name, v in (("size", size), ("min_outside_region", outside), ("seed", seed)):
            if v == "bad":
                errors[name] = [_("Give a whole number.")]
        if not errors:
            try:
                panel = services.draw_panel(
                    actor=request.user,
                    case=case,
                    size=size if size is not None else 3,
                    min_outside_region=outside or 0,
                    required_specialties=values["required_specialties"].split(),
                    seed=seed,
                )
            except ValidationError as exc:
                errors = exc.message_dict
            except DomainError as exc:
                problem = str(exc)
            else:
                messages.success(request, _("The panel has been drawn."))
                return redirect("panels:detail", pk=panel.pk)
    existing = Panel.objects.filter(case=case).order_by("-pk")
    return render(
        request,
        "panels/draw.html",
        {"case": case, "values": values, "errors": errors, "problem": problem, "panels": existing},
        status=409 if problem else (422 if errors else 200),
    )


@login_required
def detail(request, pk: int):
    panel = services.get_panel(request.user, pk)
    members = list(panel.members.select_related("expert__user", "expert__organisation"))
    done = services.all_submitted(panel)
    authority = services.is_authority(request.user, panel.case)
    replay = services.replay(panel)
    return render(
        request,
        "panels/detail.html",
        {
            "panel": panel,
            "case": panel.case,
            "members": members,
            "all_submitted": done,
            "show_scores": done,
            "leader": services.is_leader(request.user, panel),
            "regulator": Role.PROGRAMME_REGULATOR in cases.case_roles(request.user, panel.case),
            "authority": authority,
            "me": services.my_member(request.user, panel),
            "replay_matches": tuple(replay.panel) == services.initial_members(panel),
            "result": getattr(panel, "result", None) if panel.state != "scoring" else None,
            "score": (
                services.score_text(panel.result, panel.case.pack)
                if panel.state != "scoring" and panel.result.score is not None
                else ""
            ),
            "acceptance": panel.purpose in ACCEPTANCE,
            "method": (
                services.method_text(panel.result.method)
                if panel.state != "scoring" and panel.result.score is not None
                else ""
            ),
        },
    )


def _rows(sheet: ScoreSheet, scores: dict, reasons: dict, errors: dict) -> list:
    rows = []
    for area in sheet.rubric.areas:
        for item in area["items"]:
            code = item["code"]
            rows.append(
                {
                    "area": area,
                    "item": item,
                    "code": code,
                    "score": scores.get(code, ""),
                    "reason": reasons.get(code, ""),
                    "errors": errors.get(f"scores.{code}", []) + errors.get(f"reasons.{code}", []),
                }
            )
    return rows


@login_required
def sheet(request, pk: int):
    sheet = services.get_sheet(request.user, pk)
    panel = sheet.member.panel
    own = sheet.member.expert.user_id == request.user.pk
    errors: dict[str, list[str]] = {}
    problem = None
    scores, reasons = sheet.scores, sheet.reasons
    opinion, recommendation = sheet.opinion, sheet.recommendation
    status = 200
    if request.method == "POST":
        if not own:
            raise PermissionDenied
        codes = [
            i["code"] for a in (sheet.rubric.areas if sheet.rubric else []) for i in a["items"]
        ]
        scores = {c: request.POST.get(f"score_{c}", "").strip() for c in codes}
        reasons = {c: request.POST.get(f"reason_{c}", "").strip() for c in codes}
        opinion = request.POST.get("opinion", "")
        recommendation = request.POST.get("recommendation", "")
        try:
            services.save_sheet(
                actor=request.user,
                sheet=sheet,
                scores={k: v for k, v in scores.items() if v}
                if panel.purpose in ACCEPTANCE
                else {},
                reasons=reasons,
                opinion=opinion,
                recommendation=recommendation,
            )
            if request.POST.get("action") == "submit":
                services.submit_sheet(actor=request.user, sheet=sheet)
                messages.success(request, _("Your score sheet is submitted and locked."))
            else:
                messages.success(request, _("Draft saved."))
        except ValidationError as exc:
            errors, status = exc.message_dict, 422
        except DomainError as exc:
            problem, status = str(exc), exc.status_code
        else:
            return redirect("panels:sheet", pk=sheet.pk)
    return render(
        request,
        "panels/sheet.html",
        {
            "sheet": sheet,
            "panel": panel,
            "case": panel.case,
            "own": own,
            "editable": own and sheet.state == "draft" and panel.state == "scoring",
            "rows": _rows(sheet, scores, reasons, errors) if panel.purpose in ACCEPTANCE else [],
            "opinion": opinion,
            "recommendation": recommendation,
            "errors": errors,
            "problem": problem,
            "acceptance": panel.purpose in ACCEPTANCE,
            **_sheet_figures(panel, scores),
        },
        status=status,
    )


def _sheet_figures(panel, scores) -> dict:
    """The running total as stored or typed, and the pack's maximum and pass mark."""
    from decimal import Decimal, InvalidOperation

    sc = panel.case.pack.acceptance_scoring
    total, blank = Decimal(0), 0
    items = [i["code"] for a in (panel.rubric.areas if panel.rubric else []) for i in a["items"]]
    for code in items:
        try:
            total += Decimal(str(scores.get(code, "")).strip())
        except InvalidOperation:
            blank += 1
    return {
        "running_total": f"{total:.1f}",
        "blank": blank,
        "max_score": sc.max_score if sc else "",
        "pass_score": sc.pass_score if sc else "",
        "pass_comparison": sc.pass_comparison if sc else "",
    }


def _act(request, pk, action):
    panel = services.get_panel(request.user, pk)
    try:
        action(panel)
    except SHOWN_ON_PAGE as exc:
        messages.error(request, page_message(exc))
    return redirect("panels:detail", pk=panel.pk)


@require_POST
@login_required
def conclude(request, pk: int):
    return _act(request, pk, lambda p: services.compute_result(actor=request.user, panel=p))


@require_POST
@login_required
def apply(request, pk: int):
    return _act(
        request,
        pk,
        lambda p: services.apply_result(
            actor=request.user,
            panel=p,
            document_number=request.POST.get("document_number", ""),
            document_date=request.POST.get("document_date", ""),
            reasons=request.POST.get("reasons", ""),
        ),
    )


@require_POST
@login_required
def issue_report(request, pk: int):
    return _act(request, pk, lambda p: report.issue_report(actor=request.user, panel=p))


@login_required
def report_pdf(request, pk: int):
    panel = services.get_panel(request.user, pk)
    if not panel.report:
        raise Http404
    response = FileResponse(
        panel.report.open("rb"),
        as_attachment=True,
        filename=f"panel-{panel.pk}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-SHA256"] = panel.report_sha256
    return response


@require_POST
@login_required
def reopen(request, pk: int):
    sheet = services.get_sheet(request.user, pk)
    panel = sheet.member.panel
    try:
        services.reopen_sheet(
            actor=request.user, sheet=sheet, reason=request.POST.get("reason", "")
        )
    except SHOWN_ON_PAGE as exc:
        messages.error(request, page_message(exc))
    return redirect("panels:detail", pk=panel.pk)


@require_POST
@login_required
def decline(request, pk: int, member_id: int):
    panel = services.get_panel(request.user, pk)
    member = panel.members.filter(pk=member_id).select_related("expert__user").first()
    if member is None:
        raise Http404
    try:
        services.decline_and_replace(
            actor=request.user, member=member, reason=request.POST.get("reason", "")
        )
    except SHOWN_ON_PAGE as exc:
        messages.error(request, page_message(exc))
    return redirect("panels:detail", pk=panel.pk)
